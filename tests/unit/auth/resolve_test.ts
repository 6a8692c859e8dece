import assert from "node:assert/strict";
import JSON5 from "json5";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  clientCredentials,
  type GatewayAuthConfigView,
  generateGatewayToken,
  resolveGatewayAuth,
  shouldGenerateGatewayToken,
} from "../../../lib/auth/resolve.ts";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { persistGeneratedToken } from "../../../lib/auth/generated_token.ts";

const cfg = (auth: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
  ({ gateway: { auth, ...rest } }) as GatewayAuthConfigView;

Deno.test("resolveGatewayAuth() prefers CLI flags, then config, then env", () => {
  const env = { OPENCLAW_GATEWAY_TOKEN: "env-t", OPENCLAW_GATEWAY_PASSWORD: "env-p" };
  const both = resolveGatewayAuth({
    config: cfg({ mode: "token", token: "cfg-t", password: "cfg-p" }),
    env,
    cliAuth: { token: "cli-t" },
  });
  assert.equal(both.token, "cli-t");
  assert.equal(both.password, "cfg-p");
  assert.deepEqual(both.source, { token: "cli", password: "config" });

  const fromConfig = resolveGatewayAuth({ config: cfg({ mode: "token", token: "cfg-t" }), env });
  assert.equal(fromConfig.token, "cfg-t");
  assert.equal(fromConfig.password, "env-p");
  assert.deepEqual(fromConfig.source, { token: "config", password: "env" });

  const fromEnv = resolveGatewayAuth({ config: {}, env: { OPENCLAW_GATEWAY_TOKEN: " env-t " } });
  assert.equal(fromEnv.token, "env-t");
  assert.equal(fromEnv.mode, "token");
  assert.deepEqual(fromEnv.source, { token: "env" });
});

Deno.test("resolveGatewayAuth() infers password when one resolves, else token", () => {
  const pw = resolveGatewayAuth({ config: cfg({ password: "p" }), env: {} });
  assert.equal(pw.mode, "password");
  assert.equal(pw.modeSource, "inferred");
  const envPw = resolveGatewayAuth({
    config: cfg({ token: "t" }),
    env: { OPENCLAW_GATEWAY_PASSWORD: "p" },
  });
  assert.equal(envPw.mode, "password");
  const nothing = resolveGatewayAuth({ config: {}, env: {} });
  assert.equal(nothing.mode, "token");
  assert.equal(nothing.token, undefined);
  assert.equal(shouldGenerateGatewayToken(nothing), true);
  assert.equal(shouldGenerateGatewayToken(envPw), false);
  const cliMode = resolveGatewayAuth({
    config: cfg({ mode: "token" }),
    env: {},
    cliAuth: { mode: "none" },
  });
  assert.equal(cliMode.mode, "none");
  assert.equal(cliMode.modeSource, "cli");
});

Deno.test("resolveGatewayAuth() refuses a token and a password with no mode", () => {
  for (
    const [config, cliAuth] of [
      [cfg({ token: "t", password: "p" }), undefined],
      [cfg({ token: "t" }), { password: "p" }],
    ] as const
  ) {
    assert.throws(() => resolveGatewayAuth({ config, env: {}, cliAuth }), (err) => {
      assert.ok(err instanceof OpenClawError);
      assert.equal(err.code, "AUTH_AMBIGUOUS");
      assert.match(err.message, /set gateway\.auth\.mode to token or password/);
      return true;
    });
  }
  assert.equal(
    resolveGatewayAuth({ config: cfg({ mode: "password", token: "t", password: "p" }), env: {} })
      .mode,
    "password",
  );
});

Deno.test("resolveGatewayAuth() resolves SecretRefs through the callback only", () => {
  const ref = { source: "env", provider: "default", id: "GW_TOKEN" };
  const a = resolveGatewayAuth({
    config: cfg({ token: ref }),
    env: {},
    resolveSecret: (r) => r.id === "GW_TOKEN" ? "from-ref" : undefined,
  });
  assert.equal(a.token, "from-ref");
  assert.equal(a.source.token, "config");
  assert.throws(
    () => resolveGatewayAuth({ config: cfg({ token: ref }), env: {} }),
    (err) => err instanceof OpenClawError && err.code === "SECRET_REF_UNRESOLVED",
  );
});

Deno.test("resolveGatewayAuth() ignores blanks and the docs' example token", () => {
  const a = resolveGatewayAuth({
    config: cfg({ token: "change-me-to-a-long-random-token" }),
    env: { OPENCLAW_GATEWAY_TOKEN: "   " },
    cliAuth: { token: "" },
  });
  assert.equal(a.token, undefined);
  assert.throws(
    () => resolveGatewayAuth({ config: {}, env: {}, cliAuth: { mode: "bogus" } }),
    (err) => err instanceof OpenClawError && err.code === "AUTH_MODE_INVALID" && err.exitCode === 2,
  );
});

Deno.test("resolveGatewayAuth() derives allowTailscale and passes trustedProxy through", () => {
  assert.equal(
    resolveGatewayAuth({ config: cfg({ token: "t" }, { tailscale: { mode: "serve" } }), env: {} })
      .allowTailscale,
    true,
  );
  assert.equal(
    resolveGatewayAuth({
      config: cfg({ password: "p" }, { tailscale: { mode: "serve" } }),
      env: {},
    })
      .allowTailscale,
    false,
  );
  assert.equal(
    resolveGatewayAuth({
      config: cfg({ token: "t", allowTailscale: false }, { tailscale: { mode: "serve" } }),
      env: {},
    }).allowTailscale,
    false,
  );
  const tp = { userHeader: "x-forwarded-user", allowUsers: ["nick@example.com"] };
  const a = resolveGatewayAuth({
    config: cfg({ mode: "trusted-proxy", trustedProxy: tp }),
    env: {},
  });
  assert.deepEqual(a.trustedProxy, tp);
});

Deno.test("resolveGatewayAuth() takes the effective tailscaleMode (the --tailscale flag) over the config's", () => {
  const allow = (config: GatewayAuthConfigView, tailscaleMode?: string) =>
    resolveGatewayAuth({ config, env: {}, tailscaleMode }).allowTailscale;
  // `--tailscale serve` alone: the config names no Tailscale mode.
  assert.equal(allow(cfg({ token: "t" }), "serve"), true);
  assert.equal(allow(cfg({ token: "t" })), false);
  // The flag beats the config either way.
  assert.equal(allow(cfg({ token: "t" }, { tailscale: { mode: "serve" } }), "off"), false);
  assert.equal(allow(cfg({ token: "t" }, { tailscale: { mode: "off" } }), "serve"), true);
  assert.equal(allow(cfg({ token: "t" }, { tailscale: { mode: "serve" } }), "funnel"), false);
  // The default still yields to an explicit setting and to password / trusted-proxy modes.
  assert.equal(allow(cfg({ token: "t", allowTailscale: false }), "serve"), false);
  assert.equal(allow(cfg({ password: "p" }), "serve"), false);
  assert.equal(allow(cfg({ mode: "trusted-proxy" }), "serve"), false);
  // With nothing configured, `--tailscale serve` lets token mode start without a token.
  const bare = resolveGatewayAuth({ config: {}, env: {}, tailscaleMode: "serve" });
  assert.equal(shouldGenerateGatewayToken(bare), false);
});

Deno.test("resolveGatewayAuth() accepts a validated config from the schema", () => {
  const config = OpenClawConfigSchema.parse({ gateway: { auth: { mode: "token", token: "abc" } } });
  assert.equal(resolveGatewayAuth({ config, env: {} }).token, "abc");
});

Deno.test("generateGatewayToken() returns 32 random bytes as base64url", () => {
  const a = generateGatewayToken();
  const b = generateGatewayToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
});

const COMMENTED = `// my gateway config
{
  gateway: {
    mode: "local", // keep me
    port: 18789,
  },
}
`;

Deno.test("persistGeneratedToken() writes mode + token, keeps comments, mode 0600", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/openclaw.json`;
    await Deno.writeTextFile(path, COMMENTED, { mode: 0o644 });
    await Deno.chmod(path, 0o644);
    const token = generateGatewayToken();
    assert.deepEqual(await persistGeneratedToken(path, token), { token, generated: true });
    const text = await Deno.readTextFile(path);
    assert.match(text, /\/\/ my gateway config/);
    assert.match(text, /mode: "local", \/\/ keep me/);
    const parsed = JSON5.parse(text);
    assert.deepEqual(parsed.gateway.auth, { mode: "token", token });
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);

    // A token that appeared meanwhile wins and the file is left alone.
    const again = await persistGeneratedToken(path, generateGatewayToken());
    assert.deepEqual(again, { token, generated: false });
    assert.equal(await Deno.readTextFile(path), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("persistGeneratedToken() creates a missing config and refuses a changed mode", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sub/openclaw.json`;
    const { generated } = await persistGeneratedToken(path, "tok");
    assert.equal(generated, true);
    assert.deepEqual(JSON5.parse(await Deno.readTextFile(path)).gateway.auth, {
      mode: "token",
      token: "tok",
    });

    const other = `${dir}/pw.json`;
    await Deno.writeTextFile(other, '{ gateway: { auth: { mode: "password" } } }\n');
    await assert.rejects(
      persistGeneratedToken(other, "tok"),
      (err) => err instanceof OpenClawError && err.code === "CONFIG_CHANGED",
    );
    assert.equal(await Deno.readTextFile(other), '{ gateway: { auth: { mode: "password" } } }\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("clientCredentials() sends CLI flags alone when given", () => {
  const c = clientCredentials({
    config: cfg({ token: "cfg-t", password: "cfg-p" }),
    env: { OPENCLAW_GATEWAY_PASSWORD: "env-p" },
    cliAuth: { token: "cli-t" },
  });
  assert.deepEqual(c, { token: "cli-t", source: { token: "cli" } });
});

Deno.test("clientCredentials() in local mode prefers env, then gateway.auth.*", () => {
  const config = cfg({ token: "cfg-t", password: "cfg-p" });
  assert.deepEqual(clientCredentials({ config, env: {} }), {
    token: "cfg-t",
    password: "cfg-p",
    source: { token: "config", password: "config" },
  });
  assert.deepEqual(clientCredentials({ config, env: { OPENCLAW_GATEWAY_TOKEN: "env-t" } }), {
    token: "env-t",
    password: "cfg-p",
    source: { token: "env", password: "config" },
  });
});

Deno.test("clientCredentials() in remote mode prefers gateway.remote.*", () => {
  const config = cfg({ token: "local-t" }, {
    mode: "remote",
    remote: { url: "wss://gw.example", token: "remote-t", password: "remote-p" },
  });
  assert.deepEqual(clientCredentials({ config, env: { OPENCLAW_GATEWAY_TOKEN: "env-t" } }), {
    token: "remote-t",
    password: "remote-p",
    source: { token: "remote-config", password: "remote-config" },
  });
  const noRemoteToken = cfg({ token: "local-t" }, { mode: "remote", remote: {} });
  assert.equal(clientCredentials({ config: noRemoteToken, env: {} }).token, "local-t");
});

Deno.test("clientCredentials() with a URL override sends only env or nothing", () => {
  const config = cfg({ token: "cfg-t" });
  assert.deepEqual(clientCredentials({ config, env: {}, url: "ws://elsewhere:1" }), { source: {} });
  assert.deepEqual(
    clientCredentials({
      config,
      env: { OPENCLAW_GATEWAY_URL: "ws://elsewhere:1", OPENCLAW_GATEWAY_TOKEN: "env-t" },
    }),
    { token: "env-t", source: { token: "env" } },
  );
  assert.deepEqual(
    clientCredentials({ config, env: { OPENCLAW_GATEWAY_URL: "ws://elsewhere:1" } }),
    { source: {} },
  );
});

Deno.test("clientCredentials() skips SecretRefs it cannot resolve", () => {
  const ref = { source: "exec", provider: "vault", id: "gw/token" };
  assert.deepEqual(clientCredentials({ config: cfg({ token: ref }), env: {} }), { source: {} });
  assert.equal(
    clientCredentials({ config: cfg({ token: ref }), env: {}, resolveSecret: () => "v" }).token,
    "v",
  );
});
