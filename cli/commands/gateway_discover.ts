/**
 * `openclaw gateway discover [--json] [--timeout <ms>]`: browses the LAN for gateways over mDNS
 * and lists them. The decoding is lib/discovery/browse.ts; this file owns the socket.
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
  browseTimeoutMs,
  type DiscoveredGateway,
  encodeBrowseQuery,
  formatGateways,
  GatewayCollector,
  MAX_BROWSE_TIMEOUT_MS,
} from "../../lib/discovery/browse.ts";
import { type Clock, systemClock } from "../../lib/clock.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { printJson, printLine } from "../output.ts";

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
  const gateways = await browseGateways(timeoutMs);
  if (flags.json) {
    printJson(gateways);
    return ExitCode.ok;
  }
  if (gateways.length === 0) {
    printLine(
      `No gateways found on this network (browsed _openclaw-gw._tcp.local for ${timeoutMs} ms).`,
    );
    return ExitCode.ok;
  }
  for (const line of formatGateways(gateways)) printLine(line);
  return ExitCode.ok;
}
