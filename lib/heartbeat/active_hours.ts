/**
 * `activeHours`: a daily window of local wall-clock time in an IANA zone (`start` inclusive,
 * `end` exclusive, `24:00` allowed as an end, `start > end` an overnight window, `start == end`
 * an empty one). Local time comes from `Intl`, so daylight-saving changes move the window with
 * the clock on the wall: 09:00 Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
 *
 * @module
 */
import { hostTimeZone } from "../timezone.ts";

/** A parsed window. */
export interface ActiveHours {
  /** Minutes after local midnight, inclusive. */
  startMin: number;
  /** Minutes after local midnight, exclusive (1440 = `24:00`). */
  endMin: number;
  /** The resolved IANA zone. */
  timezone: string;
}

const MINUTE = 60_000;
const DAY_MIN = 1_440;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    // One formatter per zone; a config names few zones, but bound the cache anyway.
    if (formatters.size > 64) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

function parseHhMm(text: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) return null;
  const min = Number(m[1]) * 60 + Number(m[2]);
  return min <= DAY_MIN ? min : null;
}

function validZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses an `activeHours` block.
 *
 * @param block `{ start, end, timezone? }` as configured.
 * @param userZone The zone for an omitted, `"user"` or invalid `timezone`.
 * @returns The window, or undefined when `start`/`end` are not `HH:MM` (then no window applies).
 * @example
 * ```ts
 * parseActiveHours({ start: "09:00", end: "22:00", timezone: "Asia/Shanghai" }, "UTC");
 * // { startMin: 540, endMin: 1320, timezone: "Asia/Shanghai" }
 * ```
 */
export function parseActiveHours(
  block: { start: string; end: string; timezone?: string },
  userZone: string,
): ActiveHours | undefined {
  const startMin = parseHhMm(block.start);
  const endMin = parseHhMm(block.end);
  if (startMin === null || endMin === null || startMin >= DAY_MIN) return undefined;
  const raw = block.timezone?.trim();
  const timezone = !raw || raw === "user"
    ? userZone
    : raw === "local"
    ? hostTimeZone()
    : validZone(raw)
    ? raw
    : userZone;
  return { startMin, endMin, timezone };
}

/**
 * Minutes after local midnight at `ms` in `tz`.
 *
 * @example
 * ```ts
 * localMinutes(Date.UTC(2026, 0, 1, 1, 30), "Asia/Shanghai"); // 570 (09:30)
 * ```
 */
export function localMinutes(ms: number, tz: string): number {
  let hour = 0;
  let minute = 0;
  for (const part of formatter(tz).formatToParts(new Date(ms))) {
    if (part.type === "hour") hour = Number(part.value);
    else if (part.type === "minute") minute = Number(part.value);
  }
  return (hour % 24) * 60 + minute;
}

/**
 * True when `ms` falls inside the window.
 *
 * @example
 * ```ts
 * const hours = { startMin: 22 * 60, endMin: 6 * 60, timezone: "UTC" }; // overnight
 * isWithinActiveHours(Date.UTC(2026, 0, 1, 23), hours); // true
 * ```
 */
export function isWithinActiveHours(ms: number, hours: ActiveHours): boolean {
  const { startMin, endMin } = hours;
  if (startMin === endMin) return false;
  const m = localMinutes(ms, hours.timezone);
  return startMin < endMin ? m >= startMin && m < endMin : m >= startMin || m < endMin;
}

/**
 * The first whole minute after `ms` that is inside the window (the next window start), or null
 * for an empty window. A start that a daylight-saving jump skips opens at the first minute after
 * the jump.
 *
 * @example
 * ```ts
 * const hours = { startMin: 540, endMin: 1320, timezone: "UTC" };
 * nextWindowStart(Date.UTC(2026, 0, 1, 23), hours); // Date.UTC(2026, 0, 2, 9)
 * ```
 */
export function nextWindowStart(ms: number, hours: ActiveHours): number | null {
  if (hours.startMin === hours.endMin) return null;
  const base = Math.floor(ms / MINUTE) * MINUTE;
  const ahead = (hours.startMin - localMinutes(base, hours.timezone) + DAY_MIN) % DAY_MIN;
  let at = base + (ahead === 0 ? DAY_MIN : ahead) * MINUTE;
  // Offsets change at DST transitions: move until the wall clock shows the start minute.
  for (let i = 0; i < 4; i++) {
    const diff = ((hours.startMin - localMinutes(at, hours.timezone) + DAY_MIN + 720) % DAY_MIN) -
      720;
    if (diff === 0) break;
    at += diff * MINUTE;
  }
  if (at > ms && isWithinActiveHours(at, hours) && !isWithinActiveHours(at - MINUTE, hours)) {
    return at;
  }
  // The start minute does not exist that day (or the correction overshot): walk forward.
  for (let t = base + MINUTE; t <= base + 2 * DAY_MIN * MINUTE; t += MINUTE) {
    if (isWithinActiveHours(t, hours)) return t;
  }
  return null;
}
