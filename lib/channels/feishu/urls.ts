/**
 * Where the Feishu adapter connects: the open-platform origin for `domain` (`feishu` ->
 * `https://open.feishu.cn`, `lark` -> `https://open.larksuite.com`, or an `https://` origin of a
 * private deployment), and the long-connection URL the endpoint call hands out. The app secret
 * and tenant token travel to the first and a ticket to the second, so plain `http:` / `ws:` is
 * accepted only for loopback hosts (a local fake or proxy).
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";
import { FEISHU_DOMAINS } from "./constants.ts";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

/**
 * Resolves the open-platform origin.
 *
 * @param domain `feishu`, `lark`, or an origin URL (`channels.feishu.domain`).
 * @param path Where the value came from, for the error (`channels.feishu.domain`).
 * @returns The origin without a trailing slash.
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` for an unknown name, a string that is not a
 *   URL, or plain `http:` on a host that is not loopback.
 * @example
 * ```ts
 * resolveFeishuBaseUrl("lark", "channels.feishu.domain"); // "https://open.larksuite.com"
 * ```
 */
export function resolveFeishuBaseUrl(domain: string, path: string): string {
  const name = domain.trim();
  const known = FEISHU_DOMAINS.get(name.toLowerCase());
  if (known) return known;
  let url: URL;
  try {
    url = new URL(name);
  } catch {
    throw new OpenClawError(
      "CHANNEL_CONFIG_INVALID",
      `Cannot use ${path} "${name.slice(0, 80)}": expected "feishu", "lark" or an https:// URL`,
      { hint: `Set ${path} to "feishu" (open.feishu.cn) or "lark" (open.larksuite.com)` },
    );
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url))) {
    return url.origin + url.pathname.replace(/\/+$/, "");
  }
  throw new OpenClawError(
    "CHANNEL_CONFIG_INVALID",
    `Cannot use ${path} "${url.origin}": the app secret may only travel over https ` +
      "(plain http is allowed for loopback hosts only)",
    { hint: `Set ${path} to an https:// URL` },
  );
}

/**
 * Checks the long-connection URL from the endpoint call.
 *
 * @param raw The `URL` the endpoint returned.
 * @returns The URL to open, and the `service_id` its query names (pings carry it).
 * @throws {OpenClawError} `CHANNEL_CONNECT_FAILED` unless it is `wss:`, or `ws:` on loopback.
 */
export function checkSocketUrl(raw: string): { url: string; serviceId: number } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OpenClawError(
      "CHANNEL_CONNECT_FAILED",
      "Feishu returned a long-connection URL that is not a URL",
    );
  }
  if (!(url.protocol === "wss:" || (url.protocol === "ws:" && isLoopback(url)))) {
    throw new OpenClawError(
      "CHANNEL_CONNECT_FAILED",
      `Cannot open the Feishu long connection at "${url.origin}": expected wss: ` +
        "(plain ws: is allowed for loopback hosts only)",
    );
  }
  const serviceId = Number(url.searchParams.get("service_id") ?? "0");
  return { url: url.href, serviceId: Number.isSafeInteger(serviceId) ? serviceId : 0 };
}
