/**
 * IANA time zones as heartbeat active hours and cron jobs use them: the host's zone, looked up
 * once, and a cached validity check (building an `Intl.DateTimeFormat` costs tens of
 * microseconds; `health` reached these on every call and spent a third of its CPU time there).
 *
 * UTC needs no Intl at all. The first `Intl.DateTimeFormat` makes V8 load ICU's locale, calendar
 * and zone data: ~6 MB of resident memory for the rest of the process, measured on an idle
 * gateway answering `health`. Servers mostly run on UTC, so a UTC host and UTC zones are told
 * apart from the OS and from their names, and Intl is asked only for everything else, where it
 * stays the authority.
 *
 * @module
 */

let hostZone: string | undefined;

/**
 * The names V8 reports as `UTC` (its `resolvedOptions().timeZone` for each of them), and which
 * therefore need no Intl to validate or to take a calendar day in.
 */
const UTC_NAMES: ReadonlySet<string> = new Set(
  [
    "UTC",
    "UCT",
    "Universal",
    "Zulu",
    "GMT",
    "GMT0",
    "GMT+0",
    "GMT-0",
    "Greenwich",
  ].flatMap((n) => [n, `Etc/${n}`]),
);

/** Tells whether `tz` is one of UTC's names (exact spelling; anything else goes to Intl). */
export function isUtcZone(tz: string): boolean {
  return UTC_NAMES.has(tz);
}

/** What the OS says about the host's zone, as far as the UTC shortcut needs it. */
export interface HostZoneSource {
  /** `TZ` from the environment (undefined when unset). */
  tz: string | undefined;
  /** Where `/etc/localtime` links to (undefined when it is missing, not a link, or unreadable). */
  localtimeLink: () => string | undefined;
}

function osZoneSource(): HostZoneSource {
  let tz: string | undefined;
  try {
    tz = Deno.env.get("TZ");
  } catch {
    tz = ""; // no env permission: whatever TZ says is unknown, so Intl (not the shortcut) decides
  }
  return {
    tz,
    localtimeLink: () => {
      try {
        return Deno.readLinkSync("/etc/localtime");
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The host's zone when the OS shows it is UTC the way ICU would read it (`TZ` naming UTC, or
 * `TZ` unset and `/etc/localtime` linking to a UTC zone file); undefined when it takes Intl.
 */
export function utcHostZone(src: HostZoneSource): "UTC" | undefined {
  if (src.tz !== undefined) return isUtcZone(src.tz.replace(/^:/, "")) ? "UTC" : undefined;
  const link = src.localtimeLink();
  const at = link?.lastIndexOf("zoneinfo/") ?? -1;
  if (link === undefined || at < 0) return undefined;
  return isUtcZone(link.slice(at + "zoneinfo/".length)) ? "UTC" : undefined;
}

/** The host's IANA zone (`TZ`, else the system's), `UTC` when the runtime cannot tell. */
export function hostTimeZone(): string {
  return hostZone ??= utcHostZone(osZoneSource()) ??
    (Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
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
  if (isUtcZone(tz)) return true;
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
