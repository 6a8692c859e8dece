/**
 * Making sure a session's sandbox container exists, fits the current config, and runs: reuse a
 * container whose config hash matches (starting it if stopped), otherwise remove it and create
 * a fresh one, running `setupCommand` exactly once, at creation.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";
import { docker, type DockerOptions, firstLine, runDocker } from "./docker_cli.ts";
import type { SandboxConfigSource, SandboxScope } from "./config.ts";
import {
  buildCreateArgs,
  LABELS,
  planSandbox,
  type PlanSandboxOptions,
  type SandboxPlan,
  type WorkspaceMount,
} from "./plan.ts";
import { readSandboxRegistry, type SandboxRegistryEntry, upsertSandboxEntry } from "./registry.ts";

/** A container as `docker inspect` describes it (the fields we use). */
export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  running: boolean;
  /** `running`, `exited`, `created`, ... */
  status: string;
  labels: Record<string, string>;
  createdAt: string;
}

/** Inputs of {@linkcode ensureSandbox}. */
export interface EnsureSandboxOptions extends PlanSandboxOptions {
  /** The config (a validated `OpenClawConfig` fits). */
  config: SandboxConfigSource;
  docker?: DockerOptions;
  signal?: AbortSignal;
  /** Clock for registry times. @default Date.now */
  now?: () => number;
  /** Deadline of `setupCommand`. @default 600000 */
  setupTimeoutMs?: number;
}

/** A running sandbox, ready for {@linkcode execInSandbox}. */
export interface SandboxHandle {
  containerName: string;
  containerId: string;
  /** True when this call created the container. */
  created: boolean;
  configHash: string;
  scope: SandboxScope;
  scopeKey: string;
  agentId: string;
  sessionKey: string;
  image: string;
  /** The container's working directory (where `workspaceDir` is mounted). */
  workdir: string;
  /** Host directory mounted at `workdir`; file tools of a sandboxed session work here. */
  workspaceDir: string;
  mounts: WorkspaceMount[];
  /** The docker client settings the container was made with. */
  docker?: DockerOptions;
}

/**
 * Returns the container named `name`, or undefined when there is none.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE`, `SANDBOX_DOCKER_FAILED`.
 */
export async function inspectContainer(
  name: string,
  options: DockerOptions & { signal?: AbortSignal } = {},
): Promise<ContainerInfo | undefined> {
  const result = await runDocker(["container", "inspect", name], options);
  if (result.code !== 0) {
    if (/no such (container|object)/i.test(result.stderr)) return undefined;
    throw new OpenClawError(
      "SANDBOX_DOCKER_FAILED",
      `Cannot inspect container "${name}": ${firstLine(result.stderr) || `exit ${result.code}`}`,
      { hint: "Check the engine with `docker info`" },
    );
  }
  return parseInspect(result.stdout)[0];
}

/** Parses `docker inspect` JSON output into {@linkcode ContainerInfo} rows. */
export function parseInspect(stdout: string): ContainerInfo[] {
  // docker's inspect JSON is a large untyped document; only the fields read below are trusted.
  const rows = JSON.parse(stdout || "[]") as Array<{
    Id?: string;
    Name?: string;
    Created?: string;
    State?: { Running?: boolean; Status?: string };
    Config?: { Image?: string; Labels?: Record<string, string> | null };
  }>;
  return rows.map((r) => ({
    id: r.Id ?? "",
    name: (r.Name ?? "").replace(/^\//, ""),
    image: r.Config?.Image ?? "",
    running: r.State?.Running === true,
    status: r.State?.Status ?? "unknown",
    labels: r.Config?.Labels ?? {},
    createdAt: r.Created ?? "",
  }));
}

/** The config hash a container was created with (ours or stock's label). */
export function containerConfigHash(info: Pick<ContainerInfo, "labels">): string | undefined {
  return info.labels[LABELS.configHash] ?? info.labels[LABELS.stockConfigHash];
}

/** The creation time from the labels, else docker's `Created`. */
export function containerCreatedAtMs(info: Pick<ContainerInfo, "labels" | "createdAt">): number {
  const fromLabel = Number(info.labels[LABELS.stockCreatedAtMs]);
  if (Number.isFinite(fromLabel) && fromLabel > 0) return fromLabel;
  const parsed = Date.parse(info.labels[LABELS.created] ?? info.createdAt);
  return Number.isFinite(parsed) ? parsed : 0;
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call for the same container name in this process. */
function serialized<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(name) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(fn);
  const tail = run.catch(() => {});
  locks.set(name, tail);
  tail.then(() => {
    if (locks.get(name) === tail) locks.delete(name);
  });
  return run;
}

/** The steps {@linkcode ensureContainer} runs for one kind of container. */
export interface EnsureContainerSteps<H> {
  /** Returns the handle of a fitting existing container (started), or undefined to rebuild. */
  reuse(info: ContainerInfo): Promise<H | undefined>;
  /** Called before a container is (re)created; throws to refuse. */
  beforeCreate?(existing: ContainerInfo | undefined): void;
  /** Creates and starts the container. */
  create(): Promise<H>;
}

/**
 * Reuses the container `name` when it fits, otherwise removes it and creates a fresh one; calls
 * for the same name run one at a time in this process.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE`, `SANDBOX_DOCKER_FAILED` and what the
 *   steps throw.
 */
export function ensureContainer<H>(
  name: string,
  steps: EnsureContainerSteps<H>,
  dockerOpts: DockerOptions & { signal?: AbortSignal },
): Promise<H> {
  return serialized(name, async () => {
    const info = await inspectContainer(name, dockerOpts);
    if (info) {
      const reused = await steps.reuse(info);
      if (reused) return reused;
    }
    steps.beforeCreate?.(info);
    if (info) await docker(["rm", "-f", name], dockerOpts);
    return await steps.create();
  });
}

/**
 * Throws `SANDBOX_IMAGE_MISSING` with `message` and `hint` unless docker has `image`.
 *
 * @throws {OpenClawError} `SANDBOX_IMAGE_MISSING`, `SANDBOX_DOCKER_UNAVAILABLE`.
 */
export async function assertImagePresent(
  image: string,
  error: { message: string; hint: string },
  options: { docker?: DockerOptions; signal?: AbortSignal },
): Promise<void> {
  const result = await runDocker(
    ["image", "inspect", "--format", "{{.Id}}", image],
    { ...options.docker, signal: options.signal },
  );
  if (result.code === 0) return;
  throw new OpenClawError("SANDBOX_IMAGE_MISSING", error.message, {
    hint: error.hint,
    exitCode: ExitCode.failed,
  });
}

/** Creates the writable mount sources (docker would create them owned by root). */
export async function makeMountDirs(mounts: readonly WorkspaceMount[]): Promise<void> {
  for (const m of mounts) {
    if (!m.readOnly) await Deno.mkdir(m.host, { recursive: true, mode: 0o700 });
  }
}

/**
 * Starts a stopped container after recreating its writable mount sources.
 *
 * @returns False when docker cannot start it (e.g. a mount source vanished): rebuild it then.
 */
export async function startStopped(
  name: string,
  mounts: readonly WorkspaceMount[],
  options: { docker?: DockerOptions; signal?: AbortSignal },
): Promise<boolean> {
  await makeMountDirs(mounts);
  const started = await runDocker(["start", name], { ...options.docker, signal: options.signal });
  return started.code === 0;
}

/** What {@linkcode createContainer} creates and how it reports failure. */
export interface CreateContainerStep<H> {
  name: string;
  /** The full `docker create ...` arguments. */
  createArgs: string[];
  /** What the error calls the container (`sandbox`, `sandbox browser`). */
  what: string;
  /** The hint of `SANDBOX_CREATE_FAILED`. */
  hint: string;
  /** Reuses the container another process created meanwhile (undefined: fail). */
  reuse(info: ContainerInfo): Promise<H | undefined>;
  /** Runs after the start; a throw removes the new container. */
  afterStart?(): Promise<void>;
  /** Records the new container and returns its handle. */
  created(id: string): Promise<H>;
}

/**
 * Creates and starts a container; the container is removed again when its start fails.
 *
 * @throws {OpenClawError} `SANDBOX_CREATE_FAILED`, `SANDBOX_DOCKER_FAILED` and what the step
 *   throws.
 */
export async function createContainer<H>(
  step: CreateContainerStep<H>,
  options: { docker?: DockerOptions; signal?: AbortSignal },
): Promise<H> {
  const dockerOpts = { ...options.docker, signal: options.signal };
  const result = await runDocker(step.createArgs, dockerOpts);
  if (result.code !== 0) {
    // Another process created the same container between our inspect and create.
    if (/already in use|Conflict/i.test(result.stderr)) {
      const info = await inspectContainer(step.name, dockerOpts);
      const reused = info && await step.reuse(info);
      if (reused) return reused;
    }
    throw new OpenClawError(
      "SANDBOX_CREATE_FAILED",
      `Cannot create ${step.what} "${step.name}": ${
        firstLine(result.stderr) || `docker create exited with ${result.code}`
      }`,
      { hint: step.hint },
    );
  }
  const id = result.stdout.trim();
  try {
    await docker(["start", step.name], dockerOpts);
    await step.afterStart?.();
  } catch (err) {
    await runDocker(["rm", "-f", step.name], options.docker).catch(() => {});
    throw err;
  }
  return await step.created(id);
}

function assertImage(plan: SandboxPlan, options: EnsureSandboxOptions): Promise<void> {
  const isDefault = plan.image === "openclaw-sandbox:bookworm-slim";
  return assertImagePresent(plan.image, {
    message: `Sandbox image not found: ${plan.image}. Build or pull it first.`,
    hint: isDefault
      ? "Build it with scripts/sandbox-setup.sh"
      : `docker pull ${plan.image} (or build it), or change ${plan.config.dockerKeys.image}`,
  }, options);
}

async function runSetup(plan: SandboxPlan, options: EnsureSandboxOptions): Promise<void> {
  const command = plan.setupCommand!;
  const result = await runDocker(["exec", plan.containerName, "sh", "-lc", command], {
    ...options.docker,
    signal: options.signal,
    timeoutMs: options.setupTimeoutMs ?? 600_000,
    maxOutputBytes: 256 * 1024,
  });
  if (result.code === 0) return;
  const tail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-3).join(" | ");
  throw new OpenClawError(
    "SANDBOX_SETUP_FAILED",
    `Cannot set up sandbox "${plan.containerName}": docker.setupCommand exited with ` +
      `${result.code}${tail ? `: ${tail.slice(0, 500)}` : ""}`,
    {
      hint: 'setupCommand usually needs docker.network (e.g. "bridge"), ' +
        'docker.readOnlyRoot: false and docker.user: "0:0"; fix it, then retry',
      details: { code: result.code },
    },
  );
}

function handleOf(plan: SandboxPlan, id: string, created: boolean, o: EnsureSandboxOptions) {
  return {
    containerName: plan.containerName,
    containerId: id,
    created,
    configHash: plan.configHash,
    scope: plan.scope,
    scopeKey: plan.scopeKey,
    agentId: plan.agentId,
    sessionKey: plan.sessionKey,
    image: plan.image,
    workdir: plan.workdir,
    workspaceDir: plan.workspaceDir,
    mounts: plan.mounts,
    docker: o.docker,
  } satisfies SandboxHandle;
}

function entryOf(plan: SandboxPlan, id: string, createdAtMs: number, nowMs: number) {
  return {
    containerName: plan.containerName,
    containerId: id,
    sessionKey: plan.scopeKey,
    agentId: plan.scope === "shared" ? undefined : plan.agentId,
    scope: plan.scope,
    image: plan.image,
    configHash: plan.configHash,
    createdAtMs,
    lastUsedAtMs: nowMs,
  } satisfies SandboxRegistryEntry;
}

async function reuse(
  plan: SandboxPlan,
  info: ContainerInfo,
  options: EnsureSandboxOptions,
): Promise<SandboxHandle | undefined> {
  if (containerConfigHash(info) !== plan.configHash) return undefined;
  const entry = (await readSandboxRegistry(options.stateDir))
    .find((e) => e.containerName === plan.containerName);
  // A container whose setup never finished (crash mid-setup) is not trusted; it is rebuilt.
  if (plan.setupCommand && !(entry?.setupDone && entry.containerId === info.id)) return undefined;
  if (!info.running && !await startStopped(plan.containerName, plan.mounts, options)) {
    return undefined;
  }
  const now = options.now?.() ?? Date.now();
  await upsertSandboxEntry(options.stateDir, {
    ...entryOf(plan, info.id, containerCreatedAtMs(info), now),
    setupDone: entry?.setupDone,
  });
  return handleOf(plan, info.id, false, options);
}

async function create(plan: SandboxPlan, options: EnsureSandboxOptions): Promise<SandboxHandle> {
  await assertImage(plan, options);
  await makeMountDirs(plan.mounts);
  const now = options.now?.() ?? Date.now();
  return await createContainer({
    name: plan.containerName,
    createArgs: buildCreateArgs(plan, now),
    what: "sandbox",
    hint: "Check the sandbox settings under agents.defaults.sandbox.docker and `docker info`",
    reuse: (info) => reuse(plan, info, options),
    afterStart: plan.setupCommand ? () => runSetup(plan, options) : undefined,
    created: async (id) => {
      await upsertSandboxEntry(options.stateDir, {
        ...entryOf(plan, id, now, now),
        setupDone: plan.setupCommand ? true : undefined,
      });
      return handleOf(plan, id, true, options);
    },
  }, options);
}

/**
 * Returns the running sandbox of a session, creating or recreating it as needed.
 *
 * @throws {OpenClawError} the validation errors of {@linkcode planSandbox} (before docker
 *   runs), `SANDBOX_DOCKER_UNAVAILABLE`, `SANDBOX_IMAGE_MISSING`, `SANDBOX_CREATE_FAILED`,
 *   `SANDBOX_SETUP_FAILED`, `SANDBOX_DOCKER_FAILED`.
 */
export async function ensureSandbox(options: EnsureSandboxOptions): Promise<SandboxHandle> {
  const plan = planSandbox(options.config, options);
  return await ensureSandboxFromPlan(plan, options);
}

/** {@linkcode ensureSandbox} for an already computed plan. */
export function ensureSandboxFromPlan(
  plan: SandboxPlan,
  options: EnsureSandboxOptions,
): Promise<SandboxHandle> {
  return ensureContainer(plan.containerName, {
    reuse: (info) => reuse(plan, info, options),
    create: () => create(plan, options),
  }, { ...options.docker, signal: options.signal });
}
