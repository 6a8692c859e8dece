/**
 * This machine's place on the tailnet: its Tailscale addresses (IPv4 in `100.64.0.0/10`, IPv6
 * in `fd7a:115c:a1e0::/48`), its MagicDNS name and whether `tailscaled` is up, read from the
 * network interfaces first and from the `tailscale` CLI (`ip`, `status --json`) otherwise.
 *
 * Tailscale has no library: we shell out, with a deadline on every call, and a missing binary
 * or daemon is a plain result, never an exception.
 *
 * @module
 */
import type { Env } from "../paths.ts";
import { runCommand } from "../service/exec.ts";

/** Deadline of one `tailscale` call. */
export const TAILSCALE_CALL_TIMEOUT_MS = 5_000;

/** This machine's tailnet addresses (either may be missing). */
export interface TailnetAddresses {
  ipv4?: string;
  ipv6?: string;
}

/** Returns true for an IPv4 in Tailscale's CGNAT range `100.64.0.0/10`. */
export function isTailnetIPv4(ip: string): boolean {
  const m = /^100\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return false;
  const [b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return b >= 64 && b <= 127 && c <= 255 && d <= 255;
}

/** Returns true for an IPv6 in Tailscale's ULA range `fd7a:115c:a1e0::/48`. */
export function isTailnetIPv6(ip: string): boolean {
  return /^fd7a:115c:a1e0:/i.test(ip.trim());
}

/** Picks the tailnet addresses out of a list of addresses (interfaces, `tailscale ip`). */
export function pickTailnetAddresses(addresses: readonly string[]): TailnetAddresses {
  const ipv4 = addresses.find(isTailnetIPv4);
  const ipv6 = addresses.find(isTailnetIPv6);
  return { ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6: ipv6.toLowerCase() } : {}) };
}

/** `tailscale status --json`, reduced to what we use. */
interface StatusView {
  BackendState?: string;
  Self?: { DNSName?: string; TailscaleIPs?: string[] };
}

/** A JSON object (not null, not an array). */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `obj[key]` when it is an own property, else `undefined`. */
function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * Checks the parts of the status we read and ignores the rest: a `BackendState` that is not a
 * string, a `Self` that is not an object, a `Self.DNSName` that is not a string or a
 * `Self.TailscaleIPs` that is not an array of strings makes the whole output unexpected.
 * A small hand-written check (not the schema library) keeps the gateway's start light.
 */
function readStatusView(raw: unknown): StatusView | undefined {
  if (!isRecord(raw)) return undefined;
  const state = own(raw, "BackendState");
  if (state !== undefined && typeof state !== "string") return undefined;
  const self = own(raw, "Self");
  if (self === undefined) return state === undefined ? {} : { BackendState: state };
  if (!isRecord(self)) return undefined;
  const dnsName = own(self, "DNSName");
  if (dnsName !== undefined && typeof dnsName !== "string") return undefined;
  const ips = own(self, "TailscaleIPs");
  if (ips !== undefined && !(Array.isArray(ips) && ips.every((ip) => typeof ip === "string"))) {
    return undefined;
  }
  return {
    ...(state === undefined ? {} : { BackendState: state }),
    Self: {
      ...(dnsName === undefined ? {} : { DNSName: dnsName }),
      ...(ips === undefined ? {} : { TailscaleIPs: ips as string[] }),
    },
  };
}

/** What `tailscale status --json` says about this machine. */
export interface TailscaleStatus {
  /** `tailscale` is not on PATH. */
  installed: boolean;
  /** `BackendState` (`Running`, `Starting`, `NeedsLogin`, `Stopped`, `NoState`), if known. */
  backendState?: string;
  /** True when the daemon answered and is `Running`. */
  running: boolean;
  /** MagicDNS name without the trailing dot. */
  dnsName?: string;
  addresses: TailnetAddresses;
  /** Why the status could not be read (daemon down, bad output). */
  error?: string;
}

/**
 * Parses the output of `tailscale status --json`.
 *
 * @example
 * ```ts
 * parseTailscaleStatus('{"BackendState":"Running","Self":{"DNSName":"box.tail1.ts.net."}}')
 *   .dnsName; // "box.tail1.ts.net"
 * ```
 */
export function parseTailscaleStatus(stdout: string): TailscaleStatus {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    return { installed: true, running: false, addresses: {}, error: "unreadable status output" };
  }
  const parsed = readStatusView(raw);
  if (!parsed) {
    return { installed: true, running: false, addresses: {}, error: "unexpected status output" };
  }
  const { BackendState: state, Self: self } = parsed;
  const dnsName = self?.DNSName?.replace(/\.$/, "") || undefined;
  return {
    installed: true,
    ...(state ? { backendState: state } : {}),
    running: state === "Running",
    ...(dnsName ? { dnsName } : {}),
    addresses: pickTailnetAddresses(self?.TailscaleIPs ?? []),
  };
}

/** Options of the functions that call the `tailscale` CLI. */
export interface TailscaleCallOptions {
  /** The environment whose `PATH` finds `tailscale`. */
  env?: Env;
  /** @default TAILSCALE_CALL_TIMEOUT_MS */
  timeoutMs?: number;
}

/** Runs `tailscale status --json` and says what it found; never throws. */
export async function readTailscaleStatus(
  options: TailscaleCallOptions = {},
): Promise<TailscaleStatus> {
  const result = await runCommand("tailscale", ["status", "--json"], {
    timeoutMs: options.timeoutMs ?? TAILSCALE_CALL_TIMEOUT_MS,
    lookupEnv: options.env,
  });
  if (result.notFound) {
    return { installed: false, running: false, addresses: {}, error: "tailscale is not installed" };
  }
  // `status --json` prints the status (with BackendState) even when logged out, and exits 1
  // only when it cannot reach the daemon.
  if (result.code === 0 || result.stdout.trim().startsWith("{")) {
    return parseTailscaleStatus(result.stdout);
  }
  const detail = (result.stderr.trim() || result.stdout.trim()).split("\n")[0] ||
    `exit code ${result.code}`;
  return { installed: true, running: false, addresses: {}, error: detail };
}

/**
 * This machine's tailnet addresses: from the network interfaces, else from `tailscale ip`
 * (userspace networking has no interface). Never throws.
 */
export async function detectTailnetAddresses(
  options: TailscaleCallOptions & { interfaces?: () => readonly { address: string }[] } = {},
): Promise<TailnetAddresses> {
  let fromInterfaces: TailnetAddresses = {};
  try {
    const list = options.interfaces?.() ?? Deno.networkInterfaces();
    fromInterfaces = pickTailnetAddresses(list.map((i) => i.address));
  } catch { /* no permission to list interfaces: ask tailscale */ }
  if (fromInterfaces.ipv4) return fromInterfaces;
  const result = await runCommand("tailscale", ["ip"], {
    timeoutMs: options.timeoutMs ?? TAILSCALE_CALL_TIMEOUT_MS,
    lookupEnv: options.env,
  });
  if (result.code !== 0) return fromInterfaces;
  const fromCli = pickTailnetAddresses(result.stdout.split("\n").map((l) => l.trim()));
  return { ...fromInterfaces, ...fromCli };
}
