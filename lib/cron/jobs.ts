/**
 * Turning what a client sends (`cron.add` params, a `cron.update` patch) into a stored job, with
 * stock's create-time defaults (`wakeMode: now`, `systemEvent -> main`, `agentTurn -> isolated`
 * for callers without a session, `deleteAfterRun: true` for `at`), the zone and catch-up policy
 * always written out, and the rules that make a job runnable checked up front. Also the view of
 * a job that listings show (derived `status`, next run in the job's zone).
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { nextSlotAfter, parseAtTime, validateSchedule } from "./schedule.ts";
import { isoInZone } from "./timezone.ts";
import type {
  CatchUpPolicy,
  CronDelivery,
  CronJob,
  CronJobCreate,
  CronJobPatch,
  CronPayload,
  CronSchedule,
} from "./types.ts";

/** What normalization needs besides the input. */
export interface JobContext {
  now: number;
  defaultTimeZone: string;
  defaultCatchUp: CatchUpPolicy;
  /** @default crypto.randomUUID */
  newId?: () => string;
}

function invalid(message: string, hint?: string): OpenClawError {
  return new OpenClawError("CRON_JOB_INVALID", message, hint ? { hint } : {});
}

function resolveSessionTarget(
  value: string | undefined,
  payload: CronPayload,
): "main" | "isolated" {
  if (value === undefined) return payload.kind === "systemEvent" ? "main" : "isolated";
  // Stock's `current` means the caller's session; a CLI or RPC caller has none, so isolated.
  if (value === "current") return "isolated";
  if (value === "main" || value === "isolated") return value;
  throw invalid(
    `Cannot use session target "${value.slice(0, 80)}": expected main or isolated`,
    "Use --session main or --session isolated",
  );
}

function resolveDelivery(
  input: Partial<CronDelivery> | undefined,
): CronDelivery | undefined {
  if (!input) return undefined;
  const mode = input.mode ?? (input.channel || input.to ? "announce" : "none");
  if (mode === "none") return { mode: "none" };
  if (mode === "webhook") {
    throw invalid(
      "Cannot use webhook delivery: this gateway does not post webhooks",
      "Use --deliver with --channel and --to",
    );
  }
  return { ...input, mode, channel: input.channel ?? "last" };
}

/** The rules between session, payload and delivery (stock's). */
function checkCombination(job: Pick<CronJob, "sessionTarget" | "payload" | "delivery">): void {
  if (job.payload.kind === "systemEvent" && job.sessionTarget !== "main") {
    throw invalid(
      "Cannot run a system event in an isolated session: system events go to the main session",
      "Use --session main, or --message for an isolated agent turn",
    );
  }
  if (job.delivery?.mode === "announce") {
    if (job.payload.kind !== "agentTurn") {
      throw invalid("Cannot deliver a system event: only agent turns have a reply to deliver");
    }
    if (job.sessionTarget === "main") {
      throw invalid(
        "Cannot deliver from a main-session job: its reply belongs to the main session",
        "Use --session isolated to deliver the reply to a channel",
      );
    }
  }
}

function normalizeSchedule(
  schedule: CronSchedule,
  ctx: JobContext,
): CronSchedule & { tz: string } {
  const s = { ...schedule, tz: schedule.tz ?? ctx.defaultTimeZone };
  validateSchedule(s);
  if (s.kind === "at") {
    const at = parseAtTime(s.at, s.tz);
    if (at <= ctx.now) {
      throw new OpenClawError(
        "CRON_SCHEDULE_INVALID",
        `Cannot schedule at "${s.at}": that time has passed (${new Date(at).toISOString()})`,
        { hint: "Give a future time, or a delay such as --at 20m" },
      );
    }
    return { ...s, at: new Date(at).toISOString() };
  }
  return s;
}

/**
 * The next slot of an enabled job strictly after `afterMs` (undefined when it has none).
 *
 * @param job The job.
 * @param afterMs Exclusive lower bound.
 */
export function nextRunOf(job: Pick<CronJob, "schedule" | "createdAtMs">, afterMs: number) {
  return nextSlotAfter(
    job.schedule as CronSchedule & { tz: string },
    afterMs,
    job.createdAtMs,
  );
}

function inferName(payload: CronPayload): string {
  const text = (payload.kind === "systemEvent" ? payload.text : payload.message).trim();
  const line = text.split("\n")[0];
  return line.length > 40 ? `${line.slice(0, 39)}\u2026` : line;
}

/**
 * Builds a new job from `cron.add` params.
 *
 * @param input The validated params.
 * @param ctx Time, id and defaults.
 * @returns The job, its first slot computed.
 * @throws {OpenClawError} `CRON_JOB_INVALID` / `CRON_SCHEDULE_INVALID` naming what is wrong.
 */
export function createJob(input: CronJobCreate, ctx: JobContext): CronJob {
  const schedule = normalizeSchedule(input.schedule, ctx);
  const name = input.name?.trim() || inferName(input.payload);
  const job: CronJob = {
    id: (ctx.newId ?? (() => crypto.randomUUID()))(),
    name,
    ...(input.description ? { description: input.description } : {}),
    ...(input.agentId ? { agentId: input.agentId } : {}),
    enabled: input.enabled ?? true,
    ...(schedule.kind === "at" || input.deleteAfterRun !== undefined
      ? { deleteAfterRun: input.deleteAfterRun ?? true }
      : {}),
    createdAtMs: ctx.now,
    updatedAtMs: ctx.now,
    schedule,
    sessionTarget: resolveSessionTarget(input.sessionTarget, input.payload),
    wakeMode: input.wakeMode ?? "now",
    payload: input.payload,
    catchUp: input.catchUp ?? ctx.defaultCatchUp,
    state: {},
  };
  const delivery = resolveDelivery(input.delivery);
  if (delivery) job.delivery = delivery;
  checkCombination(job);
  if (job.enabled) job.state.nextRunAtMs = nextRunOf(job, ctx.now);
  return job;
}

function patchPayload(current: CronPayload, patch: NonNullable<CronJobPatch["payload"]>) {
  const kind = patch.kind ?? current.kind;
  const base: Record<string, unknown> = kind === current.kind ? { ...current } : { kind };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else if (v !== undefined) base[k] = v;
  }
  base.kind = kind;
  if (kind === "systemEvent") {
    const text = base.text ?? base.message;
    if (typeof text !== "string") throw invalid("Cannot change to a system event without text");
    return { kind, text } as CronPayload;
  }
  const message = base.message ?? base.text;
  if (typeof message !== "string") throw invalid("Cannot change to an agent turn without message");
  delete base.text;
  return { ...base, kind, message } as CronPayload;
}

/**
 * Applies a `cron.update` patch. A changed schedule, or enabling a disabled job, computes the
 * next slot afresh from now (slots of a disabled job are not missed slots) and drops a pending
 * retry; enabling also clears an auto-disable and the failure streak.
 *
 * @param job The stored job (not modified).
 * @param patch The validated patch.
 * @param ctx Time and defaults.
 * @returns The updated job.
 * @throws {OpenClawError} `CRON_JOB_INVALID` / `CRON_SCHEDULE_INVALID`.
 */
export function patchJob(job: CronJob, patch: CronJobPatch, ctx: JobContext): CronJob {
  const next: CronJob = structuredClone(job);
  if (patch.name !== undefined) {
    if (patch.name.trim() === "") throw invalid("Cannot set an empty name");
    next.name = patch.name.trim();
  }
  if (patch.description !== undefined) {
    if (patch.description === null) delete next.description;
    else next.description = patch.description;
  }
  if (patch.agentId !== undefined) {
    if (patch.agentId === null) delete next.agentId;
    else next.agentId = patch.agentId;
  }
  if (patch.deleteAfterRun !== undefined) {
    if (patch.deleteAfterRun === null) delete next.deleteAfterRun;
    else next.deleteAfterRun = patch.deleteAfterRun;
  }
  if (patch.wakeMode) next.wakeMode = patch.wakeMode;
  if (patch.catchUp) next.catchUp = patch.catchUp;
  if (patch.payload) next.payload = patchPayload(job.payload, patch.payload);
  if (patch.sessionTarget !== undefined) {
    next.sessionTarget = resolveSessionTarget(patch.sessionTarget, next.payload);
  }
  if (patch.delivery !== undefined) {
    const merged = patch.delivery === null ? undefined : { ...job.delivery, ...patch.delivery };
    const delivery = resolveDelivery(merged);
    if (delivery) next.delivery = delivery;
    else delete next.delivery;
  }
  const rescheduled = patch.schedule !== undefined ||
    (patch.enabled === true && !job.enabled);
  if (patch.schedule) {
    next.schedule = normalizeSchedule(
      { ...patch.schedule, tz: patch.schedule.tz ?? job.schedule.tz },
      ctx,
    );
  }
  if (patch.enabled !== undefined) next.enabled = patch.enabled;
  checkCombination(next);
  if (patch.enabled === true) {
    delete next.state.autoDisabled;
    next.state.consecutiveErrors = 0;
  }
  if (rescheduled) {
    delete next.state.retry;
    next.state.nextRunAtMs = next.enabled ? nextRunOf(next, ctx.now) : undefined;
  }
  next.updatedAtMs = ctx.now;
  return next;
}

/** A job as listings show it: stock's derived fields plus the next run in the job's zone. */
export type CronJobView = CronJob & {
  status: "disabled" | "running" | "ok" | "error" | "skipped" | "idle";
  tz: string;
  nextRunAtMs?: number;
  /** The next run in the job's zone, ISO 8601 with offset. */
  nextRunAt?: string;
  lastRunAtMs?: number;
  lastRunStatus?: string;
  lastRunError?: string;
  effectiveAgentId: string | null;
};

/**
 * The listing view of a job.
 *
 * @param job The job.
 * @param defaultAgentId The agent a job without `agentId` runs as, when known.
 */
export function jobView(job: CronJob, defaultAgentId?: string): CronJobView {
  const tz = job.schedule.tz ?? "UTC";
  const s = job.state;
  const status = !job.enabled ? "disabled" : s.running ? "running" : s.lastRunStatus ?? "idle";
  const next = job.enabled ? s.retry?.atMs ?? s.nextRunAtMs : undefined;
  const nextRunAtMs = s.retry && s.nextRunAtMs !== undefined && job.enabled
    ? Math.min(s.retry.atMs, s.nextRunAtMs)
    : next;
  return {
    ...job,
    status,
    tz,
    ...(nextRunAtMs !== undefined ? { nextRunAtMs, nextRunAt: isoInZone(nextRunAtMs, tz) } : {}),
    ...(s.lastRunAtMs !== undefined ? { lastRunAtMs: s.lastRunAtMs } : {}),
    ...(s.lastRunStatus ? { lastRunStatus: s.lastRunStatus } : {}),
    ...(s.lastError ? { lastRunError: s.lastError } : {}),
    effectiveAgentId: job.agentId ?? defaultAgentId ?? null,
  };
}
