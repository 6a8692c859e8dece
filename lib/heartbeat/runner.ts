/**
 * The heartbeat scheduler: one timer per agent on the injectable clock, so a day of heartbeats is
 * tested in milliseconds. An agent's first check is one interval after the runner (re)starts;
 * then every interval after the previous one. A scheduled check outside active hours is skipped
 * once (`quiet-hours`) and the next check moves to the start of the next window, so nights cost
 * one timer, not dozens; a check that finds the agent busy retries within a minute. Wakes run
 * heartbeats at once (all participating agents, or one), coalescing with a wake already waiting;
 * an agent never runs two heartbeats at a time. `plan()` re-reads the config (a hot reload) and
 * keeps each agent's phase when its interval did not change.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../clock.ts";
import { agentIdFromSessionKey, normalizeAgentId } from "../agent/session_key.ts";
import { nextWindowStart } from "./active_hours.ts";
import { type HeartbeatRunDeps, runHeartbeatOnce } from "./run_once.ts";
import {
  fallbackWakeAgent,
  heartbeatAgents,
  type HeartbeatSettings,
  resolveHeartbeatSettings,
} from "./settings.ts";
import type { HeartbeatEvent, HeartbeatWakeRequest } from "./types.ts";

/** Retry delay of a check that found its agent busy. */
export const BUSY_RETRY_MS = 60_000;
/** Longest single timer (platform timers overflow past 2^31-1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

/** Options of {@linkcode HeartbeatRunner}. */
export interface HeartbeatRunnerOptions extends HeartbeatRunDeps {
  clock: Clock;
  /** Gets every heartbeat event (the gateway broadcasts `heartbeat`). */
  emit(event: HeartbeatEvent): void;
  /** Called after each heartbeat's counters changed (the gateway persists the store). */
  persist(): void;
}

interface AgentSlot {
  everyMs: number;
  dueAt: number;
  timer?: TimerHandle;
  /** The heartbeat running now. */
  running?: Promise<HeartbeatEvent>;
  /** A wake waiting for the running heartbeat to end. */
  queued?: { promise: Promise<HeartbeatEvent>; reason: string; sessionKey?: string };
}

/** The heartbeat scheduler of one gateway start. */
export class HeartbeatRunner {
  readonly #o: HeartbeatRunnerOptions;
  readonly #slots = new Map<string, AgentSlot>();
  /** Scheduled checks in progress (for {@link settled}). */
  readonly #ticks = new Set<Promise<void>>();
  #stopped = false;
  #revision = 0;

  constructor(options: HeartbeatRunnerOptions) {
    this.#o = options;
  }

  /** (Re)plans every agent's schedule from the current config. */
  plan(): void {
    if (this.#stopped) return;
    const now = this.#o.clock.now();
    const wanted = new Map(
      heartbeatAgents(this.#o.config()).filter((s) => s.scheduled).map((s) => [s.agentId, s]),
    );
    for (const [id, slot] of this.#slots) {
      if (wanted.has(id)) continue;
      this.#o.clock.clearTimeout(slot.timer);
      slot.timer = undefined;
      slot.everyMs = 0;
      this.#revision++;
    }
    for (const [id, s] of wanted) {
      const slot = this.#slot(id);
      if (slot.everyMs === s.everyMs && slot.timer !== undefined) continue;
      slot.everyMs = s.everyMs;
      this.#revision++;
      this.#arm(id, slot, now + s.everyMs);
    }
  }

  /** Stops every timer; running heartbeats finish on their own. */
  stop(): void {
    this.#stopped = true;
    for (const slot of this.#slots.values()) this.#o.clock.clearTimeout(slot.timer);
  }

  /** Resolves once no scheduled check and no heartbeat is in progress (tests, shutdown). */
  async settled(): Promise<void> {
    while (true) {
      const busy = [
        ...this.#ticks,
        ...[...this.#slots.values()].flatMap((s) => s.running ? [s.running] : []),
      ];
      if (busy.length === 0) return;
      await Promise.allSettled(busy);
    }
  }

  /**
   * Counts the changes of {@linkcode nextDue}'s answers (an agent re-armed, or unscheduled by a
   * re-plan): `health` rebuilds its heartbeat section only when it moved.
   */
  get revision(): number {
    return this.#revision;
  }

  /** When each scheduled agent checks next (epoch ms). */
  nextDue(agentId: string): number | null {
    const slot = this.#slots.get(normalizeAgentId(agentId));
    return slot && slot.everyMs > 0 ? slot.dueAt : null;
  }

  /**
   * Runs heartbeats now: for the agent of `sessionKey` or `agentId`, else every participating
   * agent (the default agent when none participates). Resolves with their events.
   */
  async wake(request: HeartbeatWakeRequest): Promise<HeartbeatEvent[]> {
    if (this.#stopped) return [];
    const config = this.#o.config();
    let ids: string[];
    const keyAgent = request.sessionKey ? agentIdFromSessionKey(request.sessionKey) : undefined;
    if (keyAgent || request.agentId) ids = [normalizeAgentId(keyAgent ?? request.agentId)];
    else {
      ids = heartbeatAgents(config).map((s) => s.agentId);
      if (ids.length === 0) ids = [fallbackWakeAgent(config)];
    }
    const trigger = { reason: request.reason, sessionKey: request.sessionKey };
    return await Promise.all(ids.map((id) => this.#request(id, trigger)));
  }

  #slot(id: string): AgentSlot {
    let slot = this.#slots.get(id);
    if (!slot) {
      slot = { everyMs: 0, dueAt: 0 };
      this.#slots.set(id, slot);
    }
    return slot;
  }

  #arm(id: string, slot: AgentSlot, at: number): void {
    this.#o.clock.clearTimeout(slot.timer);
    slot.dueAt = at;
    this.#revision++;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.#o.clock.now()));
    slot.timer = this.#o.clock.setTimeout(() => {
      slot.timer = undefined;
      if (this.#stopped) return;
      if (this.#o.clock.now() < slot.dueAt) return this.#arm(id, slot, slot.dueAt);
      const tick = this.#tick(id, slot).catch((err) => {
        this.#o.log?.warn(`heartbeat schedule of agent ${id} failed: ${String(err)}`);
      });
      this.#ticks.add(tick);
      void tick.finally(() => this.#ticks.delete(tick));
    }, delay);
  }

  async #tick(id: string, slot: AgentSlot): Promise<void> {
    const due = slot.dueAt;
    const settings = resolveHeartbeatSettings(this.#o.config(), id);
    if (!settings.scheduled) return;
    const event = slot.running
      ? { status: "skipped", reason: "requests-in-flight" } as const
      : await this.#run(id, settings, { reason: "interval" });
    if (this.#stopped || slot.everyMs === 0 || slot.timer !== undefined) return;
    const now = this.#o.clock.now();
    let next: number;
    if (event.status === "skipped" && event.reason === "quiet-hours" && settings.activeHours) {
      next = nextWindowStart(now, settings.activeHours) ?? now + slot.everyMs;
    } else if (event.status === "skipped" && event.reason === "requests-in-flight") {
      next = now + Math.min(BUSY_RETRY_MS, slot.everyMs);
    } else {
      next = due + slot.everyMs;
      while (next <= now) next += slot.everyMs;
    }
    this.#arm(id, slot, next);
  }

  /** Runs now, or after the running heartbeat (one waiting wake is shared). */
  #request(id: string, trigger: { reason: string; sessionKey?: string }): Promise<HeartbeatEvent> {
    const slot = this.#slot(id);
    if (!slot.running) {
      return this.#run(id, resolveHeartbeatSettings(this.#o.config(), id), trigger);
    }
    if (slot.queued && slot.queued.sessionKey === trigger.sessionKey) return slot.queued.promise;
    const promise = slot.running.then(() => {
      if (slot.queued?.promise === promise) slot.queued = undefined;
      return this.#run(id, resolveHeartbeatSettings(this.#o.config(), id), trigger);
    });
    slot.queued = { promise, reason: trigger.reason, sessionKey: trigger.sessionKey };
    return promise;
  }

  #run(
    id: string,
    settings: HeartbeatSettings,
    trigger: { reason: string; sessionKey?: string },
  ): Promise<HeartbeatEvent> {
    const slot = this.#slot(id);
    const running = (async () => {
      let event: HeartbeatEvent;
      try {
        event = await runHeartbeatOnce(this.#o, settings, trigger);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        event = {
          ts: this.#o.clock.now(),
          status: "failed",
          reason: "heartbeat-error",
          message,
          agentId: id,
          trigger: trigger.reason,
        };
        this.#o.log?.warn(`heartbeat of agent ${id} failed: ${message}`);
      }
      this.#o.store.setLast(event);
      try {
        this.#o.persist();
      } catch (err) {
        this.#o.log?.warn(`cannot write the heartbeat state: ${String(err)}`);
      }
      this.#o.emit(event);
      return event;
    })();
    slot.running = running;
    void running.finally(() => {
      if (slot.running === running) slot.running = undefined;
    });
    return running;
  }
}
