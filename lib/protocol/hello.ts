/**
 * What the server sends around the handshake: the `connect.challenge`, `tick` and `shutdown`
 * event payloads and the closed `hello-ok` payload with its snapshot (reference/protocol.md §4.1,
 * §4.8, §7.3).
 *
 * Our server emits exactly these shapes. Our client should not validate a stock gateway's
 * `hello-ok` against them: newer gateways add fields, and the reference client reads
 * `hello-ok` without validating it either.
 *
 * @module
 */
import { z } from "zod";
import { NonEmptyString } from "./connect.ts";

const Int0 = z.number().int().min(0);
const Int1 = z.number().int().min(1);
const BoundedId = z.string().min(1).max(96);

/** `connect.challenge` payload. Loose: the client must accept fields newer servers add. */
export const ConnectChallengeSchema = z.looseObject({
  nonce: NonEmptyString,
  ts: Int0,
  capabilities: z.array(z.string()).optional(),
});
/** The first frame's payload: a fresh nonce and the server clock. */
export type ConnectChallenge = z.infer<typeof ConnectChallengeSchema>;

/** `tick` payload (closed). */
export const TickEventSchema = z.strictObject({ ts: Int0 });
/** The keepalive broadcast. */
export type TickEvent = z.infer<typeof TickEventSchema>;

/** `shutdown` payload (closed). */
export const ShutdownEventSchema = z.strictObject({
  reason: NonEmptyString,
  restartExpectedMs: Int0.optional(),
});
/** Sent before the server closes every socket with 1012. */
export type ShutdownEvent = z.infer<typeof ShutdownEventSchema>;

/** Monotonic counters for the presence and health parts of the snapshot (closed). */
export const StateVersionSchema = z.strictObject({ presence: Int0, health: Int0 });
/** Presence and health versions, also carried by `presence`/`health` event frames. */
export type StateVersion = z.infer<typeof StateVersionSchema>;

/** One connected client or node, as listed by `system-presence` and `presence` events (closed). */
export const PresenceEntrySchema = z.strictObject({
  ts: Int0,
  host: NonEmptyString.optional(),
  clientId: NonEmptyString.optional(),
  ip: NonEmptyString.optional(),
  version: NonEmptyString.optional(),
  platform: NonEmptyString.optional(),
  deviceFamily: NonEmptyString.optional(),
  modelIdentifier: NonEmptyString.optional(),
  timeZone: NonEmptyString.optional(),
  mode: NonEmptyString.optional(),
  lastInputSeconds: Int0.optional(),
  reason: NonEmptyString.optional(),
  tags: z.array(NonEmptyString).optional(),
  text: z.string().optional(),
  deviceId: NonEmptyString.optional(),
  roles: z.array(NonEmptyString).optional(),
  scopes: z.array(NonEmptyString).optional(),
  instanceId: NonEmptyString.optional(),
  onlineSince: Int0.optional(),
  lastActivityAt: Int0.optional(),
  user: z.strictObject({
    id: NonEmptyString,
    identity: z.unknown().optional(),
    email: NonEmptyString.optional(),
    name: NonEmptyString.optional(),
    avatarUrl: NonEmptyString.optional(),
  }).optional(),
  watchedSessions: z.array(NonEmptyString).optional(),
});
/** One presence record. */
export type PresenceEntry = z.infer<typeof PresenceEntrySchema>;

/**
 * The health summary inside the snapshot. Its fields (§8.2) are all optional and belong to the
 * health module, which validates them; here it only has to be an object.
 */
export const HealthSnapshotSchema = z.record(z.string(), z.unknown());

/** Default session routing keys (closed). */
export const SessionDefaultsSchema = z.strictObject({
  defaultAgentId: NonEmptyString,
  modelConfigured: z.boolean().optional(),
  ownership: z.unknown().optional(),
  selectionRequired: z.boolean().optional(),
  mainKey: NonEmptyString,
  mainSessionKey: NonEmptyString,
  scope: NonEmptyString.optional(),
});

/** Gateway auth modes reported in `snapshot.authMode`. */
export const AUTH_MODES = ["none", "token", "password", "trusted-proxy"] as const;

/** The state snapshot in `hello-ok` (closed). */
export const SnapshotSchema = z.strictObject({
  presence: z.array(PresenceEntrySchema),
  health: HealthSnapshotSchema,
  stateVersion: StateVersionSchema,
  uptimeMs: Int0,
  appliedConfigHash: NonEmptyString.nullable().optional(),
  configPath: NonEmptyString.optional(),
  stateDir: NonEmptyString.optional(),
  sessionDefaults: SessionDefaultsSchema.optional(),
  controlUiIdentityUrl: NonEmptyString.optional(),
  authMode: z.enum(AUTH_MODES).optional(),
  // Owned by the update and suspension subsystems; their shapes are not pinned here.
  updateAvailable: z.unknown().optional(),
  updateSchedule: z.unknown().optional(),
  suspension: z.unknown().optional(),
});
/** Presence, health and versions handed to a client at connect time. */
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** How a connection authenticated (`hello-ok.auth.method`). */
export const AUTH_METHODS = [
  "none",
  "token",
  "password",
  "tailscale",
  "device-token",
  "bootstrap-token",
  "trusted-proxy",
] as const;
/** One of {@link AUTH_METHODS}. */
export type AuthMethod = typeof AUTH_METHODS[number];

/** The `hello-ok` payload (closed; every nested object closed too). */
export const HelloOkSchema = z.strictObject({
  type: z.literal("hello-ok"),
  protocol: Int1,
  server: z.strictObject({
    version: NonEmptyString,
    buildId: BoundedId.optional(),
    bootId: BoundedId.optional(),
    controlUiBuildSource: z.enum(["bundled", "configured"]).optional(),
    connId: NonEmptyString,
  }),
  features: z.strictObject({
    methods: z.array(NonEmptyString),
    events: z.array(NonEmptyString),
    capabilities: z.array(NonEmptyString).optional(),
  }),
  snapshot: SnapshotSchema,
  controlUiUrl: NonEmptyString.optional(),
  // Plugin-declared UI descriptors: we declare none, so their inner shapes stay opaque.
  controlUiTabs: z.array(z.unknown()).optional(),
  controlUiWidgetKinds: z.array(z.unknown()).optional(),
  controlUiLinkReaders: z.array(z.unknown()).optional(),
  pluginSurfaceUrls: z.record(NonEmptyString, NonEmptyString).optional(),
  auth: z.strictObject({
    method: z.enum(AUTH_METHODS).optional(),
    deviceToken: NonEmptyString.optional(),
    recoveryMigrationAllowed: z.literal(true).optional(),
    recoveryScope: NonEmptyString.optional(),
    role: NonEmptyString,
    scopes: z.array(NonEmptyString),
    issuedAtMs: Int0.optional(),
    deviceTokens: z.array(z.strictObject({
      deviceToken: NonEmptyString,
      role: NonEmptyString,
      scopes: z.array(NonEmptyString),
      issuedAtMs: Int0,
    })).optional(),
  }),
  policy: z.strictObject({
    maxPayload: Int1,
    maxBufferedBytes: Int1,
    tickIntervalMs: Int1,
    attachments: z.strictObject({ maxBytes: Int1, maxImageBytes: Int1 }).optional(),
    allowedSessionVisibilities: z.array(z.string()).optional(),
    hasMultipleSessionSharingIdentities: z.boolean().optional(),
  }),
});
/** The successful `connect` result. */
export type HelloOk = z.infer<typeof HelloOkSchema>;
