/**
 * Running commands inside a sandbox with `docker exec`.
 *
 * Killing the `docker exec` client does not stop the process in the container, so every
 * command is started through a tiny wrapper that reports its pid on stderr (one marker line,
 * removed before the caller sees stderr) and then `exec`s `sh -lc <command>`. `docker exec`
 * makes that pid a process-group leader, so kill, timeout and abort signal the whole group
 * inside the container (`kill -SIG -<pid>`), background children included. The container does
 * not inherit the host environment: only `env` is passed.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { type DockerOptions, runDocker, spawnDocker } from "./docker_cli.ts";
import type { ExecChild, ExecRunner, ExecSpawnRequest } from "../tools/runner.ts";
import type { SandboxHandle } from "./ensure.ts";
import { clearTimer, setTimer, type TimerHandle } from "../timers.ts";

/** A container to run in: its name, or the handle {@linkcode ensureSandbox} returned. */
export type SandboxTarget = string | Pick<SandboxHandle, "containerName" | "docker">;

/** Options for {@linkcode spawnInSandbox}. */
export interface SandboxSpawnOptions {
  /** Working directory inside the container. @default the container's workdir */
  cwd?: string;
  /** The command's whole environment besides the image's (the host's is never passed). */
  env?: Record<string, string>;
  /** Kill the command (its process group) after this long; no deadline when unset. */
  timeoutMs?: number;
  /** Aborting kills the command like a timeout. */
  signal?: AbortSignal;
  /** Give the command a writable stdin. @default false */
  stdin?: boolean;
  /** Docker client settings when `target` is a bare name. */
  docker?: DockerOptions;
}

/** How a sandboxed command ended. */
export interface SandboxExitStatus {
  /** Exit code (128+n when killed by signal n, as docker reports it). */
  code: number;
  success: boolean;
  timedOut: boolean;
  aborted: boolean;
}

/** A running sandboxed command, shaped like `Deno.ChildProcess`. */
export interface SandboxProcess {
  /** Pid of the local `docker exec` client. */
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array>;
  /** stderr without the wrapper's pid line. */
  readonly stderr: ReadableStream<Uint8Array>;
  /** Present when spawned with `stdin: true`. */
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly status: Promise<SandboxExitStatus>;
  /** The command's pid inside the container, once reported (undefined if it never started). */
  readonly containerPid: Promise<number | undefined>;
  /** Signals the command's process group inside the container. @default "SIGTERM" */
  kill(signal?: Deno.Signal): Promise<void>;
}

const MARKER = "\x1eopenclaw-pid:";
const WRAPPER = `printf '${MARKER}%s\\n' "$$" >&2; exec sh -lc "$1"`;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function containerOf(target: SandboxTarget): { name: string; docker?: DockerOptions } {
  return typeof target === "string"
    ? { name: target }
    : { name: target.containerName, docker: target.docker };
}

/** Returns the `docker exec` arguments that run `command` through the pid wrapper. */
export function buildExecArgs(
  container: string,
  command: string,
  options: Pick<SandboxSpawnOptions, "cwd" | "env" | "stdin"> = {},
): string[] {
  const args = ["exec"];
  if (options.stdin) args.push("-i");
  if (options.cwd) args.push("-w", options.cwd);
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (!ENV_NAME.test(k)) {
      throw new OpenClawError(
        "SANDBOX_EXEC_INVALID",
        `Cannot pass environment variable "${k.slice(0, 60)}" to the sandbox: invalid name`,
        { hint: "Use letters, digits and _ (not starting with a digit)" },
      );
    }
    args.push("-e", `${k}=${v}`);
  }
  args.push(container, "sh", "-c", WRAPPER, "openclaw-exec", command);
  return args;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Removes the wrapper's first stderr line, reporting the pid it carries. */
function stripPidLine(
  stream: ReadableStream<Uint8Array>,
  onPid: (pid: number | undefined) => void,
): ReadableStream<Uint8Array> {
  let head: Uint8Array | null = new Uint8Array(0);
  const transform = new TransformStream<Uint8Array, Uint8Array>(
    {
      transform(chunk, ctl) {
        if (head === null) return ctl.enqueue(chunk);
        head = concat(head, chunk);
        const nl = head.indexOf(10);
        if (nl < 0 && head.length < 64) return;
        const line = new TextDecoder().decode(head.subarray(0, nl < 0 ? head.length : nl));
        if (nl >= 0 && line.startsWith(MARKER)) {
          const pid = Number(line.slice(MARKER.length));
          onPid(Number.isInteger(pid) && pid > 0 ? pid : undefined);
          if (nl + 1 < head.length) ctl.enqueue(head.subarray(nl + 1));
        } else {
          onPid(undefined);
          ctl.enqueue(head);
        }
        head = null;
      },
      flush(ctl) {
        if (head?.length) ctl.enqueue(head);
        onPid(undefined);
      },
      // A readable-side buffer lets the pid line through even before anyone reads stderr.
    },
    undefined,
    { highWaterMark: 64 },
  );
  return stream.pipeThrough(transform);
}

/** Signal names as the container's `kill` builtin takes them. */
/** How long a kill waits for the wrapper's pid report before stopping only the docker client. */
const PID_REPORT_WAIT_MS = 5_000;

function signalName(signal: Deno.Signal): string {
  return signal.replace(/^SIG/, "");
}

/**
 * Starts `command` (a `sh -lc` script) in the container and returns at once.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE` (no docker binary),
 *   `SANDBOX_EXEC_INVALID` (bad env name).
 */
export function spawnInSandbox(
  target: SandboxTarget,
  command: string,
  options: SandboxSpawnOptions = {},
): SandboxProcess {
  const { name, docker: targetDocker } = containerOf(target);
  const dockerOpts = options.docker ?? targetDocker;
  const args = buildExecArgs(name, command, options);
  options.signal?.throwIfAborted();
  const child = spawnDocker(args, { ...dockerOpts, stdin: options.stdin === true });
  let resolvePid!: (pid: number | undefined) => void;
  const containerPid = new Promise<number | undefined>((r) => resolvePid = r);
  const stderr = stripPidLine(child.stderr, (pid) => resolvePid(pid));
  let timedOut = false;
  let aborted = false;
  let exited = false;

  const killClient = () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
  };
  const kill = async (signal: Deno.Signal = "SIGTERM") => {
    if (exited) return;
    let wait: TimerHandle | undefined;
    // The wrapper reports its pid first thing; on a loaded machine that can take a while, and
    // giving up early would leave the command running in the container.
    const pid = await Promise.race([
      containerPid,
      new Promise<undefined>((r) => wait = setTimer(() => r(undefined), PID_REPORT_WAIT_MS)),
    ]).finally(() => clearTimer(wait));
    if (pid === undefined) {
      // The wrapper never reported in: nothing runs in the container yet, stopping the client
      // is enough.
      killClient();
      return;
    }
    const sig = signalName(signal);
    await runDocker(
      ["exec", name, "sh", "-c", `kill -${sig} -${pid} 2>/dev/null || kill -${sig} ${pid}`],
      { ...dockerOpts, timeoutMs: 10_000 },
    ).catch(() => {});
    if (signal === "SIGKILL" && !exited) {
      // The client normally ends with its process; if docker hangs, do not wait for it forever.
      const backstop = setTimer(killClient, 2000);
      child.status.finally(() => clearTimer(backstop));
    }
  };

  const timer = options.timeoutMs !== undefined
    ? setTimer(() => {
      timedOut = true;
      kill("SIGKILL");
    }, options.timeoutMs)
    : undefined;
  const onAbort = () => {
    aborted = true;
    kill("SIGKILL");
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const status = child.status.then((s) => {
    exited = true;
    clearTimer(timer);
    options.signal?.removeEventListener("abort", onAbort);
    resolvePid(undefined);
    return { code: s.code, success: s.success && !timedOut && !aborted, timedOut, aborted };
  });
  return {
    pid: child.pid,
    stdout: child.stdout,
    stderr,
    stdin: options.stdin ? child.stdin : null,
    status,
    containerPid,
    kill,
  };
}

/** Options for {@linkcode execInSandbox}. */
export interface SandboxExecOptions extends Omit<SandboxSpawnOptions, "stdin"> {
  container: SandboxTarget;
  command: string;
  /** Text written to the command's stdin (then closed). */
  stdin?: string;
  /** Bytes kept per stream: the last ones (errors are usually at the end). @default 1 MiB */
  maxOutputBytes?: number;
}

/** What a finished sandboxed command produced. */
export interface SandboxExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** True when output was cut to its last `maxOutputBytes`. */
  truncated: boolean;
}

async function readTail(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    while (size > max && chunks.length > 0) {
      truncated = true;
      const over = size - max;
      if (chunks[0].length <= over) size -= chunks.shift()!.length;
      else {
        chunks[0] = chunks[0].subarray(over);
        size -= over;
      }
    }
  }
  const text = new TextDecoder().decode(chunks.reduce(concat, new Uint8Array(0)));
  return { text, truncated };
}

/**
 * Runs `command` in the container and waits for it; the exit code is returned, not thrown.
 *
 * @example
 * ```ts
 * const sb = await ensureSandbox({ config, agentId: "main", sessionKey, stateDir });
 * const r = await execInSandbox({ container: sb, command: "ls", timeoutMs: 30_000 });
 * ```
 */
export async function execInSandbox(options: SandboxExecOptions): Promise<SandboxExecResult> {
  const proc = spawnInSandbox(options.container, options.command, {
    ...options,
    stdin: options.stdin !== undefined,
  });
  if (options.stdin !== undefined && proc.stdin) {
    const w = proc.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin)).catch(() => {});
    await w.close().catch(() => {});
  }
  const max = options.maxOutputBytes ?? 1024 * 1024;
  const [out, err, status] = await Promise.all([
    readTail(proc.stdout, max),
    readTail(proc.stderr, max),
    proc.status,
  ]);
  return {
    exitCode: status.code,
    stdout: out.text,
    stderr: err.text,
    timedOut: status.timedOut,
    aborted: status.aborted,
    truncated: out.truncated || err.truncated,
  };
}

/**
 * Maps a host path under the sandbox's workspace to the container path; container paths and
 * relative paths pass through.
 */
export function toContainerPath(
  handle: Pick<SandboxHandle, "workdir" | "mounts">,
  path: string,
): string {
  for (const m of handle.mounts) {
    if (path === m.host) return m.container;
    if (path.startsWith(m.host + "/")) return m.container + path.slice(m.host.length);
  }
  return path;
}

/**
 * Returns the working directory inside the container for a command whose host cwd is `cwd`:
 * a path under the sandbox workspace maps to the same place under the container's workdir, a
 * relative path is taken from the workdir, and anything else (the agent's host workspace when
 * `workspaceAccess` is `none` or `ro`, an unrelated host path) falls back to the workdir, which
 * always exists in the container. Stock does the same (`resolveSandboxWorkdir`).
 */
export function containerCwd(
  handle: Pick<SandboxHandle, "workdir" | "workspaceDir">,
  cwd: string | undefined,
): string {
  const workdir = handle.workdir;
  const path = cwd?.trim();
  if (!path) return workdir;
  const root = handle.workspaceDir.replace(/\/+$/, "");
  if (path === root || path === root + "/") return workdir;
  if (path.startsWith(root + "/")) {
    return `${workdir.replace(/\/+$/, "")}/${path.slice(root.length + 1).replace(/\/+$/, "")}`;
  }
  if (!path.startsWith("/")) return `${workdir.replace(/\/+$/, "")}/${path}`;
  if (path === workdir || path.startsWith(workdir.replace(/\/+$/, "") + "/")) return path;
  return workdir;
}

/**
 * Returns the exec tool's runner for one sandbox (`ToolContext.execRunner`): each
 * `spawn({ command, cwd, env })` runs `sh -lc command` in the container via `docker exec -i`.
 * `cwd` is mapped by {@linkcode containerCwd} (so it always exists in the container, whatever
 * `workspaceAccess` is),
 * `env` is the command's only environment besides the image's, and `kill` signals the command's
 * process group inside the container. Timeouts stay with the caller (it calls `kill`).
 */
export function sandboxRunner(
  handle: Pick<SandboxHandle, "containerName" | "docker" | "workdir" | "workspaceDir">,
): ExecRunner {
  return {
    name: "sandbox",
    spawn(request: ExecSpawnRequest): ExecChild {
      const proc = spawnInSandbox(handle, request.command, {
        cwd: containerCwd(handle, request.cwd),
        env: request.env,
        stdin: true,
      });
      let sent: string | null = null;
      return {
        pid: proc.pid,
        stdout: proc.stdout,
        stderr: proc.stderr,
        stdin: proc.stdin!,
        status: proc.status.then((s) => ({ code: s.code, signal: s.code > 128 ? sent : null })),
        kill(signal) {
          sent = signal;
          proc.kill(signal).catch(() => {});
        },
      };
    },
  };
}
