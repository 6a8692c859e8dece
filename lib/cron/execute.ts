/**
 * One run of one slot, apart from the scheduling around it: calling the payload runner under a
 * deadline, turning the outcome into a run-log row, and applying that row to the job (last-run
 * fields, failure streak, retry with backoff, auto-disable, a one-shot's deletion).
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { errorMessage } from "../errors.ts";
import { classifyRunError, type CronPayloadRunner, type CronRunOutcome } from "./runner.ts";
import type { CronRunLog } from "./run_log.ts";
import type { CronSettings } from "./settings.ts";
import type { CronJob, CronRunLogEntry, QueuedSlot } from "./types.ts";
import { MAX_RESULT_CHARS } from "./types.ts";

/** Scheduler ceiling of an agent turn without `timeoutSeconds` (stock: 60 min watchdog). */
export const DEFAULT_AGENT_TURN_TIMEOUT_MS = 3_600_000;
/** Ceiling of queueing a system event. */
export const SYSTEM_EVENT_TIMEOUT_MS = 60_000;
/** Consecutive failed runs after which a job disables itself (stock: 10). */
export const AUTO_DISABLE_AFTER = 10;

/** What an interrupted run's row says (a crash, a kill -9 or a stop during the run). */
export const INTERRUPTED_ERROR =
  "interrupted: the gateway stopped before the run finished; not retried, so the slot never runs twice";

function clip(text: string | undefined): string | undefined {
  return text && text.length > MAX_RESULT_CHARS
    ? `${text.slice(0, MAX_RESULT_CHARS - 1)}\u2026`
    : text;
}

function deadlineOf(job: CronJob): number | undefined {
  if (job.payload.kind === "systemEvent") return SYSTEM_EVENT_TIMEOUT_MS;
  const s = job.payload.timeoutSeconds;
  if (s === 0) return undefined;
  return s !== undefined ? s * 1_000 : DEFAULT_AGENT_TURN_TIMEOUT_MS;
}

/**
 * Runs a job's payload, never throwing: a thrown error, a timeout (on `clock`) or an abort
 * becomes an outcome with `error`.
 *
 * @param runner The injected payload runner.
 * @param job The job.
 * @param item The slot being run.
 * @param clock Times the deadline.
 * @param signal Aborted when the engine stops.
 * @returns The outcome, with `errorReason`-style prefixes (`timeout:`) in `error`.
 */
export async function runPayload(
  runner: CronPayloadRunner,
  job: CronJob,
  item: QueuedSlot,
  clock: Clock,
  signal: AbortSignal,
): Promise<CronRunOutcome & { timedOut?: boolean }> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const limit = deadlineOf(job);
  let timer: ReturnType<Clock["setTimeout"]> | undefined;
  const timeout = new Promise<CronRunOutcome & { timedOut: boolean }>((resolve) => {
    if (limit === undefined) return;
    timer = clock.setTimeout(() => {
      // Settle first: the abort makes the runner answer too, and the race must see the timeout.
      resolve({ error: `timeout: the run took longer than ${limit / 1000} s`, timedOut: true });
      controller.abort(new Error("timeout"));
    }, limit);
  });
  const ctx = { ...item, signal: controller.signal };
  try {
    const run = job.payload.kind === "systemEvent"
      ? Promise.resolve(runner.systemEvent(job, ctx))
      : runner.agentTurn(job, ctx);
    return await Promise.race([run, timeout]);
  } catch (err) {
    return { error: errorMessage(err) || "the run failed" };
  } finally {
    clock.clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * The finished row of a run.
 *
 * @param job The job.
 * @param item The slot.
 * @param outcome What the runner said.
 * @param times When the run started and ended.
 */
export function runRow(
  job: CronJob,
  item: QueuedSlot,
  outcome: CronRunOutcome & { timedOut?: boolean },
  times: { startedAtMs: number; endedAtMs: number },
): CronRunLogEntry {
  const status = outcome.error ? "error" : outcome.skipped ? "skipped" : "ok";
  const errorReason = outcome.timedOut
    ? "timeout"
    : outcome.error
    ? classifyRunError(outcome.error) ?? "run-failed"
    : outcome.skipped;
  const requested = job.delivery?.mode === "announce";
  return {
    ts: times.endedAtMs,
    jobId: job.id,
    jobName: job.name,
    action: "finished",
    status,
    ...(errorReason ? { errorReason } : {}),
    ...(outcome.error ? { error: clip(outcome.error) } : {}),
    ...(outcome.text ? { summary: clip(outcome.text) } : {}),
    runId: item.runId,
    runAtMs: item.slotMs,
    startedAtMs: times.startedAtMs,
    durationMs: Math.max(0, times.endedAtMs - times.startedAtMs),
    trigger: item.trigger,
    attempt: item.attempt,
    delivered: outcome.delivered ?? false,
    deliveryStatus: outcome.deliveryStatus ??
      (requested ? (outcome.delivered ? "delivered" : "unknown") : "not-requested"),
    ...(outcome.deliveryError ? { deliveryError: clip(outcome.deliveryError) } : {}),
    ...(outcome.sessionKey ? { sessionKey: outcome.sessionKey } : {}),
    ...(outcome.sessionId ? { sessionId: outcome.sessionId } : {}),
    ...(outcome.model ? { model: outcome.model } : {}),
  };
}

/** The row of a run a crash or stop cut short. */
export function interruptedRow(
  job: CronJob,
  item: QueuedSlot & { startedAtMs: number },
  now: number,
): CronRunLogEntry {
  return {
    ts: now,
    jobId: job.id,
    jobName: job.name,
    action: "finished",
    status: "error",
    errorReason: "interrupted",
    error: INTERRUPTED_ERROR,
    runId: item.runId,
    runAtMs: item.slotMs,
    startedAtMs: item.startedAtMs,
    trigger: item.trigger,
    attempt: item.attempt,
    delivered: false,
    deliveryStatus: job.delivery?.mode === "announce" ? "unknown" : "not-requested",
  };
}

/** What applying a row did to its job. */
export interface AppliedResult {
  /** The one-shot succeeded and is to be deleted. */
  delete: boolean;
  /** When the failed slot runs again (also set on the row as `retryAtMs`). */
  retryAtMs?: number;
}

function retryAllowed(row: CronRunLogEntry, settings: CronSettings): boolean {
  if (row.errorReason === "interrupted") return false;
  const on = settings.retry.retryOn;
  if (!on) return true;
  return on.some((c) => c === row.errorReason);
}

/**
 * Applies a finished row to its job: last-run fields, failure streak, a retry with backoff
 * (not past the next regular slot, which supersedes it), auto-disable after
 * {@link AUTO_DISABLE_AFTER} failures, and what ends a one-shot (deleted after success unless
 * `deleteAfterRun: false`, else disabled).
 *
 * @param job The job, changed in place.
 * @param row The finished row (its `retryAtMs` is set when a retry is planned).
 * @param settings Retry policy.
 * @param now The current time.
 */
export function applyRunResult(
  job: CronJob,
  row: CronRunLogEntry,
  settings: CronSettings,
  now: number,
): AppliedResult {
  const s = job.state;
  delete s.running;
  delete s.runningAtMs;
  s.lastRunAtMs = row.startedAtMs ?? row.ts;
  s.lastRunStatus = row.status;
  if (row.durationMs !== undefined) s.lastDurationMs = row.durationMs;
  s.lastDelivered = row.delivered;
  if (row.deliveryStatus) s.lastDeliveryStatus = row.deliveryStatus;
  if (row.deliveryError) s.lastDeliveryError = row.deliveryError;
  else delete s.lastDeliveryError;
  if (row.status !== "error") {
    delete s.lastError;
    delete s.lastErrorReason;
    s.consecutiveErrors = 0;
    if (job.schedule.kind === "at") {
      if (row.status === "ok" && job.deleteAfterRun !== false) return { delete: true };
      job.enabled = false;
    }
    return { delete: false };
  }
  s.lastError = row.error;
  if (row.errorReason) s.lastErrorReason = row.errorReason;
  s.consecutiveErrors = (s.consecutiveErrors ?? 0) + 1;
  const attempt = row.attempt ?? 1;
  if (attempt <= settings.retry.maxRetries && retryAllowed(row, settings) && job.enabled) {
    const backoff = settings.retry.backoffMs;
    const atMs = now + backoff[Math.min(attempt - 1, backoff.length - 1)];
    const nextRegular = s.nextRunAtMs;
    if (nextRegular === undefined || atMs < nextRegular) {
      s.retry = { slotMs: row.runAtMs ?? now, attempt: attempt + 1, atMs };
      row.retryAtMs = atMs;
      return { delete: false, retryAtMs: atMs };
    }
  }
  if (s.consecutiveErrors >= AUTO_DISABLE_AFTER) {
    job.enabled = false;
    s.autoDisabled = {
      reason: "consecutive-failures",
      atMs: now,
      consecutiveErrors: s.consecutiveErrors,
    };
  }
  // A one-shot whose only slot failed for good stays, disabled, for inspection and `cron run`.
  if (job.schedule.kind === "at") job.enabled = false;
  return { delete: false };
}

/**
 * Settles a claim found at start (the job has `state.running`): a run whose row reached the run
 * log before the crash gets that row applied; any other was cut short and gets an interrupted
 * row (to be written by the caller). Either way the claim is cleared and never run again.
 *
 * @param job The claimed job, changed in place.
 * @param runLog Where the run's row may be.
 * @param settings Retry policy.
 * @param now The current time.
 */
export function settleClaim(
  job: CronJob,
  runLog: CronRunLog,
  settings: CronSettings,
  now: number,
): { row: CronRunLogEntry; interrupted: boolean; delete: boolean } {
  const claim = job.state.running!;
  const done = runLog.findRun(job.id, claim.runId);
  const row = done ?? interruptedRow(job, claim, now);
  return { row, interrupted: !done, delete: applyRunResult(job, row, settings, now).delete };
}
