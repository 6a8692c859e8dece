import assert from "node:assert/strict";
import JSON5 from "json5";
import {
  CLI_ENTRY,
  freePort,
  makeSandbox,
  runCli,
  type Sandbox,
  spawnGateway,
  startGateway,
  waitUntil,
} from "../helpers.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";

const GUIDE_RUN = [
  "onboard",
  "--non-interactive",
  "--accept-risk",
  "--mode",
  "local",
  "--auth-choice",
  "openai-api-key",
  "--openai-api-key",
  "sk-test",
  "--secret-input-mode",
  "ref",
  "--skip-channels",
  "--no-install-daemon",
  "--skip-health",
];

function envFileOf(sb: Sandbox): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of Deno.readTextFileSync(`${sb.stateDir}/.env`).split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)=(['"`]?)(.*)\2$/.exec(line);
    if (m) out[m[1]] = m[3];
  }
  return out;
}

Deno.test("onboard --non-interactive writes a config that validates and starts the gateway; the key lands in ~/.openclaw/.env behind a SecretRef", async () => {
  await using sb = await makeSandbox();
  const res = await runCli(sb, GUIDE_RUN);
  assert.equal(res.code, 0, res.stderr);
  assert.ok(!res.stdout.includes("sk-test"), "the key is never printed");

  const config = JSON5.parse(await Deno.readTextFile(sb.configPath));
  assert.deepEqual(config.models.providers.openai.apiKey, {
    source: "env",
    provider: "default",
    id: "OPENAI_API_KEY",
  });
  assert.equal(config.gateway.mode, "local");
  assert.equal(config.gateway.auth.mode, "token");
  assert.equal(config.agents.defaults.model, "openai/gpt-5");
  assert.equal(config.wizard.lastRunCommand, "onboard");
  assert.equal(config.wizard.lastRunMode, "local");
  assert.match(config.wizard.securityAcknowledgedAt, /^\d{4}-\d\d-\d\dT/);
  assert.ok(!(await Deno.readTextFile(sb.configPath)).includes("sk-test"));

  const env = envFileOf(sb);
  assert.equal(env.OPENAI_API_KEY, "sk-test");
  assert.equal((await Deno.stat(`${sb.stateDir}/.env`)).mode! & 0o777, 0o600);
  assert.ok((await Deno.stat(`${sb.stateDir}/workspace/AGENTS.md`)).isFile);

  const validate = await runCli(sb, ["config", "validate"]);
  assert.equal(validate.code, 0, validate.stderr);
  assert.match(validate.stdout, /Config valid:/);

  const port = freePort();
  await using gw = spawnGateway(sb, ["--port", String(port)], { port });
  await gw.waitFor(/Gateway listening on/);
  // The token is a SecretRef to OPENCLAW_GATEWAY_TOKEN in ~/.openclaw/.env: the CLI, which
  // reads the same file, signs in with it.
  const health = await runCli(sb, ["health", "--json"]);
  assert.equal(health.code, 0, health.stderr);
  assert.equal(JSON.parse(health.stdout).ok, true);
});

Deno.test("onboard --non-interactive without --accept-risk refuses with stock's message and writes nothing", async () => {
  await using sb = await makeSandbox();
  const res = await runCli(sb, GUIDE_RUN.filter((a) => a !== "--accept-risk"));
  assert.equal(res.code, 2);
  assert.match(res.stderr, /Non-interactive setup requires explicit risk acknowledgement\./);
  assert.match(res.stderr, /Re-run with: openclaw onboard --non-interactive --accept-risk \.\.\./);
  await assert.rejects(Deno.stat(sb.configPath), Deno.errors.NotFound);
});

Deno.test("onboard refuses flag combinations stock refuses, with its messages", async () => {
  await using sb = await makeSandbox();
  const base = ["onboard", "--non-interactive", "--accept-risk"];
  const cases: [string[], RegExp][] = [
    [["--gateway-bind", "public"], /Invalid --gateway-bind "public"\. Use "loopback", "tailnet"/],
    [
      ["--gateway-token", "a", "--gateway-token-ref-env", "HOME"],
      /Use either --gateway-token or --gateway-token-ref-env, not both/,
    ],
    [
      ["--gateway-token-ref-env", "NOT_SET_ANYWHERE"],
      /Environment variable "NOT_SET_ANYWHERE" is missing or empty/,
    ],
    [["--mode", "remote"], /Missing --remote-url for remote mode/],
    [["--remote-url", "ws://x:1"], /--remote-url requires --mode remote in non-interactive setup/],
    [["--openai-api-key", "a", "--anthropic-api-key", "b"], /Multiple API key flags were provided/],
    [
      ["--auth-choice", "custom-api-key"],
      /Auth choice "custom-api-key" requires a base URL and model ID/,
    ],
    [
      ["--auth-choice", "openai-api-key"],
      /Missing --openai-api-key \(or OPENAI_API_KEY in env\)\./,
    ],
    [["--gateway-auth", "password"], /Missing --gateway-password for password auth/],
    [["--tailscale", "funnel"], /tailscale funnel requires gateway auth mode=password/],
    [["--secret-input-mode", "vault"], /Invalid --secret-input-mode\. Use "plaintext" or "ref"/],
    [["--classic"], /--classic cannot be combined with --non-interactive/],
  ];
  for (const [args, message] of cases) {
    const res = await runCli(sb, [...base, ...args, "--skip-health"]);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, message, args.join(" "));
  }
  await assert.rejects(Deno.stat(sb.configPath), Deno.errors.NotFound);
});

Deno.test("onboard keeps the comments of an existing config, and an invalid one stops it with 'run openclaw doctor'", async () => {
  const original = `// my notes about this gateway
{
  gateway: {
    mode: "local", // keep it local
    auth: { mode: "token", token: "existing-token-0123456789" },
  },
  /* identity block */
  identity: { name: "Clawd" },
}
`;
  await using sb = await makeSandbox({ config: original });
  const res = await runCli(sb, [
    "onboard",
    "--non-interactive",
    "--accept-risk",
    "--gateway-port",
    "18999",
    "--skip-health",
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^\+\s+port: 18999,$/m, "the diff is shown before writing");
  const text = await Deno.readTextFile(sb.configPath);
  for (
    const comment of ["// my notes about this gateway", "// keep it local", "/* identity block */"]
  ) {
    assert.ok(text.includes(comment), `kept: ${comment}\n${text}`);
  }
  const config = JSON5.parse(text);
  assert.equal(config.gateway.port, 18999);
  assert.equal(config.gateway.auth.token, "existing-token-0123456789", "the token is kept");
  assert.equal(config.identity.name, "Clawd");
  assert.equal(await Deno.readTextFile(`${sb.configPath}.bak`), original);

  await Deno.writeTextFile(sb.configPath, `{ gateway: { mode: "local", bogus: 1 } }`);
  const invalid = await runCli(sb, [
    "onboard",
    "--non-interactive",
    "--accept-risk",
    "--skip-health",
  ]);
  assert.equal(invalid.code, 78);
  assert.match(
    invalid.stderr,
    /Config invalid\. Run `openclaw doctor` to repair it, then re-run onboarding\./,
  );
  assert.match(invalid.stderr, /gateway\.bogus/);
});

/** A CLI run on a pseudo-terminal (util-linux `script`), driven prompt by prompt. */
class PtyRun implements AsyncDisposable {
  readonly child: Deno.ChildProcess;
  #out = "";
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #pumps: Promise<unknown>;

  constructor(sb: Sandbox, args: string[]) {
    const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
    const cli = [Deno.execPath(), "run", "-A", "--quiet", CLI_ENTRY, ...args].map(quote).join(" ");
    this.child = new Deno.Command("script", {
      // A pty made by `script` from a pipe has no size; clack needs columns to lay out.
      args: ["-qfec", `stty cols 120 rows 60; exec ${cli}`, "/dev/null"],
      env: { ...sb.env, TERM: "xterm" },
      clearEnv: true,
      cwd: sb.home,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.child.stdin.getWriter();
    const dec = new TextDecoder();
    const pump = async (s: ReadableStream<Uint8Array>) => {
      for await (const c of s) this.#out += dec.decode(c, { stream: true });
    };
    this.#pumps = Promise.all([pump(this.child.stdout), pump(this.child.stderr)]);
  }

  get output(): string {
    return this.#out;
  }

  /** Waits for `prompt` to appear after `from`, then types `keys`; returns the new offset. */
  async answer(prompt: RegExp, keys: string, from: number): Promise<number> {
    await waitUntil(() => prompt.test(this.#out.slice(from)), {
      timeoutMs: 20_000,
      message: () => `${prompt} in:\n${this.#out.slice(from)}`,
    });
    const at = this.#out.length;
    await this.#writer.write(new TextEncoder().encode(keys));
    return at;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch { /* exited */ }
    await this.child.status;
    await this.#writer.close().catch(() => {});
    await this.#pumps.catch(() => {});
  }
}

const hasScript = new Deno.Command("script", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);

Deno.test({
  name: "onboard on a terminal: answering the prompts writes the config, keys masked, diff first",
  ignore: !(await hasScript),
  async fn() {
    await using sb = await makeSandbox();
    const port = freePort();
    await using pty = new PtyRun(sb, ["onboard"]);
    const DOWN = "\x1b[B";
    const ERASE = "\x7f".repeat(12);
    let at = 0;
    at = await pty.answer(/Continue\?/, "y", at);
    at = await pty.answer(/Where will the Gateway run\?/, "\r", at);
    at = await pty.answer(/How should keys and tokens be stored\?/, "\r", at);
    at = await pty.answer(/Workspace directory/, "\r", at);
    at = await pty.answer(/Model provider/, "\r", at);
    at = await pty.answer(/OpenAI API key/, "sk-pty-secret-1\r", at);
    at = await pty.answer(/tiny test request/, "n", at);
    at = await pty.answer(/Gateway port/, `${ERASE}${port}\r`, at);
    at = await pty.answer(/Gateway bind/, "\r", at);
    at = await pty.answer(/Gateway auth/, "\r", at);
    at = await pty.answer(/Gateway token/, "\r", at);
    at = await pty.answer(/Tailscale exposure/, "\r", at);
    at = await pty.answer(/Connect a chat channel now\?/, `${DOWN}\r`, at);
    at = await pty.answer(/Telegram bot token/, "123456:pty-bot-token\r", at);
    at = await pty.answer(/Heartbeat interval/, `${ERASE}1h\r`, at);
    at = await pty.answer(/Where should heartbeat alerts go\?/, "\r", at);
    at = await pty.answer(/Install the gateway as a service/, "n", at);
    at = await pty.answer(/Run a health check/, "n", at);
    const reviewAt = at;
    at = await pty.answer(/Write these changes\?/, "y", at);
    const review = pty.output.slice(reviewAt, at);
    assert.match(review, new RegExp(`\\+\\s+port: ${port},`));
    assert.match(
      review,
      /botToken: "__OPENCLAW_REDACTED__"/,
      "the channel token is masked in the diff",
    );
    assert.match(review, /OPENAI_API_KEY/);
    await waitUntil(() => /All set\./.test(pty.output), {
      timeoutMs: 20_000,
      message: () => pty.output,
    });
    assert.equal((await pty.child.status).code, 0, pty.output);
    assert.ok(!pty.output.includes("sk-pty-secret-1"), "the key was never echoed");
    assert.ok(!pty.output.includes("pty-bot-token"), "the bot token was never echoed");

    const config = JSON5.parse(await Deno.readTextFile(sb.configPath));
    assert.equal(config.gateway.port, port);
    assert.equal(config.channels.telegram.botToken, "123456:pty-bot-token");
    assert.equal(config.agents.defaults.heartbeat.every, "1h");
    assert.equal(config.agents.defaults.heartbeat.target, "none");
    assert.equal(config.models, undefined, "plaintext mode keeps the key out of the config");
    assert.equal(envFileOf(sb).OPENAI_API_KEY, "sk-pty-secret-1");
    assert.equal((await runCli(sb, ["config", "validate"])).code, 0);
  },
});

Deno.test({
  name: "configure --section heartbeat asks only the heartbeat, then writes it with comments kept",
  ignore: !(await hasScript),
  async fn() {
    const original = `// mine
{
  gateway: { mode: "local", port: 18790 }, // do not touch
}
`;
    await using sb = await makeSandbox({ config: original });
    await using pty = new PtyRun(sb, ["configure", "--section", "heartbeat"]);
    let at = 0;
    at = await pty.answer(/Heartbeat interval/, `${"\x7f".repeat(8)}off\r`, at);
    const reviewAt = at;
    at = await pty.answer(/Write these changes\?/, "y", at);
    assert.ok(!/Gateway port|Model provider|Continue\?/.test(pty.output), pty.output);
    assert.match(pty.output.slice(reviewAt, at), /every: "0m"/);
    await waitUntil(() => /All set\./.test(pty.output), {
      timeoutMs: 20_000,
      message: () => pty.output,
    });
    const text = await Deno.readTextFile(sb.configPath);
    assert.ok(text.startsWith("// mine\n") && text.includes("// do not touch"), text);
    const config = JSON5.parse(text);
    assert.equal(config.agents.defaults.heartbeat.every, "0m");
    assert.equal(config.gateway.port, 18790);
    assert.equal(config.wizard.lastRunCommand, "configure");
    assert.equal(config.wizard.securityAcknowledgedAt, undefined);
  },
});

Deno.test("configure refuses without a terminal and names the scripted alternatives", async () => {
  await using sb = await makeSandbox();
  const res = await runCli(sb, ["configure", "--section", "gateway"]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /configure needs an interactive terminal/);
  const bad = await runCli(sb, ["configure", "--section", "plugins"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid --section "plugins"/);
});

const TOKEN = "wizard-rpc-token-0123456789";
/** Both runs start from this, with reloads off so the RPC's write does not restart the gateway. */
const START_CONFIG = `{
  gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" }, reload: { mode: "off" } },
}
`;

async function rpcClient(url: string): Promise<RawClient> {
  const c = await RawClient.open(url);
  await c.challenge();
  const res = await c.request("connect", cliConnectParams(TOKEN));
  assert.equal(res.ok, true, JSON.stringify(res));
  return c;
}

/** The parts of a config that differ between two runs of the same answers. */
function normalized(sb: Sandbox, text: string): unknown {
  const config = JSON5.parse(text.replaceAll(sb.home, "HOME"));
  delete config.wizard.lastRunAt;
  delete config.wizard.securityAcknowledgedAt;
  delete config.meta;
  return config;
}

Deno.test("wizard.start → wizard.next … → done writes the same config as the CLI for the same answers", async () => {
  await using cliBox = await makeSandbox({ config: START_CONFIG });
  const cli = await runCli(cliBox, [
    "onboard",
    "--non-interactive",
    "--accept-risk",
    "--mode",
    "local",
    "--workspace",
    "~/ws",
    "--auth-choice",
    "openai-api-key",
    "--openai-api-key",
    "sk-same",
    "--gateway-port",
    "18123",
    "--gateway-bind",
    "loopback",
    "--gateway-auth",
    "token",
    "--tailscale",
    "off",
    "--skip-channels",
    "--heartbeat-every",
    "45m",
    "--heartbeat-target",
    "last",
    "--no-install-daemon",
    "--skip-health",
  ]);
  assert.equal(cli.code, 0, cli.stderr);

  await using rpcBox = await makeSandbox();
  await using gw = await startGateway(rpcBox, START_CONFIG);
  const c = await rpcClient(gw.url);
  try {
    const start = await c.request("wizard.start", { mode: "local" });
    assert.equal(start.ok, true, JSON.stringify(start));
    const sessionId = start.payload.sessionId;
    assert.match(sessionId, /^[0-9a-f-]{36}$/);

    const busy = await c.request("wizard.start", {});
    assert.equal(busy.ok, false);
    assert.equal(busy.error.code, "UNAVAILABLE");
    assert.deepEqual(busy.error.details, { code: "SETUP_ADMISSION_BUSY" });
    assert.equal(busy.error.retryable, true);

    const answers: Record<string, unknown> = {
      "risk": true,
      "secret-input-mode": "plaintext",
      "workspace": "~/ws",
      "auth-choice": "openai-api-key",
      "api-key": "sk-same",
      "verify": false,
      "gateway-port": "18123",
      "gateway-bind": "loopback",
      "gateway-auth": "token",
      "gateway-token": "",
      "tailscale": "off",
      "channel": "skip",
      "heartbeat-every": "45m",
      "heartbeat-target": "last",
      "review": true,
    };
    let result = start.payload;
    const seen: string[] = [];
    while (!result.done) {
      const step = result.step;
      seen.push(step.id);
      assert.ok(seen.length < 40, `too many steps: ${seen.join(", ")}`);
      const next = step.type === "note"
        ? await c.request("wizard.next", { sessionId })
        : await c.request("wizard.next", {
          sessionId,
          answer: { stepId: step.id, value: answers[step.id] },
        });
      assert.equal(next.ok, true, JSON.stringify(next));
      if (step.id === "api-key") assert.equal(step.sensitive, true);
      result = next.payload;
      assert.equal(result.error, undefined, `${step.id}: ${result.error}`);
    }
    assert.equal(result.status, "done");
    assert.deepEqual(seen, [...Object.keys(answers), "summary"]);

    const status = await c.request("wizard.status", { sessionId });
    assert.equal(status.ok, false, "a finished session is gone");
    assert.deepEqual(status.error.details, { code: "WIZARD_NOT_FOUND" });
  } finally {
    c.close();
  }
  assert.deepEqual(
    normalized(rpcBox, await Deno.readTextFile(rpcBox.configPath)),
    normalized(cliBox, await Deno.readTextFile(cliBox.configPath)),
  );
  assert.equal(envFileOf(rpcBox).OPENAI_API_KEY, "sk-same");
  assert.equal(envFileOf(cliBox).OPENAI_API_KEY, "sk-same");
});

Deno.test("wizard.next refuses a bad answer with the step again; wizard.cancel frees the setup", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, START_CONFIG);
  const c = await rpcClient(gw.url);
  try {
    const start = await c.request("wizard.start", {});
    const sessionId = start.payload.sessionId;
    assert.equal(start.payload.step.id, "risk");
    assert.equal(start.payload.step.type, "confirm");
    const yes = await c.request("wizard.next", {
      sessionId,
      answer: { stepId: "risk", value: true },
    });
    assert.equal(yes.payload.step.id, "mode");
    const bad = await c.request("wizard.next", {
      sessionId,
      answer: { stepId: "mode", value: "mars" },
    });
    assert.equal(bad.ok, true);
    assert.equal(bad.payload.step.id, "mode");
    assert.match(bad.payload.error, /Choose "local" or "remote"/);
    const wrong = await c.request("wizard.next", {
      sessionId,
      answer: { stepId: "review", value: true },
    });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.error.code, "INVALID_REQUEST");

    const status = await c.request("wizard.status", { sessionId });
    assert.deepEqual(status.payload, { status: "running" });
    const cancel = await c.request("wizard.cancel", { sessionId });
    assert.equal(cancel.payload.status, "cancelled");
    const again = await c.request("wizard.start", {});
    assert.equal(again.ok, true, "the admission is free again");
    await c.request("wizard.cancel", { sessionId: again.payload.sessionId });
  } finally {
    c.close();
  }
  assert.equal(JSON5.parse(await Deno.readTextFile(sb.configPath)).wizard, undefined);
});
