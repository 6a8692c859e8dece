/**
 * The gateway's shape as a client meets it: each subsystem's state in `health` and `status`, a
 * failing optional subsystem that leaves the gateway serving, a failing required one that stops
 * the start with its name, a live `hello-ok` that passes the protocol schema, and prototype
 * names that are unknown methods.
 */
import assert from "node:assert/strict";
import { HelloOkSchema } from "../../lib/protocol/frames.ts";
import {
  freePort,
  makeSandbox,
  runCli,
  spawnGateway,
  startGateway,
  writeFile,
} from "../helpers.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";

const TOKEN = "architecture-test-token-0123456789";
const CONFIG = `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;

async function connect(url: string, scopes = ["operator.admin"]) {
  const c = await RawClient.open(url);
  await c.challenge();
  const hello = await c.request("connect", cliConnectParams(TOKEN, { scopes }));
  assert.equal(hello.ok, true, JSON.stringify(hello));
  return { c, hello };
}

const BUILT_IN = [
  "logging",
  "secrets",
  "server",
  "processes",
  "sandbox",
  "agent",
  "reloader",
  "heartbeat",
  "cron",
  "discovery",
  "tailscale",
  "channels",
  "browser",
];

Deno.test("health and status report every subsystem's state from the subsystem", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const { c } = await connect(gw.url);
  const health = await c.request("health", { probe: true });
  const states = health.payload.subsystems as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(states), BUILT_IN);
  for (const id of BUILT_IN) assert.equal(states[id].status, "running", id);
  // `health` (any role, and an event to every client) carries states; `status` the detail.
  assert.deepEqual(states.reloader, { status: "running", required: false });
  const status = await c.request("status", {});
  const subsystems = status.payload.subsystems as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(subsystems), BUILT_IN);
  assert.equal(subsystems.server.connections, 1);
  assert.equal(subsystems.server.url, gw.url);
  assert.equal(subsystems.reloader.watching, true);
  assert.equal(subsystems.agent.loaded, false, "the agent runtime loads on first use");
  const cli = await runCli(sb, ["health"]);
  assert.match(cli.stdout, /^Subsystems: all 13 running$/m);
  c.close();
});

Deno.test("a failing optional subsystem leaves the gateway up, degraded and visible in health", async () => {
  await using sb = await makeSandbox();
  // network "host" is refused for sandboxes: the sandbox subsystem cannot run this config.
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } },
       agents: { defaults: { sandbox: { mode: "all", docker: { network: "host" } } } } }`,
  );
  await gw.waitFor(/running without: sandbox/);
  const { c } = await connect(gw.url);
  const health = await c.request("health", { probe: true });
  const sandbox = health.payload.subsystems.sandbox;
  assert.equal(sandbox.status, "degraded");
  assert.equal(sandbox.required, false);
  assert.match(sandbox.error, /agent main: .*network mode "host" is blocked/);
  assert.equal(health.payload.subsystems.server.status, "running");
  // The CLI says so too, with the reason.
  const cliHealth = await runCli(sb, ["health"]);
  assert.equal(cliHealth.code, 0, cliHealth.stderr);
  assert.match(cliHealth.stdout, /Subsystems: 12 of 13 running/);
  assert.match(
    cliHealth.stdout,
    /sandbox: degraded \(agent main: .*network mode "host" is blocked/,
  );
  const cliStatus = await runCli(sb, ["status"]);
  assert.match(cliStatus.stdout, /Subsystems\s+12 of 13 running; sandbox: degraded/);
  // Still serving: HTTP probes and RPC answer.
  const live = await fetch(`http://127.0.0.1:${gw.port}/healthz`);
  assert.equal(live.status, 200);
  await live.body?.cancel();
  c.close();
});

Deno.test("a failing required subsystem stops the start with its name", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    `{ gateway: { mode: "local", auth: { token: { source: "env", provider: "default", id: "OPENCLAW_ARCH_NO_SUCH_TOKEN" } } } }`,
  );
  const gw = spawnGateway(sb, ["--port", String(freePort())]);
  const exit = await gw.child.status;
  await gw.stop();
  assert.equal(exit.code, 1, gw.output());
  assert.match(
    gw.output(),
    /subsystem secrets failed to start: Cannot resolve gateway\.auth\.token/,
  );
  assert.doesNotMatch(gw.output(), /listening on/);
});

Deno.test("a live hello-ok validates against the protocol's hello-ok schema", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const { c, hello } = await connect(gw.url);
  const parsed = HelloOkSchema.safeParse(hello.payload);
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  assert.ok(hello.payload.features.methods.includes("health"));
  assert.ok(!hello.payload.features.methods.includes("constructor"));
  c.close();
});

Deno.test("prototype names are unknown methods over the wire, even for an admin", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const { c } = await connect(gw.url);
  for (const method of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
    const res = await c.request(method, {});
    assert.equal(res.ok, false, `${method} answered ok`);
    assert.deepEqual(res.error, { code: "INVALID_REQUEST", message: `unknown method: ${method}` });
    assert.ok(!JSON.stringify(res).includes(TOKEN), `${method} leaked the token`);
  }
  // The connection is still usable afterwards.
  assert.equal((await c.request("health", {})).ok, true);
  c.close();
});
