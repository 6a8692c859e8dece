/**
 * IANA time zones as heartbeat active hours and cron jobs use them: the host's zone, looked up
 * once, and a cached validity check (building an `Intl.DateTimeFormat` costs tens of
 * microseconds; `health` reached these on every call and spent a third of its CPU time there).
 *
 * @module
 */

let hostZone: string | undefined;

/** The host's IANA zone (`TZ`, else the system's), `UTC` when the runtime cannot tell. */
export function hostTimeZone(): string {
  return hostZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

// Zones already checked; bounded, since the names come from config and RPC params.
const zoneValidity = new Map<string, boolean>();
const MAX_CACHED_ZONES = 256;

/**
 * Tells whether `tz` is an IANA zone this runtime knows (answers cached per name).
 *
 * @param tz A zone name such as `America/New_York`.
 * @returns True when Intl accepts it.
 */
export function isValidTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  const known = zoneValidity.get(tz);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    valid = true;
  } catch {
    valid = false;
  }
  if (zoneValidity.size >= MAX_CACHED_ZONES) zoneValidity.clear();
  zoneValidity.set(tz, valid);
  return valid;
}
