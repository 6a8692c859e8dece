/**
 * Heartbeats end to end: a real gateway process whose model is a fake provider runs scheduled
 * heartbeat turns (`every: "2s"` keeps the test short), which `openclaw system heartbeat last`,
 * the session transcript and `openclaw status` show; `system heartbeat disable` survives a
 * restart.
 */
import assert from "node:assert/strict";
import { type FakeProvider, startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import {
  makeSandbox,
  runCli,
  type Sandbox,
  startGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";
import { AGENT_TEST_TOKEN } from "./_agent_setup.ts";

const ENV = { env: { OPENCLAW_GATEWAY_TOKEN: AGENT_TEST_TOKEN } };

/** A gateway config with the fake model and this heartbeat block (JSON5 text). */
function heartbeatConfig(fake: FakeProvider, heartbeat: string): string {
  return `{
    gateway: { mode: "local", auth: { mode: "token", token: "${AGENT_TEST_TOKEN}" } },
    models: {
      mode: "replace",
      providers: {
        fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
      },
    },
    agents: { defaults: { model: "fake/m1", heartbeat: ${heartbeat} } },
  }`;
}

/** `openclaw system heartbeat last --json`, parsed. */
async function lastHeartbeat(sb: Sandbox): Promise<Record<string, unknown> | null> {
  const r = await runCli(sb, ["system", "heartbeat", "last", "--json"], ENV);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Every message entry of the main session's transcript(s). */
async function transcriptMessages(sb: Sandbox): Promise<{ role: string; text: string }[]> {
  const dir = `${sb.stateDir}/agents/main/sessions`;
  const out: { role: string; text: string }[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.endsWith(".jsonl")) continue;
    for (const line of (await Deno.readTextFile(`${dir}/${e.name}`)).split("\n")) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line);
      if (entry.type !== "message") continue;
      const text = (entry.message.content ?? [])
        .map((c: { text?: string }) => c.text ?? "").join("");
      out.push({ role: entry.message.role, text });
    }
  }
  return out;
}

Deno.test('a gateway with every: "2s" runs heartbeat turns: system heartbeat last, transcript, status', async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "HEARTBEAT_OK" },
  });
  await writeFile(`${sb.stateDir}/workspace/HEARTBEAT.md`, "# Checklist\n- check the inbox\n");
  await using _gw = await startGateway(
    sb,
    heartbeatConfig(fake, `{ every: "2s", target: "none" }`),
  );
  const last = await waitUntil(async () => {
    const e = await lastHeartbeat(sb);
    return e?.status === "ok-token" ? e : undefined;
  }, { timeoutMs: 20_000, intervalMs: 300, message: "a heartbeat turn" });
  assert.equal(last.agentId, "main");
  assert.equal(last.trigger, "interval");
  assert.equal(last.silent, true);
  assert.equal(last.enabled, true);
  // The checklist went to the model with the heartbeat prompt.
  const body = JSON.stringify(fake.requests[0].body);
  assert.match(body, /check the inbox/);
  assert.match(body, /HEARTBEAT_OK/);
  // The turn is in the main session's transcript, ack included (only delivery hides it).
  const messages = await transcriptMessages(sb);
  assert.ok(messages.some((m) => m.role === "user" && /scheduled heartbeat/.test(m.text)));
  assert.ok(messages.some((m) => m.role === "assistant" && m.text === "HEARTBEAT_OK"));
  // status shows the agent's heartbeat runs and tokens today.
  const status = await runCli(sb, ["status"], ENV);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /Heartbeats today\s+main: [1-9]\d* runs, .* [1-9]\d* tokens/);
  assert.match(status.stdout, /Last heartbeat\s+ok-token · main/);
});

Deno.test("an empty HEARTBEAT.md never calls the model; status counts the skips", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "HEARTBEAT_OK" },
  });
  await writeFile(`${sb.stateDir}/workspace/HEARTBEAT.md`, "# HEARTBEAT.md\n\n<!-- empty -->\n");
  await using _gw = await startGateway(
    sb,
    heartbeatConfig(fake, `{ every: "1s", target: "none" }`),
  );
  const last = await waitUntil(() => lastHeartbeat(sb), {
    timeoutMs: 20_000,
    intervalMs: 300,
    message: "a heartbeat",
  });
  assert.equal(last.status, "skipped");
  assert.equal(last.reason, "empty-heartbeat-file");
  const health = await runCli(sb, ["health", "--json"], ENV);
  const hb = JSON.parse(health.stdout).heartbeat;
  assert.ok(hb.agents[0].today.skips["empty-heartbeat-file"] >= 1, health.stdout);
  assert.equal(hb.agents[0].today.runs, 0);
  assert.equal(fake.requests.length, 0);
});

Deno.test("system heartbeat disable persists across a gateway restart", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "HEARTBEAT_OK" },
  });
  const config = heartbeatConfig(fake, `{ every: "30m", target: "none" }`);
  {
    await using gw = await startGateway(sb, config);
    const off = await runCli(sb, ["system", "heartbeat", "disable"], ENV);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(off.stdout.trim(), "Heartbeats disabled (kept across gateway restarts).");
    const json = await runCli(sb, ["system", "heartbeat", "disable", "--json"], ENV);
    assert.deepEqual(JSON.parse(json.stdout), { ok: true, enabled: false, persisted: true });
    assert.equal(await gw.stop(), 0);
  }
  await using _gw = await startGateway(sb, null);
  const health = JSON.parse((await runCli(sb, ["health", "--json"], ENV)).stdout);
  assert.equal(health.heartbeat.enabled, false);
  // A manual wake is refused while disabled: no model call.
  const wake = await runCli(sb, ["system", "event", "--text", "ping", "--mode", "now"], ENV);
  assert.equal(wake.stdout.trim(), "ok");
  const last = await waitUntil(() => lastHeartbeat(sb), { intervalMs: 200, message: "a skip" });
  assert.equal(last.status, "skipped");
  assert.equal(last.reason, "disabled");
  assert.equal(last.enabled, false);
  assert.equal(fake.requests.length, 0);
  const on = await runCli(sb, ["system", "heartbeat", "enable", "--json"], ENV);
  assert.deepEqual(JSON.parse(on.stdout), { ok: true, enabled: true, persisted: true });
});

Deno.test("a heartbeat config change re-plans the running gateway without a restart", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "HEARTBEAT_OK" },
  });
  await using gw = await startGateway(
    sb,
    heartbeatConfig(fake, `{ every: "30m", target: "none" }`),
  );
  const set = await runCli(sb, ["config", "set", "agents.defaults.heartbeat.every", "1s"], ENV);
  assert.equal(set.code, 0, set.stderr);
  const last = await waitUntil(async () => {
    const e = await lastHeartbeat(sb);
    return e?.status === "ok-token" ? e : undefined;
  }, { timeoutMs: 20_000, intervalMs: 300, message: "a heartbeat after the reload" });
  assert.equal(last.trigger, "interval");
  assert.doesNotMatch(gw.output(), /restarting/);
});
