/**
 * The guide's "Log Level Configuration" recipe: `logging.level: "debug"` puts what the gateway does
 * in the file log — connections, handshakes, each RPC call with its duration and outcome, HTTP
 * requests, reload decisions, subsystem lifecycles — and `trace` adds every frame, with secrets
 * masked. At the default `info` none of it is written.
 */
import assert from "node:assert/strict";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import {
  type GatewayProcess,
  makeSandbox,
  runCli,
  type Sandbox,
  startGateway,
  waitUntil,
} from "../helpers.ts";

const TOKEN = "recipes-logging-token-0123456789";

interface LogLine {
  level: string;
  subsystem?: string;
  message: string;
  /** The structured properties not in the message (`"1"` of the file line). */
  props: Record<string, unknown>;
}

/** A token-auth config with these `logging` settings, `extra` top-level keys and gateway keys. */
function configWith(logging: string, extra = "", gateway = ""): string {
  return `{
    gateway: {
      mode: "local",
      auth: { mode: "token", token: "${TOKEN}" },
      reload: { debounceMs: 50 },
      ${gateway}
    },
    logging: ${logging},
    ${extra}
  }`;
}

/** Every file the gateway logged to (the sandbox's daily log directory), as text. */
async function logText(sb: Sandbox): Promise<string> {
  let raw = "";
  for await (const e of Deno.readDir(`${sb.home}/logs`)) {
    if (e.isFile) raw += await Deno.readTextFile(`${sb.home}/logs/${e.name}`);
  }
  return raw;
}

async function logLines(sb: Sandbox): Promise<LogLine[]> {
  return (await logText(sb)).split("\n").filter((l) => l.trim() !== "").map((l) => {
    const j = JSON.parse(l);
    return { level: j.level, subsystem: j.subsystem, message: j.message, props: j["1"] ?? {} };
  });
}

/** Waits until a line of `subsystem` matches `pattern`, and returns it. */
async function waitForLine(sb: Sandbox, subsystem: string, pattern: RegExp): Promise<LogLine> {
  let seen: LogLine[] = [];
  return await waitUntil(async () => {
    seen = await logLines(sb);
    return seen.find((l) => l.subsystem === subsystem && pattern.test(l.message));
  }, {
    message: () =>
      `a ${subsystem} line matching ${pattern}; have:\n${
        seen.map((l) => `[${l.level}] ${l.subsystem}: ${l.message}`).join("\n")
      }`,
  });
}

async function health(sb: Sandbox, gw: GatewayProcess): Promise<void> {
  const r = await runCli(sb, ["health", "--json"], {
    env: { OPENCLAW_GATEWAY_PORT: String(gw.port) },
  });
  assert.equal(r.code, 0, r.stderr);
}

async function editConfig(sb: Sandbox, text: string): Promise<void> {
  await Deno.writeTextFile(`${sb.configPath}.tmp`, text);
  await Deno.rename(`${sb.configPath}.tmp`, sb.configPath);
}

Deno.test('logging.level "debug": a CLI health call logs the connection, the handshake and the health RPC with its duration and outcome', async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, configWith(`{ level: "debug" }`));
  await health(sb, gw);

  const open = await waitForLine(sb, "gateway/ws", /^connection open from 127\.0\.0\.1$/);
  const connId = open.props.connId;
  assert.equal(typeof connId, "string");
  const hello = await waitForLine(sb, "gateway/ws", /^handshake ok: /);
  assert.equal(hello.level, "debug");
  assert.equal(hello.message, "handshake ok: gateway-client (backend) as operator, auth token");
  assert.equal(hello.props.connId, connId);
  assert.ok(Array.isArray(hello.props.scopes), JSON.stringify(hello.props));
  assert.equal(typeof hello.props.durationMs, "number");

  const rpc = await waitForLine(sb, "gateway/rpc", /^rpc health ok in [\d.]+ ms$/);
  assert.equal(rpc.level, "debug");
  // Properties named in the message are not repeated under "1"; the others are.
  assert.deepEqual({ outcome: rpc.props.outcome, connId: rpc.props.connId }, {
    outcome: "ok",
    connId,
  });

  const closed = await waitForLine(sb, "gateway/ws", /^connection closed by client: 1000/);
  assert.equal(closed.props.connId, connId);
  assert.equal(closed.props.clientId, "gateway-client");

  // The same lines as the user reads them.
  const logs = await runCli(sb, ["logs", "--json", "--limit", "500"], {
    env: { OPENCLAW_GATEWAY_PORT: String(gw.port) },
  });
  assert.equal(logs.code, 0, logs.stderr);
  const entries = logs.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const call = entries.find((e) =>
    e.subsystem === "gateway/rpc" && /^rpc health ok/.test(e.message)
  );
  assert.ok(call, logs.stdout);
  assert.equal(call.level, "debug");
  assert.match(call.message, /"outcome":"ok"/);

  // A failed call names its error code; an HTTP request its status.
  const c = await RawClient.open(gw.url);
  await c.challenge();
  assert.equal((await c.request("connect", cliConnectParams(TOKEN))).ok, true);
  assert.equal((await c.request("no.such.method", {})).ok, false);
  c.close();
  const failed = await waitForLine(sb, "gateway/rpc", /^rpc no\.such\.method failed \(/);
  assert.match(failed.message, /^rpc no\.such\.method failed \(INVALID_REQUEST\) in [\d.]+ ms$/);
  assert.equal(failed.props.outcome, "error");
  const probe = await fetch(`http://127.0.0.1:${gw.port}/healthz?token=leaky-query-1234`);
  await probe.body?.cancel();
  const http = await waitForLine(sb, "gateway/http", /^GET \/healthz 200 in [\d.]+ ms$/);
  assert.equal(http.level, "debug");

  // Subsystems report their start with its duration.
  const started = await waitForLine(
    sb,
    "gateway/reload",
    /^subsystem reloader started in [\d.]+ ms$/,
  );
  assert.equal(started.props.required, false);

  assert.equal((await logText(sb)).includes(TOKEN), false, "the token is never logged");
  assert.equal((await logText(sb)).includes("leaky-query-1234"), false, "nor the query string");
});

Deno.test('logging.level "debug": config edits log what the reloader saw and decided per gateway.reload.mode', async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, configWith(`{ level: "debug" }`));

  await editConfig(sb, configWith(`{ level: "debug" }`, `identity: { name: "Lobster" },`));
  await waitForLine(sb, "gateway/reload", /^config file change seen; reloading in 50 ms$/);
  const hot = await waitForLine(sb, "gateway/reload", /^reload decision: hot /);
  assert.equal(hot.message, "reload decision: hot (every change applies live)");
  assert.deepEqual(hot.props.changed, ["identity"]);
  assert.equal(hot.props.mode, "hybrid");
  assert.equal(hot.props.trigger, "file watcher");

  await editConfig(sb, configWith(`{ level: "loud" }`, `identity: { name: "Lobster" },`));
  const invalid = await waitForLine(sb, "gateway/reload", /^reload decision: ignored \(invalid/);
  assert.equal(
    invalid.message,
    "reload decision: ignored (invalid config; the running config stays)",
  );

  // Mode off: even a restart-class change (the port) is only logged.
  await editConfig(
    sb,
    configWith(`{ level: "debug" }`, `identity: { name: "Lobster" },`, `port: 1,`)
      .replace("reload: { debounceMs: 50 }", `reload: { mode: "off", debounceMs: 50 }`),
  );
  const off = await waitForLine(
    sb,
    "gateway/reload",
    /^reload decision: ignored \(gateway\.reload\.mode=off\)$/,
  );
  assert.equal(off.props.mode, "off");
  assert.ok((off.props.changed as string[]).includes("gateway.port"), JSON.stringify(off.props));
  assert.ok((off.props.restart as string[]).includes("gateway.port"), JSON.stringify(off.props));
});

Deno.test('logging.level "info" (the default) logs none of it; switching to "debug" live turns it on', async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, configWith(`{ level: "info" }`));
  await health(sb, gw);
  const probe = await fetch(`http://127.0.0.1:${gw.port}/healthz`);
  await probe.body?.cancel();
  await editConfig(sb, configWith(`{ level: "info" }`, `identity: { name: "Lobster" },`));
  // The info line of the same reload: the reload has been decided by then.
  await waitForLine(sb, "gateway/reload", /^config change detected; evaluating reload/);
  const lines = await logLines(sb);
  assert.deepEqual(lines.filter((l) => l.level === "debug" || l.level === "trace"), []);
  const text = lines.map((l) => l.message).join("\n");
  for (const absent of [/connection open/, /handshake/, /^rpc /m, /reload decision/, /GET \//]) {
    assert.doesNotMatch(text, absent);
  }

  // logging.* is hot: no restart, and the very next call is logged.
  await editConfig(sb, configWith(`{ level: "debug" }`, `identity: { name: "Lobster" },`));
  await waitForLine(sb, "gateway", /^subsystem logging reloaded in [\d.]+ ms$/);
  await health(sb, gw);
  await waitForLine(sb, "gateway/rpc", /^rpc health ok in [\d.]+ ms$/);
  assert.equal(gw.output().match(/Gateway listening on/g)?.length, 1, "no restart");
});

Deno.test('logging.level "trace": every frame is logged, masked — the connect token never reaches the file', async () => {
  await using sb = await makeSandbox();
  // redactSensitive "off": the frame masking alone must keep credentials out.
  await using gw = await startGateway(sb, configWith(`{ level: "trace", redactSensitive: "off" }`));
  await health(sb, gw);
  const WRONG = "not-the-token-but-still-secret-42";
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const refused = await c.request("connect", cliConnectParams(WRONG));
  assert.equal(refused.ok, false);
  await c.closed;

  const inbound = await waitForLine(sb, "gateway/ws", /^frame in: .*"method":"connect"/);
  assert.equal(inbound.level, "trace");
  assert.equal(inbound.props.direction, "in");
  assert.match(inbound.message, /"auth":\{"token":"\*\*\*"\}/);
  await waitForLine(sb, "gateway/ws", /^frame out: .*"event":"connect\.challenge"/);
  await waitForLine(sb, "gateway/ws", /^frame in: .*"method":"health"/);
  // hello-ok is long (the method list): cut to 2 KiB with the frame's size.
  const hello = await waitForLine(sb, "gateway/ws", /^frame out: .*"type":"hello-ok"/);
  assert.match(hello.message, /…\(\d+ bytes\)$/);
  assert.ok(hello.message.length < 2200, `${hello.message.length} characters`);
  await waitForLine(sb, "gateway/ws", /^handshake failed: /);

  const raw = await logText(sb);
  assert.equal(raw.includes(TOKEN), false, "the real token never reaches the log file");
  assert.equal(raw.includes(WRONG), false, "nor a token that was tried");
});
