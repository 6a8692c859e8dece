/**
 * The heartbeat schedule on a fake clock: intervals, active hours in IANA zones (DST included),
 * overnight windows, hot re-planning.
 */
import assert from "node:assert/strict";
import { heartbeatHarness } from "./_harness.ts";

const HOUR = 3_600_000;
const MIN = 60_000;

/** UTC "HH:MM" of each model turn's time (the turns list is in order). */
function utcTimes(times: number[]): string[] {
  return times.map((t) => new Date(t).toISOString().slice(11, 16));
}

Deno.test("a day of heartbeats every 30m with activeHours 09:00–22:00 Asia/Shanghai runs 26 times", async () => {
  // 2026-01-02 00:00 in Shanghai (UTC+8).
  await using h = await heartbeatHarness({
    start: Date.UTC(2026, 0, 1, 16, 0),
    config: {
      agents: {
        defaults: {
          // "Today" in status is the user's day.
          userTimezone: "Asia/Shanghai",
          heartbeat: {
            every: "30m",
            target: "none",
            activeHours: { start: "09:00", end: "22:00", timezone: "Asia/Shanghai" },
          },
        },
      },
    },
  });
  await h.advance(24 * HOUR);
  const runs = h.events.filter((e) => e.status !== "skipped");
  assert.equal(h.turns.length, 26);
  assert.equal(runs.length, 26);
  // 09:00 to 21:30 Shanghai is 01:00 to 13:30 UTC.
  const times = utcTimes(runs.map((e) => e.ts));
  assert.equal(times[0], "01:00");
  assert.equal(times.at(-1), "13:30");
  // Nights cost one skip each, recorded with their reason.
  assert.deepEqual(h.outcomes().filter((o) => o.startsWith("skipped")), [
    "skipped:quiet-hours",
    "skipped:quiet-hours",
  ]);
  const today = h.store.agent("main", "2026-01-02");
  assert.equal(today.runs, 26);
  assert.equal(today.skips["quiet-hours"], 2);
  assert.equal(today.tokens, 26 * 15);
});

Deno.test("Europe/Berlin: a 09:00–17:00 window follows the wall clock over the spring-forward change", async () => {
  // 2026-03-28 00:00 CET; summer time starts 2026-03-29 02:00.
  await using h = await heartbeatHarness({
    start: Date.UTC(2026, 2, 27, 23, 0),
    config: {
      agents: {
        defaults: {
          heartbeat: {
            every: "1h",
            target: "none",
            activeHours: { start: "09:00", end: "17:00", timezone: "Europe/Berlin" },
          },
        },
      },
    },
  });
  await h.advance(48 * HOUR, 5 * MIN);
  const runs = h.events.filter((e) => e.status !== "skipped").map((e) => e.ts);
  assert.equal(runs.length, 16);
  const [day1, day2] = [utcTimes(runs.slice(0, 8)), utcTimes(runs.slice(8))];
  assert.deepEqual(day1, ["08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00"]);
  assert.deepEqual(day2, ["07:00", "08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00"]);
});

Deno.test("Europe/Berlin: a window spanning the DST change has 4 runs in spring and 8 in autumn", async () => {
  const config = {
    agents: {
      defaults: {
        heartbeat: {
          every: "30m",
          target: "none",
          activeHours: { start: "01:00", end: "04:00", timezone: "Europe/Berlin" },
        },
      },
    },
  };
  // Spring: 2026-03-29 00:00 CET = 2026-03-28 23:00 UTC; 02:00–03:00 does not exist.
  {
    await using h = await heartbeatHarness({ start: Date.UTC(2026, 2, 28, 23, 0), config });
    await h.advance(12 * HOUR);
    assert.equal(h.turns.length, 4);
  }
  // Autumn: 2026-10-25 00:00 CEST = 2026-10-24 22:00 UTC; 02:00–03:00 happens twice.
  {
    await using h = await heartbeatHarness({ start: Date.UTC(2026, 9, 24, 22, 0), config });
    await h.advance(12 * HOUR);
    assert.equal(h.turns.length, 8);
  }
});

Deno.test("America/New_York: the day window moves an hour in UTC across spring forward", async () => {
  // 2026-03-07 00:00 EST = 05:00 UTC; DST starts 2026-03-08 02:00.
  await using h = await heartbeatHarness({
    start: Date.UTC(2026, 2, 7, 5, 0),
    config: {
      agents: {
        defaults: {
          heartbeat: {
            every: "1h",
            target: "none",
            activeHours: { start: "09:00", end: "17:00", timezone: "America/New_York" },
          },
        },
      },
    },
  });
  await h.advance(48 * HOUR, 5 * MIN);
  const runs = h.events.filter((e) => e.status !== "skipped").map((e) => e.ts);
  assert.equal(runs.length, 16);
  assert.equal(utcTimes(runs)[0], "14:00");
  assert.equal(utcTimes(runs)[8], "13:00");
});

Deno.test("America/New_York: an overnight 22:00–06:00 window runs 9 times on the fall-back night", async () => {
  const config = (tz: string) => ({
    agents: {
      defaults: {
        heartbeat: {
          every: "1h",
          target: "none",
          activeHours: { start: "22:00", end: "06:00", timezone: tz },
        },
      },
    },
  });
  // 2026-10-31 12:00 EDT = 16:00 UTC; clocks go back 2026-11-01 02:00 EDT → 01:00 EST.
  {
    await using h = await heartbeatHarness({
      start: Date.UTC(2026, 9, 31, 16, 0),
      config: config("America/New_York"),
    });
    await h.advance(20 * HOUR, 5 * MIN);
    assert.equal(h.turns.length, 9);
  }
  // An ordinary night: 22, 23, 0, 1, 2, 3, 4, 5 → 8.
  {
    await using h = await heartbeatHarness({
      start: Date.UTC(2026, 9, 10, 16, 0),
      config: config("America/New_York"),
    });
    await h.advance(20 * HOUR, 5 * MIN);
    assert.equal(h.turns.length, 8);
  }
});

Deno.test('every: "0m" and enabled: false schedule nothing', async () => {
  for (const heartbeat of [{ every: "0m" }, { every: "30m", enabled: false }]) {
    await using h = await heartbeatHarness({
      start: Date.UTC(2026, 0, 1),
      config: { agents: { defaults: { heartbeat: { ...heartbeat, target: "none" } } } },
    });
    await h.advance(3 * HOUR, 10 * MIN);
    assert.equal(h.turns.length, 0);
    assert.equal(h.events.length, 0);
  }
});

Deno.test("a busy agent defers its heartbeat and retries within a minute", async () => {
  let busy = true;
  await using h = await heartbeatHarness({
    start: Date.UTC(2026, 0, 1),
    config: { agents: { defaults: { heartbeat: { every: "30m", target: "none" } } } },
    busy: () => busy,
  });
  await h.advance(30 * MIN);
  assert.deepEqual(h.outcomes(), ["skipped:requests-in-flight"]);
  assert.equal(h.turns.length, 0);
  busy = false;
  await h.advance(1 * MIN);
  assert.equal(h.turns.length, 1);
});

Deno.test("a hot reload re-plans: a new interval applies, a removed heartbeat stops", async () => {
  const config = (every: string) => ({
    agents: { defaults: { heartbeat: { every, target: "none" } } },
  });
  await using h = await heartbeatHarness({ start: Date.UTC(2026, 0, 1), config: config("1h") });
  await h.advance(10 * MIN);
  h.reload(config("15m"));
  await h.advance(30 * MIN);
  assert.equal(h.turns.length, 2, "every 15m from the reload");
  h.reload(config("0m"));
  await h.advance(2 * HOUR, 5 * MIN);
  assert.equal(h.turns.length, 2);
  assert.equal(h.runner.nextDue("main"), null);
  // Unchanged interval: the phase is kept.
  h.reload(config("15m"));
  const due = h.runner.nextDue("main");
  h.reload({ ...config("15m"), session: { mainKey: "main" } });
  assert.equal(h.runner.nextDue("main"), due);
});
