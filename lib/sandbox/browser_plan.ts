/**
 * Planning a sandbox browser container, without touching docker. It sits beside the session's
 * sandbox (same scope key, same workspace mounts, same docker hardening: read-only root, tmpfs,
 * capabilities dropped, no-new-privileges, limits, binds -- all validated by `planSandbox`), with
 * the browser's own image, network, name prefix (`openclaw-sbx-browser-`) and labels
 * (`openclaw.sandboxBrowser=1`, stock's), and runs the image's command (the entrypoint that
 * starts Chromium) instead of `sleep`.
 *
 * Chromium's DevTools port stays on the container's loopback: the gateway reaches it through
 * `docker exec` (lib/sandbox/browser_relay.ts), so no port is published and the browser works
 * with `network: "none"`.
 *
 * @module
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { resolveSandboxBrowserConfig, type SandboxBrowserSettings } from "./browser_config.ts";
import type { SandboxConfigSource } from "./config.ts";
import {
  buildCreateArgs,
  KEEPALIVE_COMMAND,
  LABELS,
  planSandbox,
  type PlanSandboxOptions,
  sandboxContainerName,
  type SandboxPlan,
  stableStringify,
} from "./plan.ts";

/** Label keys of browser containers (stock's names). */
export const BROWSER_LABELS = {
  /** Marks a sandbox browser container (stock's label). */
  browser: "openclaw.sandboxBrowser",
} as const;

/** Everything needed to create or reuse one sandbox browser container. */
export interface SandboxBrowserPlan {
  /** The plan of the session's sandbox (mounts, hardening) with the browser's identity. */
  sandbox: SandboxPlan;
  browser: SandboxBrowserSettings;
  containerName: string;
  scopeKey: string;
  image: string;
  configHash: string;
  /** Container paths of the workspace mounts (where `file:` URLs may point). */
  fileRoots: string[];
}

/** The environment the entrypoint (scripts/sandbox/browser-entrypoint.sh) reads. */
export function browserContainerEnv(b: SandboxBrowserSettings): Record<string, string> {
  return {
    OPENCLAW_BROWSER_CDP_PORT: String(b.cdpPort),
    OPENCLAW_BROWSER_HEADLESS: b.headless ? "1" : "0",
    OPENCLAW_BROWSER_ENABLE_NOVNC: b.enableNoVnc ? "1" : "0",
    OPENCLAW_BROWSER_VNC_PORT: String(b.vncPort),
    OPENCLAW_BROWSER_NOVNC_PORT: String(b.noVncPort),
  };
}

function networkDanger(b: SandboxBrowserSettings, why: string): OpenClawError {
  return new OpenClawError(
    "SANDBOX_CONFIG_DANGEROUS",
    `Sandbox security: ${why} (${b.networkKey})`,
    {
      hint: `Change ${b.networkKey}; the sandbox browser must keep its isolation`,
      exitCode: ExitCode.config,
      details: { configKey: b.networkKey },
    },
  );
}

/**
 * Plans the browser container of one session.
 *
 * @param source The config (a validated `OpenClawConfig` fits).
 * @param options The session (agent, session key, state dir, agent workspace).
 * @returns The plan; nothing is created.
 * @throws {OpenClawError} `SANDBOX_CONFIG_DANGEROUS` for network `host` or `container:...`, plus
 *   the validation errors of `planSandbox` (binds, seccomp, AppArmor, container prefix).
 */
export function planSandboxBrowser(
  source: SandboxConfigSource,
  options: PlanSandboxOptions,
): SandboxBrowserPlan {
  const base = planSandbox(source, options);
  const browser = resolveSandboxBrowserConfig(source, options.agentId, options.stateDir);
  const network = browser.network.toLowerCase();
  if (network === "host") throw networkDanger(browser, 'network mode "host" is blocked');
  if (network.startsWith("container:")) {
    throw networkDanger(
      browser,
      `network mode "${browser.network}" joins another container's namespace and is blocked`,
    );
  }
  const containerName = sandboxContainerName(browser.containerPrefix, base.scopeKey);
  const docker = {
    ...base.config.docker,
    image: browser.image,
    network: browser.network,
    env: { ...base.config.docker.env, ...browserContainerEnv(browser) },
  };
  const { containerPrefix: _prefix, binds, ...hashed } = docker;
  const configHash = sha256Hex(stableStringify({
    browser: {
      image: browser.image,
      network: browser.network,
      cdpPort: browser.cdpPort,
      headless: browser.headless,
      enableNoVnc: browser.enableNoVnc,
      vncPort: browser.vncPort,
      noVncPort: browser.noVncPort,
    },
    docker: { ...hashed, binds: binds.map((b) => b.spec) },
    workspaceAccess: base.config.workspaceAccess,
    mounts: base.mounts,
  }));
  const labels: Record<string, string> = {
    [BROWSER_LABELS.browser]: "1",
    [LABELS.scope]: base.scope,
    [LABELS.configHash]: configHash,
    [LABELS.stockSessionKey]: base.scopeKey,
    [LABELS.stockConfigHash]: configHash,
    [LABELS.stateDir]: options.stateDir,
  };
  if (base.scope !== "shared") labels[LABELS.agent] = options.agentId;
  if (base.scope === "session") labels[LABELS.session] = options.sessionKey;
  const sandbox: SandboxPlan = {
    ...base,
    config: { ...base.config, docker },
    containerName,
    image: browser.image,
    configHash,
    // The browser container runs no setupCommand: that is the exec sandbox's.
    setupCommand: undefined,
    labels,
  };
  return {
    sandbox,
    browser,
    containerName,
    scopeKey: base.scopeKey,
    image: browser.image,
    configHash,
    fileRoots: base.mounts.map((m) => m.container),
  };
}

/**
 * Returns the `docker create` arguments of a browser plan: the sandbox's arguments with the
 * image's own command (its entrypoint) instead of the keep-alive `sleep`.
 */
export function buildBrowserCreateArgs(plan: SandboxBrowserPlan, createdAtMs: number): string[] {
  const args = buildCreateArgs(plan.sandbox, createdAtMs);
  const tail = args.slice(-(KEEPALIVE_COMMAND.length + 1));
  if (tail[0] !== plan.image || tail.slice(1).join(" ") !== KEEPALIVE_COMMAND.join(" ")) {
    // buildCreateArgs changed shape; failing here beats starting a browserless container.
    throw new Error("Cannot build the browser container arguments: unexpected create arguments");
  }
  return args.slice(0, -KEEPALIVE_COMMAND.length);
}
