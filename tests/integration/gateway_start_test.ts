import assert from "node:assert/strict";
import JSON5 from "json5";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import {
  freePort,
  makeSandbox,
  runCli,
  spawnGateway,
  startGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";

async function expectRefusal(
  args: string[],
  config: string | null,
  pattern: RegExp,
  code = 1,
  env: Record<string, string> = {},
) {
  await using sb = await makeSandbox({ env });
  if (config !== null) await writeFile(sb.configPath, config);
  const gw = spawnGateway(sb, ["--port", String(freePort()), ...args]);
  const exit = await gw.child.status;
  await gw.stop();
  assert.equal(exit.code, code, gw.output());
  assert.match(gw.output(), pattern);
}

Deno.test("gateway refuses to start without a config", async () => {
  await expectRefusal(
    [],
    null,
    /Missing config\. Run `openclaw setup` or set gateway\.mode=local \(or pass --allow-unconfigured\)\./,
  );
});

Deno.test("gateway refuses to start unless gateway.mode is local", async () => {
  await expectRefusal(
    [],
    `{ gateway: { mode: "remote" } }`,
    /Gateway start blocked: set gateway\.mode=local \(current: remote\)/,
  );
  await expectRefusal(
    [],
    `{ identity: { name: "x" } }`,
    /Gateway start blocked: set gateway\.mode=local \(current: unset\)/,
  );
});

Deno.test("gateway refuses an invalid config with exit 78 naming the field", async () => {
  await expectRefusal(
    [],
    `{ gateway: { mode: "local", bind: "public" } }`,
    /- gateway\.bind: /,
    78,
  );
});

Deno.test("gateway refuses a non-loopback bind without auth", async () => {
  await expectRefusal(
    ["--bind", "lan"],
    `{ gateway: { mode: "local" } }`,
    /refusing to bind gateway to 0\.0\.0\.0:\d+ without auth/,
  );
  await expectRefusal(
    ["--bind", "lan"],
    `{ gateway: { mode: "local", auth: { mode: "none" } } }`,
    /refusing to bind gateway to 0\.0\.0\.0:\d+ without auth/,
  );
});

Deno.test("gateway refuses bind custom without a customBindHost, and tailnet without Tailscale", async () => {
  await expectRefusal(
    ["--bind", "custom"],
    `{ gateway: { mode: "local", auth: { token: "t0123456789" } } }`,
    /gateway\.customBindHost is not set/,
  );
  await expectRefusal(
    ["--bind", "tailnet"],
    `{ gateway: { mode: "local", auth: { token: "t0123456789" } } }`,
    /Cannot bind to tailnet/,
    1,
    { PATH: "/nonexistent" },
  );
});

Deno.test("gateway refuses an invalid --bind and --auth as usage errors", async () => {
  await expectRefusal(["--bind", "public"], `{ gateway: { mode: "local" } }`, /Invalid --bind/, 2);
  await expectRefusal(
    ["--auth", "magic"],
    `{ gateway: { mode: "local" } }`,
    /Invalid --auth \(use "token" or "password"\)/,
    2,
  );
});

Deno.test("gateway on loopback with no auth generates a token and keeps it in the config (0600)", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, `// mine\n{ gateway: { mode: "local" } }\n`);
  const text = await Deno.readTextFile(sb.configPath);
  const cfg = JSON5.parse(text);
  assert.equal(cfg.gateway.auth.mode, "token");
  assert.match(cfg.gateway.auth.token, /^[A-Za-z0-9_-]{40,}$/);
  assert.match(text, /\/\/ mine/);
  assert.equal((await Deno.stat(sb.configPath)).mode! & 0o777, 0o600);
  assert.match(gw.output(), /Gateway listening on ws:\/\/127\.0\.0\.1:\d+ \(PID \d+\)/);
  assert.match(gw.output(), /Log file: .*openclaw-\d{4}-\d\d-\d\d\.log/);
  assert.match(gw.output(), /Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  // The CLI finds the same token: the status probe succeeds.
  const status = await runCli(sb, ["gateway", "status"]);
  assert.match(status.stdout, /Runtime: running \(pid \d+/);
  assert.match(status.stdout, /RPC probe: ok/);
});

Deno.test("gateway --allow-unconfigured starts without a config", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, null, { args: ["--allow-unconfigured"] });
  const r = await fetch(`http://127.0.0.1:${gw.port}/readyz`);
  assert.equal(r.status, 200);
  await r.body?.cancel();
});

Deno.test("openclaw --dev gateway --allow-unconfigured runs on 19001 with the dev state dir", async () => {
  await using sb = await makeSandbox();
  const gw = spawnGateway(sb, ["--allow-unconfigured"], { globalArgs: ["--dev"] });
  try {
    await gw.waitFor(/Gateway listening on/);
    assert.match(gw.output(), /ws:\/\/127\.0\.0\.1:19001/);
    await Deno.stat(`${sb.home}/.openclaw-dev/gateway.runtime.json`);
  } finally {
    assert.equal(await gw.stop(), 0);
  }
});

Deno.test("SIGTERM drains, removes the runtime file and exits 0", async () => {
  await using sb = await makeSandbox();
  const gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { token: "secret-token-1" } } }`,
  );
  await Deno.stat(`${sb.stateDir}/gateway.runtime.json`);
  assert.equal(await gw.stop("SIGTERM"), 0);
  await assert.rejects(() => Deno.stat(`${sb.stateDir}/gateway.runtime.json`));
});

Deno.test("HTTP probes, security headers and the root page", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { token: "secret-token-1" } } }`,
  );
  const base = `http://127.0.0.1:${gw.port}`;
  for (const path of ["/health", "/healthz"]) {
    const r = await fetch(base + path);
    assert.deepEqual(await r.json(), { ok: true, status: "live" });
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.equal(r.headers.get("referrer-policy"), "no-referrer");
  }
  for (const path of ["/readyz", "/ready"]) {
    const r = await fetch(base + path);
    assert.equal(r.status, 200);
    assert.equal((await r.json()).status, "ready");
  }
  const s = await fetch(base + "/startupz");
  assert.deepEqual(await s.json(), { ok: true, status: "started" });
  const root = await fetch(base + "/");
  const html = await root.text();
  // The Control UI's page (gateway/http/ui.ts), never cached, its assets hashed.
  assert.equal(root.headers.get("cache-control"), "no-cache");
  assert.match(html, /<title>OpenClaw Control<\/title>/);
  const missing = await fetch(base + "/nope");
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.type, "not_found");
});

Deno.test("SIGHUP restarts in-process (same pid); an invalid config refuses the restart", async () => {
  await using sb = await makeSandbox();
  const config =
    `{ gateway: { mode: "local", auth: { token: "usr1-token-0123" }, reload: { mode: "off" } } }`;
  await using gw = await startGateway(sb, config);
  const c = await RawClient.open(gw.url);
  await c.challenge();
  assert.equal((await c.request("connect", cliConnectParams("usr1-token-0123"))).ok, true);
  Deno.kill(gw.child.pid, "SIGHUP");
  const shutdown = await c.next((f) => f.type === "event" && f.event === "shutdown");
  assert.equal(typeof shutdown.payload.restartExpectedMs, "number");
  assert.equal((await c.closed).code, 1012);
  await gw.waitFor(/restarting: SIGHUP/);
  const again = await waitUntil(() => RawClient.open(gw.url).catch(() => undefined), {
    intervalMs: 50,
    message: "the restarted gateway to accept a connection",
  });
  assert.ok(again);
  await again.challenge();
  assert.equal((await again.request("connect", cliConnectParams("usr1-token-0123"))).ok, true);
  assert.equal((await again.request("status", {})).payload.pid, gw.child.pid);
  // Break the config, then SIGHUP: the gateway keeps running on the old one.
  await Deno.writeTextFile(
    sb.configPath,
    config.replace(`mode: "local"`, `mode: "local", port: "nope"`),
  );
  Deno.kill(gw.child.pid, "SIGHUP");
  await gw.waitFor(/restart \(SIGHUP\) refused: the config is invalid/);
  assert.equal((await again.request("status", {})).ok, true);
  again.close();
});
