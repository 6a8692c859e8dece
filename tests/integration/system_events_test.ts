/**
 * System events end to end: `openclaw system event` queues a `System:` line for the next turn of
 * the main session (`--mode now` runs a heartbeat at once), the `wake` / `set-heartbeats` /
 * `system-event` RPCs answer in stock's shapes, operators get `heartbeat` events, and a
 * background command's exit (exec notifyOnExit) wakes the heartbeat.
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import { makeSandbox, runCli, type Sandbox, startGateway, waitUntil } from "../helpers.ts";
import type { FakeProvider } from "../fixtures/fake_providers/mod.ts";
import { AGENT_TEST_TOKEN } from "./_agent_setup.ts";

const ENV = { env: { OPENCLAW_GATEWAY_TOKEN: AGENT_TEST_TOKEN } };

/** A gateway config with the fake model, this heartbeat block and `extra` top-level keys. */
function heartbeatConfig(fake: FakeProvider, heartbeat: string, extra = ""): string {
  return `{
    gateway: { mode: "local", auth: { mode: "token", token: "${AGENT_TEST_TOKEN}" } },
    models: {
      mode: "replace",
      providers: {
        fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
      },
    },
    agents: { defaults: { model: "fake/m1", heartbeat: ${heartbeat} } },
    ${extra}
  }`;
}

async function lastHeartbeat(sb: Sandbox): Promise<Record<string, unknown> | null> {
  const r = await runCli(sb, ["system", "heartbeat", "last", "--json"], ENV);
  return JSON.parse(r.stdout);
}

/** The text of the last user message the model was sent. */
function lastUserText(body: { messages: { role: string; content: unknown }[] }): string {
  const user = body.messages.filter((m) => m.role === "user").at(-1);
  return typeof user?.content === "string" ? user.content : JSON.stringify(user?.content);
}

Deno.test("system event --mode now triggers a heartbeat that sees the System: line", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "HEARTBEAT_OK" },
  });
  await using _gw = await startGateway(
    sb,
    heartbeatConfig(fake, `{ every: "30m", target: "none" }`),
  );
  const r = await runCli(sb, [
    "system",
    "event",
    "--text",
    "Check urgent follow-ups",
    "--mode",
    "now",
  ], ENV);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "ok");
  const last = await waitUntil(async () => {
    const e = await lastHeartbeat(sb);
    return e?.trigger === "wake" ? e : undefined;
  }, { intervalMs: 200, message: "the woken heartbeat" });
  assert.equal(last.status, "ok-token");
  assert.equal(fake.requests.length, 1);
  assert.match(lastUserText(fake.requests[0].body), /^System: Check urgent follow-ups\n\n/);
});

Deno.test("a next-heartbeat event reaches the next turn of the main session once", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "noted" },
  });
  await using _gw = await startGateway(
    sb,
    heartbeatConfig(fake, `{ every: "30m", target: "none" }`),
  );
  const queued = await runCli(sb, ["system", "event", "--text", "Deploy finished", "--json"], ENV);
  assert.deepEqual(JSON.parse(queued.stdout), { ok: true });
  const status = JSON.parse((await runCli(sb, ["gateway", "call", "status"], ENV)).stdout);
  assert.equal(status.queuedSystemEvents, 1);
  for (const message of ["hi", "again"]) {
    const turn = await runCli(sb, ["agent", "--message", message], ENV);
    assert.equal(turn.code, 0, turn.stderr);
  }
  assert.equal(lastUserText(fake.requests[0].body), "System: Deploy finished\n\nhi");
  assert.equal(lastUserText(fake.requests[1].body), "again");
});

Deno.test("system event refuses a bad --mode; system presence prints JSON", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using _gw = await startGateway(sb, heartbeatConfig(fake, `{ every: "30m" }`));
  const bad = await runCli(sb, ["system", "event", "--text", "x", "--mode", "later"], ENV);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--mode must be now or next-heartbeat/);
  const presence = await runCli(sb, ["system", "presence"], ENV);
  assert.equal(presence.code, 0, presence.stderr);
  assert.ok(Array.isArray(JSON.parse(presence.stdout)));
  const last = await runCli(sb, ["system", "heartbeat", "last"], ENV);
  assert.equal(last.stdout.trim(), "null");
});

Deno.test("wake, set-heartbeats and system-event answer in stock's shapes; operators get heartbeat events", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "Something needs you" },
  });
  await using gw = await startGateway(
    sb,
    heartbeatConfig(fake, `{ every: "30m", target: "none" }`),
  );
  const c = await RawClient.open(gw.url);
  try {
    await c.challenge();
    assert.equal((await c.request("connect", cliConnectParams(AGENT_TEST_TOKEN))).ok, true);
    const bad = await c.request("set-heartbeats", { enabled: "yes" });
    assert.equal(bad.error.code, "INVALID_REQUEST");
    assert.equal(bad.error.message, "invalid set-heartbeats params: enabled (boolean) required");
    const noMode = await c.request("wake", { text: "x" });
    assert.equal(noMode.error.code, "INVALID_REQUEST");
    assert.deepEqual(
      (await c.request("wake", { mode: "now", text: "x", sessionKey: "agent:main:subagent:1" }))
        .payload,
      { ok: false, reason: "unwakeable-session-key" },
    );
    assert.deepEqual(
      (await c.request("wake", { mode: "now", text: "x", agentId: "nobody" })).payload,
      { ok: false, reason: "unknown-agent" },
    );
    assert.deepEqual((await c.request("wake", { mode: "now", text: "Look now" })).payload, {
      ok: true,
    });
    const event = await c.next((f) => f.type === "event" && f.event === "heartbeat", 15_000);
    // target none: the turn ran, nothing was delivered.
    assert.equal(event.payload.status, "skipped");
    assert.equal(event.payload.reason, "target-none");
    assert.equal(event.payload.preview, "Something needs you");
    assert.equal(typeof event.payload.ts, "number");
    const sys = await c.request("system-event", { text: "Queued by a node", wake: false });
    assert.deepEqual(sys.payload, { ok: true });
  } finally {
    c.close();
  }
});

Deno.test("a background command's exit (notifyOnExit) wakes the heartbeat with its System: line", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "HEARTBEAT_OK" },
  });
  const config = heartbeatConfig(
    fake,
    `{ every: "30m", target: "none" }`,
    `tools: { allow: ["exec", "process"] },`,
  );
  await using _gw = await startGateway(sb, config);
  fake.enqueue(
    {
      toolCalls: [{
        id: "c1",
        name: "exec",
        args: { command: "echo built-ok", background: true },
      }],
    },
    { text: "started it" },
  );
  const r = await runCli(sb, ["agent", "--message", "build it"], ENV);
  assert.equal(r.code, 0, r.stderr);
  const last = await waitUntil(async () => {
    const e = await lastHeartbeat(sb);
    return e?.trigger === "exec-event" ? e : undefined;
  }, { intervalMs: 200, message: "the exec-woken heartbeat" });
  assert.equal(last.status, "ok-token");
  const woken = fake.requests.map((q) => lastUserText(q.body));
  assert.ok(
    woken.some((t) => /^System: Exec finished: echo built-ok \(exit 0\)/.test(t)),
    woken.join(" | "),
  );
});
