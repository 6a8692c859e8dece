/**
 * The effective sandbox settings of one agent: `agents.defaults.sandbox` (with the schema's
 * defaults) merged with `agents.list[].sandbox`, plus which sessions are sandboxed (`mode`) and
 * which container a session lands in (`scope`).
 *
 * Merge rules follow stock (§8.1): per-agent scalars win, `docker.env` is merged (agent over
 * global), `docker.binds` are concatenated, and in `shared` scope the per-agent docker and prune
 * settings are ignored because one container serves every agent.
 *
 * @module
 */
import type { z } from "zod";
import { SandboxDefaultsSchema, SandboxSchema } from "../config/schema/agents.ts";
import { expandHome, joinPath } from "../paths.ts";
import { findAgentEntry, legacyScope } from "./summary.ts";

type SandboxInput = z.input<typeof SandboxSchema>;
type SandboxDefaults = z.output<typeof SandboxDefaultsSchema>;
type DockerInput = NonNullable<SandboxInput["docker"]>;

/** Which sessions run their tools in a container. */
export type SandboxMode = "off" | "non-main" | "all";
/** What one container is shared by. */
export type SandboxScope = "agent" | "session" | "shared";
/** How the agent workspace is mounted. */
export type WorkspaceAccess = "none" | "ro" | "rw";

/** The parts of `openclaw.json` the sandbox reads; a validated `OpenClawConfig` fits. */
export interface SandboxConfigSource {
  agents?: {
    defaults?: { sandbox?: SandboxInput; workspace?: string };
    list?: readonly { id: string; default?: boolean; sandbox?: SandboxInput; workspace?: string }[];
  };
  session?: { mainKey?: string };
}

/** A bind mount and the config key it came from (for error messages). */
export interface SandboxBindSpec {
  spec: string;
  /** e.g. `agents.defaults.sandbox.docker.binds[0]`. */
  configKey: string;
}

/** Docker settings after defaults and merging. */
export interface SandboxDockerSettings
  extends Omit<DockerInput, "binds" | "env" | "tmpfs" | "capDrop" | "dns" | "extraHosts"> {
  image: string;
  containerPrefix: string;
  workdir: string;
  readOnlyRoot: boolean;
  tmpfs: string[];
  network: string;
  capDrop: string[];
  env: Record<string, string>;
  dns: string[];
  extraHosts: string[];
  binds: SandboxBindSpec[];
}

/** The sandbox settings that apply to one agent. */
export interface EffectiveSandboxConfig {
  agentId: string;
  mode: SandboxMode;
  /** The config key that decides `mode` (to name in hints). */
  modeKey: string;
  backend: string;
  scope: SandboxScope;
  workspaceAccess: WorkspaceAccess;
  /** Host directory holding per-scope sandbox workspaces. */
  workspaceRoot: string;
  docker: SandboxDockerSettings;
  /** Where each security-relevant docker field was set (to name in errors). */
  dockerKeys: Record<KeyedDockerField, string>;
  prune: { idleHours: number; maxAgeDays: number };
}

/** Docker fields whose config key errors name. */
export type KeyedDockerField = "network" | "seccompProfile" | "apparmorProfile" | "image";

/** Environment every sandbox gets unless configured otherwise (§8.1). */
export const DEFAULT_SANDBOX_ENV: Readonly<Record<string, string>> = { LANG: "C.UTF-8" };

/** The main session suffix unless `session.mainKey` says otherwise. */
const DEFAULT_MAIN_KEY = "main";

function normalizeId(id: string): string {
  return id.trim().toLowerCase();
}

function findAgent(source: SandboxConfigSource, agentId: string) {
  return findAgentEntry(source, agentId);
}

/**
 * Effective configs already resolved, by config object, then agent and state directory. A config
 * is never changed in place (a reload brings a new object), so the result stays right for as long
 * as the object lives; the agent runtime asks for it for every tool of every turn, and resolving
 * it parses the sandbox schema.
 */
const resolved = new WeakMap<SandboxConfigSource, Map<string, EffectiveSandboxConfig>>();

/** Most agents remembered per config object (a config lists a handful). */
const MAX_RESOLVED_PER_CONFIG = 64;

/**
 * Returns the effective sandbox config of `agentId`. The result is shared by every caller with the
 * same config object, agent and state directory, and frozen.
 */
export function resolveSandboxConfig(
  source: SandboxConfigSource,
  agentId: string,
  stateDir: string,
): EffectiveSandboxConfig {
  let byAgent = resolved.get(source);
  if (!byAgent) resolved.set(source, byAgent = new Map());
  const key = `${agentId}\u0000${stateDir}`;
  let config = byAgent.get(key);
  if (!config) {
    config = freezeOwn(computeSandboxConfig(source, agentId, stateDir));
    if (byAgent.size >= MAX_RESOLVED_PER_CONFIG) byAgent.clear();
    byAgent.set(key, config);
  }
  return config;
}

/** Freezes the objects the resolver builds (not values taken over from the config). */
function freezeOwn(config: EffectiveSandboxConfig): EffectiveSandboxConfig {
  Object.freeze(config.docker.binds);
  Object.freeze(config.docker.env);
  Object.freeze(config.docker);
  Object.freeze(config.dockerKeys);
  Object.freeze(config.prune);
  return Object.freeze(config);
}

function computeSandboxConfig(
  source: SandboxConfigSource,
  agentId: string,
  stateDir: string,
): EffectiveSandboxConfig {
  const rawDefaults = source.agents?.defaults?.sandbox;
  const defaults: SandboxDefaults = SandboxDefaultsSchema.parse(rawDefaults ?? {});
  const { index, entry } = findAgent(source, agentId);
  const agent = entry?.sandbox ? SandboxSchema.parse(entry.sandbox) : undefined;
  const agentKey = index >= 0 ? `agents.list[${index}].sandbox` : undefined;

  const scope: SandboxScope = agent?.scope ?? legacyScope(entry?.sandbox) ??
    legacyScope(rawDefaults) ?? defaults.scope;
  const useAgent = scope !== "shared";
  const d = defaults.docker;
  const a: DockerInput = (useAgent ? agent?.docker : undefined) ?? {};

  const binds: SandboxBindSpec[] = (d.binds ?? []).map((spec, i) => ({
    spec,
    configKey: `agents.defaults.sandbox.docker.binds[${i}]`,
  }));
  if (useAgent && agentKey) {
    (a.binds ?? []).forEach((spec, i) => {
      binds.push({ spec, configKey: `${agentKey}.docker.binds[${i}]` });
    });
  }

  const docker: SandboxDockerSettings = {
    ...stripUndefined(d),
    ...stripUndefined(a),
    image: a.image ?? d.image,
    containerPrefix: a.containerPrefix ?? d.containerPrefix,
    workdir: a.workdir ?? d.workdir,
    readOnlyRoot: a.readOnlyRoot ?? d.readOnlyRoot,
    tmpfs: a.tmpfs ?? d.tmpfs,
    network: a.network ?? d.network,
    capDrop: a.capDrop ?? d.capDrop,
    env: { ...DEFAULT_SANDBOX_ENV, ...d.env, ...a.env },
    dns: a.dns ?? d.dns ?? [],
    extraHosts: a.extraHosts ?? d.extraHosts ?? [],
    binds,
  };

  const prune = {
    idleHours: (useAgent ? agent?.prune?.idleHours : undefined) ?? defaults.prune.idleHours,
    maxAgeDays: (useAgent ? agent?.prune?.maxAgeDays : undefined) ?? defaults.prune.maxAgeDays,
  };
  const keyOf = (field: KeyedDockerField) =>
    a[field] !== undefined && agentKey
      ? `${agentKey}.docker.${field}`
      : `agents.defaults.sandbox.docker.${field}`;
  const mode = agent?.mode ?? defaults.mode;
  return {
    agentId,
    mode,
    modeKey: agent?.mode !== undefined && agentKey
      ? `${agentKey}.mode`
      : "agents.defaults.sandbox.mode",
    backend: agent?.backend ?? defaults.backend ?? "docker",
    scope,
    workspaceAccess: agent?.workspaceAccess ?? defaults.workspaceAccess,
    workspaceRoot: homeExpanded(
      agent?.workspaceRoot ?? defaults.workspaceRoot ?? joinPath(stateDir, "sandboxes"),
    ),
    docker,
    dockerKeys: {
      network: keyOf("network"),
      seccompProfile: keyOf("seccompProfile"),
      apparmorProfile: keyOf("apparmorProfile"),
      image: keyOf("image"),
    },
    prune,
  };
}

/** `expandHome`, without copying the environment for a path that has no `~`. */
function homeExpanded(path: string): string {
  return path.startsWith("~") ? expandHome(path) : path;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<
    T
  >;
}

/** Returns true when `sessionKey` is the agent's main session (`agent:<id>:<mainKey>`). */
export function isMainSessionKey(sessionKey: string, agentId: string, mainKey?: string): boolean {
  const main = (mainKey ?? "").trim().toLowerCase() || DEFAULT_MAIN_KEY;
  const key = sessionKey.trim().toLowerCase();
  return key === main || key === `agent:${normalizeId(agentId)}:${main}`;
}

/** Returns true when the session's tools run in a sandbox under `mode`. */
export function isSessionSandboxed(
  config: Pick<EffectiveSandboxConfig, "mode" | "agentId">,
  sessionKey: string,
  mainKey?: string,
): boolean {
  if (config.mode === "off") return false;
  if (config.mode === "all") return true;
  return !isMainSessionKey(sessionKey, config.agentId, mainKey);
}

/**
 * Returns the agent's host workspace as stock resolves it: `agents.list[].workspace`, else
 * `agents.defaults.workspace` for the default agent, else `<stateDir>/workspace` (default
 * agent) or `<stateDir>/workspace-<id>` (others).
 */
export function resolveAgentWorkspace(
  source: SandboxConfigSource,
  agentId: string,
  stateDir: string,
): string {
  const { entry } = findAgent(source, agentId);
  if (entry?.workspace) return homeExpanded(entry.workspace);
  const list = source.agents?.list ?? [];
  const defaultId = (list.find((a) => a.default) ?? list[0])?.id ?? "main";
  if (normalizeId(defaultId) === normalizeId(agentId)) {
    const configured = source.agents?.defaults?.workspace;
    return configured ? homeExpanded(configured) : joinPath(stateDir, "workspace");
  }
  return joinPath(stateDir, `workspace-${normalizeId(agentId)}`);
}

/** Whether a session is sandboxed, and its agent's effective sandbox config. */
export interface SessionSandboxDecision {
  sandboxed: boolean;
  config: EffectiveSandboxConfig;
}

/**
 * Decides for the agent runtime whether a session's tools run in a sandbox (`mode`, with
 * `session.mainKey` naming the main session); pass the same inputs to `ensureSandbox` when so.
 */
export function resolveSessionSandbox(
  source: SandboxConfigSource,
  options: { agentId: string; sessionKey: string; stateDir: string },
): SessionSandboxDecision {
  const config = resolveSandboxConfig(source, options.agentId, options.stateDir);
  return {
    sandboxed: isSessionSandboxed(config, options.sessionKey, source.session?.mainKey),
    config,
  };
}
