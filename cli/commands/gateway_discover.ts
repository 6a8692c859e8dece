/**
 * `openclaw gateway discover [--json] [--timeout <ms>]`: browses the LAN for gateways over mDNS
 * and, when a wide-area domain is configured, that domain over unicast DNS-SD, and lists them.
 * The decoding is lib/discovery/browse.ts and lib/discovery/wide_area_browse.ts; this file owns
 * the socket and the resolver.
 *
 * The wide-area domain is `discovery.wideArea.domain`, else `OPENCLAW_WIDE_AREA_DOMAIN`, else
 * `openclaw.internal` when `discovery.wideArea.enabled` is true; with none, only the LAN is
 * browsed. Its queries (PTR `_openclaw-gw._tcp.<domain>`, then SRV/TXT and A/AAAA) go to the
 * system's resolvers (`/etc/resolv.conf`, where Tailscale's split DNS sends the domain), or to
 * the server in `OPENCLAW_DNS_NAMESERVER` (`ip`, `ip:port` or `[ipv6]:port`) when set: a way to
 * ask the gateway host's CoreDNS directly (`OPENCLAW_DNS_NAMESERVER=100.x.y.z:53`) without
 * split DNS, and what the tests point at their own server. It only chooses where this
 * command's own lookups go, so it needs no further guard. Both browses run side by side and end
 * at `--timeout`.
 *
 * The socket is `node:dgram` rather than `Deno.listenDatagram`: Deno's UDP listener (and its
 * multicast join) is still behind `--unstable-net`, while dgram's `reuseAddr` + `addMembership`
 * work on stable Deno (the mDNS integration test's probe uses the same calls). It binds 5353
 * shared with any local responder (ciao, avahi) and asks with a multicast (QM) query; when 5353
 * cannot be bound it falls back to an ephemeral port and a QU query, which responders answer
 * by unicast to that port.
 *
 * @module
 */
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import {
  BROWSE_NAME,
  browseTimeoutMs,
  type DiscoveredGateway,
  encodeBrowseQuery,
  formatGateways,
  GatewayCollector,
  MAX_BROWSE_TIMEOUT_MS,
} from "../../lib/discovery/browse.ts";
import {
  browseDomain,
  browseWideArea,
  mergeDiscovered,
  type NameServer,
  parseNameServer,
  type UnicastDns,
  type WideAreaBrowse,
  wideAreaBrowseName,
} from "../../lib/discovery/wide_area_browse.ts";
import { checkConfig } from "../../lib/config/load.ts";
import { type Env, processEnv } from "../../lib/paths.ts";
import { type Clock, systemClock } from "../../lib/clock.ts";
import { errorMessage, ExitCode, OpenClawError } from "../../lib/errors.ts";
import { printJson, printLine, printWarn } from "../output.ts";

/** The mDNS group and port (RFC 6762). */
const MDNS_GROUP = "224.0.0.251";
const MDNS_PORT = 5353;

/** Flags of `gateway discover`. */
export interface DiscoverFlags {
  json?: boolean;
  timeout?: string;
}

/** Binds `port` (0 = ephemeral) with address reuse; rejects on a bind error. */
function bind(port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
    const onError = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once("error", onError);
    socket.bind(port, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

/** The most interfaces queried on. */
const MAX_INTERFACES = 16;

/**
 * The IPv4 addresses of the machine's interfaces (loopback too: a gateway on this host answers
 * there). Queries go out on each one: a query sent without an interface leaves with source
 * 0.0.0.0, which responders (ciao) cannot match to an interface and ignore.
 */
function interfaceAddresses(): string[] {
  let all: Deno.NetworkInterfaceInfo[] = [];
  try {
    all = Deno.networkInterfaces();
  } catch {
    // Not permitted or unsupported: the kernel's default interface is all we can use.
  }
  const v4 = all.filter((i) => i.family === "IPv4").map((i) => i.address);
  return [...new Set(v4)].slice(0, MAX_INTERFACES);
}

/** A socket that receives mDNS answers, and whether queries must ask for unicast replies. */
async function openSocket(
  interfaces: readonly string[],
): Promise<{ socket: dgram.Socket; unicast: boolean }> {
  try {
    const socket = await bind(MDNS_PORT);
    let joined = 0;
    for (const address of interfaces.length ? interfaces : [undefined]) {
      try {
        socket.addMembership(MDNS_GROUP, address);
        joined++;
      } catch {
        // This interface has no multicast: the others may.
      }
    }
    if (joined > 0) {
      socket.setMulticastLoopback(true);
      return { socket, unicast: false };
    }
    // Bound but in no group: multicast replies would not reach us.
    socket.close();
  } catch {
    // 5353 is taken without SO_REUSEADDR sharing, or not permitted: ask for unicast replies.
  }
  return { socket: await bind(0), unicast: true };
}

/** Sends `query` to the mDNS group out of each interface in turn (one at a time, in order). */
async function sendQuery(
  socket: dgram.Socket,
  query: Uint8Array,
  interfaces: readonly string[],
): Promise<void> {
  for (const address of interfaces.length ? interfaces : [undefined]) {
    try {
      if (address) socket.setMulticastInterface(address);
      await new Promise<void>((resolve) =>
        socket.send(query, MDNS_PORT, MDNS_GROUP, () => resolve())
      );
    } catch {
      // A send error on one interface leaves the others; the browse just finds fewer gateways.
    }
  }
}

/**
 * Browses for `timeoutMs` and returns what answered. Queries twice (at the start and halfway,
 * at most 1 s in), as mDNS queriers do, since the first packet can be lost.
 */
export async function browseGateways(
  timeoutMs: number,
  clock: Clock = systemClock,
): Promise<DiscoveredGateway[]> {
  const collector = new GatewayCollector();
  const interfaces = interfaceAddresses();
  const { socket, unicast } = await openSocket(interfaces);
  const query = Buffer.from(encodeBrowseQuery(unicast));
  socket.on("message", (msg: Uint8Array) => collector.add(msg));
  // A socket error ends nothing: the browse simply finds fewer gateways.
  socket.on("error", () => {});
  await sendQuery(socket, query, interfaces);
  const again = clock.setTimeout(
    () => void sendQuery(socket, query, interfaces),
    Math.min(1000, Math.floor(timeoutMs / 2)),
  );
  await new Promise<void>((resolve) => clock.setTimeout(resolve, timeoutMs));
  clock.clearTimeout(again);
  socket.close();
  return collector.gateways();
}

/** Unicast DNS through `Deno.resolveDns`: a name or type that does not exist is no answers. */
function denoUnicastDns(nameServer?: NameServer): UnicastDns {
  const options = (signal: AbortSignal) => ({ signal, ...(nameServer ? { nameServer } : {}) });
  const none = <T>(err: unknown): T[] => {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  };
  return {
    ptr: (name, signal) => Deno.resolveDns(name, "PTR", options(signal)).catch(none<string>),
    srv: (name, signal) =>
      Deno.resolveDns(name, "SRV", options(signal)).catch(
        none<{ priority: number; weight: number; port: number; target: string }>,
      ),
    txt: (name, signal) => Deno.resolveDns(name, "TXT", options(signal)).catch(none<string[]>),
    a: (name, signal) => Deno.resolveDns(name, "A", options(signal)).catch(none<string>),
    aaaa: (name, signal) => Deno.resolveDns(name, "AAAA", options(signal)).catch(none<string>),
  };
}

/** The config's `discovery.wideArea` block; none when the config is missing or unreadable. */
async function configuredWideArea(): Promise<{ enabled?: boolean; domain?: string } | undefined> {
  let resolved: unknown;
  try {
    resolved = (await checkConfig({ applyEnv: false })).resolved;
  } catch {
    // An unreadable config browses the LAN (and OPENCLAW_WIDE_AREA_DOMAIN) all the same.
    return undefined;
  }
  const discovery = (resolved as { discovery?: { wideArea?: unknown } } | undefined)?.discovery;
  const wa = discovery?.wideArea;
  if (!wa || typeof wa !== "object") return undefined;
  const { enabled, domain } = wa as { enabled?: unknown; domain?: unknown };
  return {
    ...(typeof enabled === "boolean" ? { enabled } : {}),
    ...(typeof domain === "string" ? { domain } : {}),
  };
}

/** `OPENCLAW_DNS_NAMESERVER`, parsed; a usage error when it is set but not an address. */
function nameServerFrom(env: Env): NameServer | undefined {
  const raw = env.OPENCLAW_DNS_NAMESERVER?.trim();
  if (!raw) return undefined;
  const server = parseNameServer(raw);
  if (!server) {
    throw new OpenClawError(
      "USAGE",
      `Invalid OPENCLAW_DNS_NAMESERVER "${raw}": not an IP address with an optional port`,
      { exitCode: ExitCode.usage, hint: "Use e.g. OPENCLAW_DNS_NAMESERVER=100.64.0.1:53" },
    );
  }
  return server;
}

/**
 * Browses `domain` over unicast DNS for at most `timeoutMs`; a failed browse is a warning on
 * stderr, never an error.
 */
async function browseDomainFor(
  domain: string,
  nameServer: NameServer | undefined,
  timeoutMs: number,
  clock: Clock,
): Promise<WideAreaBrowse> {
  const stop = new AbortController();
  const timer = clock.setTimeout(() => stop.abort(), timeoutMs);
  try {
    const found = await browseWideArea(domain, denoUnicastDns(nameServer), stop.signal);
    if (found.error !== undefined) {
      const where = nameServer ? ` at ${nameServer.ipAddr}:${nameServer.port}` : "";
      const why = stop.signal.aborted
        ? `no answer from DNS${where} within ${timeoutMs} ms`
        : `${errorMessage(found.error)}${where}`;
      printWarn(`Cannot browse ${wideAreaBrowseName(domain)}: ${why}`);
    }
    return found;
  } finally {
    clock.clearTimeout(timer);
  }
}

/** Runs `gateway discover`; exit 0 whether or not anything answered. */
export async function gatewayDiscoverCommand(flags: DiscoverFlags): Promise<number> {
  const timeoutMs = browseTimeoutMs(flags.timeout);
  if (timeoutMs === undefined) {
    throw new OpenClawError(
      "USAGE",
      `Invalid --timeout (use milliseconds, 1-${MAX_BROWSE_TIMEOUT_MS})`,
      { exitCode: ExitCode.usage },
    );
  }
  const env = processEnv();
  const nameServer = nameServerFrom(env);
  const wide = browseDomain(await configuredWideArea(), env);
  if (wide.invalid) {
    printWarn(
      `Not browsing wide-area domain "${wide.invalid.value}" (from ${wide.invalid.from}): ` +
        "not a DNS name",
    );
  }
  const [lan, wideArea] = await Promise.all([
    browseGateways(timeoutMs),
    wide.domain ? browseDomainFor(wide.domain, nameServer, timeoutMs, systemClock) : undefined,
  ]);
  const gateways = mergeDiscovered(lan, wideArea);
  if (flags.json) {
    printJson(gateways);
    return ExitCode.ok;
  }
  if (gateways.length === 0) {
    const browsed = wide.domain
      ? `${BROWSE_NAME} and ${wideAreaBrowseName(wide.domain)}`
      : BROWSE_NAME;
    printLine(`No gateways found on this network (browsed ${browsed} for ${timeoutMs} ms).`);
    return ExitCode.ok;
  }
  for (const line of formatGateways(gateways)) printLine(line);
  return ExitCode.ok;
}
