/**
 * Browser guards: a page on another site must not be able to drive the gateway through the
 * user's browser. The `Host` check (DNS rebinding) covers HTTP and WebSocket alike; the `Origin`
 * checks cover WebSocket upgrades (cross-site WebSocket hijacking) and the HTTP API (cross-site
 * form and `fetch` posts), whose JSON endpoints also insist on `Content-Type: application/json`.
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { isLoopbackAddress } from "../auth.ts";

function hostOf(value: string): string | undefined {
  try {
    return new URL(value).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Returns true when the upgrade carries no `Origin` (not a browser), an origin on a loopback
 * host, the same host the request was sent to, or one listed in
 * `gateway.controlUi.allowedOrigins`.
 */
export function originAllowed(headers: Headers, config: OpenClawConfig): boolean {
  const origin = headers.get("origin");
  if (!origin) return true;
  const allowed = (config.gateway?.controlUi?.allowedOrigins ?? []) as string[];
  if (
    allowed.includes("*") || allowed.some((o) => o.replace(/\/$/, "") === origin.replace(/\/$/, ""))
  ) return true;
  const originHost = hostOf(origin);
  if (!originHost) return false;
  if (originHost === "localhost" || isLoopbackAddress(originHost)) return true;
  const host = headers.get("host");
  const requestHost = host ? hostOf(`http://${host}`) : undefined;
  return requestHost !== undefined && requestHost === originHost;
}

/** A Host header value split into its lower-case name (IPv6 without brackets) and port. */
function parseHostHeader(value: string): { name: string; port?: string } | undefined {
  const v = value.trim().toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(v) ??
    /^([a-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  return { name: m[1].replace(/\.$/, ""), port: m[2] };
}

function hostEntryMatches(entry: string, host: { name: string; port?: string }): boolean {
  const e = entry.trim().toLowerCase();
  if (e === "*") return true;
  if (e.startsWith("*.")) return host.name.endsWith(e.slice(1));
  const want = parseHostHeader(e);
  if (!want || want.name !== host.name) return false;
  return want.port === undefined || want.port === host.port;
}

/**
 * Returns true when a request may be served given its `Host` header (DNS-rebinding guard, for
 * HTTP and WebSocket alike). Only requests from a loopback peer are checked, which is every
 * request on a loopback bind: they must name the gateway as `localhost`, a loopback IP
 * (`127.0.0.1`, `[::1]`), with any port, or a host listed in `gateway.allowedHosts`. A page on
 * `evil.example` whose name was re-pointed at 127.0.0.1 still sends `Host: evil.example`.
 * Requests without a Host header (not a browser) pass.
 *
 * @param host The `Host` header (`null` when absent).
 * @param peer The socket peer's address, when known (in-process requests have none).
 */
export function hostAllowed(
  host: string | null,
  peer: string | undefined,
  config: Pick<OpenClawConfig, "gateway"> | undefined,
): boolean {
  if (!peer || !isLoopbackAddress(peer)) return true;
  if (host === null) return true;
  const parsed = parseHostHeader(host);
  if (!parsed) return false;
  if (parsed.name === "localhost" || isLoopbackAddress(parsed.name)) return true;
  const allowed = config?.gateway?.allowedHosts ?? [];
  return allowed.some((entry) => hostEntryMatches(entry, parsed));
}

function originListed(origin: string, config: Pick<OpenClawConfig, "gateway"> | undefined) {
  const allowed = (config?.gateway?.controlUi?.allowedOrigins ?? []) as string[];
  const o = origin.replace(/\/$/, "").toLowerCase();
  return allowed.some((a) => a === "*" || a.replace(/\/$/, "").toLowerCase() === o);
}

// Host (name and port) only: behind a TLS-terminating proxy that keeps the Host header, the
// page is https:// while the gateway sees http://.
function sameOrigin(origin: string, requestUrl: string): boolean {
  try {
    const o = new URL(origin);
    if (o.protocol !== "http:" && o.protocol !== "https:") return false;
    return o.host === new URL(requestUrl).host;
  } catch {
    return false; // "null" and malformed origins
  }
}

/**
 * Returns true when an API request comes from a browser page of another site: it carries an
 * `Origin` that is neither the gateway's own origin nor listed in
 * `gateway.controlUi.allowedOrigins`, or `Sec-Fetch-Site: cross-site` without such a listed
 * origin. CLI and SDK clients send neither header.
 *
 * @param requestUrl The request URL as the server saw it (scheme and Host).
 */
export function isCrossSiteRequest(
  headers: Headers,
  requestUrl: string,
  config: Pick<OpenClawConfig, "gateway"> | undefined,
): boolean {
  const origin = headers.get("origin");
  if (origin !== null && originListed(origin, config)) return false;
  if (origin !== null && !sameOrigin(origin, requestUrl)) return true;
  return headers.get("sec-fetch-site")?.trim().toLowerCase() === "cross-site";
}

/** Returns true for a `Content-Type` of `application/json`, with or without parameters. */
export function isJsonContentType(value: string | null): boolean {
  return value?.split(";")[0].trim().toLowerCase() === "application/json";
}
