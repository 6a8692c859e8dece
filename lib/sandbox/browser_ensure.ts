/**
 * Making sure a session's sandbox browser container exists, fits the current config and runs:
 * reuse a container whose config hash matches (starting it when stopped), otherwise remove it
 * and create a fresh one. With `autoStart: false` nothing is created or started: a browser that
 * is not running is an error naming the key.
 *
 * The default network (`openclaw-sandbox-browser`) is created when missing, as stock does; any
 * other network must exist. `none` works: CDP is reached through `docker exec`.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import {
  DEFAULT_SANDBOX_BROWSER_IMAGE,
  DEFAULT_SANDBOX_BROWSER_NETWORK,
} from "./browser_config.ts";
import {
  buildBrowserCreateArgs,
  planSandboxBrowser,
  type SandboxBrowserPlan,
} from "./browser_plan.ts";
import { upsertSandboxBrowserEntry } from "./browser_registry.ts";
import type { SandboxConfigSource } from "./config.ts";
import { docker, type DockerOptions, firstLine, runDocker } from "./docker_cli.ts";
import {
  assertImagePresent,
  containerConfigHash,
  containerCreatedAtMs,
  type ContainerInfo,
  createContainer,
  ensureContainer,
  inspectContainer,
  makeMountDirs,
  startStopped,
} from "./ensure.ts";
import type { PlanSandboxOptions } from "./plan.ts";

/** Inputs of {@linkcode ensureSandboxBrowser}. */
export interface EnsureSandboxBrowserOptions extends PlanSandboxOptions {
  /** The config (a validated `OpenClawConfig` fits). */
  config: SandboxConfigSource;
  docker?: DockerOptions;
  signal?: AbortSignal;
  /** Clock for registry times. @default Date.now */
  now?: () => number;
}

/** A running sandbox browser container. */
export interface SandboxBrowserHandle {
  containerName: string;
  containerId: string;
  /** True when this call created the container. */
  created: boolean;
  /** True when this call created or started it (Chromium is starting: wait for CDP). */
  started: boolean;
  configHash: string;
  scopeKey: string;
  image: string;
  /** Chromium's DevTools port inside the container. */
  cdpPort: number;
  /** How long to wait for CDP after a start. */
  startTimeoutMs: number;
  /** Container paths of the workspace mounts. */
  fileRoots: string[];
  /** The host directory mounted at the container's workdir. */
  workspaceDir: string;
  docker?: DockerOptions;
}

function handleOf(
  plan: SandboxBrowserPlan,
  id: string,
  state: { created: boolean; started: boolean },
  options: EnsureSandboxBrowserOptions,
): SandboxBrowserHandle {
  return {
    containerName: plan.containerName,
    containerId: id,
    ...state,
    configHash: plan.configHash,
    scopeKey: plan.scopeKey,
    image: plan.image,
    cdpPort: plan.browser.cdpPort,
    startTimeoutMs: plan.browser.autoStartTimeoutMs,
    fileRoots: plan.fileRoots,
    workspaceDir: plan.sandbox.workspaceDir,
    docker: options.docker,
  };
}

async function record(
  plan: SandboxBrowserPlan,
  id: string,
  createdAtMs: number,
  options: EnsureSandboxBrowserOptions,
): Promise<void> {
  await upsertSandboxBrowserEntry(options.stateDir, {
    containerName: plan.containerName,
    containerId: id,
    sessionKey: plan.scopeKey,
    agentId: plan.sandbox.scope === "shared" ? undefined : plan.sandbox.agentId,
    scope: plan.sandbox.scope,
    image: plan.image,
    configHash: plan.configHash,
    cdpPort: plan.browser.cdpPort,
    createdAtMs,
    lastUsedAtMs: options.now?.() ?? Date.now(),
  });
}

function notRunning(plan: SandboxBrowserPlan, what: string): OpenClawError {
  return new OpenClawError(
    "SANDBOX_BROWSER_NOT_RUNNING",
    `Cannot use the sandbox browser "${plan.containerName}": ${what}, and ` +
      `${plan.browser.autoStartKey} is false`,
    {
      hint: `Start it (docker start ${plan.containerName}) or set ${plan.browser.autoStartKey} ` +
        "to true",
    },
  );
}

function assertImage(plan: SandboxBrowserPlan, options: EnsureSandboxBrowserOptions) {
  return assertImagePresent(plan.image, {
    message: `Sandbox browser image not found: ${plan.image}. Build or pull it first.`,
    hint: plan.image === DEFAULT_SANDBOX_BROWSER_IMAGE
      ? "Build it with scripts/sandbox-browser-setup.sh"
      : `docker pull ${plan.image} (or build it), or change ${plan.browser.imageKey}`,
  }, options);
}

/** Creates the default browser network when it is missing (other networks must exist). */
async function ensureNetwork(plan: SandboxBrowserPlan, options: EnsureSandboxBrowserOptions) {
  const name = plan.browser.network;
  if (name !== DEFAULT_SANDBOX_BROWSER_NETWORK) return;
  const opts = { ...options.docker, signal: options.signal };
  const found = await runDocker(["network", "inspect", "--format", "{{.Id}}", name], opts);
  if (found.code === 0) return;
  const made = await runDocker(
    ["network", "create", "--driver", "bridge", "--label", "openclaw.sandboxBrowser=1", name],
    opts,
  );
  if (made.code === 0 || /already exists/i.test(made.stderr)) return;
  throw new OpenClawError(
    "SANDBOX_CREATE_FAILED",
    `Cannot create the sandbox browser network "${name}": ${
      firstLine(made.stderr) || `exit ${made.code}`
    }`,
    {
      hint: `Create it (docker network create ${name}), or set ${plan.browser.networkKey} to ` +
        'an existing network or "none"',
    },
  );
}

async function reuse(
  plan: SandboxBrowserPlan,
  info: ContainerInfo,
  options: EnsureSandboxBrowserOptions,
): Promise<SandboxBrowserHandle | undefined> {
  if (containerConfigHash(info) !== plan.configHash) return undefined;
  let started = false;
  if (!info.running) {
    if (!plan.browser.autoStart) throw notRunning(plan, `the container is ${info.status}`);
    if (!await startStopped(plan.containerName, plan.sandbox.mounts, options)) return undefined;
    started = true;
  }
  await record(plan, info.id, containerCreatedAtMs(info), options);
  return handleOf(plan, info.id, { created: false, started }, options);
}

async function create(
  plan: SandboxBrowserPlan,
  options: EnsureSandboxBrowserOptions,
): Promise<SandboxBrowserHandle> {
  await assertImage(plan, options);
  await ensureNetwork(plan, options);
  await makeMountDirs(plan.sandbox.mounts);
  const now = options.now?.() ?? Date.now();
  return await createContainer({
    name: plan.containerName,
    createArgs: buildBrowserCreateArgs(plan, now),
    what: "sandbox browser",
    hint: "Check agents.defaults.sandbox.browser and agents.defaults.sandbox.docker, " +
      "and `docker info`",
    reuse: (info) => reuse(plan, info, options),
    created: async (id) => {
      await record(plan, id, now, options);
      return handleOf(plan, id, { created: true, started: true }, options);
    },
  }, options);
}

/**
 * Returns the running browser container of a session, creating or recreating it as needed.
 *
 * @param options The config, the session and the docker client settings.
 * @returns The container; `started` tells whether Chromium is only now starting.
 * @throws {OpenClawError} the validation errors of `planSandboxBrowser` (before docker runs),
 *   `SANDBOX_BROWSER_NOT_RUNNING` (autoStart off), `SANDBOX_DOCKER_UNAVAILABLE`,
 *   `SANDBOX_IMAGE_MISSING`, `SANDBOX_CREATE_FAILED`, `SANDBOX_DOCKER_FAILED`.
 */
export function ensureSandboxBrowser(
  options: EnsureSandboxBrowserOptions,
): Promise<SandboxBrowserHandle> {
  const plan = planSandboxBrowser(options.config, options);
  return ensureContainer(plan.containerName, {
    reuse: (info) => reuse(plan, info, options),
    beforeCreate: (existing) => {
      if (!plan.browser.autoStart) {
        throw notRunning(plan, existing ? "its config changed" : "there is no container");
      }
    },
    create: () => create(plan, options),
  }, { ...options.docker, signal: options.signal });
}

/**
 * Stops a session's browser container (it starts again on next use when `autoStart` is on).
 *
 * @returns Whether a running container was stopped.
 */
export async function stopSandboxBrowser(
  containerName: string,
  options: { docker?: DockerOptions; signal?: AbortSignal } = {},
): Promise<boolean> {
  const opts = { ...options.docker, signal: options.signal };
  const info = await inspectContainer(containerName, opts);
  if (!info?.running) return false;
  await docker(["stop", "--time", "5", containerName], opts);
  return true;
}
