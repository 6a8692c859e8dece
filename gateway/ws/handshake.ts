/**
 * The `connect` request, checked in protocol.md §4.1 order: params → protocol range → role →
 * shared secret / trusted proxy (with the failed-auth limiter) → device proof → pairing → scopes.
 * Returns either what hello-ok needs or the error and close code to answer with.
 *
 * @module
 */
import {
  generateDeviceToken,
  type PairedDevice,
  readPairedDevices,
  updatePairedDevices,
} from "../../lib/devices/paired.ts";
import {
  authFailureError,
  controlUiDeviceIdentityRequiredError,
  deviceIdentityRequiredError,
  errorShape,
  invalidRoleError,
  protocolMismatchError,
} from "../../lib/protocol/errors.ts";
import {
  acceptsProtocol,
  type AuthMethod,
  type ConnectParams,
  type HelloOk,
  parseConnectParams,
} from "../../lib/protocol/frames.ts";
import { isOperatorScope } from "../../lib/protocol/scopes.ts";
import { verifyDeviceProof } from "../../lib/protocol/device.ts";
import { VERSION } from "../../lib/version.ts";
import {
  authorizeShared,
  authorizeTrustedProxy,
  type AuthRateLimiter,
  sharedSecretRateLimitKey,
  timingSafeEqualString,
} from "../auth.ts";
import type { ErrorShape } from "../../lib/protocol/frames.ts";
import type { CallerInfo } from "../methods/types.ts";
import type { GatewayState, PresenceEntry } from "../state.ts";
import type { PeerInfo } from "./connection.ts";

/** Events this gateway emits (`hello-ok.features.events`). */
export const GATEWAY_EVENTS = [
  "connect.challenge",
  "tick",
  "presence",
  "health",
  "shutdown",
  "config.changed",
  "agent",
  "chat",
  "sessions.changed",
];

/** What a successful handshake yields. */
export interface HandshakeSuccess {
  ok: true;
  caller: Omit<CallerInfo, "connId">;
  presence: Omit<PresenceEntry, "ts">;
  helloAuth: HelloOk["auth"];
  serverVersion: string;
  events: string[];
}

/** A refused handshake: the error to answer with, then the close. */
export interface HandshakeFailure {
  ok: false;
  error: ErrorShape;
  closeCode: number;
  closeReason: string;
}

/** Either outcome. */
export type HandshakeOutcome = HandshakeSuccess | HandshakeFailure;

/** Inputs of {@linkcode runHandshake}. */
export interface HandshakeInput {
  params: unknown;
  nonce: string;
  peer: PeerInfo;
  state: GatewayState;
  authLimiter: AuthRateLimiter;
  now?: () => number;
}

function fail(error: ErrorShape, closeCode = 1008, closeReason = error.message): HandshakeFailure {
  return { ok: false, error, closeCode, closeReason };
}

/** Device-less clients that keep their requested scopes (the local CLI and backend helper). */
function keepsScopesWithoutDevice(params: ConnectParams, peer: PeerInfo): boolean {
  if (!peer.isLoopback) return false;
  const { id, mode } = params.client;
  return (id === "cli" && mode === "cli") || (id === "gateway-client" && mode === "backend") ||
    (id === "cli" && mode === "probe");
}

function requestedScopes(params: ConnectParams): string[] {
  const raw = Array.isArray(params.scopes) ? params.scopes : [];
  return [...new Set(raw.filter((s) => isOperatorScope(s)))];
}

type AuthResult =
  | { ok: true; method: AuthMethod; viaDeviceToken: boolean }
  | { ok: false; failure: HandshakeFailure };

function authenticate(input: HandshakeInput, params: ConnectParams): AuthResult {
  const { state, peer, authLimiter } = input;
  const auth = state.auth;
  const key = sharedSecretRateLimitKey(peer.clientIp);
  const subject = {
    loopback: peer.isLoopback,
    browserOrigin: peer.headers.get("origin") ?? undefined,
  };
  const limited = authLimiter.check(key, subject);
  const ctx = {
    authMode: auth.mode,
    client: { id: params.client.id, mode: params.client.mode },
    isLocalClient: peer.isLoopback,
  };
  if (!limited.allowed) {
    return {
      ok: false,
      failure: fail(
        authFailureError("rate_limited", { ...ctx, rateLimitedRetryAfterMs: limited.retryAfterMs }),
      ),
    };
  }
  if (auth.mode === "trusted-proxy") {
    const r = authorizeTrustedProxy({
      auth,
      remoteAddr: peer.remoteAddr,
      headers: peer.headers,
      trustedProxies: state.config.gateway?.trustedProxies ?? [],
    });
    if (r.ok) return { ok: true, method: "trusted-proxy", viaDeviceToken: false };
    authLimiter.recordFailure(key, subject);
    return {
      ok: false,
      failure: fail(
        authFailureError(r.reason, {
          ...ctx,
          message: `unauthorized: ${r.reason.replaceAll("_", " ")}`,
        }),
      ),
    };
  }
  const provided = { token: params.auth?.token, password: params.auth?.password };
  const shared = authorizeShared({ auth, provided });
  if (shared.ok) {
    authLimiter.recordSuccess(key, subject);
    return { ok: true, method: shared.method, viaDeviceToken: false };
  }
  // A device may present its own token instead of (or after a stale) shared secret.
  const deviceToken = params.auth?.deviceToken;
  if (deviceToken && params.device) {
    const paired = readPairedDevices(state.stateDir)[params.device.id];
    const role = params.role ?? "operator";
    const issued = paired?.tokens?.[role];
    if (issued && timingSafeEqualString(deviceToken, issued.token)) {
      authLimiter.recordSuccess(key, subject);
      return { ok: true, method: "device-token", viaDeviceToken: true };
    }
    authLimiter.recordFailure(key, subject);
    return { ok: false, failure: fail(authFailureError("device_token_mismatch", ctx)) };
  }
  const provides = provided.token || provided.password;
  if (provides) authLimiter.recordFailure(key, subject);
  const canRetry = shared.authReason === "token_mismatch" && !!params.device && !!provided.token;
  const authProvided = provided.password ? "password" : provided.token ? "token" : "none";
  return {
    ok: false,
    failure: fail(
      authFailureError(shared.authReason, {
        ...ctx,
        authProvided,
        canRetryWithDeviceToken: canRetry,
      }),
    ),
  };
}

/** Approves (or refuses) a verified device and returns its scopes and any fresh device token. */
async function pairDevice(
  input: HandshakeInput,
  params: ConnectParams,
  deviceId: string,
  scopes: string[],
): Promise<
  { ok: true; token?: { token: string; issuedAtMs: number } } | {
    ok: false;
    failure: HandshakeFailure;
  }
> {
  const { state, peer } = input;
  const role = params.role ?? "operator";
  const now = (input.now ?? Date.now)();
  const known = readPairedDevices(state.stateDir)[deviceId];
  const needsApproval = !known || !known.roles.includes(role) ||
    scopes.some((s) => !known.scopes.includes(s));
  // Only a direct loopback connect is approved silently; LAN/tailnet devices need an operator.
  if (needsApproval && !peer.isLoopback) {
    const reason = !known
      ? "not-paired"
      : !known.roles.includes(role)
      ? "role-upgrade"
      : "scope-upgrade";
    const { pairingRequiredError, pairingCloseReason } = await import(
      "../../lib/protocol/errors.ts"
    );
    const requestId = crypto.randomUUID();
    const error = pairingRequiredError({
      reason,
      deviceId,
      requestedRole: role,
      requestedScopes: scopes,
      requestId,
      approvedRoles: known?.roles,
      approvedScopes: known?.scopes,
    });
    return { ok: false, failure: fail(error, 1008, pairingCloseReason(reason, requestId)) };
  }
  return await updatePairedDevices(state.stateDir, (store) => {
    const entry: PairedDevice = store[deviceId] ?? {
      deviceId,
      publicKey: params.device!.publicKey,
      roles: [],
      scopes: [],
      tokens: {},
      createdAtMs: now,
      approvedAtMs: now,
    };
    entry.roles = [...new Set([...entry.roles, role])];
    entry.scopes = [...new Set([...entry.scopes, ...scopes])];
    entry.lastSeenAtMs = now;
    entry.clientId = params.client.id;
    entry.clientMode = params.client.mode;
    entry.platform = params.client.platform;
    if (params.client.displayName) entry.displayName = params.client.displayName;
    let fresh: { token: string; issuedAtMs: number } | undefined;
    const current = entry.tokens[role];
    const sameScopes = current && current.scopes.length === entry.scopes.length &&
      current.scopes.every((s) => entry.scopes.includes(s));
    if (!current || !sameScopes) {
      fresh = { token: generateDeviceToken(), issuedAtMs: now };
      entry.tokens[role] = { token: fresh.token, role, scopes: [...entry.scopes], issuedAtMs: now };
    }
    store[deviceId] = entry;
    return { ok: true as const, token: fresh };
  });
}

/** Runs the handshake checks for one `connect`. */
export async function runHandshake(input: HandshakeInput): Promise<HandshakeOutcome> {
  const parsed = parseConnectParams(input.params);
  if (!parsed.ok) return fail(parsed.error);
  const params = parsed.value;
  if (!acceptsProtocol(params)) {
    return fail(
      protocolMismatchError(params.minProtocol, params.maxProtocol),
      1002,
      "protocol mismatch",
    );
  }
  const role = params.role ?? "operator";
  if (
    role === "worker" || params.client.id === "openclaw-worker" || params.client.mode === "worker"
  ) {
    return fail(errorShape("INVALID_REQUEST", "invalid-handshake"), 1008, "invalid-handshake");
  }
  if (role !== "operator" && role !== "node") return fail(invalidRoleError());

  const authed = authenticate(input, params);
  if (!authed.ok) return authed.failure;

  let scopes = requestedScopes(params);
  let deviceId: string | undefined;
  let token: { token: string; issuedAtMs: number } | undefined;
  if (params.device) {
    const proof = await verifyDeviceProof({
      device: params.device,
      params,
      challengeNonce: input.nonce,
      now: (input.now ?? Date.now)(),
    });
    if (!proof.ok) {
      return fail(
        errorShape("INVALID_REQUEST", proof.message, {
          details: { code: proof.code, reason: proof.reason },
        }),
      );
    }
    deviceId = proof.deviceId;
    const paired = await pairDevice(input, params, deviceId, scopes);
    if (!paired.ok) return paired.failure;
    token = paired.token;
  } else {
    if (params.client.id === "openclaw-control-ui" && input.state.auth.mode !== "trusted-proxy") {
      return fail(controlUiDeviceIdentityRequiredError());
    }
    if (input.state.auth.mode === "none" && !input.peer.isLoopback) {
      return fail(deviceIdentityRequiredError());
    }
    // Without a device identity a shared secret proves "someone with the secret", so scopes are
    // dropped except for the local CLI and backend helper (protocol.md §4.4).
    if (!keepsScopesWithoutDevice(params, input.peer)) scopes = [];
  }
  if (role === "node") scopes = [];

  const { client } = params;
  return {
    ok: true,
    caller: {
      clientIp: input.peer.clientIp,
      isLoopback: input.peer.isLoopback,
      role,
      scopes,
      deviceId,
      clientId: client.id,
      clientMode: client.mode,
    },
    presence: {
      host: client.displayName,
      clientId: client.id,
      ip: input.peer.clientIp,
      version: client.version,
      platform: client.platform,
      deviceFamily: client.deviceFamily,
      modelIdentifier: client.modelIdentifier,
      timeZone: client.timeZone,
      mode: client.mode,
      deviceId,
      roles: [role],
      scopes,
      instanceId: client.instanceId,
    },
    helloAuth: {
      role,
      scopes,
      method: authed.method,
      ...(token ? { deviceToken: token.token, issuedAtMs: token.issuedAtMs } : {}),
    },
    serverVersion: VERSION,
    events: GATEWAY_EVENTS,
  };
}
