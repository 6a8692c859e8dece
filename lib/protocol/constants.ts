/**
 * Numbers of the Gateway WebSocket protocol v4: versions, size and time limits, and the close
 * codes with their fixed reasons (reference/protocol.md §1, §2, §4.7, §5.1).
 *
 * @module
 */
import type { Env } from "../paths.ts";

/**
 * The wire version this gateway speaks; `hello-ok.protocol` always carries it, and operator and UI
 * clients must include it in `[minProtocol, maxProtocol]`.
 */
export const PROTOCOL_VERSION = 4;
/** `role:"node"` + `client.mode:"node"` may still negotiate v3 (N-1 window). */
export const MIN_NODE_PROTOCOL_VERSION = 3;
/** `client.mode:"probe"` may send `maxProtocol` 3. */
export const MIN_PROBE_PROTOCOL_VERSION = 3;

/** Largest frame accepted before `hello-ok`; bigger ones close the socket with 1009. */
export const MAX_PREAUTH_PAYLOAD_BYTES = 65_536;
/** Largest frame accepted after `hello-ok` (`hello-ok.policy.maxPayload`, 25 MiB). */
export const MAX_PAYLOAD_BYTES = 26_214_400;
/** Outbound buffer per socket before it is closed as a slow consumer (`policy.maxBufferedBytes`). */
export const MAX_BUFFERED_BYTES = 52_428_800;
/** Unauthenticated sockets allowed per client IP; more get HTTP 503 on upgrade. */
export const MAX_PREAUTH_CONNECTIONS_PER_IP = 32;
/** The server closes a socket (1000, empty reason) that has not finished `connect` by then. */
export const HANDSHAKE_TIMEOUT_MS = 15_000;
/** How long a client waits for `connect.challenge` before closing 1008. */
export const CONNECT_CHALLENGE_TIMEOUT_MS = 15_000;
/** Frames a client may pipeline while its `connect` is processed. */
export const MAX_PENDING_HANDSHAKE_FRAMES = 15;
/** Server `tick` broadcast period (`hello-ok.policy.tickIntervalMs`). */
export const TICK_INTERVAL_MS = 30_000;
/** How often the server sends the `health` event while clients are connected (§7.3). */
export const HEALTH_EVENT_INTERVAL_MS = 60_000;
/** Largest allowed `|now - device.signedAt|`. */
export const DEVICE_SIGNATURE_SKEW_MS = 120_000;
/** Longest accepted `device.publicKey` text. */
export const MAX_DEVICE_PUBLIC_KEY_CHARS = 1_024;
/** Longest accepted `device.signature` text. */
export const MAX_DEVICE_SIGNATURE_CHARS = 256;
/** How long an idempotency key is remembered. */
export const DEDUPE_TTL_MS = 300_000;
/** How many idempotency keys are remembered at most. */
export const DEDUPE_MAX_ENTRIES = 1_000;
/** Consecutive `unauthorized role` errors after which a socket is closed 1008. */
export const MAX_UNAUTHORIZED_ROLE_ERRORS = 10;
/** Operator request start queue: pending requests and bytes before "server is busy". */
export const REQUEST_QUEUE_LIMITS = { maxPending: 256, maxBytes: 50 * 1024 * 1024 } as const;
/**
 * Requests of one connection that run at once; the rest of its pending requests wait in FIFO
 * order, so one pipelining client cannot monopolise the event loop. Not a stock number.
 */
export const MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = 4;
/**
 * A request still running after this long (waiting on I/O, e.g. `agent.wait`) gives its
 * in-flight slot to the next queued one; it stays pending until it answers. Not a stock number.
 */
export const REQUEST_SLOT_LEASE_MS = 250;
/**
 * Presence changes (connects, closes, `system-event` lines) are coalesced: each reader gets at
 * most one `presence` event per window. Not a stock number (stock sends one per change).
 */
export const PRESENCE_COALESCE_MS = 1_000;
/**
 * Most entries a `presence` event carries: the most recent ones, with `total` added when some
 * were left out (`system-presence` still returns them all). Not a stock number.
 */
export const PRESENCE_EVENT_MAX_ENTRIES = 200;
/**
 * Deepest JSON nesting a frame may have. Not a stock limit: legitimate frames stay far below it,
 * and it keeps recursive handlers (redaction, merge-patch) safe from hostile input.
 */
export const MAX_FRAME_DEPTH = 64;
/** WebSocket close reasons are cut to this many UTF-8 bytes (RFC 6455 allows 123). */
export const CLOSE_REASON_MAX_BYTES = 120;

/** WebSocket close codes used around the handshake and session (§4.7). */
export const CloseCode = {
  /** Server handshake timeout (empty reason). */
  normal: 1000,
  protocolMismatch: 1002,
  /** Invalid frames/params, auth, device, pairing failures, slow consumer, ... (reason = message). */
  policyViolation: 1008,
  preauthPayloadTooLarge: 1009,
  internalError: 1011,
  serviceRestart: 1012,
  /** Retryable admission refusal, after an `UNAVAILABLE` response. */
  tryAgainLater: 1013,
  /** Client-side watchdogs: tick timeout, connect timeout. */
  clientTimeout: 4000,
  /** Shared secret rotated or the client's authority was revoked. */
  clientInvalidated: 4001,
} as const;

/** One of the numbers in {@link CloseCode}. */
export type CloseCodeValue = typeof CloseCode[keyof typeof CloseCode];

/** A close code with its fixed reason text. */
export interface CloseSpec {
  code: CloseCodeValue;
  reason: string;
}

/** Closes whose reason text is fixed by the protocol; kept verbatim (clients match on them). */
export const CLOSE = {
  handshakeTimeout: { code: CloseCode.normal, reason: "" },
  protocolMismatch: { code: CloseCode.protocolMismatch, reason: "protocol mismatch" },
  invalidRequestFrame: { code: CloseCode.policyViolation, reason: "invalid request frame" },
  invalidHandshake: { code: CloseCode.policyViolation, reason: "invalid-handshake" },
  slowConsumer: { code: CloseCode.policyViolation, reason: "slow consumer" },
  repeatedUnauthorizedCalls: {
    code: CloseCode.policyViolation,
    reason: "repeated unauthorized calls",
  },
  tooManyPendingHandshakeFrames: {
    code: CloseCode.policyViolation,
    reason: "too many pending handshake frames",
  },
  deviceIdentityRequired: { code: CloseCode.policyViolation, reason: "device identity required" },
  connectChallengeTimeout: { code: CloseCode.policyViolation, reason: "connect challenge timeout" },
  connectChallengeMissingNonce: {
    code: CloseCode.policyViolation,
    reason: "connect challenge missing nonce",
  },
  connectFailed: { code: CloseCode.policyViolation, reason: "connect failed" },
  preauthPayloadTooLarge: {
    code: CloseCode.preauthPayloadTooLarge,
    reason: "preauth payload too large",
  },
  payloadTooLarge: { code: CloseCode.preauthPayloadTooLarge, reason: "payload too large" },
  handlerUnavailable: {
    code: CloseCode.internalError,
    reason: "gateway message handler unavailable",
  },
  serviceRestart: { code: CloseCode.serviceRestart, reason: "service restart" },
  gatewayStarting: { code: CloseCode.tryAgainLater, reason: "gateway starting" },
  restartInProgress: { code: CloseCode.tryAgainLater, reason: "gateway restart in progress" },
  suspensionInProgress: {
    code: CloseCode.tryAgainLater,
    reason: "gateway suspension in progress",
  },
  tickTimeout: { code: CloseCode.clientTimeout, reason: "tick timeout" },
  connectTimeout: { code: CloseCode.clientTimeout, reason: "connect timeout" },
  gatewayAuthChanged: { code: CloseCode.clientInvalidated, reason: "gateway auth changed" },
} as const satisfies Record<string, CloseSpec>;

/** Cuts a close reason to {@link CLOSE_REASON_MAX_BYTES} UTF-8 bytes without splitting a character. */
export function truncateCloseReason(reason: string, maxBytes = CLOSE_REASON_MAX_BYTES): string {
  // Stock sends this text when a handshake failure has no message; keep the same fallback.
  if (!reason) return "invalid handshake";
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= maxBytes) return reason;
  let end = 0;
  while (end < maxBytes) {
    const b = bytes[end];
    const len = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    if (end + len > maxBytes) break;
    end += len;
  }
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/** Limits that operators may tune through the environment. */
export interface ProtocolLimits {
  /** `OPENCLAW_MAX_PREAUTH_CONNECTIONS_PER_IP`. @default 32 */
  maxPreauthConnectionsPerIp: number;
  /** `OPENCLAW_HANDSHAKE_TIMEOUT_MS`. @default 15000 */
  handshakeTimeoutMs: number;
  /** `OPENCLAW_CONNECT_CHALLENGE_TIMEOUT_MS` (client side). @default 15000 */
  connectChallengeTimeoutMs: number;
}

function positiveIntFromEnv(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return fallback;
  const n = Number(value);
  // Zero or absurd values would disable the guard entirely; fall back instead of trusting them.
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * Resolves the env-tunable limits; unset, empty, non-numeric or non-positive values keep the
 * defaults.
 *
 * @example
 * ```ts
 * protocolLimits({ OPENCLAW_HANDSHAKE_TIMEOUT_MS: "5000" }).handshakeTimeoutMs; // 5000
 * ```
 */
export function protocolLimits(env: Env): ProtocolLimits {
  return {
    maxPreauthConnectionsPerIp: positiveIntFromEnv(
      env.OPENCLAW_MAX_PREAUTH_CONNECTIONS_PER_IP,
      MAX_PREAUTH_CONNECTIONS_PER_IP,
    ),
    handshakeTimeoutMs: positiveIntFromEnv(env.OPENCLAW_HANDSHAKE_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS),
    connectChallengeTimeoutMs: positiveIntFromEnv(
      env.OPENCLAW_CONNECT_CHALLENGE_TIMEOUT_MS,
      CONNECT_CHALLENGE_TIMEOUT_MS,
    ),
  };
}

/**
 * The event cron job changes and runs are broadcast as (reference/automation.md §2.5): payload
 * `{ jobId, action: "added"|"updated"|"removed"|"started"|"finished", ... }`, operator.read.
 */
export const CRON_EVENT = "cron";
