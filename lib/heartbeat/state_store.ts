/**
 * What heartbeats remember across restarts, in `<stateDir>/heartbeat/state.json` (atomic
 * writes, mode 0600): the on/off switch of `openclaw system heartbeat enable|disable` (stock
 * keeps it in memory and silently turns heartbeats back on at every restart), the last heartbeat
 * event, and per agent today's counters (runs, skips by reason, tokens, cost) plus the activity
 * marks the idle guard compares. A missing or broken file starts fresh.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { dirname, joinPath } from "../paths.ts";
import { isUtcZone } from "../timezone.ts";
import type { HeartbeatDayStats, HeartbeatEvent } from "./types.ts";

/** One agent's persisted heartbeat facts. */
export interface AgentHeartbeatState extends HeartbeatDayStats {
  /** Why heartbeats stopped for the rest of `day` (a daily budget), if they did. */
  stoppedReason?: string;
  /** Epoch ms of the main session's last real (non-heartbeat) activity, as far as we know. */
  lastRealActivityAt?: number;
  /** The session's `updatedAt` right after our last heartbeat (a later one means real use). */
  heartbeatTouchedAt?: number;
}

/** Agents whose counters are kept (older entries beyond it are dropped). */
const MAX_AGENTS = 256;
const MAX_REASON_CHARS = 64;

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
/** The last answer per zone, by whole second: `health` asks on every call, Intl costs µs. */
const lastDays = new Map<string, { second: number; day: string }>();

/**
 * The calendar day of `ms` in `tz` as `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * dayKey(Date.UTC(2026, 0, 1, 20), "Asia/Shanghai"); // "2026-01-02"
 * ```
 */
export function dayKey(ms: number, tz: string): string {
  // Zone offsets are whole seconds, so the day cannot change inside one second.
  const second = Math.floor(ms / 1000);
  const last = lastDays.get(tz);
  if (last?.second === second) return last.day;
  // UTC's day is the ISO date: no Intl, whose first use loads ICU's data (lib/timezone.ts).
  if (isUtcZone(tz)) {
    const day = new Date(second * 1000).toISOString().slice(0, 10);
    lastDays.set(tz, { second, day });
    return day;
  }
  let f = dayFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    if (dayFormatters.size > 64) {
      dayFormatters.clear();
      lastDays.clear();
    }
    dayFormatters.set(tz, f);
  }
  const day = f.format(new Date(ms));
  lastDays.set(tz, { second, day });
  return day;
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

function parseAgent(raw: unknown): AgentHeartbeatState | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.day !== "string") return undefined;
  const skips: Record<string, number> = Object.create(null);
  if (typeof r.skips === "object" && r.skips !== null) {
    for (const [k, v] of Object.entries(r.skips)) skips[k.slice(0, MAX_REASON_CHARS)] = num(v);
  }
  return {
    day: r.day,
    runs: num(r.runs),
    skips,
    tokens: num(r.tokens),
    costUsd: num(r.costUsd),
    ...(typeof r.stoppedReason === "string" ? { stoppedReason: r.stoppedReason } : {}),
    ...(typeof r.lastRealActivityAt === "number"
      ? { lastRealActivityAt: r.lastRealActivityAt }
      : {}),
    ...(typeof r.heartbeatTouchedAt === "number"
      ? { heartbeatTouchedAt: r.heartbeatTouchedAt }
      : {}),
  };
}

/** The persisted heartbeat state of one state directory. */
export class HeartbeatStateStore {
  readonly path: string;
  #enabled = true;
  #last: HeartbeatEvent | null = null;
  readonly #agents = new Map<string, AgentHeartbeatState>();
  #revision = 0;

  /** Opens (reads) `<stateDir>/heartbeat/state.json`. */
  constructor(stateDir: string) {
    this.path = joinPath(stateDir, "heartbeat", "state.json");
    this.#load();
  }

  #load(): void {
    let data: unknown;
    try {
      data = JSON.parse(Deno.readTextFileSync(this.path));
    } catch {
      return;
    }
    if (typeof data !== "object" || data === null) return;
    const d = data as Record<string, unknown>;
    if (d.enabled === false) this.#enabled = false;
    if (typeof d.last === "object" && d.last !== null) this.#last = d.last as HeartbeatEvent;
    if (typeof d.agents === "object" && d.agents !== null) {
      for (const [id, raw] of Object.entries(d.agents).slice(0, MAX_AGENTS)) {
        const agent = parseAgent(raw);
        if (agent) this.#agents.set(id, agent);
      }
    }
  }

  /** Writes the state now (atomic, durable). Failures are reported to the caller. */
  save(): void {
    ensureDir(dirname(this.path));
    const agents = Object.fromEntries(this.#agents);
    writeFileAtomic(
      this.path,
      JSON.stringify({ version: 1, enabled: this.#enabled, last: this.#last, agents }, null, 2) +
        "\n",
    );
  }

  /**
   * Counts the changes a reader of the switch, the last event or today's counters can see
   * (`health` rebuilds its heartbeat section only when it moved). The activity marks callers
   * set in place on {@linkcode agent}'s result are not counted: no summary shows them.
   */
  get revision(): number {
    return this.#revision;
  }

  /** The on/off switch (default on). */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Sets the switch and writes it at once. */
  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    this.#revision++;
    this.save();
  }

  /** The last heartbeat event. */
  get last(): HeartbeatEvent | null {
    return this.#last;
  }

  /** Records the last heartbeat event (written with the next {@link save}). */
  setLast(event: HeartbeatEvent): void {
    this.#last = event;
    this.#revision++;
  }

  /**
   * The agent's state for `day`: counters reset when the day changed (activity marks kept).
   * Callers may set the activity marks (`lastRealActivityAt`, `heartbeatTouchedAt`) in place;
   * counters and the stop reason change through {@linkcode recordSkip}, {@linkcode recordRun}
   * and {@linkcode stopForToday}, which count the change in {@linkcode revision}.
   *
   * @param agentId The agent.
   * @param day Today's {@linkcode dayKey}.
   */
  agent(agentId: string, day: string): AgentHeartbeatState {
    let cur = this.#agents.get(agentId);
    if (!cur || cur.day !== day) {
      const next: AgentHeartbeatState = {
        day,
        runs: 0,
        skips: Object.create(null),
        tokens: 0,
        costUsd: 0,
        ...(cur?.lastRealActivityAt !== undefined
          ? { lastRealActivityAt: cur.lastRealActivityAt }
          : {}),
        ...(cur?.heartbeatTouchedAt !== undefined
          ? { heartbeatTouchedAt: cur.heartbeatTouchedAt }
          : {}),
      };
      if (!cur && this.#agents.size >= MAX_AGENTS) {
        const oldest = this.#agents.keys().next().value;
        if (oldest !== undefined) this.#agents.delete(oldest);
      }
      this.#agents.set(agentId, next);
      this.#revision++;
      cur = next;
    }
    return cur;
  }

  /** Counts a skip for today. */
  recordSkip(agentId: string, day: string, reason: string): void {
    const a = this.agent(agentId, day);
    const key = reason.slice(0, MAX_REASON_CHARS);
    a.skips[key] = (Object.hasOwn(a.skips, key) ? a.skips[key] : 0) + 1;
    this.#revision++;
  }

  /** Counts a run and its usage for today. */
  recordRun(agentId: string, day: string, tokens: number, costUsd: number): void {
    const a = this.agent(agentId, day);
    a.runs++;
    a.tokens += num(tokens);
    a.costUsd += num(costUsd);
    this.#revision++;
  }

  /**
   * Stops the agent's heartbeats for the rest of `day` (a daily budget is used up); the first
   * reason of the day is kept.
   *
   * @returns True when this call stopped them (they were not stopped yet).
   */
  stopForToday(agentId: string, day: string, reason: string): boolean {
    const a = this.agent(agentId, day);
    if (a.stoppedReason) return false;
    a.stoppedReason = reason;
    this.#revision++;
    return true;
  }
}
