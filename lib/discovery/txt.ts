/**
 * The TXT records of a gateway beacon, key for key as stock OpenClaw publishes them: one set for
 * the LAN (Bonjour, per `discovery.mdns.mode`) and one for the wide-area zone.
 *
 * TXT is unauthenticated: clients route by the resolved SRV/A records and never let
 * `gatewayTlsSha256` override a pinned fingerprint.
 *
 * @module
 */
import { displayNameOf } from "./names.ts";

/** How much a LAN beacon says (`discovery.mdns.mode`, minus `off`). */
export type BeaconDetail = "minimal" | "full";

/** What a beacon describes. */
export interface GatewayBeacon {
  /** The gateway's port. */
  port: number;
  /** The Bonjour instance name (see {@link formatInstanceName}). */
  instanceName: string;
  /** The `.local` host label (without `.local`). */
  lanHost: string;
  /** TLS at the listener, with the certificate's SHA-256 fingerprint when known. */
  tls?: { sha256?: string };
  /** True when the gateway listens on more than loopback. */
  directReachable: boolean;
  /** The machine's MagicDNS name, when known. */
  tailnetDns?: string;
  /** Path of the `openclaw` binary, when known. */
  cliPath?: string;
  /** `OPENCLAW_SSH_PORT`, when set. */
  sshPort?: number;
}

/**
 * The LAN (Bonjour) TXT record. `minimal` (the default) leaves out `tailnetDns`, `cliPath` and
 * `sshPort`; `full` adds them (`sshPort` defaults to 22).
 *
 * @example
 * ```ts
 * buildLanTxt({ port: 18789, instanceName: "box (OpenClaw)", lanHost: "box",
 *   directReachable: false }, "minimal");
 * // { role: "gateway", gatewayPort: "18789", lanHost: "box.local", displayName: "box",
 * //   transport: "gateway" }
 * ```
 */
export function buildLanTxt(beacon: GatewayBeacon, detail: BeaconDetail): Record<string, string> {
  const txt: Record<string, string> = {
    role: "gateway",
    gatewayPort: String(beacon.port),
    lanHost: `${beacon.lanHost}.local`,
    displayName: displayNameOf(beacon.instanceName),
    transport: "gateway",
  };
  Object.assign(txt, tlsAndReach(beacon));
  if (detail === "full") {
    if (beacon.tailnetDns) txt.tailnetDns = beacon.tailnetDns;
    if (beacon.cliPath) txt.cliPath = beacon.cliPath;
    txt.sshPort = String(beacon.sshPort ?? 22);
  }
  return txt;
}

/**
 * The wide-area TXT record, in zone order: no `lanHost`; `tailnetDns` whenever known;
 * `sshPort` only when set and `full`; `cliPath` only in `full`.
 */
export function buildWideAreaTxt(
  beacon: GatewayBeacon,
  detail: BeaconDetail,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [
    ["displayName", displayNameOf(beacon.instanceName)],
    ["role", "gateway"],
    ["transport", "gateway"],
    ["gatewayPort", String(beacon.port)],
    ...Object.entries(tlsAndReach(beacon)),
  ];
  if (beacon.tailnetDns) pairs.push(["tailnetDns", beacon.tailnetDns]);
  if (detail === "full" && beacon.sshPort !== undefined) {
    pairs.push(["sshPort", String(beacon.sshPort)]);
  }
  if (detail === "full" && beacon.cliPath) pairs.push(["cliPath", beacon.cliPath]);
  return pairs;
}

function tlsAndReach(beacon: GatewayBeacon): Record<string, string> {
  const out: Record<string, string> = {};
  if (beacon.tls) {
    out.gatewayTls = "1";
    if (beacon.tls.sha256) out.gatewayTlsSha256 = beacon.tls.sha256;
  }
  if (beacon.directReachable) out.gatewayDirectReachable = "1";
  return out;
}
