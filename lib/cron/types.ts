/**
 * The shapes of the cron subsystem: jobs as stored in `<stateDir>/cron/jobs.json` (stock's
 * legacy `CronJob`, with the time zone always set and our catch-up policy added), what
 * `cron.add` / `cron.update` accept, and one row of a job's run log (`CronRunLogEntry`).
 * Every string and list is bounded here, so a hostile client cannot grow the store.
 *
 * @module
 */
import { z } from "zod";
import {
  CATCH_UP_POLICIES,
  MAX_DESCRIPTION_CHARS,
  MAX_EVERY_MS,
  MAX_NAME_CHARS,
  MAX_PAYLOAD_CHARS,
  MAX_RESULT_CHARS,
  MIN_EVERY_MS,
} from "./limits.ts";

export {
  CATCH_UP_POLICIES,
  type CatchUpPolicy,
  DEFAULT_MAX_JOBS,
  MAX_DESCRIPTION_CHARS,
  MAX_EVERY_MS,
  MAX_JOBS_LIMIT,
  MAX_NAME_CHARS,
  MAX_PAYLOAD_CHARS,
  MAX_RESULT_CHARS,
  MIN_EVERY_MS,
} from "./limits.ts";

const Ms = z.int().min(0).max(8.64e15);
const Short = (max: number) => z.string().max(max);
const Id = z.string().min(1).max(128);
/** An IANA zone name; checked against Intl when a job is normalized. */
const TimeZone = z.string().min(1).max(64);

/** `{kind:"at"}`: one slot, an ISO time (offset-less = in `tz`). */
export const AtScheduleSchema = z.object({
  kind: z.literal("at"),
  at: z.string().min(1).max(64),
  tz: TimeZone.optional(),
});

/** `{kind:"every"}`: slots at `anchorMs + k·everyMs`. */
export const EveryScheduleSchema = z.object({
  kind: z.literal("every"),
  everyMs: z.int().min(MIN_EVERY_MS).max(MAX_EVERY_MS),
  anchorMs: Ms.optional(),
  tz: TimeZone.optional(),
});

/** `{kind:"cron"}`: a 5-field (minute) or 6-field (second) expression in `tz`. */
export const CronExprScheduleSchema = z.object({
  kind: z.literal("cron"),
  expr: z.string().min(1).max(200),
  tz: TimeZone.optional(),
});

/** Any schedule. */
export const CronScheduleSchema = z.discriminatedUnion("kind", [
  AtScheduleSchema,
  EveryScheduleSchema,
  CronExprScheduleSchema,
]);
/** A schedule; stored jobs always carry `tz`. */
export type CronSchedule = z.infer<typeof CronScheduleSchema>;

const Text = z.string().max(MAX_PAYLOAD_CHARS).refine((t) => t.trim() !== "", "must not be empty");

/** A `System:` line queued into the main session (no model call by itself). */
export const SystemEventPayloadSchema = z.object({
  kind: z.literal("systemEvent"),
  text: Text,
});

/** A full agent turn. */
export const AgentTurnPayloadSchema = z.object({
  kind: z.literal("agentTurn"),
  message: Text,
  model: Short(200).optional(),
  thinking: Short(20).optional(),
  /** Scheduler ceiling for this run; 0 = none. @default 3600 */
  timeoutSeconds: z.int().min(0).max(7 * 86_400).optional(),
  lightContext: z.boolean().optional(),
});

/** What a job does. */
export const CronPayloadSchema = z.discriminatedUnion("kind", [
  SystemEventPayloadSchema,
  AgentTurnPayloadSchema,
]);
/** What a job does. */
export type CronPayload = z.infer<typeof CronPayloadSchema>;

/**
 * Where an agent turn's final text goes (`announce`), or nowhere (`none`). `webhook` (stock) is
 * kept when a store has it, and recorded as not delivered: we do not post webhooks yet.
 */
export const CronDeliverySchema = z.object({
  mode: z.enum(["none", "announce", "webhook"]),
  /** `last` or a channel id. */
  channel: Short(64).optional(),
  to: Short(256).optional(),
  accountId: Short(128).optional(),
  threadId: z.union([Short(128), z.number()]).optional(),
  bestEffort: z.boolean().optional(),
});
/** A job's delivery. */
export type CronDelivery = z.infer<typeof CronDeliverySchema>;

/** How a run was started. */
export const RUN_TRIGGERS = ["schedule", "catch-up", "retry", "manual"] as const;
/** One of {@link RUN_TRIGGERS}. */
export type RunTrigger = typeof RUN_TRIGGERS[number];

/** A slot accepted to run but not started yet (durable, so a crash cannot lose it). */
export const QueuedSlotSchema = z.object({
  runId: Id,
  slotMs: Ms,
  trigger: z.enum(RUN_TRIGGERS),
  attempt: z.int().min(1).max(100),
});
/** A slot accepted to run but not started yet. */
export type QueuedSlot = z.infer<typeof QueuedSlotSchema>;

/** Execution statuses of a run (stock). */
export const RUN_STATUSES = ["ok", "error", "skipped"] as const;
/** One of {@link RUN_STATUSES}. */
export type RunStatus = typeof RUN_STATUSES[number];

/** Delivery statuses of a run (stock). */
export const DELIVERY_STATUSES = [
  "delivered",
  "not-delivered",
  "unknown",
  "not-requested",
] as const;
/** One of {@link DELIVERY_STATUSES}. */
export type DeliveryStatus = typeof DELIVERY_STATUSES[number];

/**
 * The runtime state of a job, kept in the same file so one atomic write covers both. Loose, like
 * the job itself: fields stock writes that we do not use survive our rewrites of the store.
 */
export const CronJobStateSchema = z.looseObject({
  /** The next slot not yet handled. */
  nextRunAtMs: Ms.optional(),
  /** The slot that started and has not finished: the durable claim (see engine.ts). */
  running: QueuedSlotSchema.extend({ startedAtMs: Ms }).optional(),
  /** Stock's copy of `running.startedAtMs`. */
  runningAtMs: Ms.optional(),
  queued: z.array(QueuedSlotSchema).max(200).optional(),
  /** A failed slot to try again. */
  retry: z.object({ slotMs: Ms, attempt: z.int().min(2).max(100), atMs: Ms }).optional(),
  lastRunAtMs: Ms.optional(),
  lastRunStatus: z.enum(RUN_STATUSES).optional(),
  lastError: Short(MAX_RESULT_CHARS).optional(),
  lastErrorReason: Short(64).optional(),
  lastDurationMs: Ms.optional(),
  consecutiveErrors: z.int().min(0).optional(),
  lastDelivered: z.boolean().optional(),
  lastDeliveryStatus: z.enum(DELIVERY_STATUSES).optional(),
  lastDeliveryError: Short(MAX_RESULT_CHARS).optional(),
  autoDisabled: z.object({
    reason: z.enum(["consecutive-failures", "schedule-errors"]),
    atMs: Ms,
    consecutiveErrors: z.int().min(0).optional(),
  }).optional(),
});
/** The runtime state of a job. */
export type CronJobState = z.infer<typeof CronJobStateSchema>;

/** A job as stored (unknown fields kept, see {@link CronJobStateSchema}). */
export const CronJobSchema = z.looseObject({
  id: Id,
  name: z.string().min(1).max(MAX_NAME_CHARS),
  description: Short(MAX_DESCRIPTION_CHARS).optional(),
  agentId: Short(64).optional(),
  enabled: z.boolean(),
  deleteAfterRun: z.boolean().optional(),
  createdAtMs: Ms,
  updatedAtMs: Ms,
  schedule: CronScheduleSchema,
  sessionTarget: z.enum(["main", "isolated"]),
  wakeMode: z.enum(["now", "next-heartbeat"]),
  payload: CronPayloadSchema,
  delivery: CronDeliverySchema.optional(),
  catchUp: z.enum(CATCH_UP_POLICIES),
  state: CronJobStateSchema,
});
/** A job as stored (after normalization `schedule.tz` is always set). */
export type CronJob = z.infer<typeof CronJobSchema>;

/** `cron.add` params / what `cron add` sends: stock's create shape, most fields defaulted. */
export const CronJobCreateSchema = z.object({
  name: z.string().max(MAX_NAME_CHARS).optional(),
  description: Short(MAX_DESCRIPTION_CHARS).optional(),
  agentId: Short(64).optional(),
  enabled: z.boolean().optional(),
  deleteAfterRun: z.boolean().optional(),
  schedule: CronScheduleSchema,
  sessionTarget: Short(80).optional(),
  wakeMode: z.enum(["now", "next-heartbeat"]).optional(),
  payload: CronPayloadSchema,
  delivery: CronDeliverySchema.partial().optional(),
  catchUp: z.enum(CATCH_UP_POLICIES).optional(),
});
/** `cron.add` params. */
export type CronJobCreate = z.infer<typeof CronJobCreateSchema>;

/** `cron.update` patch: every field optional, `null` clears an optional one. */
export const CronJobPatchSchema = z.object({
  name: z.string().max(MAX_NAME_CHARS).optional(),
  description: Short(MAX_DESCRIPTION_CHARS).nullable().optional(),
  agentId: Short(64).nullable().optional(),
  enabled: z.boolean().optional(),
  deleteAfterRun: z.boolean().nullable().optional(),
  schedule: CronScheduleSchema.optional(),
  sessionTarget: Short(80).optional(),
  wakeMode: z.enum(["now", "next-heartbeat"]).optional(),
  payload: z.object({
    kind: z.enum(["systemEvent", "agentTurn"]).optional(),
    text: Text.optional(),
    message: Text.optional(),
    model: Short(200).nullable().optional(),
    thinking: Short(20).nullable().optional(),
    timeoutSeconds: z.int().min(0).max(7 * 86_400).nullable().optional(),
    lightContext: z.boolean().nullable().optional(),
  }).optional(),
  delivery: CronDeliverySchema.partial().nullable().optional(),
  catchUp: z.enum(CATCH_UP_POLICIES).optional(),
});
/** `cron.update` patch. */
export type CronJobPatch = z.infer<typeof CronJobPatchSchema>;

/** One row of a job's run log (stock `CronRunLogEntry`, plus `trigger`, `attempt`, ...). */
export interface CronRunLogEntry {
  ts: number;
  jobId: string;
  jobName?: string;
  action: "finished";
  status: RunStatus;
  /** Why a run failed or was skipped: `missed`, `already-running`, `interrupted`, `timeout`, ... */
  errorReason?: string;
  error?: string;
  summary?: string;
  runId?: string;
  /** The slot: when the run was due. */
  runAtMs?: number;
  startedAtMs?: number;
  durationMs?: number;
  nextRunAtMs?: number;
  trigger?: RunTrigger;
  attempt?: number;
  /** When the failed slot will be tried again. */
  retryAtMs?: number;
  delivered?: boolean;
  deliveryStatus?: DeliveryStatus;
  deliveryError?: string;
  sessionKey?: string;
  sessionId?: string;
  model?: string;
}

/** The `cron` event payload (stock). */
export interface CronEvent {
  jobId: string;
  action: "added" | "updated" | "removed" | "started" | "finished";
  job?: unknown;
  runId?: string;
  runAtMs?: number;
  durationMs?: number;
  status?: RunStatus;
  error?: string;
  delivered?: boolean;
  deliveryStatus?: DeliveryStatus;
  deliveryError?: string;
  sessionKey?: string;
  nextRunAtMs?: number;
}
