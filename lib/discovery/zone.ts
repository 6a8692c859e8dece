/**
 * The unicast DNS-SD zone a gateway publishes for wide-area discovery (usually served by
 * CoreDNS on the tailnet address): SOA, NS, the host's A/AAAA, and the PTR/SRV/TXT of the
 * `_openclaw-gw._tcp` instance, in stock OpenClaw's exact shape.
 *
 * The first line carries an FNV-1a hash of everything but the serial, so an unchanged gateway
 * rewrites nothing and a changed one bumps the serial (`YYYYMMDD01` in UTC, then +1), which is
 * how secondaries and CoreDNS's `reload` notice.
 *
 * @module
 */
import { GATEWAY_SERVICE_TYPE } from "./names.ts";

/** What the zone describes. */
export interface ZoneInput {
  /** The domain, normalized (no trailing dot; see {@link normalizeDomain}). */
  domain: string;
  /** Host label (see {@link zoneHostLabel}). */
  hostLabel: string;
  /** Instance label (see {@link zoneInstanceLabel}). */
  instanceLabel: string;
  /** The tailnet IPv4 the names resolve to. */
  ipv4: string;
  /** The tailnet IPv6, when the machine has one. */
  ipv6?: string;
  port: number;
  /** TXT key/value pairs in order (see {@link buildWideAreaTxt}). */
  txt: ReadonlyArray<readonly [string, string]>;
}

/** A zone ready to write. */
export interface ZonePlan {
  text: string;
  serial: number;
  hash: string;
  /** False when the file on disk already has this content (nothing to write). */
  changed: boolean;
}

const HASH_PREFIX = "; openclaw-content-hash: ";
const SERIAL_SLOT = "{serial}";

/** 32-bit FNV-1a of the UTF-8 bytes of `text`, as 8 hex digits. */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** Quotes one TXT string for a zone file: `"`, `\` escaped, non-printables as `\DDD`. */
export function quoteTxt(value: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(value)) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${String(byte).padStart(3, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return `"${out}"`;
}

/** The zone body with a placeholder for the serial (what the content hash covers). */
function zoneBody(input: ZoneInput): string {
  const instance = `${input.instanceLabel}.${GATEWAY_SERVICE_TYPE}`;
  const txt = input.txt.map(([k, v]) => quoteTxt(`${k}=${v}`)).join(" ");
  const lines = [
    `$ORIGIN ${input.domain}.`,
    "$TTL 60",
    `@ IN SOA ns1 hostmaster ${SERIAL_SLOT} 7200 3600 1209600 60`,
    "@ IN NS ns1",
    `ns1 IN A ${input.ipv4}`,
    `${input.hostLabel} IN A ${input.ipv4}`,
    ...(input.ipv6 ? [`${input.hostLabel} IN AAAA ${input.ipv6}`] : []),
    `${GATEWAY_SERVICE_TYPE} IN PTR ${instance}`,
    `${instance} IN SRV 0 0 ${input.port} ${input.hostLabel}`,
    `${instance} IN TXT ${txt}`,
  ];
  return lines.join("\n") + "\n";
}

/** The serial and content hash of a zone file we wrote, when `text` is one. */
export function readZoneMeta(text: string): { serial?: number; hash?: string } {
  const hash = text.startsWith(HASH_PREFIX)
    ? text.slice(HASH_PREFIX.length, text.indexOf("\n")).trim()
    : undefined;
  const m = /^@\s+IN\s+SOA\s+\S+\s+\S+\s+(\d{1,10})\s/m.exec(text);
  return { ...(hash ? { hash } : {}), ...(m ? { serial: Number(m[1]) } : {}) };
}

/**
 * The next SOA serial: today's `YYYYMMDD01` (UTC), or the previous serial + 1 when that is
 * already at or past today's base.
 *
 * @example
 * ```ts
 * nextSerial(undefined, Date.UTC(2026, 11, 1)); // 2026120101
 * nextSerial(2026120101, Date.UTC(2026, 11, 1)); // 2026120102
 * ```
 */
export function nextSerial(previous: number | undefined, nowMs: number): number {
  const d = new Date(nowMs);
  const base = (d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100 +
    1;
  return previous !== undefined && previous >= base ? previous + 1 : base;
}

/**
 * Renders the zone for `input`, keeping the serial of `previousText` when the content is the
 * same (then `changed` is false) and bumping it otherwise.
 *
 * @param previousText The zone file on disk, if any.
 * @param nowMs Now (from the gateway's clock), for the serial's date.
 */
export function planZone(
  input: ZoneInput,
  previousText: string | undefined,
  nowMs: number,
): ZonePlan {
  const body = zoneBody(input);
  const hash = fnv1a32(body);
  const previous = previousText === undefined ? {} : readZoneMeta(previousText);
  const unchanged = previous.hash === hash && previous.serial !== undefined;
  const serial = unchanged ? previous.serial! : nextSerial(previous.serial, nowMs);
  const text = `${HASH_PREFIX}${hash}\n${body.replace(SERIAL_SLOT, String(serial))}`;
  return { text, serial, hash, changed: !unchanged || previousText !== text };
}
