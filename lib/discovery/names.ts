/**
 * The names a gateway is discovered by, as stock OpenClaw forms them: the Bonjour instance name
 * (`<machine> (OpenClaw)`), the `displayName` TXT value, the `.local` host the beacon points
 * at, the wide-area zone's host and instance labels, and the wide-area domain.
 *
 * Every DNS label is at most 63 bytes of UTF-8 (RFC 1035 §2.3.4); truncation never splits a
 * character.
 *
 * @module
 */

/** The Bonjour/DNS-SD service type of a gateway (without the domain). */
export const GATEWAY_SERVICE_TYPE = "_openclaw-gw._tcp";

/** The service name inside {@link GATEWAY_SERVICE_TYPE}, as mDNS libraries take it. */
export const GATEWAY_SERVICE_NAME = "openclaw-gw";

/** The longest DNS label, in bytes. */
export const MAX_LABEL_BYTES = 63;

const encoder = new TextEncoder();

/**
 * Cuts `text` to at most `maxBytes` bytes of UTF-8 without splitting a character.
 *
 * @example
 * ```ts
 * truncateUtf8("é".repeat(40), 63); // 31 × "é" (62 bytes)
 * ```
 */
export function truncateUtf8(text: string, maxBytes: number = MAX_LABEL_BYTES): string {
  if (encoder.encode(text).length <= maxBytes) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    const size = encoder.encode(ch).length;
    if (used + size > maxBytes) break;
    out += ch;
    used += size;
  }
  return out;
}

/** Strips a trailing `.local` (any case) and surrounding whitespace from a host name. */
function withoutLocal(name: string): string {
  return name.trim().replace(/\.local\.?$/i, "");
}

/**
 * The machine name a beacon is named after: the first non-empty of `candidates` (on macOS the
 * ComputerName, then LocalHostName, then the host name) with `.local` removed, else `openclaw`.
 */
export function machineDisplayName(candidates: readonly (string | undefined)[]): string {
  for (const c of candidates) {
    const name = c === undefined ? "" : withoutLocal(c);
    if (name) return name;
  }
  return "openclaw";
}

/**
 * The Bonjour instance name for a machine name: empty -> `OpenClaw`; a name that already says
 * "openclaw" (any case) is kept; anything else becomes `<name> (OpenClaw)`. At most 63 bytes.
 *
 * @example
 * ```ts
 * formatInstanceName("studio"); // "studio (OpenClaw)"
 * formatInstanceName("openclaw-box"); // "openclaw-box"
 * ```
 */
export function formatInstanceName(machineName: string): string {
  const name = machineName.trim().replace(/\s+/g, " ");
  if (!name) return "OpenClaw";
  const full = /openclaw/i.test(name) ? name : `${name} (OpenClaw)`;
  return truncateUtf8(full).trim();
}

/** The `displayName` TXT value: the instance name without a trailing ` (OpenClaw)`. */
export function displayNameOf(instanceName: string): string {
  const name = instanceName.replace(/\s*\(OpenClaw\)\s*$/, "").replace(/\s+/g, " ").trim();
  return name || "OpenClaw";
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * The `.local` host name the beacon advertises (without `.local`): `OPENCLAW_MDNS_HOSTNAME` or
 * the system host name, first label only, at most 63 bytes; anything that is not a valid host
 * label becomes `openclaw`.
 */
export function mdnsHostLabel(override: string | undefined, systemHostname: string): string {
  const source = override?.trim() ? override : systemHostname;
  const first = withoutLocal(source).split(".")[0] ?? "";
  const label = truncateUtf8(first).replace(/-+$/, "");
  return HOST_LABEL.test(label) ? label : "openclaw";
}

/** Lower-cases and turns every character outside `[a-z0-9-]` into `-`; <= 63 bytes. */
function sanitizeLabel(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, MAX_LABEL_BYTES)
    .replace(/^-+|-+$/g, "");
}

/** The wide-area zone's host label: the sanitized first label of the host name, or `openclaw`. */
export function zoneHostLabel(systemHostname: string): string {
  return sanitizeLabel(withoutLocal(systemHostname).split(".")[0] ?? "") || "openclaw";
}

/** The wide-area zone's instance label: sanitized `<host>-gateway`, or `openclaw-gw`. */
export function zoneInstanceLabel(systemHostname: string): string {
  const host = withoutLocal(systemHostname).split(".")[0] ?? "";
  return (host ? sanitizeLabel(`${host}-gateway`) : "") || "openclaw-gw";
}

const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Normalizes a wide-area domain: lower case, no trailing dot. Returns `undefined` when it is not
 * a valid DNS name (labels of 1-63 of `[a-z0-9-]`, at most 253 characters in all).
 *
 * @example
 * ```ts
 * normalizeDomain("OpenClaw.Internal."); // "openclaw.internal"
 * normalizeDomain("bad_domain"); // undefined
 * ```
 */
export function normalizeDomain(domain: string): string | undefined {
  const d = domain.trim().toLowerCase().replace(/\.+$/, "");
  if (!d || d.length > 253) return undefined;
  return d.split(".").every((label) => DOMAIN_LABEL.test(label)) ? d : undefined;
}
