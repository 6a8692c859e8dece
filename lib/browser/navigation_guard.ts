/**
 * Where the browser tool may go (`browser.ssrfPolicy`, strict by default like stock's): only
 * `http:`/`https:` and `about:blank`; no loopback, private, link-local or other special-use
 * address -- named directly or by a hostname that resolves to one -- unless
 * `dangerouslyAllowPrivateNetwork` is on or the hostname is in `allowedHostnames`; only
 * `hostnameAllowlist` hosts when that list is set. A model steered by a web page must not be
 * able to read the router's admin page, a cloud metadata endpoint or this gateway's dashboard.
 *
 * The check runs before a navigation and again on the page's final URL (redirects). Chromium
 * resolves names itself, so a DNS answer that changes between the two lookups is not caught --
 * the same limit stock documents; IP-literal URLs have no such gap.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import type { NavigationPolicy } from "./config.ts";

/** Resolves a hostname to its addresses (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<string[]>;

const BLOCKED_NAMES = new Set(["localhost", "metadata", "metadata.google.internal"]);

function denied(message: string): OpenClawError {
  return new OpenClawError("BROWSER_NAVIGATION_DENIED", message, {
    hint:
      "To allow private addresses set browser.ssrfPolicy.dangerouslyAllowPrivateNetwork: true, or list the host in browser.ssrfPolicy.allowedHostnames",
  });
}

function parseIpv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** True for IPv4 addresses that are not public unicast (RFC 6890 special-use). */
function isSpecialIpv4([a, b, c]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113);
}

/** Expands an IPv6 literal to 8 groups, or undefined. */
function parseIpv6(host: string): number[] | undefined {
  if (!host.includes(":")) return undefined;
  let text = host.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const p = parseIpv4(v4[1]);
    if (!p) return undefined;
    text = text.slice(0, -v4[1].length) +
      `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const out = groups.map((g) => /^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN);
  return out.some(Number.isNaN) ? undefined : out;
}

function isSpecialIpv6(g: number[]): boolean {
  const allZeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroTo(7) && (g[7] === 0 || g[7] === 1)) return true; // :: and ::1
  if (allZeroTo(5) && g[5] === 0xffff) {
    return isSpecialIpv4([g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff]);
  }
  if (g[0] === 0x64 && g[1] === 0xff9b) { // NAT64: judge the embedded IPv4
    return isSpecialIpv4([g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff]);
  }
  return (g[0] & 0xffc0) === 0xfe80 || // link-local
    (g[0] & 0xfe00) === 0xfc00 || // unique local
    (g[0] & 0xff00) === 0xff00 || // multicast
    (g[0] === 0x2001 && g[1] === 0x0db8); // documentation
}

/**
 * True when `address` (an IPv4 or IPv6 literal) is loopback, private, link-local or another
 * special-use address.
 */
export function isSpecialUseAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "");
  const v4 = parseIpv4(host);
  if (v4) return isSpecialIpv4(v4);
  const v6 = parseIpv6(host);
  return v6 ? isSpecialIpv6(v6) : false;
}

function isIpLiteral(host: string): boolean {
  return parseIpv4(host) !== undefined || parseIpv6(host) !== undefined;
}

function matchesPattern(host: string, pattern: string): boolean {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) || host === pattern.slice(2);
  return host === pattern;
}

/** The platform resolver (A and AAAA, 3 s each); failures resolve to no addresses. */
export const systemResolver: HostResolver = async (hostname) => {
  const lookups = (["A", "AAAA"] as const).map((type) =>
    Deno.resolveDns(hostname, type, { signal: AbortSignal.timeout(3_000) }).catch(() => [])
  );
  return (await Promise.all(lookups)).flat();
};

/**
 * Checks a URL against the navigation policy.
 *
 * @returns The parsed URL.
 * @throws {OpenClawError} `BROWSER_NAVIGATION_INVALID` for an unparsable URL,
 *   `BROWSER_NAVIGATION_DENIED` (`Navigation blocked: ...`, `Blocked hostname ...`) otherwise.
 */
export async function assertNavigationAllowed(
  rawUrl: string,
  policy: NavigationPolicy,
  resolve: HostResolver = systemResolver,
): Promise<URL> {
  const text = rawUrl.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OpenClawError("BROWSER_NAVIGATION_INVALID", `Invalid URL: ${text.slice(0, 200)}`, {
      hint: "Use an absolute http(s) URL, e.g. https://example.com",
    });
  }
  if (url.href === "about:blank") return url;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw denied(`Navigation blocked: unsupported protocol "${url.protocol}"`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (
    policy.hostnameAllowlist.length > 0 &&
    !policy.hostnameAllowlist.some((p) => matchesPattern(host, p))
  ) {
    throw denied(`Blocked hostname (not in allowlist): ${host}`);
  }
  if (policy.blockedHostnames.some((p) => matchesPattern(host, p))) {
    throw denied(`Blocked hostname: ${host}`);
  }
  if (policy.allowPrivateNetwork || policy.allowedHostnames.includes(host)) return url;
  if (BLOCKED_NAMES.has(host) || host.endsWith(".localhost") || isSpecialUseAddress(host)) {
    throw denied("Blocked hostname or private/internal/special-use IP address");
  }
  if (!isIpLiteral(host)) {
    const addresses = await resolve(host);
    if (addresses.some(isSpecialUseAddress)) {
      throw denied(`Blocked: ${host} resolves to a private/internal IP address`);
    }
  }
  return url;
}
