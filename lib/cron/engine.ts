/**
 * The cron engine: jobs in memory, mirrored to the durable store; one timer on the injected
 * {@linkcode Clock}, armed for the earliest due slot or retry (none when nothing is scheduled);
 * a queue of slots run at most `maxConcurrentRuns` at a time, one per job; payloads run by the
 * injected {@linkcode CronPayloadRunner}.
 *
 * A slot is never run twice and never lost, across restarts and `kill -9`:
 *
 * 1. when a slot falls due, the job's `nextRunAtMs` moves past it and the slot goes into the
 *    job's durable `state.queued` (one atomic store write), or gets a `skipped` row;
 * 2. before the payload runs, the slot moves to `state.running` (the durable claim);
 * 3. when it ends, its row is appended to the run log (fsynced) and only then is the claim
 *    cleared in the store.
 *
 * On start, a queued slot (never started) is queued again; a claimed slot whose row is in the
 * run log (the crash came between 3's two writes) has that row applied; any other claimed slot
 * was cut short and gets an `error` row with `errorReason: "interrupted"`. Interrupted slots are
 * not retried: an agent turn may already have delivered its reply, and at-most-once is the
 * promise (`cron run <id>` runs it again by hand). A stop during a run records the same row.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../clock.ts";
import { errorMessage } from "../errors.ts";
import { handleDueSlots } from "./due.ts";
import { applyRunResult, interruptedRow, runPayload, runRow, settleClaim } from "./execute.ts";
import { CronJobTable } from "./job_table.ts";
import type { CronJobView } from "./jobs.ts";
import { pageRuns, type RunsQuery } from "./queries.ts";
import type { CronPayloadRunner, CronRunOutcome } from "./runner.ts";
import { CronRunLog } from "./run_log.ts";
import type { CronSettings } from "./settings.ts";
import type {
  CronEvent,
  CronJob,
  CronJobCreate,
  CronJobPatch,
  CronRunLogEntry,
  QueuedSlot,
} from "./types.ts";

/** Jobs whose logs one `cron.runs` without an id reads. */
const MAX_ALL_SCOPE_JOBS = 50;
/** Longest timer: a clock that jumped (suspend, NTP) is noticed within a minute. */
const MAX_TIMER_MS = 60_000;

/** Where the engine logs. */
export interface CronLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of {@linkcode CronEngine}. */
export interface CronEngineOptions {
  settings: CronSettings;
  clock: Clock;
  runner: CronPayloadRunner;
  /** Receives `cron` events (added, updated, removed, started, finished). */
  onEvent?: (event: CronEvent) => void;
  log?: CronLog;
  /** The agent of jobs without `agentId`, for listings. */
  defaultAgentId?: () => string | undefined;
}

/** `cron.run` answer (stock). */
export type RunNowResult =
  | { ok: true; enqueued: true; runId: string }
  | { ok: true; ran: false; reason: "not-due" | "already-running" | "disabled" | "stopped" };

interface Active {
  /** The job as it was when the run started (its row is still written if it is removed). */
  job: CronJob;
  item: QueuedSlot;
  startedAtMs: number;
  controller: AbortController;
}

const quiet: CronLog = { info: () => {}, warn: () => {} };

/** The scheduler and job store of one gateway start. */
export class CronEngine {
  #settings: CronSettings;
  readonly #clock: Clock;
  readonly #runner: CronPayloadRunner;
  readonly #onEvent: (event: CronEvent) => void;
  readonly #log: CronLog;
  readonly #runLog: CronRunLog;
  readonly #jobs: CronJobTable;
  readonly #queue: { jobId: string; item: QueuedSlot }[] = [];
  readonly #active = new Map<string, Active>();
  #timer: TimerHandle | undefined;
  /** When scheduling began; undefined while the scheduler is disabled or stopped. */
  #startedAtMs: number | undefined;
  #stopped = false;

  constructor(options: CronEngineOptions) {
    this.#settings = options.settings;
    this.#clock = options.clock;
    this.#runner = options.runner;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#log = options.log ?? quiet;
    this.#runLog = new CronRunLog(options.settings.runLogDir, options.settings.runLog);
    this.#jobs = new CronJobTable(
      () => this.#settings,
      () => this.#clock.now(),
      (event) => this.#emit(event),
      options.defaultAgentId ?? (() => undefined),
    );
  }

  /**
   * Loads the store, settles runs a crash cut short, and starts scheduling when enabled.
   *
   * @throws {OpenClawError} `CRON_STORE_INVALID` when the store cannot be read.
   */
  start(): void {
    const s = this.#settings;
    const loaded = this.#jobs.load();
    for (const q of loaded.quarantined) {
      this.#log.warn(`job ${q.id ?? "(no id)"} moved to quarantine: ${q.error}`);
    }
    const recovered = this.#recover();
    if (loaded.changed || recovered) this.#save();
    if (s.enabled) this.#begin();
    else this.#log.info(`scheduler disabled (${s.disabledReason})`);
  }

  /** Stops scheduling; runs in flight are aborted and recorded as interrupted. */
  stop(): void {
    this.#stopped = true;
    this.#pause();
    const now = this.#clock.now();
    for (const [jobId, a] of this.#active) {
      a.controller.abort(new Error("the gateway is stopping"));
      const job = this.#jobs.find(jobId);
      if (!job) continue;
      const row = interruptedRow(job, { ...a.item, startedAtMs: a.startedAtMs }, now);
      this.#record(row);
      applyRunResult(job, row, this.#settings, now);
    }
    this.#active.clear();
    this.#save();
  }

  /** Applies new settings (hot reload): limits at once, enabling or disabling the scheduler. */
  setSettings(next: CronSettings): void {
    const was = this.#settings.enabled;
    this.#settings = next;
    this.#runLog.setLimits(next.runLog);
    if (this.#stopped) return;
    if (next.enabled && !was) this.#begin();
    if (!next.enabled && was) this.#pause();
  }

  /** The settings in force. */
  get settings(): CronSettings {
    return this.#settings;
  }

  #begin(): void {
    this.#startedAtMs = this.#clock.now();
    this.#queue.length = 0;
    const queued = [...this.#jobs.all()].flatMap((j) =>
      (j.state.queued ?? []).map((item) => ({ jobId: j.id, item }))
    );
    this.#queue.push(...queued.sort((a, b) => a.item.slotMs - b.item.slotMs));
    this.#tick();
  }

  #pause(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#startedAtMs = undefined;
  }

  /** Settles claims left by a crash; returns true when the store changed. */
  #recover(): boolean {
    const now = this.#clock.now();
    const claimed = [...this.#jobs.all()].filter((j) => j.state.running);
    for (const job of claimed) {
      const settled = settleClaim(job, this.#runLog, this.#settings, now);
      if (settled.interrupted) {
        this.#record(settled.row);
        this.#log.warn(
          `job ${job.id} (${job.name}): run ${settled.row.runId} was interrupted`,
        );
      }
      if (settled.delete) this.#jobs.delete(job.id);
    }
    return claimed.length > 0;
  }

  #save(): void {
    this.#jobs.save();
  }

  #record(row: CronRunLogEntry): void {
    try {
      this.#runLog.append(row);
    } catch (err) {
      this.#log.warn(`cannot write run log of job ${row.jobId}: ${errorMessage(err)}`);
    }
  }

  #emit(event: CronEvent): void {
    try {
      this.#onEvent(event);
    } catch (err) {
      this.#log.warn(`event listener failed: ${errorMessage(err)}`);
    }
  }

  #busy(jobId: string): boolean {
    return this.#active.has(jobId) || this.#queue.some((q) => q.jobId === jobId);
  }

  #enqueue(job: CronJob, item: QueuedSlot): void {
    job.state.queued = [...(job.state.queued ?? []), item];
    this.#queue.push({ jobId: job.id, item });
  }

  /** Handles every due slot and retry, then runs what it can and re-arms the timer. */
  #tick(): void {
    if (this.#startedAtMs === undefined || this.#stopped) return;
    try {
      const now = this.#clock.now();
      let dirty = false;
      for (const job of this.#jobs.all()) {
        if (!job.enabled) continue;
        const retry = job.state.retry;
        if (retry && retry.atMs <= now && !this.#busy(job.id)) {
          delete job.state.retry;
          this.#enqueue(job, { ...retry, runId: crypto.randomUUID(), trigger: "retry" });
          dirty = true;
        }
        const next = job.state.nextRunAtMs;
        if (next === undefined || next > now) continue;
        const due = handleDueSlots(job, now, this.#startedAtMs, this.#busy(job.id));
        for (const row of due.rows) this.#record(row);
        for (const item of due.queue) this.#enqueue(job, item);
        dirty = true;
      }
      if (dirty) this.#save();
      this.#pump();
    } catch (err) {
      this.#log.warn(`scheduler tick failed: ${errorMessage(err)}`);
    }
    this.#arm();
  }

  #pump(): void {
    if (this.#startedAtMs === undefined || this.#stopped) return;
    for (let i = 0; i < this.#queue.length;) {
      if (this.#active.size >= this.#settings.maxConcurrentRuns) return;
      const { jobId, item } = this.#queue[i];
      if (this.#active.has(jobId)) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      const job = this.#jobs.find(jobId);
      if (job) this.#startRun(job, item);
    }
  }

  #startRun(job: CronJob, item: QueuedSlot): void {
    const startedAtMs = this.#clock.now();
    const rest = (job.state.queued ?? []).filter((q) => q.runId !== item.runId);
    if (rest.length > 0) job.state.queued = rest;
    else delete job.state.queued;
    job.state.running = { ...item, startedAtMs };
    job.state.runningAtMs = startedAtMs;
    try {
      this.#save(); // the durable claim: from here on this slot is never started again
    } catch (err) {
      delete job.state.running;
      delete job.state.runningAtMs;
      this.#record(
        runRow(job, item, { error: `cannot record the run's start: ${errorMessage(err)}` }, {
          startedAtMs,
          endedAtMs: startedAtMs,
        }),
      );
      return;
    }
    const controller = new AbortController();
    this.#active.set(job.id, { job, item, startedAtMs, controller });
    this.#emit({ jobId: job.id, action: "started", runId: item.runId, runAtMs: item.slotMs });
    runPayload(this.#runner, job, item, this.#clock, controller.signal)
      .then((outcome) => this.#finish(job.id, item, outcome));
  }

  #finish(jobId: string, item: QueuedSlot, outcome: CronRunOutcome & { timedOut?: boolean }) {
    const active = this.#active.get(jobId);
    // A stop already recorded this run as interrupted.
    if (!active || active.item.runId !== item.runId) return;
    this.#active.delete(jobId);
    const now = this.#clock.now();
    const job = this.#jobs.find(jobId);
    try {
      const row = runRow(job ?? active.job, item, outcome, {
        startedAtMs: active.startedAtMs,
        endedAtMs: now,
      });
      if (!job) return this.#record(row); // removed during the run
      const applied = applyRunResult(job, row, this.#settings, now);
      if (job.state.nextRunAtMs !== undefined) row.nextRunAtMs = job.state.nextRunAtMs;
      this.#record(row); // before the claim is cleared in the store (see the module doc)
      if (applied.delete) this.#jobs.delete(jobId);
      this.#save();
      const { ts: _ts, action: _a, jobName: _n, ...facts } = row;
      this.#emit({ ...facts, action: "finished" });
      if (applied.delete) this.#emit({ jobId, action: "removed" });
    } catch (err) {
      this.#log.warn(`cannot record the end of run ${item.runId}: ${errorMessage(err)}`);
    } finally {
      this.#pump();
      this.#arm();
    }
  }

  /** The earliest due slot or retry of an enabled job (what the timer waits for). */
  nextWakeAtMs(): number | null {
    let earliest = Infinity;
    for (const j of this.#jobs.all()) {
      if (!j.enabled) continue;
      earliest = Math.min(
        earliest,
        j.state.nextRunAtMs ?? Infinity,
        j.state.retry?.atMs ?? Infinity,
      );
    }
    return Number.isFinite(earliest) ? earliest : null;
  }

  #arm(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#startedAtMs === undefined || this.#stopped) return;
    const at = this.nextWakeAtMs();
    if (at === null) return;
    const delay = Math.min(Math.max(0, at - this.#clock.now()), MAX_TIMER_MS);
    this.#timer = this.#clock.setTimeout(() => this.#tick(), delay);
  }

  /** The jobs (read, add, update; `remove` goes through the engine to stop a run). */
  get jobs(): CronJobTable {
    return this.#jobs;
  }

  /** Adds a job and schedules it. @throws {OpenClawError} invalid input, store full. */
  add(input: CronJobCreate): CronJobView {
    const view = this.#jobs.add(input);
    this.#arm();
    return view;
  }

  /** Changes a job and reschedules it. @throws {OpenClawError} not found, invalid input. */
  update(id: string, patch: CronJobPatch): CronJobView {
    const view = this.#jobs.update(id, patch);
    this.#arm();
    return view;
  }

  /** Removes a job (a run in flight is aborted and still recorded). */
  remove(id: string): { ok: true; removed: boolean } {
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      if (this.#queue[i].jobId === id) this.#queue.splice(i, 1);
    }
    this.#active.get(id)?.controller.abort(new Error("the job was removed"));
    const removed = this.#jobs.remove(id);
    this.#arm();
    return { ok: true, removed };
  }

  /** Runs a job now (`force`, default) or only when due (`due`) / enabled (`if-enabled`). */
  run(id: string, mode: "force" | "due" | "if-enabled" = "force"): RunNowResult {
    const job = this.#jobs.require(id);
    const now = this.#clock.now();
    if (this.#startedAtMs === undefined || this.#stopped) {
      return { ok: true, ran: false, reason: "stopped" };
    }
    if (mode === "if-enabled" && !job.enabled) return { ok: true, ran: false, reason: "disabled" };
    if (mode === "due" && !(job.enabled && (job.state.nextRunAtMs ?? Infinity) <= now)) {
      return { ok: true, ran: false, reason: "not-due" };
    }
    if (this.#busy(id)) return { ok: true, ran: false, reason: "already-running" };
    const item: QueuedSlot = {
      runId: crypto.randomUUID(),
      slotMs: now,
      trigger: "manual",
      attempt: 1,
    };
    this.#enqueue(job, item);
    this.#save();
    this.#pump();
    return { ok: true, enqueued: true, runId: item.runId };
  }

  /**
   * A job's runs, paged like stock's `cron.runs`; `id` omitted: the runs of the
   * {@link MAX_ALL_SCOPE_JOBS} most recently run jobs (so one call cannot read every log).
   */
  runs(id: string | undefined, query: RunsQuery = {}): ReturnType<typeof pageRuns> {
    if (id !== undefined) return pageRuns(this.#runLog.read(id), query);
    const recent = [...this.#jobs.all()]
      .filter((j) => j.state.lastRunAtMs !== undefined)
      .sort((a, b) => b.state.lastRunAtMs! - a.state.lastRunAtMs!)
      .slice(0, MAX_ALL_SCOPE_JOBS);
    return pageRuns(recent.flatMap((j) => this.#runLog.read(j.id)), query);
  }

  /** `cron.status` (stock's fields; storage is our JSON store). */
  status(): Record<string, unknown> {
    const s = this.#settings;
    return {
      enabled: s.enabled && !this.#stopped,
      ...(s.disabledReason ? { disabledReason: s.disabledReason } : {}),
      triggersEnabled: false,
      storePath: s.storePath,
      storage: "json",
      runLogDir: s.runLogDir,
      jobs: this.#jobs.size,
      enabledJobs: [...this.#jobs.all()].filter((j) => j.enabled).length,
      running: this.#active.size,
      queued: this.#queue.length,
      nextWakeAtMs: s.enabled ? this.nextWakeAtMs() : null,
    };
  }
}
