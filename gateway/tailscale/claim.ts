/**
 * The foreground claim that owns the gateway's one Tailscale route, as stock's newer releases
 * run it: `tailscale serve|funnel --yes --bg=false <port>`. tailscaled keeps a foreground route
 * only while that CLI process lives, so killing it on stop removes the route, and a gateway
 * that restarts gets a fresh route instead of stacking another background one (what older
 * `tailscale serve --bg` releases did on every restart).
 *
 * The process is the gateway's child: its output is kept to the last
 * {@link MAX_CLAIM_OUTPUT} characters, and `stop()` ends it (SIGTERM, then SIGKILL).
 *
 * @module
 */
import { findOnPath } from "../../lib/service/exec.ts";
import { OpenClawError } from "../../lib/errors.ts";
import { clearTimer, setTimer, type TimerHandle } from "../../lib/timers.ts";

/** Characters of claim output kept for messages. */
export const MAX_CLAIM_OUTPUT = 8_192;

/** How long `stop()` waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 3_000;

/** Options of {@linkcode spawnClaim}. */
export interface ClaimOptions {
  mode: "serve" | "funnel";
  /** The local port the route proxies to. */
  targetPort: number;
  /** Run through `sudo -n` (tailscaled refused the user: not an operator). */
  sudo?: boolean;
}

/** A running claim process. */
export interface ServeClaim {
  readonly pid: number;
  /** The argv it runs, for logs. */
  readonly command: string;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number>;
  /** The last output lines (stdout and stderr). */
  output(): string;
  /** Ends the process and with it the route. */
  stop(): Promise<void>;
}

/** The argv of a claim. */
export function claimArgs(options: ClaimOptions): string[] {
  const args = [options.mode, "--yes", "--bg=false", String(options.targetPort)];
  return options.sudo ? ["-n", "tailscale", ...args] : args;
}

/**
 * Starts the claim process.
 *
 * @throws {OpenClawError} `TAILSCALE_NOT_FOUND` when `tailscale` (or `sudo`) is not on PATH.
 */
export function spawnClaim(options: ClaimOptions): ServeClaim {
  const program = options.sudo ? "sudo" : "tailscale";
  const path = findOnPath(program);
  if (!path) {
    throw new OpenClawError("TAILSCALE_NOT_FOUND", `${program} is not installed (not on PATH)`);
  }
  const args = claimArgs(options);
  const child = new Deno.Command(path, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    readers.push(reader);
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text = (text + dec.decode(value, { stream: true })).slice(-MAX_CLAIM_OUTPUT);
      }
    } catch { /* cancelled */ }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited = child.status.then(async (s) => {
    // A grandchild that inherited the pipes must not keep us waiting: read what is there, then
    // stop reading.
    let timer: TimerHandle | undefined;
    await Promise.race([pumps, new Promise<void>((r) => timer = setTimer(r, 200))]);
    clearTimer(timer);
    for (const r of readers) r.cancel().catch(() => {});
    return s.code;
  });
  let done = false;
  void exited.then(() => done = true);
  return {
    pid: child.pid,
    command: [program, ...args].join(" "),
    exited,
    output: () => text,
    async stop() {
      if (done) return;
      const kill = (sig: Deno.Signal) => {
        try {
          child.kill(sig);
        } catch { /* already gone */ }
      };
      kill("SIGTERM");
      let timer: TimerHandle | undefined;
      const grace = new Promise<"late">((r) => timer = setTimer(() => r("late"), STOP_GRACE_MS));
      const outcome = await Promise.race([exited, grace]);
      clearTimer(timer);
      if (outcome === "late") {
        kill("SIGKILL");
        await exited;
      }
    },
  };
}
