import assert from "node:assert/strict";
import { isOpenClawError } from "../../../lib/errors.ts";
import { formatDuration, parseDuration } from "../../../lib/cron/duration.ts";
import { nextSlotAfter, parseAtTime, validateSchedule } from "../../../lib/cron/schedule.ts";
import { formatInZone, isoInZone, zonedTimeToUtc } from "../../../lib/cron/timezone.ts";

const iso = (ms: number | undefined) => ms === undefined ? undefined : new Date(ms).toISOString();

Deno.test("at: an offset-less time is wall-clock time in the job's zone", () => {
  assert.equal(iso(parseAtTime("2026-07-01T09:00", "Asia/Tokyo")), "2026-07-01T00:00:00.000Z");
  assert.equal(iso(parseAtTime("2026-07-01 09:00", "Europe/Berlin")), "2026-07-01T07:00:00.000Z");
  // An explicit offset or Z wins over the zone.
  assert.equal(iso(parseAtTime("2026-07-01T09:00:00Z", "Asia/Tokyo")), "2026-07-01T09:00:00.000Z");
  const at = { kind: "at" as const, at: "2026-07-01T09:00", tz: "Asia/Tokyo" };
  assert.equal(iso(nextSlotAfter(at, Date.UTC(2026, 5, 30), 0)), "2026-07-01T00:00:00.000Z");
  assert.equal(nextSlotAfter(at, Date.UTC(2026, 6, 1), 0), undefined, "a past at has no slot");
});

Deno.test("every: slots sit on the anchor's grid, whatever the zone", () => {
  const every = { kind: "every" as const, everyMs: 15 * 60_000, tz: "America/New_York" };
  const created = Date.UTC(2026, 0, 1, 10, 7);
  assert.equal(iso(nextSlotAfter(every, created, created)), "2026-01-01T10:22:00.000Z");
  assert.equal(
    iso(nextSlotAfter(every, created + 40 * 60_000, created)),
    "2026-01-01T10:52:00.000Z",
  );
  const anchored = { ...every, anchorMs: Date.UTC(2026, 0, 1) };
  assert.equal(iso(nextSlotAfter(anchored, created, created)), "2026-01-01T10:15:00.000Z");
});

Deno.test("cron: a 5-field expression runs at wall-clock time in its zone across DST", () => {
  const daily = { kind: "cron" as const, expr: "0 9 * * *", tz: "Europe/Berlin" };
  // Winter CET (UTC+1), then summer CEST (UTC+2) after 29 March 2026.
  assert.equal(iso(nextSlotAfter(daily, Date.UTC(2026, 2, 28, 12), 0)), "2026-03-29T07:00:00.000Z");
  assert.equal(iso(nextSlotAfter(daily, Date.UTC(2026, 2, 27, 12), 0)), "2026-03-28T08:00:00.000Z");
  // Strictly after: a slot exactly at the bound is not returned again.
  const slot = Date.UTC(2026, 2, 28, 8);
  assert.equal(iso(nextSlotAfter(daily, slot, 0)), "2026-03-29T07:00:00.000Z");
});

Deno.test("cron: a 6-field expression counts seconds", () => {
  const s = { kind: "cron" as const, expr: "*/20 * * * * *", tz: "UTC" };
  assert.equal(iso(nextSlotAfter(s, Date.UTC(2026, 0, 1, 0, 0, 5), 0)), "2026-01-01T00:00:20.000Z");
});

Deno.test("validateSchedule() names a bad field count, expression or zone", () => {
  const fails = (schedule: Parameters<typeof validateSchedule>[0], pattern: RegExp) =>
    assert.throws(() => validateSchedule(schedule), (err) => {
      assert.ok(isOpenClawError(err, "CRON_SCHEDULE_INVALID"));
      assert.match((err as Error).message, pattern);
      return true;
    });
  fails({ kind: "cron", expr: "0 9 * *", tz: "UTC" }, /has 4 fields, expected 5/);
  fails({ kind: "cron", expr: "0 9 * * * * 2026", tz: "UTC" }, /has 7 fields/);
  fails({ kind: "cron", expr: "0 25 * * *", tz: "UTC" }, /Cannot use cron expression "0 25/);
  fails({ kind: "cron", expr: "0 9 * * *", tz: "Mars/Olympus" }, /time zone "Mars\/Olympus"/);
  fails({ kind: "at", at: "next tuesday", tz: "UTC" }, /expected ISO 8601/);
});

Deno.test("zonedTimeToUtc() moves a time in the spring gap forward and picks the first of a repeated one", () => {
  const ny = "America/New_York";
  const gap = zonedTimeToUtc({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 }, ny);
  assert.equal(isoInZone(gap, ny), "2026-03-08T03:30:00-04:00");
  const twice = zonedTimeToUtc(
    { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 },
    ny,
  );
  assert.equal(iso(twice), "2026-11-01T05:30:00.000Z");
  assert.equal(formatInZone(twice, ny), "2026-11-01 01:30 EDT");
});

Deno.test("parseDuration() reads people's durations; formatDuration() prints them back", () => {
  assert.equal(parseDuration("1m"), 60_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("every 90s"), 90_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("5"), 300_000, "a bare number is minutes");
  assert.throws(() => parseDuration("soon"), /Cannot parse duration "soon"/);
  assert.equal(formatDuration(90_000), "1m 30s");
  assert.equal(formatDuration(86_400_000 + 7_200_000), "1d 2h");
});
