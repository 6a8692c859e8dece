/**
 * The pure half of `openclaw gateway discover`: the mDNS browse query for
 * `_openclaw-gw._tcp.local`, and folding the answers that come back (PTR -> instance, SRV -> host
 * and port, TXT -> stock's keys, A/AAAA -> addresses) into one record per gateway.
 *
 * Everything here is bounded: packets over {@link MAX_PACKET_BYTES} are dropped unread, at most
 * {@link MAX_ANSWERS} records are looked at per browse and at most {@link MAX_GATEWAYS}
 * gateways kept. TXT is unauthenticated; it is shown, never trusted for routing.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import dnsPacket from "dns-packet";
import { GATEWAY_SERVICE_TYPE } from "./names.ts";

/** The DNS-SD name browsed on the LAN. */
export const BROWSE_NAME = `${GATEWAY_SERVICE_TYPE}.local`;
/** The largest mDNS packet read (RFC 6762 §17: 9000 bytes including headers). */
export const MAX_PACKET_BYTES = 9000;
/** The most resource records looked at in one browse. */
export const MAX_ANSWERS = 1024;
/** The most gateways listed. */
export const MAX_GATEWAYS = 64;
/** The most TXT keys kept per gateway (stock publishes at most 11). */
const MAX_TXT_KEYS = 32;
/** The most addresses kept per host. */
const MAX_ADDRESSES = 8;

/** Where a gateway was found: the LAN (mDNS) or the wide-area domain (unicast DNS-SD). */
export type DiscoverySource = "mdns" | "wide-area";

/** One gateway found on the LAN or in the wide-area domain. */
export interface DiscoveredGateway {
  /** The Bonjour instance name, e.g. `studio (OpenClaw)`. */
  instanceName: string;
  /** The SRV target, e.g. `studio.local` (empty until the SRV record is seen). */
  host: string;
  /** The SRV port (0 until the SRV record is seen). */
  port: number;
  /** IPv4/IPv6 addresses of `host`. */
  addresses: string[];
  /** The TXT record's key/value pairs, as published. */
  txt: Record<string, string>;
  /** How it was found; set when browse results are merged (lib/discovery/wide_area_browse.ts). */
  source?: DiscoverySource;
  /** The DNS-SD domain it was found in (`local`, or the wide-area domain); set with `source`. */
  domain?: string;
}

// dns-packet has no types of its own; this is the part of its records read here.
interface RawAnswer {
  name?: unknown;
  type?: unknown;
  data?: unknown;
}

/**
 * The browse query: one PTR question for {@link BROWSE_NAME}. With `unicastResponse` the QU bit
 * is set (RFC 6762 §5.4), so responders answer the querier's own port directly -- used when
 * port 5353 cannot be bound.
 */
export function encodeBrowseQuery(unicastResponse: boolean): Uint8Array {
  const bytes = new Uint8Array(dnsPacket.encode({
    type: "query",
    id: 0,
    questions: [{ type: "PTR", name: BROWSE_NAME, class: "IN" }],
  }));
  // dns-packet cannot encode the QU bit; it is the top bit of the class, the packet's last two
  // bytes (the query has exactly one question and no records).
  if (unicastResponse) bytes[bytes.length - 2] |= 0x80;
  return bytes;
}

const lower = (s: string) => s.toLowerCase().replace(/\.$/, "");

/** The instance label of `<instance>._openclaw-gw._tcp.local`, unescaped, or undefined. */
function instanceOf(fqdn: string): string | undefined {
  const suffix = `.${BROWSE_NAME}`;
  const name = fqdn.replace(/\.$/, "");
  if (!name.toLowerCase().endsWith(suffix.toLowerCase())) return undefined;
  const label = name.slice(0, -suffix.length).replace(/\\(.)/g, "$1");
  return label || undefined;
}

function decodeTxt(data: unknown): Record<string, string> {
  const parts = Array.isArray(data) ? data : [data];
  const decoder = new TextDecoder();
  return txtFromStrings(
    parts.filter((p): p is Uint8Array => p instanceof Uint8Array).map((p) => decoder.decode(p)),
  );
}

/**
 * The key/value pairs of a TXT record's strings (`key=value`; a bare `key` has the value "").
 * The first occurrence of a key wins (RFC 6763 §6.4), empty keys are ignored, and at most 32 keys
 * are kept.
 *
 * @example
 * ```ts
 * txtFromStrings(["role=gateway", "role=other", "flag"]); // { role: "gateway", flag: "" }
 * ```
 */
export function txtFromStrings(strings: readonly string[]): Record<string, string> {
  // A Map, then fromEntries: a `__proto__` key becomes an own property, never the prototype.
  const out = new Map<string, string>();
  for (const s of strings) {
    if (out.size >= MAX_TXT_KEYS) break;
    const i = s.indexOf("=");
    const key = i < 0 ? s : s.slice(0, i);
    // The first occurrence of a key wins (RFC 6763 §6.4); empty keys are ignored.
    if (!key || out.has(key)) continue;
    out.set(key, i < 0 ? "" : s.slice(i + 1));
  }
  return Object.fromEntries(out);
}

/**
 * Folds mDNS responses into gateway records. Feed it every packet received during the browse
 * with {@link GatewayCollector.add}; read the result with {@link GatewayCollector.gateways}.
 */
export class GatewayCollector {
  #byInstance = new Map<string, DiscoveredGateway>();
  #addresses = new Map<string, Set<string>>();
  #answers = 0;

  /** Decodes one packet and keeps its records; returns false when it was dropped. */
  add(packet: Uint8Array): boolean {
    if (packet.length === 0 || packet.length > MAX_PACKET_BYTES) return false;
    let decoded: { type?: unknown; answers?: unknown; additionals?: unknown };
    try {
      decoded = dnsPacket.decode(Buffer.from(packet));
    } catch {
      return false;
    }
    if (decoded.type !== "response") return false;
    const records = [
      ...(Array.isArray(decoded.answers) ? decoded.answers : []),
      ...(Array.isArray(decoded.additionals) ? decoded.additionals : []),
    ] as RawAnswer[];
    for (const r of records) {
      if (this.#answers >= MAX_ANSWERS) return true;
      this.#answers++;
      this.#record(r);
    }
    return true;
  }

  #gateway(instanceName: string, create: boolean): DiscoveredGateway | undefined {
    const key = instanceName.toLowerCase();
    const found = this.#byInstance.get(key);
    if (found || !create || this.#byInstance.size >= MAX_GATEWAYS) return found;
    const gw: DiscoveredGateway = { instanceName, host: "", port: 0, addresses: [], txt: {} };
    this.#byInstance.set(key, gw);
    return gw;
  }

  #record(r: RawAnswer): void {
    if (typeof r.name !== "string" || typeof r.type !== "string") return;
    switch (r.type) {
      case "PTR": {
        if (lower(r.name) !== lower(BROWSE_NAME) || typeof r.data !== "string") return;
        const instance = instanceOf(r.data);
        if (instance) this.#gateway(instance, true);
        return;
      }
      case "SRV": {
        const instance = instanceOf(r.name);
        const data = r.data as { port?: unknown; target?: unknown } | undefined;
        if (!instance || typeof data?.port !== "number" || typeof data.target !== "string") return;
        const gw = this.#gateway(instance, true);
        if (gw) {
          gw.port = data.port;
          gw.host = data.target.replace(/\.$/, "");
        }
        return;
      }
      case "TXT": {
        const instance = instanceOf(r.name);
        const gw = instance ? this.#gateway(instance, true) : undefined;
        if (gw) gw.txt = decodeTxt(r.data);
        return;
      }
      case "A":
      case "AAAA": {
        if (typeof r.data !== "string") return;
        const host = lower(r.name);
        let set = this.#addresses.get(host);
        if (!set) {
          if (this.#addresses.size >= MAX_GATEWAYS * 4) return;
          set = new Set<string>();
          this.#addresses.set(host, set);
        }
        if (set.size < MAX_ADDRESSES) set.add(r.data);
        return;
      }
    }
  }

  /** The gateways seen so far, by instance name; only those whose SRV record arrived. */
  gateways(): DiscoveredGateway[] {
    return [...this.#byInstance.values()]
      .filter((gw) => gw.port > 0)
      .map((gw) => ({
        ...gw,
        txt: { ...gw.txt },
        addresses: [...(this.#addresses.get(lower(gw.host)) ?? [])].sort(),
      }))
      .sort((a, b) => a.instanceName.localeCompare(b.instanceName));
  }
}

/**
 * The human listing of `gateway discover`: one block per gateway (instance, host:port,
 * addresses, for a wide-area find its domain, TXT keys in order).
 */
export function formatGateways(gateways: readonly DiscoveredGateway[]): string[] {
  const lines: string[] = [];
  for (const gw of gateways) {
    if (lines.length) lines.push("");
    lines.push(gw.instanceName);
    lines.push(`  host: ${gw.host}:${gw.port}`);
    if (gw.addresses.length) lines.push(`  addresses: ${gw.addresses.join(", ")}`);
    if (gw.source === "wide-area") lines.push(`  wide-area: ${gw.domain ?? ""}`);
    for (const [k, v] of Object.entries(gw.txt)) lines.push(`  ${k}: ${v}`);
  }
  return lines;
}

/** `gateway discover`'s default listening time. */
export const DEFAULT_BROWSE_TIMEOUT_MS = 2000;
/** The longest `--timeout` honoured; longer values are capped to it. */
export const MAX_BROWSE_TIMEOUT_MS = 30_000;

/**
 * The browse time for a `--timeout` value: the default when absent, capped at
 * {@link MAX_BROWSE_TIMEOUT_MS}; undefined when it is not a positive whole number of ms.
 *
 * @example
 * ```ts
 * browseTimeoutMs(undefined); // 2000
 * browseTimeoutMs("600000"); // 30000
 * browseTimeoutMs("soon"); // undefined
 * ```
 */
export function browseTimeoutMs(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_BROWSE_TIMEOUT_MS;
  if (!/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n <= 0) return undefined;
  return Math.min(n, MAX_BROWSE_TIMEOUT_MS);
}
