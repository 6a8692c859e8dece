/**
 * The cost guard: the persisted off switch, the daily token/cost budget and the idle-session
 * skip, each decided without a model call and counted by reason.
 */
import assert from "node:assert/strict";
import { HeartbeatStateStore } from "../../../lib/heartbeat/state_store.ts";
import { makeSandbox } from "../../helpers.ts";
import { heartbeatHarness } from "./_harness.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1, 12, 0);
const config = (heartbeat: Record<string, unknown> = {}) => ({
  agents: { defaults: { heartbeat: { every: "30m", target: "none", ...heartbeat } } },
});

Deno.test("system heartbeat disable survives a restart: no model call until enabled again", async () => {
  await using sandbox = await makeSandbox({ createStateDir: true });
  {
    await using h = await heartbeatHarness({
      start: START,
      config: config(),
      stateDir: sandbox.stateDir,
    });
    h.store.setEnabled(false);
  }
  // A new start reads the switch from <stateDir>/heartbeat/state.json.
  assert.equal(new HeartbeatStateStore(sandbox.stateDir).enabled, false);
  await using h = await heartbeatHarness({
    start: START,
    config: config(),
    stateDir: sandbox.stateDir,
  });
  await h.advance(60 * MIN);
  await h.runner.wake({ reason: "wake" });
  assert.equal(h.turns.length, 0);
  assert.deepEqual(h.outcomes(), Array(3).fill("skipped:disabled"));
  h.store.setEnabled(true);
  await h.advance(30 * MIN);
  assert.equal(h.turns.length, 1);
});

Deno.test("maxTokensPerDay stops heartbeats for the rest of the day, with the reason", async () => {
  // Each fake turn uses 15 tokens: two runs reach 30.
  await using h = await heartbeatHarness({
    start: Date.UTC(2026, 0, 1, 0, 0),
    config: config({ maxTokensPerDay: 30 }),
  });
  await h.advance(3 * 30 * MIN);
  assert.equal(h.turns.length, 2);
  assert.deepEqual(h.outcomes(), ["ok-token", "ok-token", "skipped:daily-budget"]);
  assert.match(h.events[2].message ?? "", /30 tokens today \(maxTokensPerDay 30\)/);
  assert.equal(h.store.agent("main", "2026-01-01").tokens, 30);
  // The next day starts afresh.
  await h.advance(DAY);
  assert.ok(h.turns.length > 2);
});

Deno.test("maxCostPerDayUsd stops heartbeats once they cost that much", async () => {
  // Each fake turn costs $0.001.
  await using h = await heartbeatHarness({
    start: Date.UTC(2026, 0, 1, 0, 0),
    config: config({ maxCostPerDayUsd: 0.003 }),
  });
  await h.advance(5 * 30 * MIN);
  assert.equal(h.turns.length, 3);
  assert.equal(h.events.at(-1)?.reason, "daily-budget");
});

Deno.test("idleSkipDays skips a session nobody used for that long; real use resumes it", async () => {
  let updatedAt: number | undefined = START - 10 * DAY;
  await using h = await heartbeatHarness({
    start: START,
    config: config({ idleSkipDays: 7 }),
    sessionUpdatedAt: () => updatedAt,
  });
  await h.advance(30 * MIN);
  assert.equal(h.turns.length, 0);
  assert.deepEqual(h.outcomes(), ["skipped:session-idle"]);
  updatedAt = h.clock.now();
  await h.advance(30 * MIN);
  assert.equal(h.turns.length, 1);
});

Deno.test("a heartbeat's own session update does not count as use", async () => {
  // The session was last really used 6 days ago; heartbeats then touch it every 30 minutes.
  const lastUse = START - 6 * DAY;
  let updatedAt = lastUse;
  await using h = await heartbeatHarness({
    start: START,
    config: config({ every: "12h", idleSkipDays: 7 }),
    sessionUpdatedAt: () => updatedAt,
    reply: () => {
      updatedAt = h.clock.now();
      return "HEARTBEAT_OK";
    },
  });
  await h.advance(2 * DAY, 10 * MIN);
  // Runs at +12h, +24h (day 6.5, 7.0 after last use), then skips from day 7.5 on.
  assert.equal(h.turns.length, 2);
  assert.deepEqual(h.outcomes().slice(2), ["skipped:session-idle", "skipped:session-idle"]);
});

Deno.test("the state file keeps the switch, the last event and today's counters", async () => {
  await using sandbox = await makeSandbox({ createStateDir: true });
  {
    await using h = await heartbeatHarness({
      start: START,
      config: config(),
      stateDir: sandbox.stateDir,
    });
    await h.advance(30 * MIN);
  }
  const store = new HeartbeatStateStore(sandbox.stateDir);
  assert.equal(store.enabled, true);
  assert.equal(store.last?.status, "ok-token");
  assert.equal(store.agent("main", "2026-01-01").runs, 1);
  const mode = (await Deno.stat(store.path)).mode! & 0o777;
  assert.equal(mode, 0o600);
});
