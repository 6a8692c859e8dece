/**
 * The wide-area half of `openclaw gateway discover`: unicast DNS-SD (RFC 6763) in the domain a
 * gateway publishes its zone in (lib/discovery/zone.ts). It asks the PTR records of
 * `_openclaw-gw._tcp.<domain>`, then each instance's SRV and TXT, then the A/AAAA of each SRV
 * target, and merges the result with the LAN (mDNS) browse into one list.
 *
 * The DNS queries go through a {@link UnicastDns} the caller supplies (the CLI wraps
 * `Deno.resolveDns`), so this file has no sockets. Everything is bounded: at most
 * {@link MAX_GATEWAYS} instances, {@link MAX_ADDRESSES} addresses per host, and the caller's
 * `signal` ends every pending query. TXT is unauthenticated; it is shown, never trusted for
 * routing.
 *
 * @module
 */
import type { Env } from "../paths.ts";
import {
  type DiscoveredGateway,
  type DiscoverySource,
  MAX_GATEWAYS,
  txtFromStrings,
} from "./browse.ts";
import { GATEWAY_SERVICE_TYPE, normalizeDomain } from "./names.ts";
import { DEFAULT_WIDE_AREA_DOMAIN } from "./settings.ts";

/** The most addresses kept per host. */
const MAX_ADDRESSES = 8;
/** How many instances are resolved at the same time. */
const PARALLEL_INSTANCES = 8;

/** One SRV answer, as `Deno.resolveDns` gives it. */
export interface SrvAnswer {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/**
 * The DNS queries a wide-area browse makes. Each resolves to the answers (an empty list when
 * the name or the type does not exist) and rejects on any other failure, or when `signal`
 * aborts.
 */
export interface UnicastDns {
  ptr(name: string, signal: AbortSignal): Promise<string[]>;
  srv(name: string, signal: AbortSignal): Promise<SrvAnswer[]>;
  /** Each TXT record as its list of strings. */
  txt(name: string, signal: AbortSignal): Promise<string[][]>;
  a(name: string, signal: AbortSignal): Promise<string[]>;
  aaaa(name: string, signal: AbortSignal): Promise<string[]>;
}

/** What a wide-area browse found. */
export interface WideAreaBrowse {
  /** The domain browsed (normalized, no trailing dot). */
  domain: string;
  /** The gateways whose SRV record resolved, by instance name. */
  gateways: DiscoveredGateway[];
  /** Why the PTR query (the browse itself) failed, when it did. */
  error?: unknown;
}

/** The wide-area domain `gateway discover` browses (if any), or the unusable value it got. */
export interface BrowseDomain {
  /** Normalized domain, no trailing dot. */
  domain?: string;
  /** A configured value that is not a DNS name, and the key or variable it came from. */
  invalid?: { value: string; from: string };
}

/**
 * The wide-area domain to browse: `discovery.wideArea.domain`, else `OPENCLAW_WIDE_AREA_DOMAIN`,
 * else `openclaw.internal` when `discovery.wideArea.enabled` is true (the order of
 * `openclaw dns setup`). None of them -> no wide-area browse (`{}`); a value that is not a DNS
 * name -> `invalid` naming where it came from.
 *
 * @param wideArea The config's `discovery.wideArea` block, if any.
 * @example
 * ```ts
 * browseDomain(undefined, { OPENCLAW_WIDE_AREA_DOMAIN: "OpenClaw.Internal." });
 * // { domain: "openclaw.internal" }
 * browseDomain({ enabled: true }, {}); // { domain: "openclaw.internal" }
 * browseDomain(undefined, {}); // {}
 * ```
 */
export function browseDomain(
  wideArea: { enabled?: boolean; domain?: string } | undefined,
  env: Env,
): BrowseDomain {
  const fromEnv = env.OPENCLAW_WIDE_AREA_DOMAIN?.trim() || undefined;
  const [value, from] = wideArea?.domain !== undefined
    ? [wideArea.domain, "discovery.wideArea.domain"]
    : fromEnv !== undefined
    ? [fromEnv, "OPENCLAW_WIDE_AREA_DOMAIN"]
    : wideArea?.enabled
    ? [DEFAULT_WIDE_AREA_DOMAIN, "discovery.wideArea.enabled"]
    : [undefined, ""];
  if (value === undefined) return {};
  const domain = normalizeDomain(value);
  return domain ? { domain } : { invalid: { value, from } };
}

/** A DNS server address for `Deno.resolveDns`'s `nameServer` option. */
export interface NameServer {
  ipAddr: string;
  port: number;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9a-f:.]+$/i;

/**
 * Parses a DNS server given as `ip`, `ip:port`, `[ipv6]:port` or a bare IPv6 (port 53 when
 * none). Returns undefined when it is not an IP address (names are refused: resolving the
 * resolver's own name would need a resolver) or the port is not 1-65535.
 *
 * @example
 * ```ts
 * parseNameServer("127.0.0.1:5300"); // { ipAddr: "127.0.0.1", port: 5300 }
 * parseNameServer("[fd7a:115c:a1e0::1]:53"); // { ipAddr: "fd7a:115c:a1e0::1", port: 53 }
 * parseNameServer("dns.example"); // undefined
 * ```
 */
export function parseNameServer(value: string): NameServer | undefined {
  const text = value.trim();
  let host = text;
  let port = "53";
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2] ?? port;
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, port] = text.split(":");
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return undefined;
  const ip = IPV4.test(host) || (host.includes(":") && IPV6.test(host));
  return ip ? { ipAddr: host, port: Number(port) } : undefined;
}

/** The DNS-SD name browsed in `domain`. */
export function wideAreaBrowseName(domain: string): string {
  return `${GATEWAY_SERVICE_TYPE}.${domain}`;
}

const withoutDot = (name: string) => name.replace(/\.$/, "");

/** The instance label of `<instance>._openclaw-gw._tcp.<domain>`, or undefined. */
function instanceOf(fqdn: string, domain: string): string | undefined {
  const suffix = `.${wideAreaBrowseName(domain)}`;
  const name = withoutDot(fqdn);
  if (!name.toLowerCase().endsWith(suffix.toLowerCase())) return undefined;
  return name.slice(0, -suffix.length) || undefined;
}

/** The answers of one query, or none when it failed (the browse goes on without them). */
async function settle<T>(query: () => Promise<T[]>): Promise<T[]> {
  try {
    return await query();
  } catch {
    return [];
  }
}

/** The SRV answer clients use: lowest priority, then highest weight (RFC 2782, no shuffling). */
function pickSrv(answers: readonly SrvAnswer[]): SrvAnswer | undefined {
  return [...answers].sort((x, y) => x.priority - y.priority || y.weight - x.weight)[0];
}

/**
 * Browses `domain` for gateways through `dns`: PTR, then SRV + TXT per instance, then A + AAAA
 * per host. An instance whose SRV does not resolve (missing, failed, or cut off by `signal`) is
 * left out, as on the LAN. Never throws: a failed PTR query is returned as `error`.
 *
 * @param domain Normalized domain (see {@link browseDomain}).
 * @param signal Ends every pending query (the `--timeout` of `gateway discover`).
 */
export async function browseWideArea(
  domain: string,
  dns: UnicastDns,
  signal: AbortSignal,
): Promise<WideAreaBrowse> {
  let pointers: string[];
  try {
    pointers = await dns.ptr(wideAreaBrowseName(domain), signal);
  } catch (error) {
    return { domain, gateways: [], error };
  }
  const instances = new Map<string, { instance: string; fqdn: string }>();
  for (const fqdn of pointers) {
    if (instances.size >= MAX_GATEWAYS) break;
    const instance = instanceOf(fqdn, domain);
    const key = instance?.toLowerCase();
    if (instance && key && !instances.has(key)) instances.set(key, { instance, fqdn });
  }

  const found: DiscoveredGateway[] = [];
  const list = [...instances.values()];
  for (let i = 0; i < list.length && !signal.aborted; i += PARALLEL_INSTANCES) {
    const batch = list.slice(i, i + PARALLEL_INSTANCES);
    const resolved = await Promise.all(batch.map(async ({ instance, fqdn }) => {
      const [srv, txt] = await Promise.all([
        settle(() => dns.srv(fqdn, signal)),
        settle(() => dns.txt(fqdn, signal)),
      ]);
      const pick = pickSrv(srv);
      if (!pick || pick.port <= 0) return undefined;
      const gw: DiscoveredGateway = {
        instanceName: instance,
        host: withoutDot(pick.target),
        port: pick.port,
        addresses: [],
        txt: txtFromStrings(txt[0] ?? []),
      };
      return gw;
    }));
    for (const gw of resolved) if (gw) found.push(gw);
  }

  const hosts = [...new Set(found.map((gw) => gw.host.toLowerCase()).filter(Boolean))];
  const addresses = new Map<string, string[]>();
  for (let i = 0; i < hosts.length && !signal.aborted; i += PARALLEL_INSTANCES) {
    await Promise.all(
      hosts.slice(i, i + PARALLEL_INSTANCES).map(async (host) => {
        const [v4, v6] = await Promise.all([
          settle(() => dns.a(host, signal)),
          settle(() => dns.aaaa(host, signal)),
        ]);
        addresses.set(host, [...new Set([...v4, ...v6])].slice(0, MAX_ADDRESSES).sort());
      }),
    );
  }
  for (const gw of found) gw.addresses = [...(addresses.get(gw.host.toLowerCase()) ?? [])];
  found.sort((x, y) => x.instanceName.localeCompare(y.instanceName));
  return { domain, gateways: found };
}

/**
 * One list out of the LAN browse and the wide-area browse: each gateway marked with its
 * `source` and `domain`, one entry per instance and domain (a gateway seen both on the LAN and
 * in the wide-area zone is listed twice, once per way to reach it), LAN finds first.
 */
export function mergeDiscovered(
  mdns: readonly DiscoveredGateway[],
  wideArea: WideAreaBrowse | undefined,
): DiscoveredGateway[] {
  const seen = new Set<string>();
  const out: DiscoveredGateway[] = [];
  const add = (gw: DiscoveredGateway, source: DiscoverySource, domain: string) => {
    const key = `${domain}\u0000${gw.instanceName.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ...gw, source, domain });
  };
  for (const gw of mdns) add(gw, "mdns", "local");
  if (wideArea) { for (const gw of wideArea.gateways) add(gw, "wide-area", wideArea.domain); }
  return out;
}
