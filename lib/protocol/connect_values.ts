/**
 * The zod-free parts of the `connect` request: the client id, mode and role lists, and the
 * protocol range negotiation (reference/protocol.md §4.3). connect.ts builds its schemas from
 * these lists and re-exports them; the gateway's handshake imports them from here so a
 * connection does not load zod.
 *
 * @module
 */
import {
  MIN_NODE_PROTOCOL_VERSION,
  MIN_PROBE_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
} from "./constants.ts";

/** Client ids the gateway accepts in `client.id`; anything else fails validation. */
export const CLIENT_IDS = [
  "webchat-ui",
  "openclaw-control-ui",
  "openclaw-browser-copilot",
  "openclaw-tui",
  "webchat",
  "cli",
  "gateway-client",
  "openclaw-macos",
  "openclaw-linux",
  "openclaw-ios",
  "openclaw-watchos",
  "openclaw-android",
  "node-host",
  "openclaw-worker",
  "test",
  "fingerprint",
  "openclaw-probe",
] as const;
/** One of {@link CLIENT_IDS}. */
export type ClientId = typeof CLIENT_IDS[number];

/** Values of `client.mode`. */
export const CLIENT_MODES = [
  "webchat",
  "cli",
  "ui",
  "backend",
  "node",
  "worker",
  "probe",
  "test",
] as const;
/** One of {@link CLIENT_MODES}. */
export type ClientMode = typeof CLIENT_MODES[number];

/** Connection roles; `worker` exists only on its own path and is refused on the main socket. */
export const ROLES = ["operator", "node"] as const;
/** One of {@link ROLES}. */
export type Role = typeof ROLES[number];

/** Returns true for a role the main socket accepts (`connect` answers "invalid role" otherwise). */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** The parts of `connect` params that protocol negotiation looks at. */
export interface ProtocolRange {
  minProtocol: number;
  maxProtocol: number;
  role?: string;
  client: { mode: string };
}

/**
 * Tells whether the server (v4) can talk to a client offering `[minProtocol, maxProtocol]`:
 * v4 in range, or a probe with `maxProtocol >= 3`, or a legacy v3 node (§4.3).
 */
export function acceptsProtocol(range: ProtocolRange): boolean {
  const { minProtocol: min, maxProtocol: max } = range;
  if (min <= PROTOCOL_VERSION && PROTOCOL_VERSION <= max) return true;
  if (range.client.mode === "probe" && max >= MIN_PROBE_PROTOCOL_VERSION) {
    return min <= PROTOCOL_VERSION;
  }
  return range.role === "node" && range.client.mode === "node" &&
    min <= MIN_NODE_PROTOCOL_VERSION && MIN_NODE_PROTOCOL_VERSION <= max;
}
