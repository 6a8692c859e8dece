/**
 * What the dashboard is opened with. `openclaw dashboard` hands credentials over in the URL
 * fragment (`#token=…`, or `#bootstrapToken=…&bootstrapProfile=owner&gatewayUrl=…`), which never
 * reaches server logs or a Referer; a legacy `?token=` is accepted once. Both are stripped from
 * the address bar at once (the caller does `history.replaceState` with the clean URL returned
 * here); the rest of the fragment is the panel route (`#/chat`).
 *
 * @module
 */

/** Credentials and the gateway URL found in the URL. */
export interface LaunchCredentials {
  token?: string;
  password?: string;
  bootstrapToken?: string;
  bootstrapProfile?: string;
  gatewayUrl?: string;
}

/** Result of {@linkcode parseLaunchUrl}. */
export interface LaunchUrl {
  credentials: LaunchCredentials;
  /** The route to show (`/` when none), without the leading `#`. */
  route: string;
  /** The URL to put in the address bar: same path, no credential, `#<route>`. */
  cleanUrl: string;
  /** True when something was removed (the caller must replace the history entry). */
  stripped: boolean;
}

const CREDENTIAL_KEYS = ["token", "password", "bootstrapToken", "bootstrapProfile", "gatewayUrl"];
/** Longest credential value kept; longer ones are ignored as garbage. */
const MAX_VALUE_CHARS = 4096;

function take(params: URLSearchParams, into: LaunchCredentials): boolean {
  let found = false;
  for (const key of CREDENTIAL_KEYS) {
    const value = params.get(key);
    if (value === null) continue;
    found = true;
    params.delete(key);
    if (value.length === 0 || value.length > MAX_VALUE_CHARS) continue;
    (into as Record<string, string>)[key] = value;
  }
  return found;
}

/**
 * Splits a page URL into launch credentials, the panel route and the clean URL. The fragment
 * is either a route (`#/logs`) or URLSearchParams carrying credentials (`#token=…`, then the
 * route is `/`). Fragment values win over query ones; unknown fragment keys are dropped too.
 */
export function parseLaunchUrl(href: string): LaunchUrl {
  const url = new URL(href);
  const credentials: LaunchCredentials = {};
  const query = new URLSearchParams(url.search);
  let stripped = take(query, credentials);
  let route = "/";
  const hash = url.hash.replace(/^#/, "");
  if (hash.startsWith("/")) {
    route = hash;
  } else if (hash.length > 0) {
    const fromHash: LaunchCredentials = {};
    if (take(new URLSearchParams(hash), fromHash)) stripped = true;
    Object.assign(credentials, fromHash);
  }
  const search = query.toString();
  const cleanUrl = `${url.pathname}${search ? `?${search}` : ""}#${route}`;
  return { credentials, route, cleanUrl, stripped };
}

/**
 * Resolves the WebSocket URL the page talks to: `gatewayUrl` when it names this same host (a
 * link cannot steer the page's device token to another server; the CSP would refuse it
 * anyway), else the page's own origin as `ws:`/`wss:` at the root path.
 */
export function resolveGatewayUrl(pageHref: string, gatewayUrl?: string): string {
  const page = new URL(pageHref);
  const own = `${page.protocol === "https:" ? "wss:" : "ws:"}//${page.host}/`;
  if (!gatewayUrl) return own;
  try {
    const wanted = new URL(gatewayUrl);
    if ((wanted.protocol === "ws:" || wanted.protocol === "wss:") && wanted.host === page.host) {
      return wanted.href;
    }
  } catch { /* malformed: use our own */ }
  return own;
}
