import assert from "node:assert/strict";
import { answersFromFlags } from "../../../lib/onboard/flags.ts";
import { isOpenClawError } from "../../../lib/errors.ts";

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isOpenClawError(err, "USAGE"), String(err));
    assert.equal(err.exitCode, 2);
    return err.message;
  }
  assert.fail("expected a refusal");
}

const NI = { nonInteractive: true, acceptRisk: true };

Deno.test("answersFromFlags() maps stock's flags to answers", () => {
  assert.deepEqual(
    answersFromFlags({
      ...NI,
      mode: "local",
      openaiApiKey: " sk-x ",
      secretInputMode: "ref",
      gatewayPort: "19000",
      gatewayPassword: "pw",
      skipChannels: true,
      installDaemon: false,
      skipHealth: true,
    }, {}),
    {
      acceptRisk: true,
      mode: "local",
      authChoice: "openai-api-key",
      apiKey: "sk-x",
      secretInputMode: "ref",
      gatewayPort: 19000,
      gatewayAuth: "password",
      gatewayPassword: "pw",
      channel: "skip",
      installDaemon: false,
      runHealth: false,
    },
  );
});

Deno.test("answersFromFlags() needs --accept-risk with --non-interactive", () => {
  assert.match(
    refused(() => answersFromFlags({ nonInteractive: true }, {})),
    /^Non-interactive setup requires explicit risk acknowledgement\.\nRead: https:\/\/docs\.openclaw\.ai\/security\nRe-run with: openclaw onboard --non-interactive --accept-risk \.\.\.$/,
  );
  assert.deepEqual(answersFromFlags({}, {}), {}, "interactive runs ask instead");
});

Deno.test("answersFromFlags() refuses stock's bad combinations with stock's messages", () => {
  const cases: [Record<string, unknown>, string][] = [
    [
      { mode: "cloud" },
      'Invalid --mode "cloud". Use "local" or "remote", or run openclaw onboard for interactive setup.',
    ],
    [{ gatewayAuth: "none" }, 'Invalid --gateway-auth "none". Use "token", "password".'],
    [{ tailscale: "on" }, 'Invalid --tailscale "on". Use "off", "serve", "funnel".'],
    [{ gatewayPort: "70000" }, "Invalid --gateway-port. Use a port between 1 and 65535."],
    [
      { gatewayTokenRefEnv: "lower" },
      "Invalid --gateway-token-ref-env. Use an environment variable name like OPENCLAW_GATEWAY_TOKEN.",
    ],
    [
      { mode: "remote", remoteUrl: "ws://h:1", gatewayToken: "t" },
      "--gateway-token configures local gateway auth. Use --remote-token in remote mode.",
    ],
    [
      { mode: "remote", remoteUrl: "http://h" },
      'Invalid --remote-url "http://h". Use a ws:// or wss:// URL.',
    ],
    [{ remoteToken: "t" }, "--remote-token requires --mode remote in non-interactive setup."],
    [
      { authChoice: "gemini-api-key" },
      'Auth choice "gemini-api-key" was not matched to a provider setup flow. Run openclaw onboard to choose interactively.',
    ],
    [
      { authChoice: "openai-api-key", anthropicApiKey: "k" },
      "--anthropic-api-key does not apply to --auth-choice openai-api-key.",
    ],
    [
      { resetScope: "full" },
      "--reset-scope requires --reset. Re-run with openclaw onboard --reset --reset-scope full.",
    ],
    [
      { tui: true },
      "--tui cannot be combined with --non-interactive. Remove --tui for automation, or remove --non-interactive to open the terminal hatch.",
    ],
  ];
  for (const [flags, message] of cases) {
    assert.equal(refused(() => answersFromFlags({ ...NI, ...flags }, {})), message);
  }
});

Deno.test("answersFromFlags() accepts --gateway-token-ref-env only for a set variable", () => {
  assert.match(
    refused(() => answersFromFlags({ ...NI, gatewayTokenRefEnv: "GW_TOKEN" }, {})),
    /^Environment variable "GW_TOKEN" is missing or empty\. Export it first/,
  );
  assert.deepEqual(answersFromFlags({ ...NI, gatewayTokenRefEnv: "GW_TOKEN" }, { GW_TOKEN: "x" }), {
    acceptRisk: true,
    gatewayAuth: "token",
    gatewayTokenRefEnv: "GW_TOKEN",
  });
});

Deno.test("answersFromFlags() infers the custom provider from --custom-base-url", () => {
  const a = answersFromFlags({
    ...NI,
    customBaseUrl: "http://127.0.0.1:1234/v1",
    customModelId: "m",
    customApiKey: "k",
  }, {});
  assert.equal(a.authChoice, "custom-api-key");
  assert.equal(a.apiKey, "k");
  assert.equal(a.customModelId, "m");
});
