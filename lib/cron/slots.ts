/**
 * Which of a job's due slots run and which are skipped, and why. A slot is *missed* when it fell
 * due before the scheduler started (the gateway was down or the scheduler disabled) or is more
 * than a grace period late (the machine slept); the job's catch-up policy decides what happens to
 * missed slots:
 *
 * - `none`: every missed slot is skipped (`missed`);
 * - `latest` (default): the newest missed slot runs, older ones are skipped -- unless a slot is
 *   due on time now, which then runs instead;
 * - `all`: missed slots run one after another, oldest first, up to a limit (older ones beyond it
 *   are skipped as `catch-up-limit`).
 *
 * Every due slot ends up in exactly one of `run` and `skip` (or, past the row budget, in the
 * `omitted` count of one summary row), so a job can never go silent. Pure: no clock, no IO.
 *
 * @module
 */
import type { CronJob } from "./types.ts";
import { nextRunOf } from "./jobs.ts";

/** A slot more than this late counts as missed even while the gateway runs (sleep, suspend). */
export const LATE_GRACE_MS = 5 * 60_000;
/** Most missed slots one catch-up with policy `all` runs. */
export const MAX_CATCH_UP_RUNS = 50;
/** Most due slots looked at for one job at once (a 1 s job down for a week has 600k). */
const MAX_ENUMERATED = 10_000;
/** Most skip rows written for one job at once; the rest are counted in one summary row. */
export const MAX_SKIP_ROWS = 50;

/** A slot that will not run. */
export interface SkippedSlot {
  slotMs: number;
  reason: "missed" | "superseded" | "catch-up-limit";
}

/** What to do with a job's due slots. */
export interface SlotPlan {
  run: { slotMs: number; trigger: "schedule" | "catch-up" }[];
  /** Skipped slots that get a row each (the newest {@link MAX_SKIP_ROWS}). */
  skip: SkippedSlot[];
  /** Further skipped slots, older than those in `skip`, counted only. */
  omitted: {
    count: number;
    /** True when slots past the enumeration budget were not counted: "at least count". */
    atLeast: boolean;
    fromMs: number;
    toMs: number;
    reason: SkippedSlot["reason"];
  } | null;
  /** The first slot after `now` (undefined: the schedule has none). */
  nextRunAtMs: number | undefined;
}

/** Options of {@linkcode planDueSlots}. */
export interface PlanOptions {
  /** When the scheduler started: earlier slots are missed. */
  startedAtMs: number;
  /** @default LATE_GRACE_MS */
  lateGraceMs?: number;
}

/**
 * Plans a job's slots from `state.nextRunAtMs` up to and including `now`.
 *
 * @param job An enabled job.
 * @param now The current time.
 * @param options When the scheduler started.
 * @returns What runs, what is skipped, and the next slot.
 * @example
 * ```ts
 * const plan = planDueSlots(job, clock.now(), { startedAtMs });
 * plan.run;  // [{ slotMs, trigger: "catch-up" }] for a `latest` job after downtime
 * ```
 */
export function planDueSlots(job: CronJob, now: number, options: PlanOptions): SlotPlan {
  const grace = options.lateGraceMs ?? LATE_GRACE_MS;
  const due: number[] = [];
  let slot = job.state.nextRunAtMs;
  while (slot !== undefined && slot <= now && due.length < MAX_ENUMERATED) {
    due.push(slot);
    slot = nextRunOf(job, slot);
  }
  // Past the enumeration budget: the slots of the last ten minutes are looked at too, the gap
  // in between is only summarised.
  let gap: { fromMs: number; toMs: number } | null = null;
  if (slot !== undefined && slot <= now) {
    const tailFrom = Math.max(slot, now - 600_000);
    let t = nextRunOf(job, tailFrom - 1);
    const tail: number[] = [];
    while (t !== undefined && t <= now && tail.length < 1_000) {
      tail.push(t);
      t = nextRunOf(job, t);
    }
    gap = { fromMs: slot, toMs: tail[0] ?? now };
    due.push(...tail);
    slot = t !== undefined && t <= now ? nextRunOf(job, now) : t;
  }
  const isMissed = (s: number) => s < options.startedAtMs || now - s > grace;
  const missed = due.filter(isMissed);
  const onTime = due.filter((s) => !isMissed(s));
  const run: SlotPlan["run"] = [];
  const skip: SkippedSlot[] = [];

  if (onTime.length > 0) {
    const keep = job.catchUp === "all" ? onTime : onTime.slice(-1);
    for (const s of onTime) {
      if (keep.includes(s)) run.push({ slotMs: s, trigger: "schedule" });
      else skip.push({ slotMs: s, reason: "superseded" });
    }
  }
  if (job.catchUp === "all") {
    const runnable = missed.slice(-MAX_CATCH_UP_RUNS);
    for (const s of missed.slice(0, missed.length - runnable.length)) {
      skip.push({ slotMs: s, reason: "catch-up-limit" });
    }
    run.unshift(...runnable.map((s) => ({ slotMs: s, trigger: "catch-up" as const })));
  } else if (job.catchUp === "latest" && onTime.length === 0 && missed.length > 0) {
    for (const s of missed.slice(0, -1)) skip.push({ slotMs: s, reason: "missed" });
    run.unshift({ slotMs: missed[missed.length - 1], trigger: "catch-up" });
  } else {
    for (const s of missed) skip.push({ slotMs: s, reason: "missed" });
  }
  // However late the timer was, one job never queues more than MAX_CATCH_UP_RUNS slots.
  for (const r of run.splice(0, Math.max(0, run.length - MAX_CATCH_UP_RUNS))) {
    skip.push({ slotMs: r.slotMs, reason: "catch-up-limit" });
  }
  skip.sort((a, b) => a.slotMs - b.slotMs);

  let omitted: SlotPlan["omitted"] = null;
  const cut = Math.max(0, skip.length - MAX_SKIP_ROWS);
  if (cut > 0 || gap) {
    const dropped = skip.splice(0, cut);
    omitted = {
      count: dropped.length,
      atLeast: gap !== null,
      fromMs: Math.min(dropped[0]?.slotMs ?? Infinity, gap?.fromMs ?? Infinity),
      toMs: Math.max(dropped[dropped.length - 1]?.slotMs ?? 0, gap?.toMs ?? 0),
      reason: dropped[0]?.reason ?? "missed",
    };
  }
  return { run, skip, omitted, nextRunAtMs: slot };
}
