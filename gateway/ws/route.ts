/**
 * The server's one request handler, next to the hub's upgrade: WebSocket upgrades go to the hub
 * once the gateway is ready and the Host and Origin are allowed; every other request goes to the
 * HTTP app (which applies the same Host check, see http/app.ts).
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { isLoopbackAddress, resolveClientIp } from "../auth.ts";
import type { GatewayPhase } from "../http/app.ts";
import type { ManagedTailscaleIngress } from "../tailscale/ingress.ts";
import type { ConnectionHub } from "./hub.ts";
import { ConnectionLog } from "./conn_log.ts";
import { hostAllowed, originAllowed } from "./origin.ts";

/** What {@linkcode createRequestHandler} routes with. */
export interface RequestRouting {
  hub: ConnectionHub;
  /**
   * The HTTP app (Hono's `fetch`). `tailnetHost` is set only for a request that came through the
   * managed Tailscale listener and names the tailnet host it serves (http/app.ts `hostGuard`).
   */
  fetch(
    req: Request,
    env: { remoteAddr: Deno.NetAddr; tailnetHost?: true },
  ): Response | Promise<Response>;
  phase(): GatewayPhase;
  /** The running config (trusted proxies and allowed origins are read per request). */
  config(): OpenClawConfig;
  /** Recognises upgrades that came through the managed Tailscale listener. */
  tailscale?: Pick<ManagedTailscaleIngress, "classify">;
}

/**
 * The server's one request handler: WebSocket upgrades go to the hub once the gateway is ready
 * and the Host (DNS rebinding) and Origin are allowed, else a plain 403 before any upgrade;
 * every other request goes to the HTTP app.
 */
export function createRequestHandler(
  routing: RequestRouting,
): (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response> {
  const log = new ConnectionLog();
  const refuse = (clientIp: string, status: number, reason: string) => {
    log.upgradeRefused(clientIp, status, reason);
    return new Response(reason, { status, headers: { Connection: "close" } });
  };
  return function routeRequest(req, info) {
    const remote = info.remoteAddr.hostname;
    // Through tailscaled the Host is the tailnet name, and the client is the address it forwarded.
    // Known by the peer address alone (the relay's own connection), never by a header.
    const tailscale = routing.tailscale?.classify(info.remoteAddr, req.headers);
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return routing.fetch(req, {
        remoteAddr: info.remoteAddr,
        ...(tailscale?.hostMatches ? { tailnetHost: true as const } : {}),
      });
    }
    const config = routing.config();
    if (!hostAllowed(req.headers.get("host"), remote, config) && !tailscale?.hostMatches) {
      return refuse(remote, 403, "host not allowed");
    }
    const clientIp = tailscale?.clientIp ?? resolveClientIp({
      remoteAddr: remote,
      headers: req.headers,
      trustedProxies: config.gateway?.trustedProxies ?? [],
      allowRealIpFallback: config.gateway?.allowRealIpFallback ?? false,
    }) ?? remote;
    if (routing.phase() !== "started") return refuse(clientIp, 503, "gateway not ready");
    if (!originAllowed(req.headers, config)) return refuse(clientIp, 403, "origin not allowed");
    return routing.hub.upgrade(req, {
      clientIp,
      remoteAddr: remote,
      isLoopback: isLoopbackAddress(clientIp),
      ...(tailscale ? { tailscale } : {}),
    });
  };
}
