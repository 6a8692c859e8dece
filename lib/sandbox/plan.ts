/**
 * Planning a sandbox container, without touching docker: which container a session uses
 * (scope -> name), which host directories it mounts, the labels, the config hash that decides
 * whether an existing container still fits, and the exact `docker create` arguments.
 *
 * @module
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { joinPath } from "../paths.ts";
import {
  type EffectiveSandboxConfig,
  resolveAgentWorkspace,
  resolveSandboxConfig,
  type SandboxConfigSource,
  type SandboxScope,
} from "./config.ts";
import { type ParsedBind, validateSandboxSecurity } from "./security.ts";

/** Label keys openclaw puts on its containers. */
export const LABELS = {
  sandbox: "openclaw.sandbox",
  agent: "openclaw.agent",
  session: "openclaw.session",
  scope: "openclaw.scope",
  configHash: "openclaw.config-hash",
  created: "openclaw.created",
  /** The state directory that owns the container (profiles and test homes stay apart). */
  stateDir: "openclaw.stateDir",
  /** Stock's names for the scope key, creation time and hash, so stock's CLI sees ours. */
  stockSessionKey: "openclaw.sessionKey",
  stockCreatedAtMs: "openclaw.createdAtMs",
  stockConfigHash: "openclaw.configHash",
} as const;

/** Where the agent workspace is mounted read-only when `workspaceAccess` is `ro`. */
export const AGENT_MOUNT = "/agent";

/** The long-running process that keeps a sandbox alive (works with GNU and busybox sleep). */
export const KEEPALIVE_COMMAND: readonly string[] = ["sleep", "2147483647"];

/** A mount of a host directory openclaw manages (workspace). */
export interface WorkspaceMount {
  host: string;
  container: string;
  readOnly: boolean;
}

/** Everything needed to create or reuse one sandbox container. */
export interface SandboxPlan {
  config: EffectiveSandboxConfig;
  containerName: string;
  scope: SandboxScope;
  /** `shared`, `agent:<id>` or the session key. */
  scopeKey: string;
  agentId: string;
  sessionKey: string;
  image: string;
  configHash: string;
  /** The host directory mounted at the container's workdir. */
  workspaceDir: string;
  workdir: string;
  mounts: WorkspaceMount[];
  binds: ParsedBind[];
  setupCommand?: string;
  /** Labels without the creation time (added by {@linkcode buildCreateArgs}). */
  labels: Record<string, string>;
}

/** Inputs of {@linkcode planSandbox}. */
export interface PlanSandboxOptions {
  agentId: string;
  sessionKey: string;
  stateDir: string;
  /** The agent's host workspace. @default as stock resolves it from the config */
  workspace?: string;
}

/** Returns the scope key: `shared`, `agent:<agentId>`, or the session key. */
export function sandboxScopeKey(scope: SandboxScope, agentId: string, sessionKey: string): string {
  if (scope === "shared") return "shared";
  if (scope === "agent") return `agent:${agentId.trim().toLowerCase()}`;
  return sessionKey.trim();
}

/** Returns a docker-safe slug of a scope key: readable part plus a short hash against clashes. */
export function slugifyScopeKey(scopeKey: string): string {
  if (scopeKey === "shared") return "shared";
  const readable = scopeKey.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[-_.]+/, "")
    .replace(/-+$/, "").slice(0, 32).replace(/-+$/, "");
  const hash = sha256Hex(scopeKey).slice(0, 8);
  return readable ? `${readable}-${hash}` : hash;
}

/**
 * Returns `<containerPrefix><slug>`, at most 63 characters.
 *
 * @throws {OpenClawError} `SANDBOX_CONFIG_INVALID` when the prefix has characters docker
 *   refuses in a container name.
 */
export function sandboxContainerName(prefix: string, scopeKey: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(prefix)) {
    throw new OpenClawError(
      "SANDBOX_CONFIG_INVALID",
      `Invalid agents.defaults.sandbox.docker.containerPrefix "${prefix}": use letters, digits, ` +
        '"_", "." and "-", starting with a letter or digit',
      { hint: 'e.g. "openclaw-sbx-"', exitCode: ExitCode.config },
    );
  }
  return `${prefix}${slugifyScopeKey(scopeKey)}`.slice(0, 63);
}

/** JSON with sorted object keys, so equal configs hash equally whatever the key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Returns the SHA-256 of everything that shapes the container (docker settings, workspace
 * access and mounts). Prune settings and `mode` are left out: they do not change a container.
 */
export function sandboxConfigHash(
  config: EffectiveSandboxConfig,
  mounts: readonly WorkspaceMount[],
): string {
  const { containerPrefix: _prefix, binds, ...docker } = config.docker;
  return sha256Hex(stableStringify({
    docker: { ...docker, binds: binds.map((b) => b.spec) },
    workspaceAccess: config.workspaceAccess,
    mounts,
  }));
}

/**
 * Plans the sandbox of one session: effective config, container identity, mounts, hash.
 * Security validation runs here, so a dangerous config fails before docker is called.
 *
 * @throws {OpenClawError} `SANDBOX_BIND_DANGEROUS`, `SANDBOX_BIND_INVALID`,
 *   `SANDBOX_CONFIG_DANGEROUS`, `SANDBOX_CONFIG_INVALID`, `SANDBOX_BACKEND_UNSUPPORTED`.
 */
export function planSandbox(source: SandboxConfigSource, options: PlanSandboxOptions): SandboxPlan {
  const config = resolveSandboxConfig(source, options.agentId, options.stateDir);
  if (config.backend !== "docker") {
    throw new OpenClawError(
      "SANDBOX_BACKEND_UNSUPPORTED",
      `Cannot use sandbox backend "${config.backend}": only "docker" is supported`,
      { hint: 'Set agents.defaults.sandbox.backend to "docker"', exitCode: ExitCode.config },
    );
  }
  const scopeKey = sandboxScopeKey(config.scope, options.agentId, options.sessionKey);
  const containerName = sandboxContainerName(config.docker.containerPrefix, scopeKey);
  const workdir = config.docker.workdir;
  const agentWorkspace = options.workspace ??
    resolveAgentWorkspace(source, options.agentId, options.stateDir);
  const privateDir = joinPath(config.workspaceRoot, slugifyScopeKey(scopeKey));
  const mounts: WorkspaceMount[] = [];
  let workspaceDir: string;
  if (config.workspaceAccess === "rw") {
    workspaceDir = agentWorkspace;
    mounts.push({ host: agentWorkspace, container: workdir, readOnly: false });
  } else {
    workspaceDir = privateDir;
    mounts.push({ host: privateDir, container: workdir, readOnly: false });
    if (config.workspaceAccess === "ro") {
      mounts.push({ host: agentWorkspace, container: AGENT_MOUNT, readOnly: true });
    }
  }
  const binds = validateSandboxSecurity(config, mounts.map((m) => m.container));
  const configHash = sandboxConfigHash(config, mounts);
  const labels: Record<string, string> = {
    [LABELS.sandbox]: "1",
    [LABELS.scope]: config.scope,
    [LABELS.configHash]: configHash,
    [LABELS.stockSessionKey]: scopeKey,
    [LABELS.stockConfigHash]: configHash,
    [LABELS.stateDir]: options.stateDir,
  };
  if (config.scope !== "shared") labels[LABELS.agent] = options.agentId;
  if (config.scope === "session") labels[LABELS.session] = options.sessionKey;
  return {
    config,
    containerName,
    scope: config.scope,
    scopeKey,
    agentId: options.agentId,
    sessionKey: options.sessionKey,
    image: config.docker.image,
    configHash,
    workspaceDir,
    workdir,
    mounts,
    binds,
    setupCommand: config.docker.setupCommand?.trim() || undefined,
    labels,
  };
}

function ulimitArg(name: string, value: unknown): string {
  if (typeof value === "object" && value !== null) {
    const { soft, hard } = value as { soft?: number; hard?: number };
    const s = soft ?? hard;
    const h = hard ?? soft;
    return `${name}=${s}:${h}`;
  }
  return `${name}=${value}`;
}

/** Returns the `docker create` arguments of a plan (pure; `createdAtMs` becomes labels). */
export function buildCreateArgs(plan: SandboxPlan, createdAtMs: number): string[] {
  const d = plan.config.docker;
  const args = ["create", "--name", plan.containerName];
  const labels = {
    ...plan.labels,
    [LABELS.created]: new Date(createdAtMs).toISOString(),
    [LABELS.stockCreatedAtMs]: String(createdAtMs),
  };
  for (const [k, v] of Object.entries(labels)) args.push("--label", `${k}=${v}`);
  if (d.readOnlyRoot) args.push("--read-only");
  for (const t of d.tmpfs) args.push("--tmpfs", t);
  args.push("--network", d.network);
  if (d.user) args.push("--user", d.user);
  for (const [k, v] of Object.entries(d.env)) args.push("--env", `${k}=${v}`);
  for (const cap of d.capDrop) args.push("--cap-drop", cap);
  args.push("--security-opt", "no-new-privileges");
  if (d.seccompProfile) args.push("--security-opt", `seccomp=${d.seccompProfile}`);
  if (d.apparmorProfile) args.push("--security-opt", `apparmor=${d.apparmorProfile}`);
  for (const dns of d.dns) args.push("--dns", dns);
  for (const host of d.extraHosts) args.push("--add-host", host);
  if (d.pidsLimit !== undefined) args.push("--pids-limit", String(d.pidsLimit));
  if (d.memory !== undefined) args.push("--memory", String(d.memory));
  if (d.memorySwap !== undefined) args.push("--memory-swap", String(d.memorySwap));
  if (d.cpus !== undefined) args.push("--cpus", String(d.cpus));
  if (d.gpus !== undefined) args.push("--gpus", d.gpus);
  for (const [name, value] of Object.entries(d.ulimits ?? {})) {
    args.push("--ulimit", ulimitArg(name, value));
  }
  args.push("--workdir", plan.workdir);
  for (const m of plan.mounts) {
    args.push("-v", `${m.host}:${m.container}${m.readOnly ? ":ro" : ""}`);
  }
  // The resolved source is what was validated; a symlink swapped in later cannot redirect it.
  for (const b of plan.binds) {
    args.push(
      "-v",
      `${b.resolvedSource}:${b.target}${b.options.length ? ":" : ""}${b.options.join(",")}`,
    );
  }
  args.push(plan.image, ...KEEPALIVE_COMMAND);
  return args;
}
