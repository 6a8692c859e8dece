/**
 * Time zones for cron jobs: which zone a job gets when none is given (the configured user time
 * zone, else the host's), whether a name is a real IANA zone, and wall-clock conversions in a
 * zone (for offset-less `--at` times and for listing the next run where the job lives).
 *
 * @module
 */
import { hostTimeZone, isValidTimeZone } from "../timezone.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "short",
    });
    // Bounded: only zones that passed isValidTimeZone get here, and there are a few hundred.
    if (formatters.size < 1_000) formatters.set(tz, f);
  }
  return f;
}

export { hostTimeZone, isValidTimeZone } from "../timezone.ts";

/**
 * The zone a job gets when none is given: `agents.defaults.userTimezone` when it is a real zone,
 * else the host's.
 *
 * @param userTimezone The configured user time zone, if any.
 * @returns An IANA zone name.
 */
export function defaultJobTimeZone(userTimezone?: string): string {
  return userTimezone && isValidTimeZone(userTimezone) ? userTimezone : hostTimeZone();
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  zoneName: string;
}

function wallClock(ms: number, tz: string): WallClock {
  const parts = new Map<string, string>(
    partsFormatter(tz).formatToParts(new Date(ms)).map((p) => [p.type, p.value]),
  );
  const n = (k: string) => Number(parts.get(k));
  return {
    year: n("year"),
    month: n("month"),
    day: n("day"),
    hour: n("hour"),
    minute: n("minute"),
    second: n("second"),
    zoneName: parts.get("timeZoneName") ?? tz,
  };
}

/** Offset of `tz` from UTC at `ms`, in minutes (New York in winter: -300). */
export function zoneOffsetMinutes(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time in `tz` names. A time skipped by a DST change moves forward by
 * the gap; a repeated one means its first occurrence.
 *
 * @param local Wall-clock fields (month 1-12).
 * @param tz The zone.
 * @returns Milliseconds since the epoch.
 */
export function zonedTimeToUtc(
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  tz: string,
): number {
  const asUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  );
  // The zone's offsets half a day either side; a wall time that one of them maps back to itself
  // is real (both: the repeated hour, the first wins). None: a DST gap, the earlier offset moves
  // the time forward by the gap.
  const before = zoneOffsetMinutes(asUtc - 43_200_000, tz);
  const after = zoneOffsetMinutes(asUtc + 43_200_000, tz);
  const valid = [before, after]
    .map((off) => asUtc - off * 60_000)
    .filter((c, i) => zoneOffsetMinutes(c, tz) === [before, after][i]);
  return valid.length > 0 ? Math.min(...valid) : asUtc - before * 60_000;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * `ms` as an ISO 8601 time with the zone's offset (`2026-03-09T09:00:00-04:00`).
 *
 * @param ms Milliseconds since the epoch.
 * @param tz The zone.
 */
export function isoInZone(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  const off = zoneOffsetMinutes(ms, tz);
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${
    pad(w.second)
  }${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * `ms` for people, in the zone: `2026-03-09 09:00 EDT` (seconds only when not zero).
 *
 * @param ms Milliseconds since the epoch.
 * @param tz The zone.
 */
export function formatInZone(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  const sec = w.second ? `:${pad(w.second)}` : "";
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${
    pad(w.minute)
  }${sec} ${w.zoneName}`;
}
