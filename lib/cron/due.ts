/**
 * What the scheduler does with one job whose slots fell due: the slot plan (slots.ts) applied
 * to the job -- `nextRunAtMs` moved past the due slots, a `skipped` row for every slot that will
 * not run (with its reason), and the slots to queue. A schedule that cannot be computed any
 * more disables the job with a row saying why; a one-shot whose slot was skipped is disabled,
 * since nothing will ever run it.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { planDueSlots, type SlotPlan } from "./slots.ts";
import type { CronJob, CronRunLogEntry, QueuedSlot } from "./types.ts";

/** The rows to write and the slots to queue for one job. */
export interface DueResult {
  rows: CronRunLogEntry[];
  queue: QueuedSlot[];
}

/**
 * A `skipped` row for a slot.
 *
 * @param job The job.
 * @param slotMs The slot.
 * @param reason `missed`, `superseded`, `catch-up-limit`, `already-running`, `invalid-spec`.
 * @param now The current time.
 * @param extra More fields (`summary`, `error`).
 */
export function skipRow(
  job: CronJob,
  slotMs: number,
  reason: string,
  now: number,
  extra: Partial<CronRunLogEntry> = {},
): CronRunLogEntry {
  return {
    ts: now,
    jobId: job.id,
    jobName: job.name,
    action: "finished",
    status: "skipped",
    errorReason: reason,
    runAtMs: slotMs,
    trigger: "schedule",
    deliveryStatus: "not-requested",
    ...(job.state.nextRunAtMs !== undefined ? { nextRunAtMs: job.state.nextRunAtMs } : {}),
    ...extra,
  };
}

/**
 * Handles a job's due slots, changing the job in place.
 *
 * @param job An enabled job with `nextRunAtMs <= now`.
 * @param now The current time.
 * @param startedAtMs When the scheduler started (earlier slots are missed).
 * @param busy True when the job has a run in flight or queued: due slots are then skipped.
 * @returns Rows to write and slots to queue (fresh run ids, attempt 1).
 */
export function handleDueSlots(
  job: CronJob,
  now: number,
  startedAtMs: number,
  busy: boolean,
): DueResult {
  let plan: SlotPlan;
  try {
    plan = planDueSlots(job, now, { startedAtMs });
  } catch (err) {
    // A schedule that cannot be computed any more (a zone the runtime dropped) stops here.
    const slot = job.state.nextRunAtMs ?? now;
    job.enabled = false;
    job.state.autoDisabled = { reason: "schedule-errors", atMs: now };
    return {
      rows: [skipRow(job, slot, "invalid-spec", now, { error: errorMessage(err) })],
      queue: [],
    };
  }
  job.state.nextRunAtMs = plan.nextRunAtMs;
  const rows = plan.skip.map((s) => skipRow(job, s.slotMs, s.reason, now));
  if (plan.omitted) {
    const o = plan.omitted;
    rows.unshift(skipRow(job, o.fromMs, o.reason, now, {
      summary: `${o.atLeast ? "at least " : ""}${o.count} more slots from ${
        new Date(o.fromMs).toISOString()
      } to ${new Date(o.toMs).toISOString()} skipped (${o.reason})`,
    }));
  }
  const queue: QueuedSlot[] = [];
  for (const r of plan.run) {
    if (busy) rows.push(skipRow(job, r.slotMs, "already-running", now));
    else queue.push({ runId: crypto.randomUUID(), attempt: 1, ...r });
  }
  if (job.schedule.kind === "at" && queue.length === 0) {
    job.enabled = false;
    job.state.lastRunStatus = "skipped";
  }
  return { rows, queue };
}
