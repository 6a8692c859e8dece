/**
 * Running a resolver command: no shell, a clean environment, the request on stdin, bounded
 * output, and a deadline after which the whole process group is killed (so a resolver that
 * forked helpers cannot leave them behind or hold the pipes open).
 *
 * @module
 */
import { clearTimer, setTimer } from "../timers.ts";

/** What to run. */
export interface ResolverRun {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd: string;
  input: string;
  timeoutMs: number;
  /** Kill when nothing arrives on stdout/stderr for this long. */
  noOutputTimeoutMs: number;
  /** Most bytes of stdout + stderr accepted. */
  maxOutputBytes: number;
}

/** How the run ended. */
export interface ResolverResult {
  termination: "exit" | "timeout" | "no-output-timeout" | "output-limit";
  code: number;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function killGroup(child: Deno.ChildProcess): void {
  try {
    // A detached child leads its own process group; a negative pid signals the whole group.
    if (Deno.build.os === "windows") child.kill("SIGKILL");
    else Deno.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
}

/** Runs the resolver and collects its output. Spawn failures (ENOENT, EACCES) throw. */
export async function runResolver(run: ResolverRun): Promise<ResolverResult> {
  const child = new Deno.Command(run.command, {
    args: [...run.args],
    env: run.env,
    clearEnv: true,
    cwd: run.cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    // Its own process group (setsid), so the timeout can kill everything it started.
    detached: Deno.build.os !== "windows",
  }).spawn();

  const readers = [child.stdout.getReader(), child.stderr.getReader()];
  let termination: ResolverResult["termination"] = "exit";
  let total = 0;
  const stop = (why: ResolverResult["termination"]) => {
    if (termination !== "exit") return;
    termination = why;
    killGroup(child);
    for (const r of readers) r.cancel().catch(() => {});
  };
  const deadline = setTimer(() => stop("timeout"), run.timeoutMs);
  let idle = setTimer(() => stop("no-output-timeout"), run.noOutputTimeoutMs);

  const chunks: Uint8Array[][] = [[], []];
  const pump = async (i: number) => {
    try {
      while (true) {
        const { done, value } = await readers[i].read();
        if (done) return;
        total += value.byteLength;
        if (total > run.maxOutputBytes) {
          stop("output-limit");
          return;
        }
        chunks[i].push(value);
        clearTimer(idle);
        idle = setTimer(() => stop("no-output-timeout"), run.noOutputTimeoutMs);
      }
    } catch { /* cancelled after a kill */ }
  };
  const pumps = Promise.all([pump(0), pump(1)]);

  try {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(run.input));
    await w.close();
  } catch { /* the resolver exited without reading its input: judged by its exit status */ }

  try {
    const status = await child.status;
    // Output written just before exit is still in the pipe; the group kill above (if any) has
    // closed every writer, so the pumps end.
    await pumps;
    const dec = (parts: Uint8Array[]) => {
      const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let off = 0;
      for (const p of parts) {
        all.set(p, off);
        off += p.byteLength;
      }
      return new TextDecoder().decode(all);
    };
    return {
      termination,
      code: status.code,
      signal: status.signal,
      stdout: dec(chunks[0]),
      stderr: dec(chunks[1]),
    };
  } finally {
    clearTimer(deadline);
    clearTimer(idle);
  }
}
