/**
 * The effective sandbox browser settings of one agent: `agents.defaults.sandbox.browser` with
 * the schema's defaults (`SandboxBrowserDefaultsSchema`), with `agents.list[].sandbox.browser`
 * merged over it key by key -- except in `shared` scope, where one container serves every agent
 * and per-agent browser settings are ignored (§8.1, as for docker and prune).
 *
 * @module
 */
import type { z } from "zod";
import { SandboxBrowserDefaultsSchema, SandboxBrowserSchema } from "../config/schema/agents.ts";
import { resolveSandboxConfig, type SandboxConfigSource } from "./config.ts";

type BrowserInput = z.input<typeof SandboxBrowserSchema>;

/** The sandbox browser settings that apply to one agent. */
export interface SandboxBrowserSettings {
  enabled: boolean;
  /** The config key that decides `enabled` (to name in errors). */
  enabledKey: string;
  image: string;
  /** The config key of `image` (to name in hints). */
  imageKey: string;
  containerPrefix: string;
  network: string;
  /** The config key of `network` (to name in errors). */
  networkKey: string;
  /** Chromium's DevTools port inside the container. */
  cdpPort: number;
  vncPort: number;
  noVncPort: number;
  enableNoVnc: boolean;
  headless: boolean;
  allowHostControl: boolean;
  autoStart: boolean;
  /** The config key of `autoStart` (to name in errors). */
  autoStartKey: string;
  autoStartTimeoutMs: number;
}

/** The image stock builds with `scripts/sandbox-browser-setup.sh`. */
export const DEFAULT_SANDBOX_BROWSER_IMAGE = "openclaw-sandbox-browser:bookworm-slim";

/** The dedicated network stock creates for browser containers. */
export const DEFAULT_SANDBOX_BROWSER_NETWORK = "openclaw-sandbox-browser";

function agentBrowser(
  source: SandboxConfigSource,
  agentId: string,
): { index: number; browser?: BrowserInput } {
  const list = source.agents?.list ?? [];
  const id = agentId.trim().toLowerCase();
  const index = list.findIndex((a) => a.id.trim().toLowerCase() === id);
  const raw = index >= 0 ? list[index].sandbox?.browser : undefined;
  return { index, browser: raw ? SandboxBrowserSchema.parse(raw) : undefined };
}

/**
 * Returns the sandbox browser settings of `agentId`.
 *
 * @param source The config (a validated `OpenClawConfig` fits).
 * @param agentId The agent whose session uses the browser.
 * @param stateDir Where the sandbox state lives (decides nothing here but the scope lookup).
 * @returns The settings with defaults applied and the config keys that decided them.
 * @example
 * ```ts
 * const s = resolveSandboxBrowserConfig({}, "main", "/tmp/state");
 * console.assert(s.enabled === false && s.cdpPort === 9222);
 * ```
 */
export function resolveSandboxBrowserConfig(
  source: SandboxConfigSource,
  agentId: string,
  stateDir: string,
): SandboxBrowserSettings {
  const raw = (source.agents?.defaults?.sandbox as { browser?: BrowserInput } | undefined)
    ?.browser;
  const defaults = SandboxBrowserDefaultsSchema.parse(raw ?? {});
  const { scope } = resolveSandboxConfig(source, agentId, stateDir);
  const { index, browser } = scope === "shared" ? { index: -1 } : agentBrowser(source, agentId);
  const a: BrowserInput = browser ?? {};
  const keyOf = (field: keyof BrowserInput) =>
    a[field] !== undefined && index >= 0
      ? `agents.list[${index}].sandbox.browser.${field}`
      : `agents.defaults.sandbox.browser.${field}`;
  // `noVncEnabled` is the name some stock docs use for `enableNoVnc`.
  const enableNoVnc = a.enableNoVnc ?? a.noVncEnabled ??
    (raw?.enableNoVnc === undefined && raw?.noVncEnabled !== undefined
      ? raw.noVncEnabled
      : defaults.enableNoVnc);
  return {
    enabled: a.enabled ?? defaults.enabled,
    enabledKey: keyOf("enabled"),
    image: a.image ?? defaults.image,
    imageKey: keyOf("image"),
    containerPrefix: a.containerPrefix ?? defaults.containerPrefix,
    network: (a.network ?? defaults.network).trim(),
    networkKey: keyOf("network"),
    cdpPort: a.cdpPort ?? defaults.cdpPort,
    vncPort: a.vncPort ?? defaults.vncPort,
    noVncPort: a.noVncPort ?? defaults.noVncPort,
    enableNoVnc,
    headless: a.headless ?? defaults.headless,
    allowHostControl: a.allowHostControl ?? defaults.allowHostControl,
    autoStart: a.autoStart ?? defaults.autoStart,
    autoStartKey: keyOf("autoStart"),
    autoStartTimeoutMs: a.autoStartTimeoutMs ?? defaults.autoStartTimeoutMs,
  };
}
