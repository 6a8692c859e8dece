/**
 * Browser-origin check for WebSocket upgrades: a page on another site must not be able to drive
 * the gateway through the user's browser (DNS rebinding, cross-site WebSocket hijacking).
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
