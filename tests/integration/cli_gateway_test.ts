import assert from "node:assert/strict";
import { freePort, makeSandbox, runCli, startGateway, waitUntil, writeFile } from "../helpers.ts";

const CONFIG =
  `{ gateway: { mode: "local", auth: { mode: "token", token: "cli-gw-token-0123" } } }`;

Deno.test("gateway status: Runtime running and RPC probe ok; --json; --require-rpc", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const r = await runCli(sb, ["gateway", "status"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Runtime: running \\(pid ${gw.child.pid}, port ${gw.port}`));
  assert.match(r.stdout, /RPC probe: ok/);
  const j = JSON.parse((await runCli(sb, ["gateway", "status", "--json", "--require-rpc"])).stdout);
  assert.equal(j.runtime.status, "running");
  assert.equal(j.rpc.ok, true);
  assert.equal(j.gateway.port, gw.port);
});

Deno.test("gateway status with a wrong token: RPC probe failed with the reason; --require-rpc exits 1", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, CONFIG);
  const r = await runCli(sb, ["gateway", "status"], {
    env: { OPENCLAW_GATEWAY_TOKEN: "wrong-token" },
  });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /RPC probe: failed/);
  assert.match(r.stdout, /token mismatch/);
  const strict = await runCli(sb, ["gateway", "status", "--require-rpc"], {
    env: { OPENCLAW_GATEWAY_TOKEN: "wrong-token" },
  });
  assert.equal(strict.code, 1);
});

Deno.test("gateway status when nothing runs says stopped and suggests doctor", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    CONFIG.replace(`mode: "local",`, `mode: "local", port: ${freePort()},`),
  );
  const r = await runCli(sb, ["gateway", "status"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Runtime: stopped/);
  assert.match(r.stdout, /RPC probe: failed/);
  assert.match(r.stdout, /connection refused|Cannot reach/);
  assert.match(r.stdout, /openclaw doctor/);
});

Deno.test("health --json prints the HealthSummary; unreachable exits 1 with a hint", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const r = await runCli(sb, ["health", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const h = JSON.parse(r.stdout);
  assert.equal(h.ok, true);
  assert.equal(h.defaultAgentId, "main");
  assert.equal(h.agents[0].heartbeat.every, "30m");
  await gw.stop();
  const down = await runCli(sb, ["health", "--json"]);
  assert.equal(down.code, 1);
  const env = JSON.parse(down.stdout);
  assert.equal(env.ok, false);
  assert.equal(env.error.type, "GATEWAY_UNREACHABLE");
  assert.match(env.error.hint, /openclaw doctor/);
});

Deno.test("status shows the overview, and reports an unreachable gateway", async () => {
  await using sb = await makeSandbox();
  const gw = await startGateway(sb, CONFIG);
  const r = await runCli(sb, ["status"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /OpenClaw status/);
  assert.match(
    r.stdout,
    new RegExp(`Gateway +local · ws://127\\.0\\.0\\.1:${gw.port} · reachable \\d+ms · auth token`),
  );
  const j = JSON.parse((await runCli(sb, ["status", "--deep", "--json"])).stdout);
  assert.equal(j.gateway.reachable, true);
  assert.equal(j.health.ok, true);
  await gw.stop();
  const down = await runCli(sb, ["status"]);
  assert.match(down.stdout, /unreachable/);
  assert.match(down.stdout, /openclaw doctor/);
});

Deno.test("gateway call runs a method and prints its JSON; gateway probe reports reachability", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, CONFIG);
  const r = await runCli(sb, ["gateway", "call", "status", "--params", "{}"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).ok, true);
  const bad = await runCli(sb, ["gateway", "call", "nope", "--json"]);
  assert.equal(bad.code, 1);
  assert.match(JSON.parse(bad.stdout).error.message, /unknown method: nope/);
  const p = await runCli(sb, ["gateway", "probe"]);
  assert.equal(p.code, 0, p.stdout + p.stderr);
  assert.match(p.stdout, /Local loopback/);
  assert.match(p.stdout, /Reachable: yes/);
  assert.match(p.stdout, /RPC: ok/);
});

Deno.test("logs reads over RPC, and straight from the file when the gateway is down", async () => {
  await using sb = await makeSandbox();
  const gw = await startGateway(sb, CONFIG);
  const r = await runCli(sb, ["logs", "--limit", "20", "--plain"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /INFO \[gateway\] listening on ws:\/\/127\.0\.0\.1/);
  const j = await runCli(sb, ["logs", "--json"]);
  const lines = j.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines[0].type, "meta");
  assert.equal(lines[0].source, "rpc");
  assert.ok(lines.some((l) => l.type === "log" && l.subsystem === "gateway"));
  await gw.stop();
  const down = await runCli(sb, ["logs", "--json"]);
  const dl = down.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(dl[0].source, "file");
  assert.ok(dl.some((l) => l.type === "log" && /stopping/.test(l.message)));
});

Deno.test("logs --follow prints new lines as they are written", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, CONFIG);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      new URL("../../main.ts", import.meta.url).pathname,
      "logs",
      "--follow",
      "--plain",
      "--interval",
      "100",
      "--limit",
      "1",
    ],
    env: sb.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let out = "";
  const pump = (async () => {
    for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) out += text;
  })();
  try {
    await new Promise((r) => setTimeout(r, 800));
    // Something new in the log: a config edit through the CLI is logged by the gateway's reloader.
    await runCli(sb, ["config", "set", "identity.name", "Followed"]);
    await waitUntil(() => /config change detected/.test(out), {
      intervalMs: 50,
      message: () => `the reload line in logs --follow; got:\n${out}`,
    });
  } finally {
    child.kill("SIGINT");
    await child.status;
    await pump;
  }
  assert.match(out, /config change detected; evaluating reload \(identity/);
});
