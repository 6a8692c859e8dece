/**
 * Where the QQ adapter connects: the token endpoint, the OpenAPI base (production, sandbox or an
 * override) and the gateway WebSocket URL that `GET /gateway` names. The AppSecret and access
 * tokens travel to all three, so plain `http:` / `ws:` is accepted only for loopback hosts (a
 * local fake or proxy).
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

function parse(value: string, what: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new OpenClawError(
      "CHANNEL_CONFIG_INVALID",
      `Cannot use ${what} "${value.slice(0, 200)}": not a URL`,
    );
  }
}

/**
 * Checks an https endpoint (plain http only on loopback) and drops a trailing slash.
 *
 * @param raw The URL.
 * @param what What it is, for the error (`the QQ API URL`).
 * @param hint The setting that fixes it.
 * @returns The URL without a trailing slash.
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` when it is not a URL or not https.
 */
export function checkHttpsUrl(raw: string, what: string, hint?: string): string {
  const trimmed = raw.trim().replace(/\/+$/, "");
  const url = parse(trimmed, what);
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url))) return trimmed;
  throw new OpenClawError(
    "CHANNEL_CONFIG_INVALID",
    `Cannot use ${what} "${url.origin}": QQ credentials may only travel over https ` +
      "(plain http is allowed for loopback hosts only)",
    { hint },
  );
}

/**
 * Checks the gateway URL from `GET /gateway`.
 *
 * @param raw The URL the platform named.
 * @returns The URL to open.
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` unless it is `wss:`, or `ws:` on loopback.
 */
export function checkGatewayUrl(raw: string): string {
  const url = parse(raw, "the QQ gateway URL");
  if (url.protocol === "wss:" || (url.protocol === "ws:" && isLoopback(url))) return url.href;
  throw new OpenClawError(
    "CHANNEL_CONFIG_INVALID",
    `Cannot connect to the QQ gateway "${url.origin}": expected wss: ` +
      "(plain ws: is allowed for loopback hosts only)",
  );
}
