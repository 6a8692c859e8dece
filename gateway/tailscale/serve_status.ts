/**
 * Reading `tailscale serve status --json` (tailscaled's ServeConfig): the HTTPS handlers it
 * proxies, both background ones (`Web`) and those of foreground sessions (`Foreground`), so the
 * gateway can tell its own live route from a predecessor's leftover.
 *
 * @module
 */

/** One proxy handler of the serve config. */
export interface ServeRoute {
  /** `host.tailnet.ts.net:443`. */
  hostPort: string;
  /** HTTPS port of the route. */
  httpsPort: number;
  /** Mount path, `/` usually. */
  path: string;
  /** The proxy target as tailscaled stores it (`http://127.0.0.1:18789`). */
  proxy: string;
  /** True for a foreground session's route (it ends with its CLI process). */
  foreground: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function webRoutes(web: unknown, foreground: boolean): ServeRoute[] {
  if (!isRecord(web)) return [];
  const routes: ServeRoute[] = [];
  for (const [hostPort, entry] of Object.entries(web)) {
    const handlers = isRecord(entry) ? entry.Handlers : undefined;
    if (!isRecord(handlers)) continue;
    const httpsPort = Number(/:(\d+)$/.exec(hostPort)?.[1] ?? 443);
    for (const [path, handler] of Object.entries(handlers)) {
      const proxy = isRecord(handler) ? handler.Proxy : undefined;
      if (typeof proxy === "string") routes.push({ hostPort, httpsPort, path, proxy, foreground });
    }
  }
  return routes;
}

/**
 * Parses `tailscale serve status --json`. Output that is not a serve config gives no routes.
 *
 * @example
 * ```ts
 * parseServeStatus('{"Web":{"h.ts.net:443":{"Handlers":{"/":{"Proxy":"http://127.0.0.1:1"}}}}}');
 * // [{ hostPort: "h.ts.net:443", httpsPort: 443, path: "/", proxy: "http://127.0.0.1:1",
 * //    foreground: false }]
 * ```
 */
export function parseServeStatus(stdout: string): ServeRoute[] {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout.trim() || "{}");
  } catch {
    return [];
  }
  if (!isRecord(raw)) return [];
  const routes = webRoutes(raw.Web, false);
  if (isRecord(raw.Foreground)) {
    for (const session of Object.values(raw.Foreground)) {
      if (isRecord(session)) routes.push(...webRoutes(session.Web, true));
    }
  }
  return routes;
}

/**
 * The local port a proxy target points at, when it is this machine's loopback
 * (`http://127.0.0.1:18789`, `localhost:18789`, a bare `18789`); otherwise `undefined`.
 */
export function loopbackTargetPort(proxy: string): number | undefined {
  const m =
    /^(?:https?(?:\+insecure)?:\/\/)?(?:(?:127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?|(\d{1,5}))\/?$/
      .exec(proxy.trim());
  const port = m?.[1] ?? m?.[2];
  return port ? Number(port) : undefined;
}
