/**
 * When a schedule falls due. Cron expressions go to croner (time zones and DST done right);
 * `every` slots sit on a fixed grid `anchorMs + k·everyMs`, so they never drift with run time;
 * an `at` schedule has exactly one slot. Pure functions: no clock, no timers.
 *
 * @module
 */
import { Cron } from "croner";
import { OpenClawError } from "../errors.ts";
import { formatDuration } from "./duration.ts";
import { isValidTimeZone, zonedTimeToUtc } from "./timezone.ts";
import type { CronSchedule } from "./types.ts";

const crons = new Map<string, Cron>();

function scheduleError(message: string): OpenClawError {
  return new OpenClawError("CRON_SCHEDULE_INVALID", message, {
    hint: "Use --at <time|duration>, --every <duration> or --cron <expr> (5 or 6 fields)",
  });
}

function cronFor(expr: string, tz: string): Cron {
  const key = `${expr}\u0000${tz}`;
  let c = crons.get(key);
  if (!c) {
    const fields = expr.trim().split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      throw scheduleError(
        `Cannot use cron expression "${expr}": it has ${fields} fields, expected 5 (minute hour day month weekday) or 6 (seconds first)`,
      );
    }
    try {
      c = new Cron(expr.trim(), { timezone: tz, paused: true });
    } catch (err) {
      throw scheduleError(`Cannot use cron expression "${expr}": ${(err as Error).message}`);
    }
    // A cache, not state: bounded, and a miss only costs a parse.
    if (crons.size >= 2_000) crons.clear();
    crons.set(key, c);
  }
  return c;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/**
 * The instant of an `at` time: ISO with `Z` or an offset as is; an offset-less date or
 * date-time is wall-clock time in `tz`.
 *
 * @param at `2026-03-09T09:00:00Z`, `2026-03-09T09:00`, `2026-03-09 09:00`, `2026-03-09`.
 * @param tz The job's zone.
 * @returns Milliseconds since the epoch.
 * @throws {OpenClawError} `CRON_SCHEDULE_INVALID` when it is not a time.
 */
export function parseAtTime(at: string, tz: string): number {
  const m = LOCAL_TIME.exec(at.trim());
  if (m) {
    const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
    const f = { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +s };
    if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59) {
      throw scheduleError(`Cannot use "${at}" as a time: a field is out of range`);
    }
    return zonedTimeToUtc(f, tz);
  }
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(at.trim()) ? Date.parse(at.trim()) : NaN;
  if (!Number.isFinite(ms)) {
    throw scheduleError(
      `Cannot use "${
        at.slice(0, 64)
      }" as a time: expected ISO 8601 (2026-03-09T09:00, optionally with Z or an offset)`,
    );
  }
  return ms;
}

/**
 * Checks a schedule: a real zone, a parseable `at`, a valid 5/6-field expression.
 *
 * @param schedule The schedule, `tz` already resolved.
 * @throws {OpenClawError} `CRON_SCHEDULE_INVALID` naming what is wrong.
 */
export function validateSchedule(schedule: CronSchedule & { tz: string }): void {
  if (!isValidTimeZone(schedule.tz)) {
    throw scheduleError(
      `Cannot use time zone "${schedule.tz}": not an IANA zone (e.g. America/New_York, Europe/Berlin, UTC)`,
    );
  }
  if (schedule.kind === "at") parseAtTime(schedule.at, schedule.tz);
  if (schedule.kind === "cron") cronFor(schedule.expr, schedule.tz);
}

/**
 * The first slot strictly after `afterMs`, or undefined when there is none (a past `at`, an
 * expression that never matches again).
 *
 * @param schedule The schedule, `tz` resolved.
 * @param afterMs Exclusive lower bound.
 * @param createdAtMs The job's creation time: the default anchor of `every`.
 * @returns Milliseconds since the epoch.
 * @throws {OpenClawError} `CRON_SCHEDULE_INVALID` for a schedule that cannot be computed.
 * @example
 * ```ts
 * nextSlotAfter({ kind: "every", everyMs: 60_000, tz: "UTC" }, 90_000, 0); // 120_000
 * ```
 */
export function nextSlotAfter(
  schedule: CronSchedule & { tz: string },
  afterMs: number,
  createdAtMs: number,
): number | undefined {
  switch (schedule.kind) {
    case "at": {
      const at = parseAtTime(schedule.at, schedule.tz);
      return at > afterMs ? at : undefined;
    }
    case "every": {
      const anchor = schedule.anchorMs ?? createdAtMs;
      if (afterMs < anchor) return anchor;
      return anchor + (Math.floor((afterMs - anchor) / schedule.everyMs) + 1) * schedule.everyMs;
    }
    case "cron": {
      const next = cronFor(schedule.expr, schedule.tz).nextRun(new Date(afterMs));
      return next ? next.getTime() : undefined;
    }
  }
}

/**
 * A schedule for people: `at 2026-03-09T09:00:00Z`, `every 1m 30s`, `cron 0 9 * * 1-5`.
 *
 * @param schedule The schedule.
 */
export function describeSchedule(schedule: CronSchedule): string {
  switch (schedule.kind) {
    case "at":
      return `at ${schedule.at}`;
    case "every":
      return `every ${formatDuration(schedule.everyMs)}`;
    case "cron":
      return `cron ${schedule.expr}`;
  }
}
