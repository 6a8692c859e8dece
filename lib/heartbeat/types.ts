/**
 * The shapes heartbeats and the other automation (cron) share with the gateway: an automation
 * turn, the `heartbeat` event (also what `last-heartbeat` returns), a wake request, queued
 * system events and the per-agent daily counters `status` shows.
 *
 * @module
 */
import type { AgentStopReason, AgentUsage } from "../agent/contract.ts";

/** One agent turn run by automation (a heartbeat, a cron agent-turn job). */
export interface AutomationTurnRequest {
  agentId: string;
  /** The agent's main session key, or an isolated key such as `cron:<jobId>`. */
  sessionKey: string;
  /** The user message of the turn. */
  message: string;
  /** `provider/model` for this turn only. */
  model?: string;
  /** Turn timeout; `undefined` = the agent's `timeoutSeconds`. */
  timeoutSeconds?: number;
  /** No workspace bootstrap files in the system prompt (heartbeats add HEARTBEAT.md themselves). */
  lightContext?: boolean;
  /** Extra system prompt text for this turn (a heartbeat passes HEARTBEAT.md here). */
  extraSystemPrompt?: string;
  /** Caller-chosen run id (a new one when absent). */
  runId?: string;
  /** Aborting ends the turn as `aborted`. */
  signal?: AbortSignal;
  /**
   * Drain the session's queued system events into this turn as `System:` lines.
   * @default true
   */
  drainSystemEvents?: boolean;
}

/** What an automation turn produced. */
export interface AutomationTurnResult {
  runId: string;
  agentId: string;
  sessionKey: string;
  sessionId: string;
  /** The final assistant text, unfiltered (the outbound strips silent tokens). */
  text: string;
  /** The model's reasoning, when it streamed any. */
  reasoning?: string;
  usage: AgentUsage;
  /** `provider/model` that answered ("" when none did). */
  model: string;
  stopReason: AgentStopReason;
  /** Set when the turn failed (`error`/`timeout`). */
  error?: string;
}

/** Runs one automation turn (the gateway builds it on `dispatchTurn`). */
export type AutomationTurnRunner = (
  request: AutomationTurnRequest,
) => Promise<AutomationTurnResult>;

/** Status of one heartbeat (stock's event statuses). */
export type HeartbeatStatus = "sent" | "ok-empty" | "ok-token" | "skipped" | "failed";

/** The `heartbeat` event payload and the `last-heartbeat` result (automation.md §1.7). */
export interface HeartbeatEvent {
  /** Epoch ms. */
  ts: number;
  status: HeartbeatStatus;
  /** Why it was skipped or failed (`quiet-hours`, `empty-heartbeat-file`, ...). */
  reason?: string;
  message?: string;
  durationMs?: number;
  to?: string;
  channel?: string;
  accountId?: string;
  /** The first characters of the delivered (or suppressed) text. */
  preview?: string;
  hasMedia?: boolean;
  /** True when the reply was an ack that was not delivered. */
  silent?: boolean;
  /** UI indicator (only with `useIndicator`). */
  indicatorType?: "ok" | "alert" | "error";
  /** Ours: the agent the heartbeat ran for. */
  agentId?: string;
  /** Ours: what started it (`interval`, `wake`, `exec-event`, `cron:<jobId>`, ...). */
  trigger?: string;
  /** Ours: tokens the turn used. */
  tokens?: number;
}

/** A request to run heartbeats now. */
export interface HeartbeatWakeRequest {
  /**
   * Why: `wake` (RPC/CLI), `exec-event` (a background command exited), `cron:<jobId>`,
   * `system-event`, ... Every wake ignores active hours (only scheduled ticks respect them).
   */
  reason: string;
  /** Only this agent; all heartbeat agents when absent. */
  agentId?: string;
  /** Run the heartbeat turn in this session (its agent's) instead of the main session. */
  sessionKey?: string;
}

/** A `System:` line waiting for the next turn of its session. */
export interface SystemEvent {
  /** Epoch ms when queued. */
  ts: number;
  text: string;
  /** Canonical session key (`agent:<id>:<mainKey>`). */
  sessionKey: string;
  /** Who queued it: `rpc`, `wake`, `cron`, `exec`, ... */
  source: string;
}

/** What {@linkcode SystemEventInput} callers pass to enqueue a system event. */
export interface SystemEventInput {
  /** The agent whose main session gets it (default agent when absent). */
  agentId?: string;
  /** An explicit session; its agent must match `agentId` when both are given. */
  sessionKey?: string;
  text: string;
  source: string;
}

/** The result of enqueueing a system event. */
export type EnqueueResult =
  | { ok: true; sessionKey: string; queued: number }
  | {
    ok: false;
    reason: "empty-text" | "unknown-agent" | "agent-mismatch" | "invalid-session-key";
  };

/** One agent's heartbeat counters for today (the `status` heartbeat section). */
export interface HeartbeatDayStats {
  /** The day (`YYYY-MM-DD` in the user's time zone). */
  day: string;
  /** Heartbeats that ran a model turn. */
  runs: number;
  /** Skips by reason (`quiet-hours`, `empty-heartbeat-file`, ...). */
  skips: Record<string, number>;
  tokens: number;
  costUsd: number;
}
