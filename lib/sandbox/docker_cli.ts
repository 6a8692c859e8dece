/**
 * The one way openclaw talks to Docker: the `docker` CLI as a child process, never through a
 * shell, with a deadline, an abort signal and bounded output. Failures to find the binary or
 * reach the engine become `SANDBOX_DOCKER_UNAVAILABLE` with the fix in the hint.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";
import { clearTimer, setTimer } from "../timers.ts";

/** Where the docker CLI is and what environment it runs with. */
export interface DockerOptions {
  /** The docker client binary. @default "docker" (looked up in PATH) */
  bin?: string;
  /** Extra environment for the client (e.g. `DOCKER_HOST`); the rest is inherited. */
  env?: Record<string, string>;
}

/** Options for {@linkcode runDocker}. */
export interface DockerRunOptions extends DockerOptions {
  /** Kill the client after this long. @default 60000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Text written to the client's stdin. */
  stdin?: string;
  /** Bytes kept per stream; the rest is read and dropped. @default 4 MiB */
  maxOutputBytes?: number;
}

/** What a finished docker command produced. */
export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when either stream was longer than `maxOutputBytes`. */
  truncated: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;

/** Hint shared by every "docker is unusable" error. */
export const DOCKER_UNAVAILABLE_HINT =
  'Install Docker and start the engine (e.g. "sudo systemctl start docker"), or turn the ' +
  'sandbox off: openclaw config set agents.defaults.sandbox.mode "off"';

const ENGINE_DOWN = [
  /Cannot connect to the Docker daemon/i,
  /error during connect/i,
  /Is the docker daemon running/i,
  /permission denied while trying to connect to the Docker daemon/i,
];

/** Returns true when docker's stderr says the engine cannot be reached. */
export function isEngineUnreachable(stderr: string): boolean {
  return ENGINE_DOWN.some((re) => re.test(stderr));
}

/** Builds the `SANDBOX_DOCKER_UNAVAILABLE` error for a missing binary or a dead engine. */
export function dockerUnavailableError(
  kind: "missing" | "engine",
  detail: string,
  cause?: unknown,
): OpenClawError {
  const message = kind === "missing"
    ? `Cannot use the sandbox: docker is not installed ("${detail}" was not found in PATH)`
    : `Cannot use the sandbox: cannot reach the docker engine: ${detail}`;
  return new OpenClawError("SANDBOX_DOCKER_UNAVAILABLE", message, {
    hint: DOCKER_UNAVAILABLE_HINT,
    exitCode: ExitCode.failed,
    cause,
    details: { reason: kind },
  });
}

/** Returns the first non-empty line of `text`, cut to `max` characters. */
export function firstLine(text: string, max = 300): string {
  const line = text.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
  return line.length > max ? line.slice(0, max) + "\u2026" : line;
}

async function readBounded(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of stream) {
    if (size >= max) {
      truncated = true;
      continue;
    }
    const room = max - size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) truncated = true;
    chunks.push(part);
    size += part.length;
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return { text: new TextDecoder().decode(all), truncated };
}

/** Spawns the docker client, mapping a missing binary to `SANDBOX_DOCKER_UNAVAILABLE`. */
export function spawnDocker(
  args: string[],
  options: DockerOptions & { stdin?: boolean; stdout?: boolean } = {},
): Deno.ChildProcess {
  const bin = options.bin ?? "docker";
  try {
    return new Deno.Command(bin, {
      args,
      env: options.env,
      stdin: options.stdin ? "piped" : "null",
      stdout: options.stdout === false ? "null" : "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw dockerUnavailableError("missing", bin, err);
    throw err;
  }
}

/**
 * Runs `docker <args>` and returns its exit code and output; a non-zero exit is returned, not
 * thrown, except when the engine is unreachable.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE` (no binary, engine down),
 *   `SANDBOX_DOCKER_TIMEOUT` after `timeoutMs`; the signal's reason when aborted.
 */
export async function runDocker(
  args: string[],
  options: DockerRunOptions = {},
): Promise<DockerResult> {
  options.signal?.throwIfAborted();
  const child = spawnDocker(args, { ...options, stdin: options.stdin !== undefined });
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timedOut = false;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
  };
  const timer = setTimer(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  options.signal?.addEventListener("abort", kill, { once: true });
  try {
    if (options.stdin !== undefined) {
      const w = child.stdin.getWriter();
      // The client may exit before reading stdin (bad arguments); its exit status says why.
      await w.write(new TextEncoder().encode(options.stdin)).catch(() => {});
      await w.close().catch(() => {});
    }
    const [out, err, status] = await Promise.all([
      readBounded(child.stdout, max),
      readBounded(child.stderr, max),
      child.status,
    ]);
    options.signal?.throwIfAborted();
    if (timedOut) {
      throw new OpenClawError(
        "SANDBOX_DOCKER_TIMEOUT",
        `Cannot finish "docker ${args[0]}": no answer after ${timeoutMs} ms`,
        { hint: "Check the engine with `docker info`; a busy or stuck engine answers slowly" },
      );
    }
    if (status.code !== 0 && isEngineUnreachable(err.text)) {
      throw dockerUnavailableError("engine", firstLine(err.text));
    }
    return {
      code: status.code,
      stdout: out.text,
      stderr: err.text,
      truncated: out.truncated || err.truncated,
    };
  } finally {
    clearTimer(timer);
    options.signal?.removeEventListener("abort", kill);
  }
}

/**
 * Runs `docker <args>` and returns stdout; a non-zero exit becomes an error.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_FAILED` with docker's first stderr line, plus the
 *   errors of {@linkcode runDocker}.
 */
export async function docker(args: string[], options: DockerRunOptions = {}): Promise<string> {
  const result = await runDocker(args, options);
  if (result.code !== 0) {
    throw new OpenClawError(
      "SANDBOX_DOCKER_FAILED",
      `Cannot run "docker ${args[0]}": ${firstLine(result.stderr) || `exit ${result.code}`}`,
      { hint: "Check the engine with `docker info`", details: { args, code: result.code } },
    );
  }
  return result.stdout;
}

/** What {@linkcode dockerStatus} found. */
export interface DockerStatus {
  /** The client binary ran. */
  installed: boolean;
  /** The engine answered. */
  reachable: boolean;
  clientVersion?: string;
  serverVersion?: string;
  /** Set when not usable: the `SANDBOX_DOCKER_UNAVAILABLE` error to show. */
  error?: { code: string; message: string; hint?: string };
}

/** Probes the docker client and engine (for `doctor` and tests); never throws. */
export async function dockerStatus(
  options: DockerOptions & { timeoutMs?: number } = {},
): Promise<DockerStatus> {
  const fail = (installed: boolean, err: OpenClawError): DockerStatus => ({
    installed,
    reachable: false,
    error: { code: err.code, message: err.message, hint: err.hint },
  });
  let result: DockerResult;
  try {
    result = await runDocker(
      ["version", "--format", "{{.Client.Version}}|{{.Server.Version}}"],
      { ...options, timeoutMs: options.timeoutMs ?? 10_000 },
    );
  } catch (err) {
    if (err instanceof OpenClawError) {
      return fail((err.details as { reason?: string } | undefined)?.reason !== "missing", err);
    }
    return fail(false, dockerUnavailableError("missing", options.bin ?? "docker", err));
  }
  const [client = "", server = ""] = result.stdout.trim().split("|");
  if (result.code === 0 && server) {
    return { installed: true, reachable: true, clientVersion: client, serverVersion: server };
  }
  const why = firstLine(result.stderr) || `docker version exited with ${result.code}`;
  return {
    ...fail(true, dockerUnavailableError("engine", why)),
    clientVersion: client || undefined,
  };
}

/**
 * Throws unless docker is installed and the engine answers.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE`.
 */
export async function assertDockerAvailable(options: DockerOptions = {}): Promise<void> {
  const status = await dockerStatus(options);
  if (status.reachable) return;
  throw new OpenClawError("SANDBOX_DOCKER_UNAVAILABLE", status.error!.message, {
    hint: status.error!.hint,
  });
}
