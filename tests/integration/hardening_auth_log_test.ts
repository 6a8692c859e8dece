/**
 * Hardening item 11: failed logins leave a trace. Each failure is counted (`health` →
 * `subsystems.server.authFailures`) and logged on `gateway/auth` with the reason and the client
 * address, at most one line per address per 10 s, never with the secret that was tried.
 */
import assert from "node:assert/strict";
import { createAuthFailureMonitor } from "../../gateway/auth.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import { makeSandbox, runCli, startGateway } from "../helpers.ts";

const TOKEN = "auth-log-real-token-0123456789abcdef";
const WRONG = "auth-log-WRONG-token-zyxwvutsrqponm";
const CONFIG = `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;

interface LogLine {
  subsystem?: string;
  message: string;
  level: string;
}

async function readLogLines(dir: string): Promise<{ raw: string; lines: LogLine[] }> {
  let raw = "";
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile) raw += await Deno.readTextFile(`${dir}/${e.name}`);
  }
  const lines = raw.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
  return { raw, lines };
}

Deno.test("50 failed WS connects and 50 failed HTTP bearer calls: a few log lines with reason and address, counts in health", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const t0 = Date.now();
  for (let i = 0; i < 50; i++) {
    const c = await RawClient.open(gw.url);
    await c.challenge();
    const res = await c.request("connect", cliConnectParams(WRONG));
    assert.equal(res.error?.details?.authReason, "token_mismatch", JSON.stringify(res));
    await c.closed;
  }
  // Past the 10 s line window of 127.0.0.1, so the next failure logs again and says how many
  // were not logged in between.
  await new Promise((r) => setTimeout(r, Math.max(0, t0 + 10_300 - Date.now())));
  const url = `http://127.0.0.1:${gw.port}/v1/models`;
  for (let i = 0; i < 50; i++) {
    const r = await fetch(url, { headers: { Authorization: `Bearer ${WRONG}` } });
    assert.equal(r.status, 401);
    await r.body?.cancel();
  }

  const health = await runCli(sb, ["health", "--json", "--verbose"], {
    env: { OPENCLAW_GATEWAY_PORT: String(gw.port) },
  });
  assert.equal(health.code, 0, health.stderr);
  const server = JSON.parse(health.stdout).subsystems.server;
  assert.equal(server.status, "running");
  assert.deepEqual(server.authFailures, {
    total: 100,
    byReason: { token_mismatch: 100 },
    bySurface: { ws: 50, http: 50 },
    suppressedLines: 98,
  });

  const { raw, lines } = await readLogLines(`${sb.home}/logs`);
  const auth = lines.filter((l) => l.subsystem === "gateway/auth");
  assert.deepEqual(auth.map((l) => [l.level, l.message]), [
    ["warn", "auth failed: token_mismatch from 127.0.0.1 (ws)"],
    [
      "warn",
      "auth failed: token_mismatch from 127.0.0.1 (http); 49 earlier failure(s) from this " +
      "address were not logged",
    ],
  ]);
  assert.ok(lines.length < 30, `${lines.length} log lines for 100 failures:\n${raw}`);
  assert.equal(raw.includes(WRONG), false, "the tried token is never logged");
  assert.equal(raw.includes(TOKEN), false, "nor the real one");
  assert.equal(gw.output().includes(WRONG), false);
});

Deno.test("the failure record keeps bounded memory and a bounded line rate under a spread-out flood", () => {
  let t = 0;
  const logged: { message: string; properties: Record<string, unknown> }[] = [];
  const monitor = createAuthFailureMonitor({
    now: () => t,
    log: (message, properties) => logged.push({ message, properties }),
  });
  // 5,000 addresses within one second.
  for (let i = 0; i < 5000; i++) {
    t = i / 5;
    monitor.record({
      reason: "password_mismatch",
      clientIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      surface: i % 2 ? "ws" : "http",
    });
  }
  assert.ok(monitor.trackedAddresses() <= 1024, `${monitor.trackedAddresses()} addresses`);
  assert.equal(logged.length, 100, "at most 100 lines per 10 s for all addresses together");
  const counts = monitor.counts();
  assert.equal(counts.total, 5000);
  assert.deepEqual(counts.byReason, { password_mismatch: 5000 });
  assert.deepEqual(counts.bySurface, { ws: 2500, http: 2500 });
  assert.equal(counts.suppressedLines, 4900);
  // The next window's first line says how many from other addresses went unlogged.
  t = 20_000;
  monitor.record({ reason: "token_missing", clientIp: "192.0.2.1", surface: "ws" });
  assert.equal(logged.length, 101);
  assert.equal(logged[100].properties.othersSuppressed, 4900);
  assert.equal(logged[100].properties.clientIp, "192.0.2.1");
  assert.equal(logged[100].properties.reason, "token_missing");
});
