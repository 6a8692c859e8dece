/**
 * The automation API of the gateway state, for heartbeats, cron and the exec tool's exit
 * notifications: queue system events, wake the heartbeat, run an automation turn, deliver
 * through the outbound. `GatewayState` carries these (see gateway/state.ts); this file holds the
 * control shapes the heartbeat subsystem implements.
 *
 * @module
 */
import type {
  HeartbeatDayStats,
  HeartbeatEvent,
  HeartbeatWakeRequest,
} from "../../lib/heartbeat/types.ts";

export type {
  AutomationTurnRequest,
  AutomationTurnResult,
  EnqueueResult,
  HeartbeatEvent,
  HeartbeatWakeRequest,
  SystemEvent,
  SystemEventInput,
} from "../../lib/heartbeat/types.ts";

/** One agent's heartbeat as `health`/`status` show it. */
export interface HeartbeatAgentStatus {
  agentId: string;
  /** Scheduled heartbeats on (interval > 0 and the per-agent rule lets it run). */
  scheduled: boolean;
  every: string;
  /** Epoch ms of the next scheduled check, or null. */
  nextDueAt: number | null;
  today: HeartbeatDayStats;
  /** Why heartbeats stopped for today (daily budget), if they did. */
  stoppedToday?: string;
}

/** The heartbeat section of `health`/`status`. */
export interface HeartbeatStatusSummary {
  /** The persisted switch of `system heartbeat enable|disable`. */
  enabled: boolean;
  last: HeartbeatEvent | null;
  agents: HeartbeatAgentStatus[];
}

/** What the heartbeat subsystem offers the rest of the gateway. */
export interface HeartbeatControl {
  /**
   * Runs heartbeats now (for one agent, or every heartbeat agent), coalescing with a wake that
   * is already pending. Resolves with the events of those runs when they are done; callers may
   * ignore the promise. Never rejects.
   */
  wake(request: HeartbeatWakeRequest): Promise<HeartbeatEvent[]>;
  /** The persisted on/off switch (default on). */
  enabled(): boolean;
  /** Sets and persists the switch (it survives restarts). */
  setEnabled(enabled: boolean): Promise<void>;
  /** The last heartbeat event, or null. */
  last(): HeartbeatEvent | null;
  /** Per-agent counters and schedule. */
  summary(): HeartbeatStatusSummary;
}
