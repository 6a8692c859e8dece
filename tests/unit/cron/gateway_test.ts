/**
 * The cron subsystem and the `cron.*` methods over a fake gateway host: what the RPC surface
 * answers, and how payloads map to the automation API (system events, heartbeat wakes,
 * automation turns, the outbound).
 */
import assert from "node:assert/strict";
import type { Logger } from "../../../lib/log/mod.ts";
import { cronMethods } from "../../../gateway/methods/cron.ts";
import { MethodRegistry } from "../../../gateway/methods/registry.ts";
import type { MethodCall } from "../../../gateway/methods/types.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { type CronHost, cronSubsystem } from "../../../gateway/subsystems/cron.ts";
import { type OpenClawConfig, OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import type { CronEvent } from "../../../lib/cron/types.ts";
import { ProtocolError } from "../../../lib/protocol/error_map.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { tempDir } from "../../helpers.ts";

const registry = new MethodRegistry(cronMethods);
const logger = { info() {}, warn() {} } as unknown as Logger;

async function makeHost(config: Record<string, unknown> = {}) {
  const dir = await tempDir("openclaw-cron-gw-");
  const calls: { method: string; arg: unknown }[] = [];
  const events: CronEvent[] = [];
  const host = {
    config: OpenClawConfigSchema.parse(config) as OpenClawConfig,
    stateDir: dir.path,
    broadcast: (event: string, payload: unknown) => {
      if (event === "cron") events.push(payload as CronEvent);
    },
    enqueueSystemEvent: (arg: unknown) => {
      calls.push({ method: "enqueueSystemEvent", arg });
      return { ok: true, sessionKey: "agent:main:main", queued: 1 };
    },
    heartbeat: {
      wake: (arg: unknown) => {
        calls.push({ method: "wake", arg });
        return Promise.resolve([]);
      },
    },
    runAutomationTurn: (arg: { sessionKey: string; agentId: string }) => {
      calls.push({ method: "runAutomationTurn", arg });
      return Promise.resolve({
        runId: "r1",
        agentId: arg.agentId,
        sessionKey: arg.sessionKey,
        sessionId: "s1",
        text: "Report ready",
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2, costUsd: 0 },
        model: "fake/m1",
        stopReason: "stop",
      });
    },
    outbound: {
      deliver: (target: unknown, text: string) => {
        calls.push({ method: "deliver", arg: { target, text } });
        return Promise.resolve({
          status: "skipped",
          reason: "channel-not-connected",
          channel: "telegram",
        });
      },
    },
  } as unknown as CronHost;
  const clock = new FakeClock(Date.UTC(2026, 0, 5));
  const sub = cronSubsystem(host, {});
  await sub.start({ log: logger, clock });
  const call = async (name: string, params: unknown, scopes = ["operator.admin"]) => {
    const resolved = registry.resolve(name, params, scopes);
    if (!resolved.ok) throw ProtocolError.of(resolved.error);
    const c: MethodCall<unknown> = {
      params: resolved.params,
      caller: { connId: "c", clientIp: "127.0.0.1", isLoopback: true, role: "operator", scopes },
      state: host as unknown as GatewayState,
      signal: new AbortController().signal,
      respondEarly: () => {},
    };
    // deno-lint-ignore no-explicit-any -- results are inspected freely
    return await resolved.method.run(c) as any;
  };
  return {
    host,
    sub,
    clock,
    calls,
    events,
    call,
    async [Symbol.asyncDispose]() {
      await sub.stop({ reason: "test", restart: false });
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("cron methods: reads need operator.read, changes operator.admin", () => {
  const scopes = Object.fromEntries(registry.definitions().map((d) => [d.name, d.scope]));
  assert.deepEqual(scopes, {
    "cron.status": "operator.read",
    "cron.list": "operator.read",
    "cron.get": "operator.read",
    "cron.add": "operator.admin",
    "cron.update": "operator.admin",
    "cron.remove": "operator.admin",
    "cron.run": "operator.admin",
    "cron.runs": "operator.read",
  });
  const denied = registry.resolve("cron.add", {}, ["operator.read"]);
  assert.equal(denied.ok, false);
});

Deno.test("a system-event job queues its line into the main session and wakes the heartbeat", async () => {
  await using h = await makeHost();
  const job = await h.call("cron.add", {
    name: "check",
    schedule: { kind: "every", everyMs: 60_000 },
    sessionTarget: "main",
    wakeMode: "now",
    payload: { kind: "systemEvent", text: "Check the build" },
  });
  assert.deepEqual(job.deliveryPreview, { label: "not requested", detail: "not requested" });
  await h.clock.tick(60_000);
  assert.deepEqual(h.calls, [
    {
      method: "enqueueSystemEvent",
      arg: { agentId: "main", text: "Check the build", source: "cron" },
    },
    { method: "wake", arg: { reason: `cron:${job.id}`, agentId: "main" } },
  ]);
  const runs = await h.call("cron.runs", { jobId: job.id }, ["operator.read"]);
  assert.deepEqual(runs.entries.map((r: { status: string }) => r.status), ["ok"]);
  assert.deepEqual(h.events.map((e) => e.action), ["added", "started", "finished"]);
});

Deno.test("an isolated agent turn delivering to an unconnected channel is ok, delivery not-delivered", async () => {
  await using h = await makeHost();
  const job = await h.call("cron.add", {
    schedule: { kind: "at", at: "2026-01-05T00:10:00Z" },
    payload: { kind: "agentTurn", message: "Write the report" },
    delivery: { mode: "announce", channel: "telegram", to: "123" },
  });
  assert.equal(job.sessionTarget, "isolated");
  assert.deepEqual(job.deliveryPreview.label, "telegram:123");
  await h.clock.tick(10 * 60_000);
  assert.deepEqual(h.calls.map((c) => c.method), ["runAutomationTurn", "deliver"]);
  assert.equal(
    (h.calls[0].arg as { sessionKey: string }).sessionKey,
    `agent:main:cron:${job.id}`,
  );
  assert.deepEqual(h.calls[1].arg, {
    target: { channel: "telegram", to: "123" },
    text: "Report ready",
  });
  const [row] = (await h.call("cron.runs", { id: job.id })).entries;
  assert.deepEqual(
    [row.status, row.deliveryStatus, row.deliveryError, row.summary],
    ["ok", "not-delivered", "channel-not-connected", "Report ready"],
  );
});

Deno.test("cron.runs needs an id unless scope is all; lookups take id or jobId", async () => {
  await using h = await makeHost();
  await assert.rejects(
    () => h.call("cron.runs", {}),
    /invalid cron.runs params: id \(or jobId\) is required unless scope is all/,
  );
  await assert.rejects(() => h.call("cron.get", {}), /id \(or jobId\) is required/);
  const job = await h.call("cron.add", {
    schedule: { kind: "cron", expr: "0 9 * * *" },
    payload: { kind: "systemEvent", text: "x" },
  });
  assert.equal((await h.call("cron.get", { jobId: job.id })).id, job.id);
  assert.deepEqual(await h.call("cron.remove", { jobId: job.id }), { ok: true, removed: true });
  assert.deepEqual(await h.call("cron.remove", { id: job.id }), { ok: true, removed: false });
  await assert.rejects(() => h.call("cron.get", { id: job.id }), /Cannot find cron job/);
});

Deno.test("jobs without a zone get agents.defaults.userTimezone; cron.list shows the next run there", async () => {
  await using h = await makeHost({ agents: { defaults: { userTimezone: "Europe/Berlin" } } });
  await h.call("cron.add", {
    schedule: { kind: "cron", expr: "0 9 * * *" },
    payload: { kind: "systemEvent", text: "x" },
  });
  const page = await h.call("cron.list", {});
  assert.deepEqual(Object.keys(page).sort(), [
    "hasMore",
    "jobs",
    "limit",
    "nextOffset",
    "offset",
    "total",
  ]);
  assert.equal(page.jobs[0].tz, "Europe/Berlin");
  assert.equal(page.jobs[0].nextRunAt, "2026-01-05T09:00:00+01:00");
});

Deno.test("a hot reload of cron.enabled false pauses the scheduler and status says why", async () => {
  await using h = await makeHost();
  const previous = h.host.config;
  const config = OpenClawConfigSchema.parse({ cron: { enabled: false } });
  await h.sub.reload!({ config, previous, changed: ["cron.enabled"] });
  const status = await h.call("cron.status", {});
  assert.deepEqual([status.enabled, status.disabledReason], [false, "cron.enabled=false"]);
  assert.deepEqual(h.sub.health!().disabledReason, "cron.enabled=false");
});
