/**
 * Where `exec` commands run. A runner starts one shell command and hands back its pipes, exit
 * status and a way to signal its whole process group. The default {@link hostRunner} runs
 * `sh -c` on the host; lib/sandbox provides a runner that uses `docker exec` and passes it in
 * `ToolContext.execRunner` for sandboxed sessions.
 *
 * Host commands inherit the gateway's environment, like stock. Being group leaders, they are
 * killed by the ProcessManager on shutdown, but survive a gateway that is itself SIGKILLed.
 *
 * @module
 */

/** What to run. */
export interface ExecSpawnRequest {
  command: string;
  /** Working directory as a host path (a sandbox runner maps it into the container). */
  cwd: string;
  /** Variables added to the runner's base environment (e.g. `OPENCLAW_SHELL=exec`). */
  env: Record<string, string>;
}

/** How a child ended. */
export interface ExecExitStatus {
  /** Exit code (128 + n when killed by signal n). */
  code: number;
  /** The signal that killed it, if any. */
  signal: string | null;
}

/** A started command. */
export interface ExecChild {
  pid?: number;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  stdin: WritableStream<Uint8Array>;
  status: Promise<ExecExitStatus>;
  /** Signals every process of the command (its process group); never throws once it is gone. */
  kill(signal: "SIGTERM" | "SIGKILL"): void;
}

/** Starts commands somewhere (the host, a container...). */
export interface ExecRunner {
  /** Short name shown in results, e.g. `host` or `sandbox`. */
  readonly name: string;
  spawn(request: ExecSpawnRequest): ExecChild | Promise<ExecChild>;
}

/** Sends `signal` to process group `pgid`; a group that is already gone is not an error. */
export function killProcessGroup(pgid: number, signal: "SIGTERM" | "SIGKILL"): void {
  if (!Number.isInteger(pgid) || pgid <= 1) return;
  try {
    // A negative pid addresses the whole group (kill(2)), so grandchildren die too.
    Deno.kill(-pgid, signal);
  } catch {
    // ESRCH: every member has exited already.
  }
}

/**
 * Runs `sh -c <command>` on the host in its own session and process group (`detached` makes the
 * child a group leader via setsid), with the gateway's environment plus `request.env`.
 */
export const hostRunner: ExecRunner = {
  name: "host",
  spawn(request: ExecSpawnRequest): ExecChild {
    const child = new Deno.Command("sh", {
      args: ["-c", request.command],
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const pid = child.pid;
    return {
      pid,
      stdout: child.stdout,
      stderr: child.stderr,
      stdin: child.stdin,
      status: child.status.then((s) => ({ code: s.code, signal: s.signal ?? null })),
      kill: (signal) => killProcessGroup(pid, signal),
    };
  },
};
