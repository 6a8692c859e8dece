/**
 * The children of `exec`: one record per command with its bounded output, exit status and
 * process group. The agent runtime owns one {@link ProcessManager} and calls `closeAll()` at
 * gateway shutdown, which kills every group (SIGTERM, then SIGKILL after a grace period).
 *
 * Records live in memory only: background tasks are lost when the gateway restarts (stock
 * behaves the same; the seed says so). Finished background records are forgotten after
 * `tools.exec.cleanupMs`. A record is visible only to the agent session that started it.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { DEFAULT_MAX_OUTPUT_CHARS, OutputBuffer } from "./output_buffer.ts";
import type { ExecChild, ExecRunner, ExecSpawnRequest } from "./runner.ts";
import { clearTimer, setTimer, type TimerHandle, unrefTimer } from "../timers.ts";

/** Lifecycle of a command. */
export type ProcessStatus = "running" | "completed" | "failed" | "killed" | "timeout";

/** Who may see a record: the session that started it. */
export interface ProcessScope {
  agentId: string;
  sessionKey: string;
}

/** One command and what it has done so far. */
export interface ProcessRecord extends ProcessScope {
  id: string;
  command: string;
  runner: string;
  pid?: number;
  startedAt: number;
  endedAt?: number;
  status: ProcessStatus;
  /** Exit code; `null` while running or when a signal ended it. */
  exitCode: number | null;
  signal: string | null;
  /** True once it runs in the background (explicitly or after `yieldMs`). */
  backgrounded: boolean;
  output: OutputBuffer;
  /** Absolute output offset of the last `poll`. */
  pollCursor: number;
  /** Resolves when the command has exited and its output is drained. */
  exited: Promise<void>;
}

/** Options of {@linkcode ProcessManager.start}. */
export interface StartOptions extends ProcessScope, ExecSpawnRequest {
  runner: ExecRunner;
  /** Kill the group after this long. */
  timeoutMs: number;
  background?: boolean;
  /** Called once when a background command exits (tools.exec.notifyOnExit). */
  notify?: (text: string) => void;
  /** Also notify for a successful exit without output. @default false */
  notifyEmptySuccess?: boolean;
  /** Forget a finished background record after this long. @default 1_800_000 */
  cleanupMs?: number;
}

/** Options of {@linkcode ProcessManager}. */
export interface ProcessManagerOptions {
  /** Output kept per command. @default 1_000_000 characters */
  maxOutputChars?: number;
  /** Time between SIGTERM and SIGKILL. @default 2000 */
  killGraceMs?: number;
  /** Clock for ages and timestamps. @default Date.now */
  now?: () => number;
}

interface Internal {
  child: ExecChild;
  stdin?: WritableStreamDefaultWriter<Uint8Array>;
  stdinClosed: boolean;
  timers: Set<Timer>;
  waiters: Set<() => void>;
  killRequested: boolean;
  timedOut: boolean;
  notify?: (text: string) => void;
  notifyEmptySuccess: boolean;
  cleanupMs: number;
  timeoutMs: number;
}

const DRAIN_MS = 250;

type Timer = TimerHandle;

function shortCommand(command: string): string {
  const one = command.replace(/\s+/g, " ").trim();
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}

/** Owns the `exec` children of one gateway. */
export class ProcessManager {
  readonly maxOutputChars: number;
  readonly killGraceMs: number;
  #now: () => number;
  #records = new Map<string, ProcessRecord>();
  #internal = new Map<string, Internal>();
  #closed = false;

  /** Creates an empty manager. */
  constructor(options: ProcessManagerOptions = {}) {
    this.maxOutputChars = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
    this.killGraceMs = options.killGraceMs ?? 2000;
    this.#now = options.now ?? Date.now;
  }

  /** The current time of the manager's clock. */
  now(): number {
    return this.#now();
  }

  /**
   * Starts a command.
   *
   * @throws {OpenClawError} `PROCESS_MANAGER_CLOSED` after `closeAll()`; `EXEC_SPAWN_FAILED`
   *   when the runner cannot start it (missing working directory, no `sh`...).
   */
  async start(options: StartOptions): Promise<ProcessRecord> {
    if (this.#closed) {
      throw new OpenClawError(
        "PROCESS_MANAGER_CLOSED",
        "Cannot start a command: the gateway is stopping",
      );
    }
    let child: ExecChild;
    try {
      child = await options.runner.spawn(options);
    } catch (err) {
      throw new OpenClawError(
        "EXEC_SPAWN_FAILED",
        `Cannot run "${shortCommand(options.command)}" in ${options.cwd}: ${
          (err as Error).message
        }`,
        {
          cause: err,
          hint: "Check that the working directory exists (workdir is relative to the workspace)",
        },
      );
    }
    const id = crypto.randomUUID().replaceAll("-", "").slice(0, 10);
    const internal: Internal = {
      child,
      stdinClosed: false,
      timers: new Set(),
      waiters: new Set(),
      killRequested: false,
      timedOut: false,
      notify: options.notify,
      notifyEmptySuccess: options.notifyEmptySuccess ?? false,
      cleanupMs: options.cleanupMs ?? 1_800_000,
      timeoutMs: options.timeoutMs,
    };
    const record: ProcessRecord = {
      id,
      agentId: options.agentId,
      sessionKey: options.sessionKey,
      command: options.command,
      runner: options.runner.name,
      pid: child.pid,
      startedAt: this.#now(),
      status: "running",
      exitCode: null,
      signal: null,
      backgrounded: options.background ?? false,
      output: new OutputBuffer(this.maxOutputChars),
      pollCursor: 0,
      exited: Promise.resolve(),
    };
    this.#records.set(id, record);
    this.#internal.set(id, internal);
    record.exited = this.#supervise(record, internal);
    this.#timer(internal, () => {
      internal.timedOut = true;
      this.#terminate(record, internal);
    }, options.timeoutMs);
    return record;
  }

  async #supervise(record: ProcessRecord, internal: Internal): Promise<void> {
    const wake = () => {
      for (const w of internal.waiters) w();
      internal.waiters.clear();
    };
    const pump = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
      const decoder = new TextDecoder();
      try {
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          record.output.append(decoder.decode(value, { stream: true }));
          wake();
        }
      } catch { /* cancelled or broken pipe: keep what we have */ }
      record.output.append(decoder.decode());
    };
    const readers = [internal.child.stdout.getReader(), internal.child.stderr.getReader()];
    const pumps = Promise.all(readers.map(pump));
    const status = await internal.child.status;
    // A grandchild left running in the background keeps the pipes open; stop reading soon after
    // the shell itself exited instead of waiting for it.
    let drainTimer: Timer | undefined;
    await Promise.race([pumps, new Promise<void>((r) => drainTimer = setTimer(r, DRAIN_MS))]);
    clearTimer(drainTimer);
    await Promise.all(readers.map((r) => r.cancel().catch(() => {})));
    await pumps;
    // The leader is gone; members that survived SIGTERM must not outlive a kill or a timeout.
    if (internal.killRequested || internal.timedOut) internal.child.kill("SIGKILL");
    for (const t of internal.timers) clearTimer(t);
    internal.timers.clear();
    record.endedAt = this.#now();
    record.signal = status.signal;
    record.exitCode = status.signal ? null : status.code;
    record.status = internal.killRequested
      ? "killed"
      : internal.timedOut
      ? "timeout"
      : status.code === 0 && !status.signal
      ? "completed"
      : "failed";
    this.#closeStdin(internal);
    wake();
    if (record.backgrounded) this.#afterBackgroundExit(record, internal);
  }

  #afterBackgroundExit(record: ProcessRecord, internal: Internal): void {
    if (internal.notify && !internal.killRequested && !this.#closed) {
      const empty = record.status === "completed" && record.output.total === 0;
      if (!empty || internal.notifyEmptySuccess) {
        const how = record.status === "timeout"
          ? `timed out after ${Math.round(internal.timeoutMs / 1000)}s`
          : record.signal
          ? `signal ${record.signal}`
          : `exit ${record.exitCode}`;
        try {
          internal.notify(`Exec finished: ${shortCommand(record.command)} (${how})`);
        } catch { /* a failing listener must not break the manager */ }
      }
    }
    if (!this.#closed) this.#timer(internal, () => this.#forget(record.id), internal.cleanupMs);
  }

  #timer(internal: Internal, fn: () => void, ms: number): void {
    const t = setTimer(() => {
      internal.timers.delete(t);
      fn();
    }, Math.min(ms, 2 ** 31 - 1));
    // Timers must not keep a CLI process alive; the gateway stays up for other reasons.
    // (Deno's setTimeout returns a number; node's typings, loaded by npm deps, say Timeout.)
    unrefTimer(t);
    internal.timers.add(t);
  }

  #terminate(record: ProcessRecord, internal: Internal): void {
    if (record.status !== "running") return;
    internal.child.kill("SIGTERM");
    this.#timer(internal, () => internal.child.kill("SIGKILL"), this.killGraceMs);
  }

  #closeStdin(internal: Internal): void {
    if (internal.stdinClosed) return;
    internal.stdinClosed = true;
    const w = internal.stdin ?? internal.child.stdin.getWriter();
    w.close().catch(() => {});
  }

  #forget(id: string): void {
    const internal = this.#internal.get(id);
    if (internal) { for (const t of internal.timers) clearTimer(t); }
    this.#records.delete(id);
    this.#internal.delete(id);
  }

  /**
   * Returns the caller's record.
   *
   * @throws {OpenClawError} `PROCESS_NOT_FOUND` when there is none with that id in the session.
   */
  get(id: string, scope: ProcessScope): ProcessRecord {
    const r = this.#records.get(id.trim());
    if (!r || r.agentId !== scope.agentId || r.sessionKey !== scope.sessionKey) {
      throw new OpenClawError("PROCESS_NOT_FOUND", `No process "${id}" in this session`, {
        hint: 'Use the process tool with action "list" to see this session\'s processes',
      });
    }
    return r;
  }

  /** Records of a session (every record when `scope` is omitted), oldest first. */
  list(scope?: ProcessScope): ProcessRecord[] {
    return [...this.#records.values()].filter((r) =>
      !scope || (r.agentId === scope.agentId && r.sessionKey === scope.sessionKey)
    );
  }

  /** Marks a record as running in the background (its exit will notify and be kept). */
  background(id: string): void {
    const r = this.#records.get(id);
    if (r) r.backgrounded = true;
  }

  /** Drops a record at once (a foreground command whose result was returned). */
  forget(id: string): void {
    this.#forget(id);
  }

  /** Waits until the record has output beyond `offset`, has exited, or `ms` passed. */
  async waitForChange(record: ProcessRecord, offset: number, ms: number): Promise<void> {
    const internal = this.#internal.get(record.id);
    if (!internal || record.status !== "running" || record.output.total > offset || ms <= 0) return;
    let timer: Timer | undefined;
    await new Promise<void>((resolve) => {
      internal.waiters.add(resolve);
      timer = setTimer(resolve, ms);
    });
    clearTimer(timer);
  }

  /** Waits up to `ms` for the record to exit; returns true when it has. */
  async waitForExit(record: ProcessRecord, ms: number): Promise<boolean> {
    let timer: Timer | undefined;
    const done = await Promise.race([
      record.exited.then(() => true),
      new Promise<boolean>((r) => timer = setTimer(() => r(false), ms)),
    ]);
    clearTimer(timer);
    return done;
  }

  /**
   * Writes to the command's stdin; `eof` closes it afterwards.
   *
   * @throws {OpenClawError} `PROCESS_NOT_RUNNING` when it has exited or stdin is closed.
   */
  async write(record: ProcessRecord, data: string, eof = false): Promise<void> {
    const internal = this.#internal.get(record.id);
    if (!internal || record.status !== "running" || internal.stdinClosed) {
      throw new OpenClawError(
        "PROCESS_NOT_RUNNING",
        `Cannot write to process "${record.id}": ${
          record.status !== "running" ? `it has ${record.status}` : "its stdin is closed"
        }`,
      );
    }
    internal.stdin ??= internal.child.stdin.getWriter();
    try {
      if (data.length > 0) await internal.stdin.write(new TextEncoder().encode(data));
      if (eof) {
        internal.stdinClosed = true;
        await internal.stdin.close();
      }
    } catch (err) {
      internal.stdinClosed = true;
      throw new OpenClawError(
        "PROCESS_NOT_RUNNING",
        `Cannot write to process "${record.id}": ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** Kills the command's process group (SIGTERM, SIGKILL after the grace) and waits for it. */
  async kill(record: ProcessRecord): Promise<void> {
    const internal = this.#internal.get(record.id);
    if (!internal || record.status !== "running") return;
    internal.killRequested = true;
    this.#terminate(record, internal);
    await record.exited;
  }

  /** Kills every running command, waits for them and forgets every record (gateway shutdown). */
  async closeAll(): Promise<void> {
    this.#closed = true;
    const running = [...this.#records.values()].filter((r) => r.status === "running");
    for (const r of running) {
      const internal = this.#internal.get(r.id)!;
      internal.killRequested = true;
      this.#terminate(r, internal);
    }
    await Promise.all(running.map((r) => r.exited));
    // Finished commands may have left grandchildren in their group; take them down too.
    for (const internal of this.#internal.values()) internal.child.kill("SIGKILL");
    for (const id of [...this.#records.keys()]) this.#forget(id);
  }

  /** Milliseconds until a running record times out (for results). */
  timeoutMsOf(record: ProcessRecord): number | undefined {
    return this.#internal.get(record.id)?.timeoutMs;
  }
}
