/**
 * `browser.*` resolved for one gateway: defaults applied, ports derived from the gateway's port,
 * the implicit `openclaw` profile added, and each profile's launch settings (driver, CDP port or
 * URL, executable, headless and where that came from) -- stock's `resolveBrowserConfig` /
 * `resolveProfile` rules, in one pure module.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import type { BrowserConfig, BrowserProfileConfig } from "../config/schema/browser.ts";
import { OpenClawError } from "../errors.ts";
import { type Env, expandHome } from "../paths.ts";
import { cdpPortRangeForGateway, deriveBrowserControlPort, type PortRange } from "./ports.ts";

/** The managed profile every gateway has unless the config defines it. */
export const DEFAULT_PROFILE_NAME = "openclaw";
/** Stock's lobster orange. */
export const DEFAULT_PROFILE_COLOR = "#FF4500";
/** Environment override of headless mode (`1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off`). */
export const HEADLESS_ENV = "OPENCLAW_BROWSER_HEADLESS";

/** Where a profile's headless setting came from (stock's `headlessSource`). */
export type HeadlessSource =
  | "env"
  | "profile"
  | "config"
  | "request"
  | "linux-display-fallback"
  | "default";

/** Timeouts of the browser, in milliseconds. */
export interface BrowserTimeouts {
  /** From spawn until `/json/version` answers. @default 15000 */
  launchMs: number;
  /** From `/json/version` until the CDP WebSocket opens. @default 8000 */
  cdpReadyMs: number;
  /** One action (navigate, click, ...). @default 60000 */
  actionMs: number;
  /** A snapshot or screenshot. @default 20000 */
  captureMs: number;
  /** Reaching a remote or attach-only CDP endpoint. @default 1500 */
  remoteMs: number;
}

/** The SSRF policy of navigation (`browser.ssrfPolicy`). */
export interface NavigationPolicy {
  allowPrivateNetwork: boolean;
  allowedHostnames: string[];
  hostnameAllowlist: string[];
  blockedHostnames: string[];
}

/** `browser.*` with defaults, for one gateway port. */
export interface BrowserSettings {
  enabled: boolean;
  evaluateEnabled: boolean;
  controlPort: number;
  cdpRange: PortRange;
  color: string;
  executablePath?: string;
  headless: boolean;
  headlessSource: "config" | "default";
  noSandbox: boolean;
  attachOnly: boolean;
  defaultProfile: string;
  extraArgs: string[];
  /** Configured profiles plus the implicit `openclaw` one, by name. */
  profiles: ReadonlyMap<string, BrowserProfileConfig>;
  navigation: NavigationPolicy;
  timeouts: BrowserTimeouts;
  /** Best-effort cap on page tabs per profile. @default 8 */
  maxTabs: number;
}

/** One profile, ready to launch or attach. */
export interface ResolvedProfile {
  name: string;
  driver: "openclaw" | "clawd" | "existing-session" | "extension";
  /** The local CDP port (0 when the profile has none). */
  cdpPort: number;
  /** `http://127.0.0.1:<cdpPort>` for managed profiles, else the configured URL. */
  cdpUrl: string;
  /** The CDP endpoint is on this machine (a managed Chromium can be launched for it). */
  cdpIsLoopback: boolean;
  color: string;
  executablePath?: string;
  headless: boolean;
  headlessSource: HeadlessSource;
  /** Never launch: attach to a browser someone else runs. */
  attachOnly: boolean;
}

function normalizeColor(raw: string | undefined, fallback: string): string {
  const value = (raw ?? "").trim();
  if (!value) return fallback;
  const hex = value.startsWith("#") ? value : `#${value}`;
  return /^#[0-9a-fA-F]{6}$/.test(hex) ? hex.toUpperCase() : fallback;
}

function list(values: readonly string[] | undefined): string[] {
  return (values ?? []).map((v) => v.trim().toLowerCase()).filter((v) => v !== "");
}

/** True for `localhost`, `127.x.x.x` and `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The local port of a CDP URL (its explicit port, else 80/443). */
function urlPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" || url.protocol === "wss:" ? 443 : 80;
}

/**
 * Resolves `browser.*` for a gateway listening on `gatewayPort`.
 *
 * @param config The validated config.
 * @param gatewayPort The port the gateway actually listens on (the base of every derived port).
 * @param env For `~` in `executablePath`.
 */
export function resolveBrowserSettings(
  config: Pick<OpenClawConfig, "browser">,
  gatewayPort: number,
  env?: Env,
): BrowserSettings {
  const b: BrowserConfig = config.browser ?? {};
  const controlPort = deriveBrowserControlPort(gatewayPort);
  const derived = cdpPortRangeForGateway(gatewayPort);
  const span = derived.end - derived.start;
  const start = b.cdpPortRangeStart !== undefined && b.cdpPortRangeStart + span <= 65535
    ? b.cdpPortRangeStart
    : derived.start;
  const color = normalizeColor(b.color, DEFAULT_PROFILE_COLOR);
  const profiles = new Map<string, BrowserProfileConfig>(Object.entries(b.profiles ?? {}));
  if (!profiles.has(DEFAULT_PROFILE_NAME)) {
    // The legacy single-profile `browser.cdpUrl` becomes the default profile's endpoint.
    const legacy = b.cdpUrl ? new URL(b.cdpUrl) : undefined;
    profiles.set(DEFAULT_PROFILE_NAME, {
      cdpPort: legacy ? urlPort(legacy) : start,
      ...(legacy && !isLoopbackHost(legacy.hostname) ? { cdpUrl: b.cdpUrl } : {}),
      color,
    });
  }
  const ssrf = b.ssrfPolicy ?? {};
  return {
    enabled: b.enabled ?? true,
    evaluateEnabled: b.evaluateEnabled ?? true,
    controlPort,
    cdpRange: { start, end: start + span },
    color,
    executablePath: b.executablePath?.trim() ? expandHome(b.executablePath.trim(), env) : undefined,
    headless: b.headless === true,
    headlessSource: typeof b.headless === "boolean" ? "config" : "default",
    noSandbox: b.noSandbox === true,
    attachOnly: b.attachOnly === true,
    defaultProfile: b.defaultProfile?.trim() || DEFAULT_PROFILE_NAME,
    extraArgs: (b.extraArgs ?? []).filter((a) => a.trim() !== ""),
    profiles,
    navigation: {
      allowPrivateNetwork: ssrf.dangerouslyAllowPrivateNetwork === true ||
        ssrf.allowPrivateNetwork === true,
      allowedHostnames: list(ssrf.allowedHostnames),
      hostnameAllowlist: list(ssrf.hostnameAllowlist),
      blockedHostnames: list(ssrf.blockedHostnames),
    },
    timeouts: {
      launchMs: positive(b.localLaunchTimeoutMs, 15_000),
      cdpReadyMs: positive(b.localCdpReadyTimeoutMs, 8_000),
      actionMs: positive(b.actionTimeoutMs, 60_000),
      captureMs: 20_000,
      remoteMs: positive(b.remoteCdpTimeoutMs, 1_500),
    },
    maxTabs: b.tabCleanup?.maxTabsPerSession || 8,
  };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? Math.min(value, 120_000) : fallback;
}

/**
 * The profile called `name` (the default profile when omitted).
 *
 * @throws {OpenClawError} `BROWSER_PROFILE_UNKNOWN` naming the configured profiles.
 */
export function resolveBrowserProfile(
  settings: BrowserSettings,
  name?: string,
  env?: Env,
): ResolvedProfile {
  const wanted = name?.trim() || settings.defaultProfile;
  const p = settings.profiles.get(wanted);
  if (!p) {
    throw new OpenClawError(
      "BROWSER_PROFILE_UNKNOWN",
      `Profile "${wanted}" not found: configured profiles are ${
        [...settings.profiles.keys()].join(", ")
      }`,
      { hint: `Add it under browser.profiles.${wanted} (with a cdpPort), or pick another` },
    );
  }
  const driver = p.driver ?? "openclaw";
  const headless = p.headless ?? settings.headless;
  const headlessSource: HeadlessSource = typeof p.headless === "boolean"
    ? "profile"
    : settings.headlessSource;
  const executablePath = p.executablePath?.trim()
    ? expandHome(p.executablePath.trim(), env)
    : settings.executablePath;
  const common = {
    name: wanted,
    driver,
    color: normalizeColor(p.color, settings.color),
    ...(executablePath ? { executablePath } : {}),
    headless,
    headlessSource,
  };
  if (p.cdpUrl) {
    const url = new URL(p.cdpUrl);
    const loopback = isLoopbackHost(url.hostname);
    return {
      ...common,
      cdpPort: loopback ? urlPort(url) : 0,
      cdpUrl: p.cdpUrl.replace(/\/$/, ""),
      cdpIsLoopback: loopback,
      attachOnly: !loopback || (p.attachOnly ?? settings.attachOnly),
    };
  }
  const cdpPort = p.cdpPort ?? 0;
  return {
    ...common,
    cdpPort,
    cdpUrl: cdpPort ? `http://127.0.0.1:${cdpPort}` : "",
    cdpIsLoopback: true,
    attachOnly: p.attachOnly ?? settings.attachOnly,
  };
}

function parseBool(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === "") return undefined;
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  return undefined;
}

/**
 * Whether a managed profile runs headless, and why: a request override (`start --headless`),
 * then `OPENCLAW_BROWSER_HEADLESS`, then the profile's or config's own setting, then -- on Linux
 * with no `DISPLAY`/`WAYLAND_DISPLAY` -- headless, else the default (headed).
 */
export function resolveHeadlessMode(
  profile: Pick<ResolvedProfile, "headless" | "headlessSource">,
  options: { env: Env; platform: string; override?: boolean },
): { headless: boolean; source: HeadlessSource } {
  if (options.override !== undefined) return { headless: options.override, source: "request" };
  const fromEnv = parseBool(options.env[HEADLESS_ENV]);
  if (fromEnv !== undefined) return { headless: fromEnv, source: "env" };
  if (profile.headlessSource !== "default") {
    return { headless: profile.headless, source: profile.headlessSource };
  }
  const display = options.env.DISPLAY?.trim() || options.env.WAYLAND_DISPLAY?.trim();
  if (options.platform === "linux" && !display) {
    return { headless: true, source: "linux-display-fallback" };
  }
  return { headless: profile.headless, source: "default" };
}

/** Every profile's local CDP port (for collision checks), by name. */
export function profileCdpPorts(settings: BrowserSettings): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of settings.profiles.keys()) {
    const p = resolveBrowserProfile(settings, name);
    if (p.cdpIsLoopback && p.cdpPort > 0) out.set(name, p.cdpPort);
  }
  return out;
}
