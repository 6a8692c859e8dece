/**
 * Managing existing sandboxes: list them (by label, so containers made by another openclaw
 * process or by stock count too), remove them so they are recreated on next use, and prune
 * idle or old ones per `agents.defaults.sandbox.prune`.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";
import { resolveSandboxConfig, type SandboxConfigSource } from "./config.ts";
import { docker, type DockerOptions } from "./docker_cli.ts";
import {
  containerConfigHash,
  containerCreatedAtMs,
  type ContainerInfo,
  parseInspect,
} from "./ensure.ts";
import { LABELS, planSandbox } from "./plan.ts";
import { readSandboxRegistry, removeSandboxEntries } from "./registry.ts";

/** One sandbox container as `sandbox list` shows it. */
export interface SandboxListEntry {
  containerName: string;
  containerId: string;
  image: string;
  /** docker's state: `running`, `exited`, `created`, ... */
  status: string;
  running: boolean;
  scope?: string;
  /** `shared`, `agent:<id>` or the session key. */
  scopeKey?: string;
  agentId?: string;
  sessionKey?: string;
  configHash?: string;
  /** Whether the container fits the current config; undefined when no config was given. */
  configMatch?: boolean;
  createdAtMs: number;
  ageMs: number;
  lastUsedAtMs?: number;
  idleMs?: number;
}

/** Options shared by the functions of this module. */
export interface ManageSandboxOptions {
  /** Only containers of this state directory are listed, removed or pruned. */
  stateDir: string;
  docker?: DockerOptions;
  signal?: AbortSignal;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Lists the containers labelled `<label>=1` that belong to `stateDir` (label
 * `openclaw.stateDir`), or to any state directory when `stateDir` is undefined.
 */
export async function listLabelledContainers(
  label: string,
  options: Omit<ManageSandboxOptions, "now" | "stateDir"> & { stateDir?: string },
): Promise<ContainerInfo[]> {
  const opts = { ...options.docker, signal: options.signal };
  const filters = ["--filter", `label=${label}=1`];
  if (options.stateDir !== undefined) {
    filters.push("--filter", `label=${LABELS.stateDir}=${options.stateDir}`);
  }
  // `docker ps` cannot show labels unambiguously (values may hold commas), so inspect the ids.
  const ps = await docker(["ps", "-a", ...filters, "--format", "{{.ID}}"], opts);
  const ids = ps.split("\n").map((l) => l.trim()).filter(Boolean);
  if (!ids.length) return [];
  return parseInspect(await docker(["container", "inspect", ...ids], opts));
}

/**
 * Lists the containers labelled `openclaw.sandbox=1` that belong to `stateDir` (label
 * `openclaw.stateDir`), or to any state directory when `stateDir` is undefined.
 */
export function listSandboxContainers(
  options: Omit<ManageSandboxOptions, "now" | "stateDir"> & { stateDir?: string } = {},
): Promise<ContainerInfo[]> {
  return listLabelledContainers(LABELS.sandbox, options);
}

/** What sets one kind of managed container (exec sandbox, sandbox browser) apart. */
export interface ManagedKind {
  /** The label whose value `1` marks the containers of this kind. */
  label: string;
  /** Reads the kind's registry file (for last-used times). */
  readRegistry(
    stateDir: string,
  ): Promise<ReadonlyArray<{ containerName: string; lastUsedAtMs?: number }>>;
  /** Drops removed containers from the kind's registry file. */
  removeEntries(stateDir: string, names: readonly string[]): Promise<void>;
  /** Plans a session's container, to tell whether a container still fits the config. */
  plan(
    config: SandboxConfigSource,
    session: { agentId: string; sessionKey: string; stateDir: string },
  ): { containerName: string; configHash: string };
  /** The hint of `SANDBOX_RECREATE_INVALID`. */
  recreateHint: string;
}

function agentOf(info: ContainerInfo): string | undefined {
  if (info.labels[LABELS.agent]) return info.labels[LABELS.agent];
  const m = /^agent:([^:]+)/.exec(info.labels[LABELS.stockSessionKey] ?? "");
  return m?.[1];
}

function expectedHash(
  kind: ManagedKind,
  config: SandboxConfigSource,
  stateDir: string,
  info: ContainerInfo,
): string | undefined {
  const scopeKey = info.labels[LABELS.stockSessionKey];
  const agentId = agentOf(info) ?? "main";
  const sessionKey = info.labels[LABELS.session] ?? scopeKey ?? "";
  try {
    const plan = kind.plan(config, { agentId, sessionKey, stateDir });
    return plan.containerName === info.name ? plan.configHash : undefined;
  } catch {
    return undefined; // a config that fails validation matches no container
  }
}

/**
 * Returns the containers of one kind with status, age, idle time and (given `config`) whether
 * each still matches the config.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE`, `SANDBOX_DOCKER_FAILED`.
 */
export async function listManagedContainers(
  kind: ManagedKind,
  options: ManageSandboxOptions & { config?: SandboxConfigSource },
): Promise<SandboxListEntry[]> {
  const containers = await listLabelledContainers(kind.label, options);
  const registry = await kind.readRegistry(options.stateDir);
  const now = options.now?.() ?? Date.now();
  return containers.map((info) => {
    const entry = registry.find((e) => e.containerName === info.name);
    const createdAtMs = containerCreatedAtMs(info);
    const hash = containerConfigHash(info);
    const lastUsedAtMs = entry?.lastUsedAtMs;
    return {
      containerName: info.name,
      containerId: info.id,
      image: info.image,
      status: info.status,
      running: info.running,
      scope: info.labels[LABELS.scope],
      scopeKey: info.labels[LABELS.stockSessionKey],
      agentId: agentOf(info),
      sessionKey: info.labels[LABELS.session],
      configHash: hash,
      configMatch: options.config
        ? hash !== undefined && hash === expectedHash(kind, options.config, options.stateDir, info)
        : undefined,
      createdAtMs,
      ageMs: Math.max(0, now - createdAtMs),
      lastUsedAtMs,
      idleMs: lastUsedAtMs !== undefined ? Math.max(0, now - lastUsedAtMs) : undefined,
    };
  });
}

const EXEC_KIND: ManagedKind = {
  label: LABELS.sandbox,
  readRegistry: readSandboxRegistry,
  removeEntries: removeSandboxEntries,
  plan: planSandbox,
  recreateHint: "e.g. openclaw sandbox recreate --all",
};

/**
 * Returns the sandboxes with status, age, idle time and (given `config`) whether each still
 * matches the config.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE`, `SANDBOX_DOCKER_FAILED`.
 */
export function listSandboxes(
  options: ManageSandboxOptions & { config?: SandboxConfigSource },
): Promise<SandboxListEntry[]> {
  return listManagedContainers(EXEC_KIND, options);
}

/** Which sandboxes {@linkcode recreateSandboxes} removes: exactly one of the three. */
export interface RecreateSelector {
  all?: boolean;
  /** A session key: its `session`-scope container. */
  session?: string;
  /** An agent id: its `agent`-scope container and its sessions' containers. */
  agent?: string;
}

/** Returns true when a container belongs to the selection. */
export function matchesSelector(info: Pick<ContainerInfo, "labels">, sel: RecreateSelector) {
  if (sel.all) return true;
  const scopeKey = info.labels[LABELS.stockSessionKey] ?? "";
  if (sel.session !== undefined) {
    return info.labels[LABELS.session] === sel.session || scopeKey === sel.session;
  }
  if (sel.agent !== undefined) {
    const id = sel.agent.trim().toLowerCase();
    return info.labels[LABELS.agent]?.toLowerCase() === id || scopeKey === `agent:${id}` ||
      scopeKey.startsWith(`agent:${id}:`);
  }
  return false;
}

/**
 * Removes the selected containers of one kind (`docker rm -f`); they are recreated on next use.
 *
 * @throws {OpenClawError} `SANDBOX_RECREATE_INVALID` unless exactly one selector is given, plus
 *   the docker errors.
 */
export async function recreateManagedContainers(
  kind: ManagedKind,
  selector: RecreateSelector,
  options: ManageSandboxOptions,
): Promise<{ removed: string[] }> {
  const given =
    [selector.all === true, selector.session !== undefined, selector.agent !== undefined]
      .filter(Boolean).length;
  if (given !== 1) {
    throw new OpenClawError(
      "SANDBOX_RECREATE_INVALID",
      "Cannot choose sandboxes to recreate: pass exactly one of --all, --session or --agent",
      { exitCode: ExitCode.usage, hint: kind.recreateHint },
    );
  }
  const targets = (await listLabelledContainers(kind.label, options)).filter((c) =>
    matchesSelector(c, selector)
  );
  return { removed: await removeContainers(kind, targets.map((t) => t.name), options) };
}

/**
 * Removes the selected sandboxes (`docker rm -f`); they are recreated on next use.
 *
 * @throws {OpenClawError} `SANDBOX_RECREATE_INVALID` unless exactly one selector is given, plus
 *   the docker errors.
 */
export function recreateSandboxes(
  selector: RecreateSelector,
  options: ManageSandboxOptions,
): Promise<{ removed: string[] }> {
  return recreateManagedContainers(EXEC_KIND, selector, options);
}

async function removeContainers(
  kind: ManagedKind,
  names: string[],
  options: ManageSandboxOptions,
): Promise<string[]> {
  if (!names.length) return [];
  await docker(["rm", "-f", ...names], { ...options.docker, signal: options.signal });
  await kind.removeEntries(options.stateDir, names);
  return names;
}

/**
 * Removes sandboxes idle longer than `prune.idleHours` or older than `prune.maxAgeDays`
 * (0 turns either rule off), using each container's agent's settings.
 */
export async function pruneSandboxes(
  options: ManageSandboxOptions & { config: SandboxConfigSource },
): Promise<{ removed: string[] }> {
  const list = await listSandboxes(options);
  const now = options.now?.() ?? Date.now();
  const stale = list.filter((s) => {
    const { prune } = resolveSandboxConfig(options.config, s.agentId ?? "main", options.stateDir);
    const lastUsed = s.lastUsedAtMs ?? s.createdAtMs;
    const idle = prune.idleHours > 0 && now - lastUsed > prune.idleHours * 3_600_000;
    const old = prune.maxAgeDays > 0 && now - s.createdAtMs > prune.maxAgeDays * 86_400_000;
    return idle || old;
  });
  return { removed: await removeContainers(EXEC_KIND, stale.map((s) => s.containerName), options) };
}
