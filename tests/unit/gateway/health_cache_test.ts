/**
 * `health` answers an unchanged gateway without rebuilding its per-call sections (the same
 * answer text comes back), and stays exactly as fresh as before: a heartbeat run, the on/off
 * switch, a daily budget stop, a re-plan, a new day on the clock, a channel that hears a message
 * or is disabled -- each shows in the very next answer.
 */
import assert from "node:assert/strict";
import { ActiveTurns } from "../../../gateway/automation/active_turns.ts";
import type { AutomationTurnResult } from "../../../gateway/automation/types.ts";
import { ChannelManager } from "../../../gateway/channels/manager.ts";
import { HealthSnapshot } from "../../../gateway/health_snapshot.ts";
import {
  freezeJson,
  isFrozenJson,
  jsonTextOf,
  sameJsonData,
} from "../../../gateway/methods/json_text.ts";
import { createOutbound } from "../../../gateway/outbound.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { heartbeatSubsystem } from "../../../gateway/subsystems/heartbeat.ts";
import { systemClock } from "../../../lib/clock.ts";
import { type OpenClawConfig, OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { HeartbeatStateStore } from "../../../lib/heartbeat/state_store.ts";
import { SystemEventQueue } from "../../../lib/heartbeat/system_events.ts";
import { getLogger } from "../../../lib/log/logger.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { FakeTelegram } from "../../fixtures/fake_telegram.ts";
import { channelsHost } from "../../fixtures/channels_host.ts";
import { makeSandbox, waitUntil } from "../../helpers.ts";
import { heartbeatHarness } from "../heartbeat/_harness.ts";

const MIN = 60_000;

/** A gateway state with the real heartbeat subsystem on a fake clock (no channels). */
async function heartbeatGateway(heartbeat: Record<string, unknown> = {}) {
  const sandbox = await makeSandbox({ createStateDir: true });
  const stateDir = sandbox.stateDir;
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 23, 0));
  const parse = (hb: Record<string, unknown>) =>
    OpenClawConfigSchema.parse({
      agents: { defaults: { heartbeat: { every: "30m", target: "none", ...hb } } },
    });
  const host = {
    config: parse(heartbeat),
    stateDir,
    clock,
    systemEvents: new SystemEventQueue(),
    activeTurns: new ActiveTurns(),
    outbound: createOutbound({
      stateDir,
      mainKey: () => undefined,
      now: () => clock.now(),
      broadcast: () => {},
    }),
    broadcast: () => {},
    runAutomationTurn: (request: { agentId: string; sessionKey: string }) =>
      Promise.resolve(
        {
          runId: "run-1",
          agentId: request.agentId,
          sessionKey: request.sessionKey,
          sessionId: "s1",
          text: "HEARTBEAT_OK",
          usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, costUsd: 0.001 },
          model: "fake/m1",
          stopReason: "stop",
        } as AutomationTurnResult,
      ),
  };
  const hb = heartbeatSubsystem(host as unknown as Parameters<typeof heartbeatSubsystem>[0]);
  await hb.start({ log: getLogger("test"), clock });
  const state = {
    clock,
    stateDir,
    get config() {
      return host.config;
    },
    subsystems: () => ({ heartbeat: { status: "running", required: false } }),
    heartbeat: hb,
    channels: undefined,
  } as unknown as GatewayState;
  const snapshot = new HealthSnapshot(state);
  return {
    clock,
    hb,
    snapshot,
    /** The `heartbeat` section of the next `health` answer. */
    heartbeat: () => JSON.parse(snapshot.json().text).heartbeat,
    reload(next: Record<string, unknown>) {
      host.config = parse(next);
      hb.reload?.({ config: host.config, previous: host.config, changed: [] });
    },
    async [Symbol.asyncDispose]() {
      await hb.stop({ reason: "test", restart: false });
      await sandbox[Symbol.asyncDispose]();
    },
  };
}

Deno.test("health: an unchanged gateway gets the same answer text again", async () => {
  await using gw = await heartbeatGateway();
  const first = gw.snapshot.json();
  assert.equal(gw.snapshot.json(), first, "nothing changed: the last answer is reused");
  assert.equal(gw.hb.summary(), gw.hb.summary(), "the heartbeat section is not rebuilt");
  gw.clock.advance(1000);
  assert.equal(gw.snapshot.json().text, first.text, "time alone changes nothing shown");
});

Deno.test("health: a heartbeat run, the switch and a re-plan show in the next answer", async () => {
  await using gw = await heartbeatGateway();
  const before = gw.heartbeat();
  assert.equal(before.agents[0].today.runs, 0);
  assert.equal(before.last, null);
  const due = before.agents[0].nextDueAt;
  assert.equal(due, gw.clock.now() + 30 * MIN);

  await gw.hb.wake({ reason: "wake" });
  const ran = gw.heartbeat();
  assert.equal(ran.agents[0].today.runs, 1);
  assert.equal(ran.agents[0].today.tokens, 15);
  assert.equal(ran.last.status, "ok-token");

  await gw.hb.setEnabled(false);
  assert.equal(gw.heartbeat().enabled, false);
  await gw.hb.wake({ reason: "wake" });
  assert.deepEqual(gw.heartbeat().agents[0].today.skips, { disabled: 1 });
  await gw.hb.setEnabled(true);
  assert.equal(gw.heartbeat().enabled, true);

  gw.reload({ every: "10m" });
  const replanned = gw.heartbeat().agents[0];
  assert.equal(replanned.every, "10m");
  assert.equal(replanned.nextDueAt, gw.clock.now() + 10 * MIN);
  gw.reload({ every: "0m" });
  assert.equal(gw.heartbeat().agents[0].nextDueAt, null);
});

Deno.test("health: a scheduled heartbeat moves nextDueAt; midnight starts a new day", async () => {
  // The clock starts at 23:00 UTC on 2026-01-01; beats at 23:45, then 00:30.
  await using gw = await heartbeatGateway({ every: "45m" });
  assert.equal(gw.heartbeat().agents[0].today.day, "2026-01-01");
  gw.clock.advance(45 * MIN);
  // The run is counted as it ends and the next one planned right after: wait for both.
  await waitUntil(() => {
    const agent = gw.heartbeat().agents[0];
    return agent.today.runs === 1 && agent.nextDueAt === gw.clock.now() + 45 * MIN;
  }, { message: "first beat counted and the next one planned 45 min on" });
  // 00:00:00 UTC: the day key and the counters change with nothing else happening.
  gw.clock.advance(14 * MIN + 59_999);
  assert.equal(gw.heartbeat().agents[0].today.day, "2026-01-01");
  gw.clock.advance(1);
  const today = gw.heartbeat().agents[0].today;
  assert.equal(today.day, "2026-01-02");
  assert.equal(today.runs, 0);
});

Deno.test("HeartbeatStateStore.revision moves with every change a summary shows", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  const store = new HeartbeatStateStore(sb.stateDir);
  const moves = (change: () => void) => {
    const before = store.revision;
    change();
    return store.revision !== before;
  };
  assert.ok(moves(() => store.agent("main", "2026-01-01")), "a new agent entry");
  assert.ok(!moves(() => store.agent("main", "2026-01-01")), "reading changes nothing");
  assert.ok(moves(() => store.recordSkip("main", "2026-01-01", "quiet-hours")));
  assert.ok(moves(() => store.recordRun("main", "2026-01-01", 15, 0.001)));
  assert.ok(moves(() => store.stopForToday("main", "2026-01-01", "budget")));
  assert.ok(!moves(() => store.stopForToday("main", "2026-01-01", "again")), "first reason kept");
  assert.ok(moves(() => store.setLast({ ts: 1, status: "ok-empty" })));
  assert.ok(moves(() => store.setEnabled(false)));
  assert.ok(moves(() => store.agent("main", "2026-01-02")), "a new day resets the counters");
});

Deno.test("HeartbeatRunner.revision moves with every change of nextDue", async () => {
  await using h = await heartbeatHarness({
    start: Date.UTC(2026, 0, 1, 12, 0),
    config: { agents: { defaults: { heartbeat: { every: "30m", target: "none" } } } },
  });
  let seen = h.runner.revision;
  const moved = () => {
    const m = h.runner.revision !== seen;
    seen = h.runner.revision;
    return m;
  };
  await h.advance(30 * MIN);
  assert.equal(h.runner.nextDue("main"), h.clock.now() + 30 * MIN);
  assert.ok(moved(), "re-armed after a beat");
  h.reload({ agents: { defaults: { heartbeat: { every: "0m" } } } });
  assert.equal(h.runner.nextDue("main"), null);
  assert.ok(moved(), "unscheduled by a re-plan");
  h.reload({ agents: { defaults: { heartbeat: { every: "30m", target: "none" } } } });
  assert.ok(moved(), "scheduled again");
});

Deno.test("health: a daily budget stop shows as stoppedToday at once", async () => {
  await using gw = await heartbeatGateway({ maxTokensPerDay: 15 });
  assert.equal(gw.heartbeat().agents[0].stoppedToday, undefined);
  await gw.hb.wake({ reason: "wake" });
  assert.match(gw.heartbeat().agents[0].stoppedToday, /15 tokens today/);
});

Deno.test("health: a channel section that changes shows in the next answer", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  const section = (connected: boolean) =>
    freezeJson({ telegram: { configured: true, connected, accounts: {} } })!;
  let live = section(false);
  const state = {
    clock: new FakeClock(),
    stateDir: sb.stateDir,
    config: {},
    subsystems: () => ({}),
    heartbeat: { summary: () => freezeJson({ enabled: true, last: null, agents: [] }) },
    channels: { healthSummary: () => live },
  } as unknown as GatewayState;
  const snapshot = new HealthSnapshot(state);
  const first = snapshot.json();
  assert.equal(JSON.parse(first.text).channels.telegram.connected, false);
  live = section(true);
  const next = JSON.parse(snapshot.json().text);
  assert.equal(next.channels.telegram.connected, true);
  assert.deepEqual(next.channelOrder, ["telegram"]);
  assert.deepEqual(next.channelLabels, { telegram: "Telegram" });
});

Deno.test("health: the channels section is reused while unchanged, fresh after a message or a disable", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  await using tg = await FakeTelegram.start();
  const config = (enabled: boolean) =>
    ({
      channels: { telegram: { enabled, botToken: tg.token, apiRoot: tg.apiRoot } },
    }) as unknown as OpenClawConfig;
  const h = channelsHost(sb.stateDir, config(true));
  const manager = await ChannelManager.open(h, systemClock, getLogger("test"));
  try {
    await manager.start();
    await waitUntil(() => manager.healthSummary().telegram?.connected, { message: "connected" });
    const connected = manager.healthSummary();
    assert.equal(manager.healthSummary(), connected, "unchanged: the same section");
    assert.equal(connected.telegram.lastInboundAt, undefined);

    tg.dm("hello");
    const heard = await waitUntil(() => {
      const s = manager.healthSummary();
      return s.telegram.lastInboundAt !== undefined ? s : undefined;
    }, { message: "the message shows" });
    assert.notEqual(heard, connected);
    assert.equal(
      (heard.telegram.accounts.default as { lastInboundAt?: number }).lastInboundAt,
      heard.telegram.lastInboundAt,
    );

    const previous = h.config;
    h.config = config(false);
    await manager.reload(previous, h.config);
    const off = manager.healthSummary();
    assert.equal(off.telegram.enabled, false);
    assert.equal(off.telegram.running, false);
  } finally {
    await manager.stop("test");
  }
});

Deno.test("freezeJson: a frozen copy with the same JSON text, computed once", () => {
  const source = { b: 1, a: [1, { c: "x" }], u: undefined, n: null };
  const frozen = freezeJson(source)!;
  assert.ok(isFrozenJson(frozen) && Object.isFrozen(frozen.a[1]));
  assert.equal(jsonTextOf(frozen), JSON.stringify(source));
  assert.equal(jsonTextOf(frozen), jsonTextOf(frozen));
  source.b = 2;
  assert.equal(jsonTextOf(frozen), '{"b":1,"a":[1,{"c":"x"}],"n":null}', "a copy, not a view");
  const proto = JSON.parse('{"__proto__":{"x":1}}');
  assert.equal(jsonTextOf(freezeJson(proto)), '{"__proto__":{"x":1}}');
  // Data with a JSON form of its own is not frozen (it is serialized each time instead).
  assert.equal(freezeJson({ at: new Date(0) }), undefined);
  assert.equal(freezeJson({ toJSON: () => 1 }), undefined);
  assert.equal(
    freezeJson({
      get t() {
        return 1;
      },
    }),
    undefined,
  );
  assert.equal(isFrozenJson(Object.freeze({ a: 1 })), false);
});

Deno.test("sameJsonData: equal only when the JSON text is sure to be equal", () => {
  assert.ok(sameJsonData({ a: 1, b: [true, null] }, { a: 1, b: [true, null] }));
  assert.ok(!sameJsonData({ a: 1, b: 2 }, { b: 2, a: 1 }), "key order is part of the text");
  assert.ok(!sameJsonData({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!sameJsonData([1, 2], [1, 2, 3]));
  assert.ok(!sameJsonData({ a: new Date(0) }, { a: new Date(0) }));
  assert.ok(!sameJsonData({ a: "1" }, { a: 1 }));
});
