/**
 * Where the Discord adapter connects: the versioned REST base (an option, else stock's
 * `DISCORD_API_URL`, else `https://discord.com/api/v10`) and the gateway WebSocket URL that
 * `GET /gateway/bot` or `READY.resume_gateway_url` names. The token travels to both, so plain
 * `http:` / `ws:` is accepted only for loopback hosts (a local fake or proxy).
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";
import { DISCORD_API_BASE, DISCORD_API_VERSION } from "./constants.ts";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

function parse(value: string, what: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new OpenClawError("CHANNEL_CONFIG_INVALID", `Cannot use ${what} "${value}": not a URL`);
  }
}

/**
 * Resolves and checks the REST base URL.
 *
 * @param explicit The adapter option, when given.
 * @param envValue `DISCORD_API_URL`, when set.
 * @returns The base without a trailing slash (e.g. `https://discord.com/api/v10`).
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` when it is not a URL, or is plain `http:` on
 *   a host that is not loopback.
 */
export function resolveApiBase(explicit?: string, envValue?: string): string {
  const raw = (explicit?.trim() || envValue?.trim() || DISCORD_API_BASE).replace(/\/+$/, "");
  const url = parse(raw, "the Discord API URL");
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url))) return raw;
  throw new OpenClawError(
    "CHANNEL_CONFIG_INVALID",
    `Cannot use the Discord API URL "${url.origin}": the bot token may only travel over ` +
      "https (plain http is allowed for loopback hosts only)",
    { hint: "Fix DISCORD_API_URL" },
  );
}

/**
 * Builds the WebSocket URL of a gateway (`?v=10&encoding=json`, no compression).
 *
 * @param raw The URL from `GET /gateway/bot` or `resume_gateway_url`.
 * @returns The URL to open.
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` unless it is `wss:`, or `ws:` on loopback.
 */
export function gatewaySocketUrl(raw: string): string {
  const url = parse(raw, "the Discord gateway URL");
  if (!(url.protocol === "wss:" || (url.protocol === "ws:" && isLoopback(url)))) {
    throw new OpenClawError(
      "CHANNEL_CONFIG_INVALID",
      `Cannot connect to the Discord gateway "${url.origin}": expected wss: ` +
        "(plain ws: is allowed for loopback hosts only)",
    );
  }
  url.search = "";
  url.searchParams.set("v", String(DISCORD_API_VERSION));
  url.searchParams.set("encoding", "json");
  return url.href;
}
