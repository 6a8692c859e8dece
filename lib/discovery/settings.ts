/**
 * Whether and how this gateway makes itself discoverable, from `discovery.*` and the
 * environment.
 *
 * mDNS is opt-in where stock's Bonjour crash loops hurt most: with `discovery.mdns.mode` unset
 * it advertises only on macOS outside containers (stock's default); on Linux and Windows, and
 * in containers, it stays off until the mode is set (or `OPENCLAW_DISABLE_BONJOUR=0`).
 * `discovery.mdns.mode: "off"` is the switch; `OPENCLAW_DISABLE_BONJOUR=1` overrides everything
 * else. Off means no multicast socket at all.
 *
 * Wide-area publishing is on with `discovery.wideArea.enabled: true` (the chapter's form; the
 * domain then defaults to `openclaw.internal`) or with a `domain` (stock's form) unless
 * `enabled` is `false`.
 *
 * @module
 */
import type { Env } from "../paths.ts";
import { normalizeDomain } from "./names.ts";

/** `discovery.mdns.mode`. */
export type MdnsMode = "off" | "minimal" | "full";

/** The wide-area domain when `discovery.wideArea.enabled` is set without one. */
export const DEFAULT_WIDE_AREA_DOMAIN = "openclaw.internal";

/** The `discovery` block as the schema gives it. */
export interface DiscoveryConfig {
  mdns?: { mode?: MdnsMode };
  wideArea?: { enabled?: boolean; domain?: string };
}

/** What the discovery subsystem does. */
export interface DiscoverySettings {
  mdns: {
    /** The beacon's detail; `off` means no multicast socket is opened. */
    mode: MdnsMode;
    /** Why it is on or off, for `health` and the log. */
    reason: string;
  };
  wideArea: {
    enabled: boolean;
    /** Normalized domain (no trailing dot), when enabled and valid. */
    domain?: string;
    /** Why an enabled wide-area setup cannot publish. */
    problem?: string;
  };
}

/** Facts about the host that decide the mDNS default. */
export interface HostFacts {
  os: typeof Deno.build.os;
  inContainer: boolean;
}

/**
 * Reads an on/off environment switch: `1/true/yes/on` -> true, `0/false/no/off` -> false, anything
 * else (or unset) -> undefined.
 */
export function parseEnvSwitch(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === "") return undefined;
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  return undefined;
}

/**
 * Resolves the discovery settings.
 *
 * @example
 * ```ts
 * resolveDiscoverySettings({ mdns: { mode: "full" } }, {}, { os: "linux", inContainer: false })
 *   .mdns.mode; // "full"
 * resolveDiscoverySettings({ mdns: { mode: "full" } }, { OPENCLAW_DISABLE_BONJOUR: "1" },
 *   { os: "linux", inContainer: false }).mdns.mode; // "off"
 * ```
 */
export function resolveDiscoverySettings(
  config: DiscoveryConfig | undefined,
  env: Env,
  host: HostFacts,
): DiscoverySettings {
  return { mdns: resolveMdns(config?.mdns?.mode, env, host), wideArea: resolveWideArea(config) };
}

function resolveMdns(
  configured: MdnsMode | undefined,
  env: Env,
  host: HostFacts,
): DiscoverySettings["mdns"] {
  if (configured === "off") return { mode: "off", reason: 'discovery.mdns.mode is "off"' };
  const disable = parseEnvSwitch(env.OPENCLAW_DISABLE_BONJOUR);
  if (disable === true) {
    return { mode: "off", reason: `OPENCLAW_DISABLE_BONJOUR=${env.OPENCLAW_DISABLE_BONJOUR}` };
  }
  if (configured) return { mode: configured, reason: `discovery.mdns.mode is "${configured}"` };
  if (disable === false) {
    return { mode: "minimal", reason: `OPENCLAW_DISABLE_BONJOUR=${env.OPENCLAW_DISABLE_BONJOUR}` };
  }
  if (host.os === "darwin" && !host.inContainer) {
    return { mode: "minimal", reason: "on by default on macOS" };
  }
  const where = host.inContainer ? "in a container" : `on ${host.os}`;
  return {
    mode: "off",
    reason: `off by default ${where}; set discovery.mdns.mode to "minimal" or "full"`,
  };
}

function resolveWideArea(config: DiscoveryConfig | undefined): DiscoverySettings["wideArea"] {
  const wa = config?.wideArea;
  const enabled = wa?.enabled === true || (wa?.enabled !== false && wa?.domain !== undefined);
  if (!enabled) return { enabled: false };
  const raw = wa?.domain ?? DEFAULT_WIDE_AREA_DOMAIN;
  const domain = normalizeDomain(raw);
  if (!domain) {
    return {
      enabled: true,
      problem: `discovery.wideArea.domain "${raw}" is not a valid DNS name`,
    };
  }
  return { enabled: true, domain };
}
