/**
 * What the cron engine needs from the rest of the gateway to run a payload, as an interface the
 * gateway injects (the engine knows nothing of sessions, heartbeats or channels), plus the error
 * classes `cron.retry.retryOn` names.
 *
 * @module
 */
import type { RetryClass } from "./settings.ts";
import type { CronJob, DeliveryStatus, RunTrigger } from "./types.ts";

/** One run as the payload runner sees it. */
export interface CronRunContext {
  runId: string;
  /** The slot (when the run was due). */
  slotMs: number;
  trigger: RunTrigger;
  attempt: number;
  /** Aborted on timeout or when the gateway stops. */
  signal: AbortSignal;
}

/** How a payload run ended. `error` set = the run failed. */
export interface CronRunOutcome {
  /** The agent's final text (or what was queued), for the run log's `summary`. */
  text?: string;
  error?: string;
  /** The run did nothing on purpose (e.g. the agent is unknown): recorded as `skipped`. */
  skipped?: string;
  delivered?: boolean;
  deliveryStatus?: DeliveryStatus;
  /** Why a requested delivery did not happen (`channel-not-connected`, ...). */
  deliveryError?: string;
  sessionKey?: string;
  sessionId?: string;
  model?: string;
}

/** Runs job payloads; the gateway maps these to system events, heartbeats and agent turns. */
export interface CronPayloadRunner {
  /** Queues `payload.text` as a `System:` line of the main session (waking it per `wakeMode`). */
  systemEvent(job: CronJob, ctx: CronRunContext): CronRunOutcome | Promise<CronRunOutcome>;
  /** Runs `payload.message` as an agent turn (main or isolated session), delivering if asked. */
  agentTurn(job: CronJob, ctx: CronRunContext): Promise<CronRunOutcome>;
}

const CLASSES: readonly [RetryClass, RegExp][] = [
  ["rate_limit", /rate.?limit|\b429\b|too many requests|quota/i],
  ["overloaded", /overload|\b529\b|capacity/i],
  ["timeout", /time.?out|timed out|deadline/i],
  ["network", /network|econn|enotfound|eai_again|socket|fetch failed|connection/i],
  ["server_error", /\b5\d\d\b|server error|internal error|bad gateway|unavailable/i],
];

/**
 * The retry class of an error text, or undefined when it is none of them (not retried when
 * `cron.retry.retryOn` is set).
 *
 * @param error The error message.
 */
export function classifyRunError(error: string): RetryClass | undefined {
  return CLASSES.find(([, re]) => re.test(error))?.[0];
}
