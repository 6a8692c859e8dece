/**
 * Trusted-proxy auth (protocol.md §4.4): the identity a configured reverse proxy asserts, what
 * counts as a local client that bypassed the proxy (and may use the password fallback instead),
 * and refusal messages that name the setting which would have admitted the client. Private to
 * the gateway; `auth.ts` re-exports the public part.
 *
 * @module
 */
import type { ResolvedGatewayAuth } from "../lib/auth/resolve.ts";
import {
  getHeader,
  type HeaderSource,
  isLoopbackAddress,
  isTrustedProxy,
  normalizeIp,
} from "./_ip.ts";

/** The result of {@linkcode authorizeTrustedProxy}. */
export type TrustedProxyResult =
  | { ok: true; method: "trusted-proxy"; user: string }
  | { ok: false; reason: string; code: string };

/** Inputs to {@linkcode authorizeTrustedProxy}. */
export interface TrustedProxyInputs {
  auth: ResolvedGatewayAuth;
  remoteAddr: string | undefined;
  headers: HeaderSource;
  trustedProxies?: readonly string[];
}

/**
 * Accepts an identity asserted by a trusted reverse proxy: the peer must be in `trustedProxies`
 * (a loopback peer only with `trustedProxy.allowLoopback`), carry every `requiredHeaders` and a
 * user header naming someone in `allowUsers` (when set).
 */
export function authorizeTrustedProxy(inputs: TrustedProxyInputs): TrustedProxyResult {
  const cfg = inputs.auth.trustedProxy;
  const fail = (reason: string, code = "AUTH_UNAUTHORIZED") => ({
    ok: false as const,
    reason,
    code,
  });
  if (!cfg?.userHeader?.trim()) return fail("trusted_proxy_config_missing");
  if (!inputs.trustedProxies?.length) return fail("trusted_proxy_no_proxies_configured");
  if (!isTrustedProxy(inputs.remoteAddr, inputs.trustedProxies)) {
    return fail("trusted_proxy_untrusted_source");
  }
  // Any local process can reach a loopback listener, so a loopback "proxy" proves nothing
  // unless the operator says the local proxy is the only way in.
  if (isLoopbackAddress(inputs.remoteAddr) && cfg.allowLoopback !== true) {
    return fail("trusted_proxy_loopback_source");
  }
  for (const name of cfg.requiredHeaders ?? []) {
    if (!getHeader(inputs.headers, name)?.trim()) {
      return fail(`trusted_proxy_missing_header_${name}`, "AUTH_IDENTITY_HEADER_REQUIRED");
    }
  }
  const user = getHeader(inputs.headers, cfg.userHeader)?.trim();
  if (!user) return fail("trusted_proxy_user_missing", "AUTH_IDENTITY_HEADER_REQUIRED");
  const allow = cfg.allowUsers ?? [];
  if (allow.length > 0 && !allow.includes(user)) {
    return fail("trusted_proxy_user_not_allowed", "AUTH_VERIFIED_USER_REQUIRED");
  }
  return { ok: true, method: "trusted-proxy", user };
}

/** Headers a proxy adds when it forwards a request; a direct client has no reason to send them. */
const FORWARDING_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-real-ip",
] as const;

/** Returns true when the request carries any proxy forwarding header (even an empty one). */
export function hasForwardingHeaders(headers: HeaderSource): boolean {
  return FORWARDING_HEADERS.some((name) => getHeader(headers, name) !== undefined);
}

/** Returns true for a `Host` header naming `localhost` or a loopback IP (any port). */
export function isLoopbackHost(host: string | undefined): boolean {
  let name = host?.trim().toLowerCase();
  if (!name) return false;
  if (name.startsWith("[")) {
    const end = name.indexOf("]");
    if (end < 0) return false;
    name = name.slice(1, end);
  } else if (name.split(":").length === 2) {
    name = name.slice(0, name.indexOf(":"));
  }
  if (name.endsWith(".")) name = name.slice(0, -1);
  return name === "localhost" || isLoopbackAddress(name);
}

/** The request facts {@linkcode isLocalDirectRequest} reads. */
export interface DirectRequestFacts {
  /** The direct TCP peer. */
  remoteAddr: string | undefined;
  headers: HeaderSource;
}

/**
 * Returns true for a client on this host that did not come through a proxy: a loopback peer,
 * no forwarding header (Forwarded, X-Forwarded-For/-Proto/-Host, X-Real-IP) and a loopback
 * `Host`. A proxy on the same host forwards with those headers or the public host name, so its
 * requests never qualify, whoever sent them.
 */
export function isLocalDirectRequest(req: DirectRequestFacts): boolean {
  return isLoopbackAddress(req.remoteAddr) && !hasForwardingHeaders(req.headers) &&
    isLoopbackHost(getHeader(req.headers, "host"));
}

/** What {@linkcode trustedProxyRefusalMessage} tailors the fix to. */
export interface TrustedProxyRefusalContext extends DirectRequestFacts {
  auth: ResolvedGatewayAuth;
}

const PASSWORD_SETTING = "gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD)";

/** What the refused client can do besides going through the proxy, by where it connects from. */
function localFallback(ctx: TrustedProxyRefusalContext): string | undefined {
  if (!isLoopbackAddress(ctx.remoteAddr)) return undefined;
  if (!isLocalDirectRequest(ctx)) {
    return "requests with forwarding headers or a non-local Host never use the local password";
  }
  return ctx.auth.password
    ? `local clients can connect with ${PASSWORD_SETTING}`
    : `local clients can connect with ${PASSWORD_SETTING}; none is set on this gateway`;
}

/**
 * Returns the human message for a trusted-proxy refusal: `unauthorized: <reason in words>`, as
 * before, then what is wrong and which setting admits the client. The `authReason` on the wire
 * stays the bare reason, so clients that match on it are unaffected.
 */
export function trustedProxyRefusalMessage(
  reason: string,
  ctx: TrustedProxyRefusalContext,
): string {
  const peer = normalizeIp(ctx.remoteAddr) ?? "unknown";
  const local = localFallback(ctx);
  const tp = "gateway.auth.trustedProxy";
  let detail: string;
  if (reason === "trusted_proxy_untrusted_source") {
    detail = `the peer ${peer} is not in gateway.trustedProxies`;
    if (!local) detail += "; connect through the proxy";
  } else if (reason === "trusted_proxy_loopback_source") {
    detail = `the proxy address ${peer} is loopback; set ${tp}.allowLoopback: true when a ` +
      "proxy on this host is the only way in";
    if (local) return `unauthorized: trusted proxy loopback source: ${detail}, or ${local}`;
  } else if (reason === "trusted_proxy_no_proxies_configured") {
    detail = "gateway.trustedProxies is empty; list the proxy's address there";
  } else if (reason === "trusted_proxy_config_missing") {
    detail = `${tp}.userHeader is not set`;
  } else if (reason === "trusted_proxy_user_missing") {
    detail = `the request has no ${ctx.auth.trustedProxy?.userHeader ?? "user"} header ` +
      "(the proxy must set it)";
  } else if (reason.startsWith("trusted_proxy_missing_header_")) {
    const name = reason.slice("trusted_proxy_missing_header_".length);
    detail = `the request has no ${name} header, required by ${tp}.requiredHeaders`;
  } else if (reason === "trusted_proxy_user_not_allowed") {
    detail = `the proxy's user is not in ${tp}.allowUsers`;
  } else {
    detail = "the request did not come from a trusted proxy";
  }
  return `unauthorized: ${reason.replaceAll("_", " ")}: ${detail}${local ? `; ${local}` : ""}`;
}
