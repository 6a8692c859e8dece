/**
 * IP literals and client attribution: parsing (IPv4, IPv6, mapped, bracketed, zoned), CIDR
 * matching, loopback detection and X-Forwarded-For handling behind trusted proxies. Private to
 * the gateway; `auth.ts` re-exports the public part.
 *
 * @module
 */

type ParsedIp = { v: 4 | 6; bytes: Uint8Array };

function parseV4(s: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = Number(m[i + 1]);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseV6(s: string): Uint8Array | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseV4(item);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-f]{1,4}$/i.test(item)) out.push(parseInt(item, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Parses an IP literal (brackets, zone ids and IPv4-mapped IPv6 allowed); mapped -> IPv4. */
function parseIp(raw: string | undefined): ParsedIp | undefined {
  let s = raw?.trim().toLowerCase();
  if (!s) return undefined;
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const v4 = parseV4(s);
  if (v4) return { v: 4, bytes: v4 };
  const v6 = parseV6(s);
  if (!v6) return undefined;
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? { v: 4, bytes: v6.slice(12) } : { v: 6, bytes: v6 };
}

function formatIp(ip: ParsedIp): string {
  if (ip.v === 4) return ip.bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] << 8) | ip.bytes[i + 1]).toString(16));
  // Canonical text (RFC 5952): compress the longest run of two or more zero groups.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (bestLen < 2) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

/** Returns `raw` as a canonical IP string (IPv4-mapped IPv6 becomes IPv4), or undefined. */
export function normalizeIp(raw: string | undefined): string | undefined {
  const ip = parseIp(raw);
  return ip ? formatIp(ip) : undefined;
}

/** Returns true for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
export function isLoopbackAddress(ip: string | undefined): boolean {
  const p = parseIp(ip);
  if (!p) return false;
  if (p.v === 4) return p.bytes[0] === 127;
  return p.bytes.subarray(0, 15).every((b) => b === 0) && p.bytes[15] === 1;
}

/** Returns true when `ip` equals or falls inside `entry` (an IP or CIDR such as 10.0.0.0/8). */
export function ipMatches(ip: string | undefined, entry: string): boolean {
  const addr = parseIp(ip);
  const slash = entry.indexOf("/");
  const net = parseIp(slash < 0 ? entry : entry.slice(0, slash));
  if (!addr || !net || addr.v !== net.v) return false;
  const width = addr.bytes.length * 8;
  const bits = slash < 0 ? width : Number(entry.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  for (let i = 0; i < bits; i += 8) {
    const mask = bits - i >= 8 ? 0xff : (0xff << (8 - (bits - i))) & 0xff;
    if ((addr.bytes[i / 8] & mask) !== (net.bytes[i / 8] & mask)) return false;
  }
  return true;
}

/** Returns true when `ip` is listed in `gateway.trustedProxies`. */
export function isTrustedProxy(
  ip: string | undefined,
  trustedProxies?: readonly string[],
): boolean {
  return (trustedProxies ?? []).some((entry) => entry.trim() !== "" && ipMatches(ip, entry.trim()));
}

/** Request headers as a `Headers` object or a plain (node-style) record. */
export type HeaderSource = Headers | Readonly<Record<string, string | string[] | undefined>>;

/** Returns one header value (first of repeated ones for records), case-insensitively. */
export function getHeader(headers: HeaderSource, name: string): string | undefined {
  // Any Headers-shaped value (the server's read-only view of a handshake is not a `Headers`).
  if (typeof headers.get === "function") return (headers as Headers).get(name) ?? undefined;
  const key = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === key) return Array.isArray(v) ? v.join(", ") : v;
  }
  return undefined;
}

function stripPort(hop: string): string {
  const s = hop.trim();
  if (s.startsWith("[")) return s.slice(1, s.indexOf("]") < 0 ? undefined : s.indexOf("]"));
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(s);
  return m ? m[1] : s;
}

/** Inputs to {@linkcode resolveClientIp}. */
export interface ClientIpInputs {
  /** The direct TCP peer. */
  remoteAddr: string | undefined;
  headers: HeaderSource;
  /** `gateway.trustedProxies`: IPs and CIDRs allowed to set forwarded headers. */
  trustedProxies?: readonly string[];
  /** `gateway.allowRealIpFallback`: use X-Real-IP when X-Forwarded-For gives nothing. */
  allowRealIpFallback?: boolean;
}

/**
 * Returns the client's IP. Forwarded headers count only when the direct peer is a trusted
 * proxy; then the right-most X-Forwarded-For hop that is not itself a trusted proxy wins.
 * Returns undefined when a trusted proxy sent no usable header: guessing the proxy's own
 * (often loopback) address would make remote clients look local.
 */
export function resolveClientIp(inputs: ClientIpInputs): string | undefined {
  const remote = normalizeIp(inputs.remoteAddr);
  if (!remote) return undefined;
  if (!isTrustedProxy(remote, inputs.trustedProxies)) return remote;
  const chain = (getHeader(inputs.headers, "x-forwarded-for") ?? "").split(",")
    .map((hop) => normalizeIp(stripPort(hop)))
    .filter((hop): hop is string => hop !== undefined);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!isTrustedProxy(chain[i], inputs.trustedProxies)) return chain[i];
  }
  if (chain.length === 0 && inputs.allowRealIpFallback) {
    return normalizeIp(stripPort(getHeader(inputs.headers, "x-real-ip") ?? ""));
  }
  return undefined;
}
