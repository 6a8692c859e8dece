/**
 * What the running gateway knows, shared by the connection layer and the method handlers. One
 * object per server start; a restart builds a new one from the new config.
 *
 * @module
 */
import type { GatewayEventName } from "../lib/protocol/events.ts";
import type { Logger } from "../lib/log/mod.ts";
import type { AgentRuntime } from "../lib/agent/contract.ts";
import type { ReloadPlan } from "../lib/config/reload_rules.ts";
import type { OpenClawConfig } from "../lib/config/schema.ts";
import type { ResolvedGatewayAuth } from "../lib/auth/resolve.ts";
import type { SecretSnapshot } from "../lib/secrets/snapshot.ts";
import type { Clock } from "../lib/clock.ts";
import type { WindowLimiter } from "./rate_limit.ts";
import type { SubsystemHealth } from "./subsystems/lifecycle.ts";
import type { ActiveTurns } from "./automation/active_turns.ts";
import type { ChannelsControl } from "./channels/types.ts";

/** A client as the presence list shows it (protocol.md §4.8; the type is lib/protocol's). */
export type { PresenceEntry } from "../lib/protocol/frames.ts";
import type { PresenceEntry, StateVersion } from "../lib/protocol/frames.ts";
import type { Outbound } from "../lib/outbound/types.ts";
import type { SystemEventQueue } from "../lib/heartbeat/system_events.ts";
import type {
  AutomationTurnRequest,
  AutomationTurnResult,
  EnqueueResult,
  HeartbeatControl,
  SystemEventInput,
} from "./automation/types.ts";

export type { SystemEvent } from "../lib/heartbeat/types.ts";

/** The live state of one server start. */
export interface GatewayState {
  readonly startedAt: number;
  /** The clock every timer of this start runs on. */
  readonly clock: Clock;
  readonly stateDir: string;
  readonly configPath: string;
  /** The running config (validated, with defaults). Swapped by hot reloads. */
  config: OpenClawConfig;
  /** SHA-256 of the config text the running config came from (null: no file). */
  configHash: string | null;
  /** Effective auth; re-resolved (and swapped) by a successful {@link reloadSecrets}. */
  auth: ResolvedGatewayAuth;
  /** Every active SecretRef of the config, resolved at start; requests read only from here. */
  secrets: SecretSnapshot;
  /** Where the server listens (set by the `server` subsystem before anything else runs). */
  readonly host: string;
  readonly port: number;
  readonly bindMode: string;
  /** `ws://host:port`. */
  readonly url: string;
  logFile: string | undefined;
  readonly log: (subsystem: string) => Logger;
  /** Monotonic counters for `stateVersion` on presence/health events. */
  stateVersion: StateVersion;
  /** The last heartbeat event (`last-heartbeat`), or null. */
  readonly lastHeartbeat: unknown | null;
  /** Queued `System:` lines per session (bounded); prefer {@link enqueueSystemEvent}. */
  readonly systemEvents: SystemEventQueue;
  /**
   * Queues a `System:` line for the next turn of a session: the agent's main session unless
   * `sessionKey` names another. Bounded per session (the oldest line goes first). Does not
   * wake anything; call `heartbeat.wake()` for that.
   */
  enqueueSystemEvent(event: SystemEventInput): EnqueueResult;
  /** The heartbeat scheduler: wake now, the persisted on/off switch, counters. */
  readonly heartbeat: HeartbeatControl;
  /**
   * Runs one agent turn for automation (heartbeat, cron) through the same dispatcher as every
   * other surface. Never rejects: a failure is in `error`. `chat` events of the turn are held
   * back (the outbound decides what operator clients see).
   */
  runAutomationTurn(request: AutomationTurnRequest): Promise<AutomationTurnResult>;
  /** The outbound choke point every automated message goes through. */
  readonly outbound: Outbound;
  /** Turns in flight per agent (heartbeats defer while their agent is busy). */
  readonly activeTurns: ActiveTurns;
  /**
   * The chat channels (status, kept failed replies); `undefined` while the channels subsystem
   * is not running.
   */
  readonly channels?: ChannelsControl;
  /** Ask for an in-process restart (config.apply, restart-class reloads, SIGHUP). */
  requestRestart(reason: string, delayMs?: number): void;
  /** Send an event to every connection allowed to see it. */
  broadcast(
    event: GatewayEventName,
    payload: unknown,
    options?: { dropIfSlow?: boolean; stateVersion?: boolean },
  ): void;
  /** Presence entries of connected clients plus system-event presence lines. */
  presence(): PresenceEntry[];
  /** Record or refresh a presence entry that is not tied to a socket (system-event). */
  notePresence(key: string, entry: PresenceEntry): void;
  /**
   * The HealthSummary, served from a cache younger than 60 s unless `fresh` (protocol.md §8.1);
   * config reloads clear the cache.
   */
  health(fresh?: boolean): Record<string, unknown>;
  /** Each subsystem's state, from the subsystem itself. */
  subsystems(): Record<string, SubsystemHealth>;
  /** Number of open, authenticated connections. */
  connectionCount(): number;
  /** Re-read the config file and apply it (hot) or restart, per `gateway.reload.mode`. */
  reloadConfig(reason: string): Promise<ReloadPlan["decision"]>;
  /**
   * Re-resolve every SecretRef and swap the snapshot (and auth) only when all of them resolve.
   * Throws the resolution error and keeps the old snapshot otherwise.
   */
  reloadSecrets(): Promise<{ warningCount: number }>;
  /** The process-wide limiter for control-plane writes (config.apply/patch). */
  readonly controlPlaneLimiter: WindowLimiter;
  /**
   * The agent runtime, created on first use (so a gateway that never runs a turn never loads
   * it) and closed when the server stops. Rejects when it cannot be created; the next call
   * tries again.
   */
  agent(): Promise<AgentRuntime>;
}
