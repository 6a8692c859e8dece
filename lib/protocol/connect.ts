/**
 * The `connect` request: its closed params schema (reference/protocol.md §4.2) and the protocol
 * range negotiation (§4.3).
 *
 * @module
 */
import { z } from "zod";
import { CLIENT_IDS, CLIENT_MODES } from "./connect_values.ts";

export * from "./connect_values.ts";

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
