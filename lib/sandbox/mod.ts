/**
 * The Docker sandbox (§8): where a sandboxed session's tools run.
 *
 * How the pieces fit:
 *
 * - The agent runtime asks {@linkcode resolveSessionSandbox} whether a session is sandboxed
 *   (`agents.defaults.sandbox.mode` / `agents.list[].sandbox.mode`); when it is, it calls
 *   {@linkcode ensureSandbox} once per turn (cheap when the container already fits: one
 *   `docker inspect`) and sets `ToolContext.sandboxed`.
 * - The agent runtime puts {@linkcode sandboxRunner}`(handle)` in `ToolContext.execRunner`; the
 *   exec tool spawns through it (`docker exec`) instead of on the host.
 *   {@linkcode execInSandbox} is the one-shot form (await the result).
 * - File tools of a sandboxed session work in `handle.workspaceDir` (mounted at the workdir).
 * - `openclaw sandbox list|recreate` use {@linkcode listSandboxes} and
 *   {@linkcode recreateSandboxes}; `doctor` uses {@linkcode dockerStatus}.
 *
 * Everything shells out to the `docker` CLI (no shell, deadlines, bounded output). Security
 * validation (binds, network, seccomp, AppArmor) runs before docker is called.
 *
 * @module
 */
export {
  DEFAULT_SANDBOX_ENV,
  type EffectiveSandboxConfig,
  isMainSessionKey,
  isSessionSandboxed,
  resolveAgentWorkspace,
  resolveSandboxConfig,
  resolveSessionSandbox,
  type SandboxBindSpec,
  type SandboxConfigSource,
  type SandboxMode,
  type SandboxScope,
  type SessionSandboxDecision,
  type WorkspaceAccess,
} from "./config.ts";
export {
  assertDockerAvailable,
  docker,
  DOCKER_UNAVAILABLE_HINT,
  type DockerOptions,
  type DockerResult,
  type DockerRunOptions,
  type DockerStatus,
  dockerStatus,
  runDocker,
} from "./docker_cli.ts";
export {
  type ContainerInfo,
  ensureSandbox,
  ensureSandboxFromPlan,
  type EnsureSandboxOptions,
  inspectContainer,
  type SandboxHandle,
} from "./ensure.ts";
export {
  containerCwd,
  execInSandbox,
  type SandboxExecOptions,
  type SandboxExecResult,
  type SandboxExitStatus,
  type SandboxProcess,
  sandboxRunner,
  type SandboxSpawnOptions,
  spawnInSandbox,
  toContainerPath,
} from "./exec.ts";
export {
  listSandboxes,
  type ManageSandboxOptions,
  pruneSandboxes,
  recreateSandboxes,
  type RecreateSelector,
  type SandboxListEntry,
} from "./manage.ts";
export {
  buildCreateArgs,
  LABELS,
  planSandbox,
  type PlanSandboxOptions,
  sandboxConfigHash,
  sandboxContainerName,
  type SandboxPlan,
  sandboxScopeKey,
} from "./plan.ts";
export { readSandboxRegistry, type SandboxRegistryEntry, sandboxRegistryPath } from "./registry.ts";
export { dangerousBindReason, parseBind, type ParsedBind, validateBinds } from "./security.ts";
