/**
 * Chat platforms that push events over HTTP (Feishu in webhook mode) are served on the
 * gateway's own port: a request whose path is the `webhookPath` of a running channel account
 * goes to that account's handler, which authenticates it itself (signature, encryption,
 * verification token) -- the gateway's bearer auth does not apply, the platform has no token.
 * Paths are looked up per request, so a hot reload that changes or removes one applies at once;
 * any other path falls through to the routes after this one.
 *
 * @module
 */
import type { Hono, MiddlewareHandler } from "hono";
import type { ChannelsControl } from "../channels/types.ts";

/** Where the running channel layer is found (the gateway state). */
export interface ChannelWebhookSource {
  readonly channels?: Pick<ChannelsControl, "webhook">;
}

/** True when `host` exposes the channel layer (the gateway state does; test hosts may not). */
function hasChannels(host: unknown): host is ChannelWebhookSource {
  return typeof host === "object" && host !== null && "channels" in host;
}

/**
 * Mounts the channel webhooks on `app` (before the dashboard's catch-all).
 *
 * @param app The gateway's Hono app.
 * @param host The agent host of the app state: the gateway state, which has `channels`.
 */
export function mountChannelWebhooks<E extends object>(app: Hono<E>, host: unknown): void {
  if (!hasChannels(host)) return;
  const channelWebhook: MiddlewareHandler = async function channelWebhook(c, next) {
    const handler = host.channels?.webhook(c.req.path);
    if (!handler) return await next();
    return await handler(c.req.raw);
  };
  app.use("*", channelWebhook);
}
