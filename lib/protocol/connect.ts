/**
 * The `connect` request: its closed params schema (reference/protocol.md §4.2) and the protocol
 * range negotiation (§4.3).
 *
 * @module
 */
import { z } from "zod";
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

/** A string with at least one character. */
export const NonEmptyString = z.string().min(1);
const Int0 = z.number().int().min(0);

/** `connect.params.client` (closed). */
export const ConnectClientSchema = z.strictObject({
  id: z.enum(CLIENT_IDS),
  displayName: NonEmptyString.optional(),
  version: NonEmptyString,
  buildId: z.string().min(1).max(96).optional(),
  platform: NonEmptyString,
  deviceFamily: NonEmptyString.optional(),
  modelIdentifier: NonEmptyString.optional(),
  timeZone: z.string().min(1).max(64).optional(),
  mode: z.enum(CLIENT_MODES),
  instanceId: NonEmptyString.optional(),
});

/** `connect.params.device`: the signed device proof (closed, all fields required). */
export const DeviceProofSchema = z.strictObject({
  id: NonEmptyString,
  publicKey: NonEmptyString,
  signature: NonEmptyString,
  signedAt: Int0,
  nonce: NonEmptyString,
});
/** The device proof a client sends in `connect`. */
export type DeviceProof = z.infer<typeof DeviceProofSchema>;

/** `connect.params.auth` (closed, all strings, all optional). */
export const ConnectAuthSchema = z.strictObject({
  token: z.string().optional(),
  bootstrapToken: z.string().optional(),
  deviceToken: z.string().optional(),
  password: z.string().optional(),
  approvalRuntimeToken: z.string().optional(),
  agentRuntimeIdentityToken: z.string().optional(),
});
/** Credentials a client sends in `connect`. */
export type ConnectAuth = z.infer<typeof ConnectAuthSchema>;

const ModelCatalogSchema = z.union([
  z.strictObject({ agentId: NonEmptyString.optional(), sessionKey: NonEmptyString.optional() }),
  z.strictObject({
    agentId: NonEmptyString.optional(),
    shortId: NonEmptyString,
    slugHint: NonEmptyString.optional(),
  }),
]);

/** `connect` params (closed): §4.2 field for field. */
export const ConnectParamsSchema = z.strictObject({
  minProtocol: z.number().int().min(1),
  maxProtocol: z.number().int().min(1),
  client: ConnectClientSchema,
  // Any non-empty string: newer clients add caps, and an unknown cap must not fail the handshake.
  caps: z.array(NonEmptyString).optional(),
  commands: z.array(NonEmptyString).optional(),
  // Node-host extras: validated by their owning subsystems, opaque to the handshake.
  computerUse: z.unknown().optional(),
  workerRuns: z.record(z.string(), z.unknown()).optional(),
  permissions: z.record(NonEmptyString, z.boolean()).optional(),
  pathEnv: z.string().optional(),
  // Any non-empty string passes here; the handshake answers "invalid role" for unknown ones.
  role: NonEmptyString.optional(),
  scopes: z.array(NonEmptyString).optional(),
  modelCatalog: ModelCatalogSchema.optional(),
  device: DeviceProofSchema.optional(),
  auth: ConnectAuthSchema.optional(),
  locale: z.string().optional(),
  userAgent: z.string().optional(),
});
/** Validated `connect` params. */
export type ConnectParams = z.infer<typeof ConnectParamsSchema>;

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
