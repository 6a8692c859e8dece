/**
 * The one way the service code runs external tools (`systemctl`, `loginctl`, `launchctl`): argv
 * only (never a shell), a deadline, captured output. The program is looked up on `PATH` here
 * rather than by the OS so that a missing tool is a plain result (not an exception) and tests can
 * put fake tools first on `PATH`.
 *
 * @module
 */
import type { Env } from "../paths.ts";
import { clearTimer, setTimer } from "../timers.ts";

/** What one external command did. */
export interface CommandResult {
  /** Exit code; 127 when the program was not found, 124 when it timed out. */
  code: number;
  stdout: string;
  stderr: string;
  /** The program is not on `PATH`. */
  notFound?: boolean;
  /** The deadline passed and the child was killed. */
  timedOut?: boolean;
  /** stdout or stderr was longer than `maxOutputBytes` and was cut there. */
  truncated?: boolean;
}

/** Options for {@linkcode runCommand}. */
export interface RunCommandOptions {
  /** Kill the child after this long. @default 10000 */
  timeoutMs?: number;
  /** Variables added to (or replacing) the inherited environment of the child. */
  env?: Record<string, string>;
  /** The environment whose `PATH` is searched. @default Deno.env.toObject() */
  lookupEnv?: Env;
  /**
   * Bytes kept of each of stdout and stderr; the rest is read and dropped (so the child is never
   * blocked on a full pipe) and the result says `truncated`. @default 1048576
   */
  maxOutputBytes?: number;
  /** Written to the child's stdin, which is then closed; without it stdin is `/dev/null`. */
  stdin?: Uint8Array;
}

function isExecutableFile(path: string): boolean {
  try {
    const st = Deno.statSync(path);
    if (!st.isFile) return false;
    // Windows has no mode bits; anything found there is taken as runnable.
    return st.mode === null || (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Returns the absolute path of `program` found on `PATH`, or `undefined`. */
export function findOnPath(program: string, env: Env = Deno.env.toObject()): string | undefined {
  if (program.includes("/")) return isExecutableFile(program) ? program : undefined;
  for (const dir of (env.PATH ?? "").split(":")) {
    if (dir === "") continue;
    const candidate = `${dir.replace(/\/+$/, "")}/${program}`;
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Runs `program args...` without a shell and returns its exit code and output. */
export async function runCommand(
  program: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const resolved = findOnPath(program, options.lookupEnv);
  if (!resolved) {
    return { code: 127, stdout: "", stderr: `${program}: command not found`, notFound: true };
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(resolved, {
      args: [...args],
      env: options.env,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    return { code: 126, stdout: "", stderr: err instanceof Error ? err.message : String(err) };
  }
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  const maxBytes = options.maxOutputBytes ?? 1024 * 1024;
  let truncated = false;
  const collect = async (stream: ReadableStream<Uint8Array>): Promise<string> => {
    const reader = stream.getReader();
    readers.push(reader);
    const dec = new TextDecoder();
    let text = "";
    let kept = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (kept >= maxBytes) {
          truncated = true;
          continue;
        }
        const part = value.byteLength > maxBytes - kept
          ? value.subarray(0, maxBytes - kept)
          : value;
        if (part !== value) truncated = true;
        kept += part.byteLength;
        text += dec.decode(part, { stream: true });
      }
    } catch { /* cancelled after a timeout */ }
    return text + dec.decode();
  };
  const output = Promise.all([collect(child.stdout), collect(child.stderr)]);
  // A child that exits without reading its input must not fail the run: the write is let go.
  if (options.stdin !== undefined) void writeAndClose(child.stdin, options.stdin);
  let timedOut = false;
  // The deadline kills the child and stops reading: a grandchild that inherited the pipes must
  // not keep us waiting past it.
  const timer = setTimer(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    for (const r of readers) r.cancel().catch(() => {});
  }, options.timeoutMs ?? 10_000);
  try {
    const [status, [stdout, stderr]] = await Promise.all([child.status, output]);
    const cut = truncated ? { truncated: true } : {};
    if (timedOut) {
      return { code: 124, stdout, stderr: stderr || "timed out", timedOut: true, ...cut };
    }
    return { code: status.code, stdout, stderr, ...cut };
  } finally {
    clearTimer(timer);
  }
}

async function writeAndClose(stream: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  const writer = stream.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch { /* the child closed its stdin or was killed */ }
}

/** Returns the most useful one-line detail of a failed command: stderr, else stdout, else code. */
export function commandDetail(result: CommandResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split("\n")[0]?.trim();
  return text || `exit code ${result.code}`;
}
