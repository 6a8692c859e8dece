import assert from "node:assert/strict";
import JSON5 from "json5";
import { freePort, makeSandbox, type Sandbox, startGateway, waitUntil } from "../helpers.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";

const TOKEN = "config-rpc-token-0123";
const CONFIG = `// operator's notes
{
  gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" }, reload: { debounceMs: 50 } },
  identity: { name: "Clawd" }, // the name
}
`;

async function client(url: string): Promise<RawClient> {
  const c = await RawClient.open(url);
  await c.challenge();
  const res = await c.request("connect", cliConnectParams(TOKEN));
  assert.equal(res.ok, true, JSON.stringify(res));
  return c;
}

async function setup(
  config = CONFIG,
): Promise<
  {
    sb: Sandbox;
    gw: Awaited<ReturnType<typeof startGateway>>;
    c: RawClient;
    [Symbol.asyncDispose](): Promise<void>;
  }
> {
  const sb = await makeSandbox();
  const gw = await startGateway(sb, config);
  const c = await client(gw.url);
  return {
    sb,
    gw,
    c,
    async [Symbol.asyncDispose]() {
      c.close();
      await gw[Symbol.asyncDispose]();
      await sb[Symbol.asyncDispose]();
    },
  };
}

Deno.test("config.get returns the config redacted, with the file hash", async () => {
  await using t = await setup();
  const res = await t.c.request("config.get", {});
  assert.equal(res.ok, true);
  const p = res.payload;
  assert.equal(p.path, t.sb.configPath);
  assert.equal(p.exists, true);
  assert.equal(p.valid, true);
  assert.match(p.hash, /^[0-9a-f]{64}$/);
  assert.ok(!p.raw.includes(TOKEN));
  assert.match(p.raw, /__OPENCLAW_REDACTED__/);
  assert.match(p.raw, /operator's notes/);
  assert.equal(p.config.gateway.auth.token, "__OPENCLAW_REDACTED__");
  assert.equal(p.parsed.identity.name, "Clawd");
  const schema = await t.c.request("config.schema", {});
  assert.ok(!Number.isNaN(Date.parse(schema.payload.generatedAt)), "config.schema has generatedAt");
});

Deno.test("config.patch needs baseHash once a file exists and refuses a stale one", async () => {
  await using t = await setup();
  const missing = await t.c.request("config.patch", { raw: `{ identity: { name: "X" } }` });
  assert.equal(missing.error.code, "INVALID_REQUEST");
  assert.equal(missing.error.message, "config base hash required; re-run config.get and retry");
  const stale = await t.c.request("config.patch", {
    raw: `{ identity: { name: "X" } }`,
    baseHash: "0".repeat(64),
  });
  assert.equal(stale.error.message, "config changed since last load; re-run config.get and retry");
  assert.equal(JSON5.parse(await Deno.readTextFile(t.sb.configPath)).identity.name, "Clawd");
});

Deno.test("config.patch merges, keeps comments and secrets, and a hot field reloads without a restart", async () => {
  await using t = await setup();
  const { payload } = await t.c.request("config.get", {});
  const res = await t.c.request("config.patch", {
    raw: `{ identity: { name: "Lobster" }, gateway: { auth: { token: "__OPENCLAW_REDACTED__" } } }`,
    baseHash: payload.hash,
  });
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.deepEqual(res.payload.changedPaths, ["identity.name"]);
  assert.equal(res.payload.restart.scheduled, false);
  const text = await Deno.readTextFile(t.sb.configPath);
  assert.match(text, /operator's notes/);
  assert.match(text, /\/\/ the name/);
  assert.equal(JSON5.parse(text).identity.name, "Lobster");
  assert.equal(JSON5.parse(text).gateway.auth.token, TOKEN);
  const changed = await t.c.next((f) => f.type === "event" && f.event === "config.changed");
  assert.deepEqual(changed.payload.changedPaths, ["identity.name"]);
  // Same connection, same process: no restart happened.
  const status = await t.c.request("status", {});
  assert.equal(status.ok, true);
  assert.equal((await t.c.request("config.get", {})).payload.appliedConfigHash, res.payload.hash);
});

Deno.test("an edit on disk to a hot field is picked up by the watcher", async () => {
  await using t = await setup();
  const text = await Deno.readTextFile(t.sb.configPath);
  await Deno.writeTextFile(t.sb.configPath, text.replace(`name: "Clawd"`, `name: "Watched"`));
  const changed = await t.c.next((f) => f.type === "event" && f.event === "config.changed");
  assert.deepEqual(changed.payload.changedPaths, ["identity.name"]);
});

Deno.test("an invalid edit on disk is kept out and the running config stays", async () => {
  await using t = await setup();
  const { payload: before } = await t.c.request("config.get", {});
  const text = await Deno.readTextFile(t.sb.configPath);
  await Deno.writeTextFile(
    t.sb.configPath,
    text.replace(`mode: "local"`, `mode: "local", bind: "everywhere"`),
  );
  // Give the watcher time to see it, then check nothing changed.
  await new Promise((r) => setTimeout(r, 600));
  const { payload: after } = await t.c.request("config.get", {});
  assert.equal(after.valid, false);
  assert.equal(after.appliedConfigHash, before.hash, "the running config is still the old one");
  assert.ok(after.issues.some((i: { path: string }) => i.path === "gateway.bind"));
  const status = await t.c.request("status", {});
  assert.equal(status.ok, true);
});

Deno.test("config.set and config.apply refuse an invalid config and write nothing", async () => {
  await using t = await setup();
  const { payload } = await t.c.request("config.get", {});
  const res = await t.c.request("config.set", {
    raw: `{ gateway: { mode: "local", port: "x" } }`,
    baseHash: payload.hash,
  });
  assert.equal(res.error.code, "INVALID_REQUEST");
  assert.match(res.error.message, /gateway\.port/);
  assert.equal(await Deno.readTextFile(t.sb.configPath), CONFIG);
});

Deno.test("the 4th config write within 60 s is refused with retryAfterMs", async () => {
  await using t = await setup();
  for (let i = 0; i < 3; i++) {
    const { payload } = await t.c.request("config.get", {});
    const r = await t.c.request("config.patch", {
      raw: `{ identity: { theme: "t${i}" } }`,
      baseHash: payload.hash,
    });
    assert.equal(r.ok, true, JSON.stringify(r));
  }
  const { payload } = await t.c.request("config.get", {});
  const fourth = await t.c.request("config.patch", {
    raw: `{ identity: { theme: "t4" } }`,
    baseHash: payload.hash,
  });
  assert.equal(fourth.ok, false);
  assert.equal(fourth.error.code, "UNAVAILABLE");
  assert.match(fourth.error.message, /^rate limit exceeded for config\.patch; retry after \d+s$/);
  assert.equal(fourth.error.retryable, true);
  assert.ok(fourth.error.retryAfterMs > 50_000 && fourth.error.retryAfterMs <= 60_000);
  assert.equal(JSON5.parse(await Deno.readTextFile(t.sb.configPath)).identity.theme, "t2");
});

Deno.test("a gateway.port edit moves the gateway to the new port (same pid)", async () => {
  await using sb = await makeSandbox();
  const oldPort = freePort();
  const config = CONFIG.replace(`mode: "local",`, `mode: "local", port: ${oldPort},`);
  await Deno.mkdir(sb.stateDir, { recursive: true });
  await Deno.writeTextFile(sb.configPath, config);
  const { spawnGateway } = await import("../helpers.ts");
  await using gw = spawnGateway(sb, []);
  await gw.waitFor(/Gateway listening on/);
  const c = await client(`ws://127.0.0.1:${oldPort}`);
  const pid = (await c.request("status", {})).payload.pid;
  const newPort = freePort();
  await Deno.writeTextFile(sb.configPath, config.replace(`port: ${oldPort}`, `port: ${newPort}`));
  const shutdown = await c.next((f) => f.type === "event" && f.event === "shutdown");
  assert.equal(typeof shutdown.payload.restartExpectedMs, "number");
  assert.equal((await c.closed).code, 1012);
  const moved = await waitUntil(
    () => client(`ws://127.0.0.1:${newPort}`).catch(() => undefined),
    { intervalMs: 50, message: "the gateway to listen on the new port" },
  );
  assert.ok(moved, "the gateway listens on the new port");
  assert.equal((await moved.request("status", {})).payload.pid, pid);
  moved.close();
  await assert.rejects(() => fetch(`http://127.0.0.1:${oldPort}/healthz`));
});

Deno.test("logs.tail serves the gateway's log by cursor", async () => {
  await using t = await setup();
  const first = await t.c.request("logs.tail", { limit: 50 });
  assert.equal(first.ok, true);
  assert.ok(first.payload.lines.some((l: string) => /listening on/.test(l)));
  const next = await t.c.request("logs.tail", { cursor: first.payload.cursor });
  assert.deepEqual(next.payload.lines, []);
  const past = await t.c.request("logs.tail", { cursor: first.payload.size + 1000 });
  assert.equal(past.payload.reset, true);
  const bad = await t.c.request("logs.tail", { limit: 0 });
  assert.equal(bad.error.message, "invalid logs.tail params: limit: must be >= 1");
});

Deno.test("system-event updates presence; last-heartbeat is null before any heartbeat", async () => {
  await using t = await setup();
  const r = await t.c.request("system-event", {
    text: "Check urgent follow-ups",
    instanceId: "ext-1",
    host: "box",
  });
  assert.deepEqual(r.payload, { ok: true });
  const presence = await t.c.next((f) =>
    f.type === "event" && f.event === "presence" &&
    f.payload.presence.some((p: { instanceId?: string }) => p.instanceId === "ext-1")
  );
  assert.ok(presence.stateVersion.presence >= 1);
  const list = await t.c.request("system-presence", {});
  assert.ok(list.payload.some((p: { text?: string }) => p.text === "Check urgent follow-ups"));
  assert.equal((await t.c.request("last-heartbeat", {})).payload, null);
  const bad = await t.c.request("system-event", {});
  assert.equal(bad.error.message, "invalid system-event params: text: required");
});

Deno.test("config.apply writes the whole config and restarts in-process", async () => {
  await using t = await setup();
  const { payload } = await t.c.request("config.get", {});
  const pid = (await t.c.request("status", {})).payload.pid;
  const raw = payload.raw.replace(`name: "Clawd"`, `name: "Applied"`);
  const res = await t.c.request("config.apply", { raw, baseHash: payload.hash, restartDelayMs: 0 });
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.equal(res.payload.restart.scheduled, true);
  const text = await Deno.readTextFile(t.sb.configPath);
  assert.equal(JSON5.parse(text).identity.name, "Applied");
  assert.equal(JSON5.parse(text).gateway.auth.token, TOKEN, "the redacted token was restored");
  assert.match(text, /operator's notes/);
  const shutdown = await t.c.next((f) => f.type === "event" && f.event === "shutdown");
  assert.equal(shutdown.payload.reason, "gateway restarting");
  assert.equal((await t.c.closed).code, 1012);
  const again = await waitUntil(() => client(t.gw.url).catch(() => undefined), {
    intervalMs: 50,
    message: "the restarted gateway to accept a client",
  });
  assert.ok(again);
  assert.equal((await again.request("status", {})).payload.pid, pid);
  again.close();
});
