/**
 * The `connect` request, checked in protocol.md §4.1 order: params -> protocol range -> role ->
 * shared secret / trusted proxy / Tailscale Serve identity / device token / bootstrap token (with
 * the failed-auth limiter) -> device proof -> pairing (lib/devices) -> scopes.
 * Returns either what hello-ok needs or the error and close code to answer with.
 *
 * @module
 */
import { DEVICE_PAIR_REQUESTED_EVENT, GATEWAY_EVENTS } from "../../lib/protocol/events.ts";
import {
  approvedRoles,
  approvedScopes,
  readPairedDevices,
  updatePairedDevices,
} from "../../lib/devices/paired.ts";
import { requestDevicePairing } from "../../lib/devices/pending.ts";
import {
  type DeviceMetadata,
  issuedAtOf,
  pairingNeed,
  recordApproval,
  recordSeen,
} from "../../lib/devices/approval.ts";
import { consumeBootstrapToken, findBootstrapToken } from "../../lib/devices/bootstrap.ts";
import { checkDeviceToken } from "../../lib/devices/tokens.ts";
import {
  CLOSE,
  CloseCode,
  type CloseCodeValue,
  type CloseSpec,
} from "../../lib/protocol/constants.ts";
import {
  authFailureError,
  authProvidedKind,
  canRetryWithDeviceToken,
  controlUiDeviceIdentityRequiredError,
  deviceAuthError,
  deviceIdentityRequiredError,
  invalidHandshakeError,
  invalidRoleError,
  pairingCloseReason,
  pairingRequiredError,
  protocolMismatchError,
} from "../../lib/protocol/errors.ts";
import type { AuthMethod, ConnectParams, ErrorShape, HelloOk } from "../../lib/protocol/frames.ts";
// Zod-free: an ordinary connect is checked by hand, the schema loads only for unusual params.
import { acceptsProtocol, isRole } from "../../lib/protocol/connect_values.ts";
import { checkConnectParams } from "../../lib/protocol/connect_fast.ts";
import { isOperatorScope } from "../../lib/protocol/scopes.ts";
import { verifyDeviceProof } from "../../lib/protocol/device.ts";
import { VERSION } from "../../lib/version.ts";
import {
  authorizeSharedNative,
  authorizeTailscaleConnect,
  authorizeTrustedProxyConnect,
  type AuthRateLimiter,
  isLocalDirectRequest,
  sharedSecretRateLimitKey,
} from "../auth.ts";
import type { CallerInfo } from "../methods/types.ts";
import type { GatewayState, PresenceEntry } from "../state.ts";
import type { PeerInfo } from "./connection.ts";

/** Events this gateway emits (`hello-ok.features.events`). */

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
  closeCode: CloseCodeValue;
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

/** Refuses with `error`, then closes 1008 with the error's message unless `close` says otherwise. */
function fail(
  error: ErrorShape,
  close: CloseSpec = { code: CloseCode.policyViolation, reason: error.message },
): HandshakeFailure {
  return { ok: false, error, closeCode: close.code, closeReason: close.reason };
}

/**
 * Device-less clients that keep their requested scopes: only the local CLI (`cli`/`cli`) and the
 * local backend helper (`gateway-client`/`backend`) on loopback (protocol.md §4.4). Everyone
 * else, the `gateway status` probe included, gets no scopes without a device identity.
 */
function keepsScopesWithoutDevice(params: ConnectParams, peer: PeerInfo): boolean {
  if (!peer.isLoopback) return false;
  const { id, mode } = params.client;
  return (id === "cli" && mode === "cli") || (id === "gateway-client" && mode === "backend");
}

function requestedScopes(params: ConnectParams): string[] {
  const raw = Array.isArray(params.scopes) ? params.scopes : [];
  return [...new Set(raw.filter((s) => isOperatorScope(s)))];
}

/** A Tailscale user verified with `tailscale whois`. */
interface TailscaleUser {
  login: string;
  name?: string;
}

function nameOf(user: TailscaleUser): { name?: string } {
  return user.name ? { name: user.name } : {};
}

type AuthResult =
  | { ok: true; method: AuthMethod; viaDeviceToken: boolean; user?: TailscaleUser }
  | { ok: false; failure: HandshakeFailure };

async function authenticate(input: HandshakeInput, params: ConnectParams): Promise<AuthResult> {
  const { state, peer, authLimiter } = input;
  const auth = state.auth;
  const key = sharedSecretRateLimitKey(peer.clientIp);
  const subject = {
    loopback: peer.isLoopback,
    browserOrigin: peer.headers.get("origin") ?? undefined,
  };
  // Counted for health and logged (rate-limited per address) on gateway/auth; never the secret.
  const failed = (reason: string) =>
    authLimiter.failures.record({ reason, clientIp: peer.clientIp, surface: "ws" });
  const limited = authLimiter.check(key, subject);
  const ctx = {
    authMode: auth.mode,
    client: { id: params.client.id, mode: params.client.mode },
    isLocalClient: peer.isLoopback,
  };
  if (!limited.allowed) {
    failed("rate_limited");
    return {
      ok: false,
      failure: fail(
        authFailureError("rate_limited", { ...ctx, rateLimitedRetryAfterMs: limited.retryAfterMs }),
      ),
    };
  }
  const provided = { token: params.auth?.token, password: params.auth?.password };
  if (auth.mode === "trusted-proxy") {
    // The proxy's user, or the password from a local client that bypassed the proxy.
    const r = authorizeTrustedProxyConnect({
      auth,
      remoteAddr: peer.remoteAddr,
      headers: peer.headers,
      trustedProxies: state.config.gateway?.trustedProxies ?? [],
      provided,
    });
    if (r.ok && r.method === "password") authLimiter.recordSuccess(key, subject);
    if (r.ok) return { ok: true, method: r.method, viaDeviceToken: false };
    authLimiter.recordFailure(key, subject);
    failed(r.reason);
    const message = r.message ? { message: r.message } : {};
    const authProvided = authProvidedKind(provided);
    return {
      ok: false,
      failure: fail(authFailureError(r.reason, { ...ctx, authProvided, ...message })),
    };
  }
  const shared = await authorizeSharedNative({ auth, provided });
  if (shared.ok) {
    authLimiter.recordSuccess(key, subject);
    return { ok: true, method: shared.method, viaDeviceToken: false };
  }
  // Tailscale Serve identity: only through the managed listener, and only once `tailscale whois`
  // agrees with the header (gateway/tailscale/ingress.ts).
  const tailscale = await authorizeTailscaleConnect({ auth, tailscale: peer.tailscale, provided });
  if (tailscale?.ok) {
    authLimiter.recordSuccess(key, subject);
    const user = { login: tailscale.login, ...(tailscale.name ? { name: tailscale.name } : {}) };
    return { ok: true, method: "tailscale", viaDeviceToken: false, user };
  }
  // A device may present its own token instead of (or after a stale) shared secret: unrevoked,
  // and covering the scopes asked for (a token narrowed by `devices rotate` stays narrow).
  const deviceToken = params.auth?.deviceToken;
  if (deviceToken && params.device) {
    const paired = readPairedDevices(state.stateDir)[params.device.id];
    const role = params.role ?? "operator";
    const check = checkDeviceToken(paired, role, deviceToken, requestedScopes(params));
    if (check.ok) {
      authLimiter.recordSuccess(key, subject);
      return { ok: true, method: "device-token", viaDeviceToken: true };
    }
    const reason = check.reason === "scope-mismatch" ? "scope_mismatch" : "device_token_mismatch";
    authLimiter.recordFailure(key, subject);
    failed(reason);
    return { ok: false, failure: fail(authFailureError(reason, ctx)) };
  }
  // A one-time bootstrap token (`openclaw dashboard`) lets a new device in; it is used up when
  // the device is paired with it (pairDevice).
  const bootstrapToken = params.auth?.bootstrapToken;
  if (bootstrapToken && params.device) {
    if (findBootstrapToken(state.stateDir, bootstrapToken, (input.now ?? Date.now)())) {
      authLimiter.recordSuccess(key, subject);
      return { ok: true, method: "bootstrap-token", viaDeviceToken: false };
    }
    authLimiter.recordFailure(key, subject);
    failed("bootstrap_token_invalid");
    return { ok: false, failure: fail(authFailureError("bootstrap_token_invalid", ctx)) };
  }
  if (tailscale) {
    // A header tailscaled did not vouch for is a guess at someone else's identity; a daemon
    // that could not answer is nobody's fault.
    if (tailscale.reason === "tailscale_user_mismatch") authLimiter.recordFailure(key, subject);
    failed(tailscale.reason);
    return { ok: false, failure: fail(authFailureError(tailscale.reason, ctx)) };
  }
  const provides = provided.token || provided.password;
  if (provides) authLimiter.recordFailure(key, subject);
  failed(shared.authReason);
  // Only the token counts for the device-token retry: unlike stock, a password sent alongside
  // does not rule it out. (A connect carrying a device and a device token was answered above.)
  const canRetry = canRetryWithDeviceToken({
    reason: shared.authReason,
    auth: { token: provided.token },
    hasDeviceIdentity: params.device !== undefined,
  });
  return {
    ok: false,
    failure: fail(
      authFailureError(shared.authReason, {
        ...ctx,
        authProvided: authProvidedKind(provided),
        canRetryWithDeviceToken: canRetry,
      }),
    ),
  };
}

type PairResult =
  | { ok: true; token: { token: string; issuedAtMs: number } }
  | { ok: false; failure: HandshakeFailure };

/**
 * Approves (or refuses) a verified device and returns its device token. A device the gateway has
 * never seen is approved silently only when it connects directly over loopback (no proxy
 * headers, loopback Host: protocol.md §4.5), when `vouched` (a Control UI whose Tailscale user
 * `tailscale whois` confirmed), or when it presents a valid one-time bootstrap token (used up
 * here). Every role or scope beyond what was approved, and every other new device, gets
 * `NOT_PAIRED` naming `openclaw devices approve <requestId>`, a pending request in
 * `devices/pending.json` and a `device.pair.requested` event for operators.
 */
async function pairDevice(
  input: HandshakeInput,
  params: ConnectParams,
  deviceId: string,
  scopes: string[],
  vouched: boolean,
): Promise<PairResult> {
  const { state, peer } = input;
  const role = params.role ?? "operator";
  const now = (input.now ?? Date.now)();
  const known = readPairedDevices(state.stateDir)[deviceId];
  const bootstrapToken = params.auth?.bootstrapToken;
  const found = bootstrapToken
    ? findBootstrapToken(state.stateDir, bootstrapToken, now)
    : undefined;
  // A bootstrap token serves only a connect its profile covers on its own.
  const grant = found && !pairingNeed(undefined, role, scopes, found) ? found : undefined;
  const need = pairingNeed(known, role, scopes, grant);
  const local = isLocalDirectRequest({ remoteAddr: peer.remoteAddr, headers: peer.headers });
  const metadata: DeviceMetadata = {
    displayName: params.client.displayName,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
    clientId: params.client.id,
    clientMode: params.client.mode,
    browserOrigin: peer.headers.get("origin") ?? undefined,
    remoteIp: peer.clientIp,
  };
  if (need && !(need === "not-paired" && (local || vouched))) {
    const { request, created } = await requestDevicePairing(state.stateDir, {
      deviceId,
      publicKey: params.device!.publicKey,
      ...metadata,
      role,
      roles: [...new Set([...(known ? approvedRoles(known) : []), role])],
      scopes,
      silent: false,
      isRepair: known !== undefined,
    }, now);
    if (created) state.broadcast(DEVICE_PAIR_REQUESTED_EVENT, request);
    const error = pairingRequiredError({
      reason: need,
      deviceId,
      requestedRole: role,
      requestedScopes: scopes,
      requestId: request.requestId,
      approvedRoles: known ? approvedRoles(known) : undefined,
      approvedScopes: known ? approvedScopes(known) : undefined,
      approveCommand: `openclaw devices approve ${request.requestId}`,
    });
    const close = {
      code: CloseCode.policyViolation,
      reason: pairingCloseReason(need, request.requestId),
    };
    return { ok: false, failure: fail(error, close) };
  }
  // Single use: of two connects racing with one bootstrap token, only one gets this far.
  if (grant && !(await consumeBootstrapToken(state.stateDir, bootstrapToken!, now))) {
    return { ok: false, failure: fail(authFailureError("bootstrap_token_invalid")) };
  }
  return await updatePairedDevices(state.stateDir, (store): PairResult => {
    const entry = store[deviceId];
    if (grant || !entry) {
      const { token } = recordApproval(store, {
        deviceId,
        publicKey: params.device!.publicKey,
        role,
        roles: grant?.roles ?? [role],
        scopes: grant?.scopes ?? scopes,
        tokenScopes: grant?.scopes ?? scopes,
        via: grant ? "bootstrap" : vouched && !local ? "tailscale" : "local",
        metadata,
        now,
      });
      return { ok: true, token: { token: token.token, issuedAtMs: now } };
    }
    // What was approved stays as approved: a connect never widens it (upgrades were refused above).
    const token = recordSeen(entry, role, metadata, now);
    return { ok: true, token: { token: token.token, issuedAtMs: issuedAtOf(token) } };
  });
}

/** Runs the handshake checks for one `connect`. */
export async function runHandshake(input: HandshakeInput): Promise<HandshakeOutcome> {
  const checked = checkConnectParams(input.params);
  const parsed = checked instanceof Promise ? await checked : checked;
  if (!parsed.ok) return fail(parsed.error);
  const params = parsed.value;
  if (!acceptsProtocol(params)) {
    return fail(
      protocolMismatchError(params.minProtocol, params.maxProtocol),
      CLOSE.protocolMismatch,
    );
  }
  const role = params.role ?? "operator";
  if (
    role === "worker" || params.client.id === "openclaw-worker" || params.client.mode === "worker"
  ) {
    return fail(invalidHandshakeError(), CLOSE.invalidHandshake);
  }
  if (!isRole(role)) return fail(invalidRoleError());

  const authed = await authenticate(input, params);
  if (!authed.ok) return authed.failure;

  // A node holds no operator scopes, whatever it asks for.
  let scopes = role === "node" ? [] : requestedScopes(params);
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
      input.authLimiter.failures.record({
        reason: proof.reason,
        clientIp: input.peer.clientIp,
        surface: "ws",
      });
      return fail(deviceAuthError(proof.reason));
    }
    deviceId = proof.deviceId;
    // The Control UI of a Tailscale user tailscaled vouched for is approved like a local one
    // (as stock does); any other device over the tailnet asks an operator.
    const vouched = authed.user !== undefined && role === "operator" &&
      params.client.id === "openclaw-control-ui";
    const paired = await pairDevice(input, params, deviceId, scopes, vouched);
    if (!paired.ok) return paired.failure;
    token = paired.token;
  } else {
    if (params.client.id === "openclaw-control-ui" && authed.method !== "trusted-proxy") {
      return fail(controlUiDeviceIdentityRequiredError());
    }
    if (input.state.auth.mode === "none" && !input.peer.isLoopback) {
      return fail(deviceIdentityRequiredError(), CLOSE.deviceIdentityRequired);
    }
    // A shared secret lets an operator in without a device; a node is a device and must pair.
    if (role === "node") return fail(deviceIdentityRequiredError(), CLOSE.deviceIdentityRequired);
    // Without a device identity a shared secret proves "someone with the secret", so scopes are
    // dropped except for the local CLI and backend helper (protocol.md §4.4).
    if (!keepsScopesWithoutDevice(params, input.peer)) scopes = [];
  }
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
      // Who tailscaled says this is: what `system-presence` shows for a tokenless tailnet user.
      ...(authed.user ? { user: { id: authed.user.login, ...nameOf(authed.user) } } : {}),
    },
    helloAuth: {
      role,
      scopes,
      method: authed.method,
      ...(token ? { deviceToken: token.token, issuedAtMs: token.issuedAtMs } : {}),
    },
    serverVersion: VERSION,
    events: [...GATEWAY_EVENTS],
  };
}
