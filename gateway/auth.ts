/**
 * Server-side authentication: constant-time secret checks, client IP attribution behind trusted
 * proxies, the failed-auth rate limiter, the shared-secret, trusted-proxy and Tailscale Serve
 * identity checks of protocol.md §4.4, HTTP bearer auth (§10.1) and the non-loopback bind
 * refusal.
 *
 * Everything here is pure over its inputs (clock injected), so the WS handshake, the HTTP
 * routes and tests all call the same functions.
 *
 * @module
 */
import { timingSafeEqualString, timingSafeEqualStringNative } from "../lib/crypto/constant_time.ts";
import { OpenClawError } from "../lib/errors.ts";
import type { ResolvedGatewayAuth } from "../lib/auth/resolve.ts";
import type { AuthReason } from "../lib/protocol/auth_errors.ts";
import { getHeader, type HeaderSource, isLoopbackAddress, resolveClientIp } from "./_ip.ts";
import {
  type AuthRateLimiter,
  type RateLimitSubject,
  sharedSecretRateLimitKey,
} from "./_auth_limiter.ts";
import {
  authorizeTrustedProxy,
  isLocalDirectRequest,
  type TrustedProxyInputs,
  trustedProxyRefusalMessage,
} from "./_trusted_proxy.ts";
import type { TailscaleAuthReason, TailscaleIngressPeer } from "./tailscale/ingress.ts";

export {
  type AuthFailure,
  type AuthFailureCounts,
  type AuthFailureLogSink,
  type AuthFailureMonitor,
  type AuthFailureMonitorOptions,
  type AuthRateLimiter,
  type AuthRateLimiterOptions,
  createAuthFailureMonitor,
  createAuthRateLimiter,
  type RateLimitDecision,
  type RateLimitSubject,
  SHARED_SECRET_SCOPE,
  sharedSecretRateLimitKey,
} from "./_auth_limiter.ts";
export {
  type ClientIpInputs,
  getHeader,
  type HeaderSource,
  ipMatches,
  isLoopbackAddress,
  isTrustedProxy,
  normalizeIp,
  resolveClientIp,
} from "./_ip.ts";
export {
  authorizeTrustedProxy,
  type DirectRequestFacts,
  hasForwardingHeaders,
  isLocalDirectRequest,
  isLoopbackHost,
  type TrustedProxyInputs,
  type TrustedProxyRefusalContext,
  trustedProxyRefusalMessage,
  type TrustedProxyResult,
} from "./_trusted_proxy.ts";

// Secrets are compared by hashing both sides first (lib/crypto/constant_time.ts), so neither the
// loop nor an early length check can leak how long the expected secret is.
export { timingSafeEqualString };

// ---------------------------------------------------------------------------------------------
// Shared secret and trusted proxy

/**
 * Why a shared-secret check failed: a token or password `authReason` of protocol.md §4.6, or
 * `unauthorized` when the auth mode has no shared secret.
 */
export type SharedAuthReason =
  | Extract<AuthReason, `token_${string}` | `password_${string}`>
  | "unauthorized";

/** The result of {@linkcode authorizeShared}. */
export type SharedAuthResult =
  | { ok: true; method: "token" | "password" | "none" }
  | { ok: false; authReason: SharedAuthReason };

/** Credentials a client sent (`connect` `auth.token` / `auth.password`, or a bearer). */
export interface ProvidedSecrets {
  token?: string;
  password?: string;
}

/** What a shared-secret check compares, or its answer when nothing needs comparing. */
type SharedCheck =
  | { done: SharedAuthResult }
  | { kind: "token" | "password"; expected: string; candidates: string[] };

function sharedCheck(auth: ResolvedGatewayAuth, provided: ProvidedSecrets): SharedCheck {
  if (auth.mode === "none") return { done: { ok: true, method: "none" } };
  if (auth.mode !== "token" && auth.mode !== "password") {
    return { done: { ok: false, authReason: "unauthorized" } };
  }
  const kind = auth.mode;
  const expected = kind === "token" ? auth.token : auth.password;
  if (!expected) return { done: { ok: false, authReason: `${kind}_missing_config` } };
  const candidates = [provided.token, provided.password].filter((c): c is string => !!c);
  if (candidates.length === 0) return { done: { ok: false, authReason: `${kind}_missing` } };
  return { kind, expected, candidates };
}

function sharedResult(kind: "token" | "password", match: boolean): SharedAuthResult {
  return match ? { ok: true, method: kind } : { ok: false, authReason: `${kind}_mismatch` };
}

/**
 * Checks a client's shared secret (§4.4): the mode picks the secret, not the field, so in token
 * mode the token may arrive in `auth.token` or `auth.password` (and vice versa).
 */
export function authorizeShared(
  params: { auth: ResolvedGatewayAuth; provided: ProvidedSecrets },
): SharedAuthResult {
  const check = sharedCheck(params.auth, params.provided);
  if ("done" in check) return check.done;
  // Compare every candidate (no short-circuit) so timing does not reveal which field matched.
  let match = false;
  for (const c of check.candidates) match = timingSafeEqualString(c, check.expected) || match;
  return sharedResult(check.kind, match);
}

/**
 * {@linkcode authorizeShared} with the secrets hashed by the runtime (WebCrypto) rather than the
 * TypeScript SHA-256: for the WebSocket handshake, which every client runs, so the gateway does not
 * spend its early life running a hash loop hot enough for V8 to optimise (see lib/net/ws_accept.ts
 * `acceptKeyNative`). Same answers, same constant-time comparison.
 */
export async function authorizeSharedNative(
  params: { auth: ResolvedGatewayAuth; provided: ProvidedSecrets },
): Promise<SharedAuthResult> {
  const check = sharedCheck(params.auth, params.provided);
  if ("done" in check) return check.done;
  let match = false;
  for (const c of check.candidates) {
    match = (await timingSafeEqualStringNative(c, check.expected)) || match;
  }
  return sharedResult(check.kind, match);
}

/** The result of {@linkcode authorizeTrustedProxyConnect}. */
export type TrustedProxyConnectResult =
  | { ok: true; method: "trusted-proxy"; user: string }
  | { ok: true; method: "password" }
  | {
    ok: false;
    /** The `authReason` on the wire: a `trusted_proxy_*` reason, or `password_mismatch`. */
    reason: string;
    /** The human message naming the fix; absent for `password_mismatch` (the stock one fits). */
    message?: string;
  };

/**
 * Authorizes a client in trusted-proxy mode: the proxy's asserted user, or, for a local client
 * that did not come through the proxy ({@linkcode isLocalDirectRequest}), the configured
 * password in `auth.password` or `auth.token` (as password mode takes it). A request carrying
 * forwarding headers never gets the password fallback. Refusals keep the trusted-proxy reason
 * and say which setting admits the client.
 */
export function authorizeTrustedProxyConnect(
  inputs: TrustedProxyInputs & { provided: ProvidedSecrets },
): TrustedProxyConnectResult {
  const proxied = authorizeTrustedProxy(inputs);
  if (proxied.ok) return proxied;
  const { auth, provided } = inputs;
  if (auth.password && (provided.token || provided.password) && isLocalDirectRequest(inputs)) {
    const shared = authorizeShared({ auth: { ...auth, mode: "password" }, provided });
    return shared.ok ? { ok: true, method: "password" } : { ok: false, reason: shared.authReason };
  }
  return {
    ok: false,
    reason: proxied.reason,
    message: trustedProxyRefusalMessage(proxied.reason, inputs),
  };
}

// ---------------------------------------------------------------------------------------------
// Tailscale Serve identity (gateway.auth.allowTailscale)

/** The result of {@linkcode authorizeTailscaleConnect} when it applies. */
export type TailscaleConnectResult =
  | { ok: true; method: "tailscale"; login: string; name?: string }
  | { ok: false; reason: TailscaleAuthReason; detail: string };

/** Inputs of {@linkcode authorizeTailscaleConnect}. */
export interface TailscaleConnectInputs {
  auth: ResolvedGatewayAuth;
  /** Set only for a connection that came through the managed listener (tailscale/ingress.ts). */
  tailscale?: TailscaleIngressPeer;
  provided: ProvidedSecrets;
}

/**
 * Authorizes a WebSocket connect by its Tailscale Serve identity. It applies only when
 * `allowTailscale` is on, the connection came through the managed listener of a `serve` route,
 * it carries `Tailscale-User-Login`, and the client sent no shared secret (a secret is checked as
 * a secret). Then `tailscale whois` of the forwarded client address must name the same login.
 * The HTTP API never calls this: its requests need their bearer.
 *
 * @returns `undefined` when it does not apply (the caller goes on with the other credentials),
 *   else the verified login or why it was refused.
 */
export async function authorizeTailscaleConnect(
  inputs: TailscaleConnectInputs,
): Promise<TailscaleConnectResult | undefined> {
  const { auth, tailscale, provided } = inputs;
  if (!auth.allowTailscale || tailscale?.mode !== "serve" || tailscale.login === undefined) {
    return undefined;
  }
  if (provided.token || provided.password) return undefined;
  const verdict = await tailscale.verify();
  if (!verdict.ok) return verdict;
  return {
    ok: true,
    method: "tailscale",
    login: verdict.login,
    ...(verdict.name ? { name: verdict.name } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP bearer auth (§10.1)

/** The request facts {@linkcode authorizeHttpRequest} needs. */
export interface HttpAuthRequest {
  headers: HeaderSource;
  /** The direct TCP peer's address. */
  remoteAddr: string | undefined;
}

/** Server state {@linkcode authorizeHttpRequest} uses. */
export interface HttpAuthState {
  auth: ResolvedGatewayAuth;
  /** Shared with the WS handshake so failures on either surface count together. */
  limiter?: AuthRateLimiter;
  trustedProxies?: readonly string[];
  allowRealIpFallback?: boolean;
}

/** A JSON error body of §10.1. */
export interface HttpErrorBody {
  error: { message: string; type: string };
}

/** The result of {@linkcode authorizeHttpRequest}. */
export type HttpAuthResult =
  | { ok: true; method: "token" | "password" | "none" | "trusted-proxy"; user?: string }
  | { ok: false; status: 400 | 401 | 429; body: HttpErrorBody; headers: Record<string, string> };

const UNAUTHORIZED: HttpErrorBody = { error: { message: "Unauthorized", type: "unauthorized" } };

function unauthorized(): HttpAuthResult {
  return {
    ok: false,
    status: 401,
    body: structuredClone(UNAUTHORIZED),
    headers: { "WWW-Authenticate": 'Bearer realm="openclaw"' },
  };
}

/** Parses `Authorization`; `null` = absent, `undefined` = present but not `Bearer <secret>`. */
function bearerToken(headers: HeaderSource): string | null | undefined {
  const raw = getHeader(headers, "authorization");
  if (raw === undefined || raw.trim() === "") return null;
  const m = /^\s*(\S+)\s+(.*\S)\s*$/.exec(raw);
  if (!m || m[1].toLowerCase() !== "bearer") return undefined;
  return m[2];
}

/**
 * Authorizes an HTTP API request (`/v1/*`, `/tools/invoke`): `Authorization: Bearer <secret>`
 * in token/password mode, proxy identity in trusted-proxy mode (or the password from a local
 * client that bypassed the proxy, see {@linkcode authorizeTrustedProxyConnect}), nothing in mode
 * none. Missing header -> 401, malformed -> 400, wrong secret -> 401 (counted by the limiter),
 * locked out -> 429 with `Retry-After` in seconds. Every refusal is recorded in `limiter.failures` (counted, and
 * logged per client address at a bounded rate), without the secret.
 */
export function authorizeHttpRequest(req: HttpAuthRequest, state: HttpAuthState): HttpAuthResult {
  const { auth, limiter } = state;
  if (auth.mode === "none") return { ok: true, method: "none" };
  const clientIp = resolveClientIp({
    remoteAddr: req.remoteAddr,
    headers: req.headers,
    trustedProxies: state.trustedProxies,
    allowRealIpFallback: state.allowRealIpFallback,
  });
  const failed = (reason: string) =>
    limiter?.failures.record({ reason, clientIp, surface: "http" });
  // The secret the bearer must match: in trusted-proxy mode a local client that bypassed the
  // proxy may present the password, checked (and rate limited) exactly as in password mode.
  let shared = auth;
  if (auth.mode === "trusted-proxy") {
    const r = authorizeTrustedProxy({ auth, ...req, trustedProxies: state.trustedProxies });
    if (r.ok) return { ok: true, method: r.method, user: r.user };
    if (
      !auth.password || typeof bearerToken(req.headers) !== "string" || !isLocalDirectRequest(req)
    ) {
      failed(r.reason);
      return unauthorized();
    }
    shared = { ...auth, mode: "password" };
  }

  const key = sharedSecretRateLimitKey(clientIp);
  const subject: RateLimitSubject = {
    loopback: isLoopbackAddress(clientIp),
    browserOrigin: getHeader(req.headers, "origin"),
  };
  const decision = limiter?.check(key, subject);
  if (decision && !decision.allowed) {
    failed("rate_limited");
    return {
      ok: false,
      status: 429,
      body: {
        error: {
          message: "Too many failed authentication attempts. Please try again later.",
          type: "rate_limited",
        },
      },
      headers: { "Retry-After": String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
    };
  }

  const bearer = bearerToken(req.headers);
  const kind = shared.mode === "password" ? "password" : "token";
  if (bearer === null) {
    // A bare request is not an attack: the limiter does not count it, the failure record does.
    failed(`${kind}_missing`);
    return unauthorized();
  }
  if (bearer === undefined) {
    failed("authorization_malformed");
    return {
      ok: false,
      status: 400,
      body: {
        error: {
          message: 'Invalid Authorization header: expected "Bearer <token>"',
          type: "invalid_request_error",
        },
      },
      headers: {},
    };
  }
  const result = authorizeShared({ auth: shared, provided: { token: bearer } });
  if (result.ok) {
    limiter?.recordSuccess(key, subject);
    return { ok: true, method: result.method };
  }
  if (result.authReason.endsWith("_mismatch")) limiter?.recordFailure(key, subject);
  failed(result.authReason);
  return unauthorized();
}

// ---------------------------------------------------------------------------------------------
// Bind refusal

/** Inputs to {@linkcode checkBindAllowed}. */
export interface BindCheck {
  /** `gateway.bind` (or `--bind`), for the message. */
  bindMode: string;
  /** The address about to be bound. */
  host: string;
  port: number;
  auth: ResolvedGatewayAuth;
}

function hasAuthFor(auth: ResolvedGatewayAuth): string | undefined {
  switch (auth.mode) {
    case "token":
      return auth.token ? undefined : "gateway.auth.mode=token but no token is configured";
    case "password":
      return auth.password ? undefined : "gateway.auth.mode=password but no password is configured";
    case "trusted-proxy":
      return auth.trustedProxy?.userHeader?.trim()
        ? undefined
        : "gateway.auth.mode=trusted-proxy but gateway.auth.trustedProxy.userHeader is not set";
    case "none":
      return "gateway.auth.mode=none";
  }
}

/**
 * Refuses to listen beyond loopback without auth (seed §3): any non-loopback address needs a
 * token, a password or a configured trusted proxy; loopback may run with mode `none`.
 *
 * @throws {OpenClawError} `AUTH_REQUIRED_FOR_BIND`, message starting
 *   `refusing to bind gateway to <host>:<port> without auth`.
 */
export function checkBindAllowed(check: BindCheck): void {
  if (isLoopbackAddress(check.host) || check.host.trim().toLowerCase() === "localhost") return;
  const missing = hasAuthFor(check.auth);
  if (missing === undefined) return;
  const host = check.host.includes(":") ? `[${check.host}]` : check.host;
  throw new OpenClawError(
    "AUTH_REQUIRED_FOR_BIND",
    `refusing to bind gateway to ${host}:${check.port} without auth ` +
      `(gateway.bind=${check.bindMode}; ${missing})`,
    {
      hint:
        "Set gateway.auth.token (openclaw config set gateway.auth.token <secret>) or bind to loopback",
    },
  );
}
