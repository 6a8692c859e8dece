/**
 * The system event queue: short `System:` lines (a cron reminder, a background command that
 * exited, `openclaw system event --text ...`) waiting for the next turn of a session, which gets
 * them in front of its message. Events are ephemeral (lost on restart, as in stock) and bounded
 * everywhere: lines per session, sessions, characters per line.
 *
 * @module
 */
import type { SystemEvent } from "./types.ts";

/** Lines kept per session; the oldest goes first. */
export const MAX_EVENTS_PER_SESSION = 20;
/** Sessions with queued lines; the one with the oldest line goes first. */
export const MAX_QUEUED_SESSIONS = 256;
/** Characters kept of one line. */
export const MAX_EVENT_CHARS = 2_000;

/** Events a turn has taken: commit when the turn used them, release when it failed. */
export interface ClaimedEvents {
  events: SystemEvent[];
  /** Removes the events for good. */
  commit(): void;
  /** Puts them back for the next turn (still in order, ahead of newer ones). */
  release(): void;
}

interface Held extends SystemEvent {
  claim?: symbol;
}

/** A bounded, per-session queue of system events. */
export class SystemEventQueue {
  readonly #bySession = new Map<string, Held[]>();

  /**
   * Queues one event (text trimmed and cut to {@link MAX_EVENT_CHARS}); the same text queued
   * twice in a row for a session is kept once.
   *
   * @param event The event; `sessionKey` must already be canonical.
   * @returns How many events that session now has queued.
   * @example
   * ```ts
   * const q = new SystemEventQueue();
   * q.push({ ts: Date.now(), text: "Backup finished", sessionKey: "agent:main:main", source: "exec" });
   * q.drain("agent:main:main").length; // 1
   * ```
   */
  push(event: SystemEvent): number {
    const text = event.text.trim().slice(0, MAX_EVENT_CHARS);
    let list = this.#bySession.get(event.sessionKey);
    if (!list) {
      if (this.#bySession.size >= MAX_QUEUED_SESSIONS) this.#evictOldestSession();
      list = [];
      this.#bySession.set(event.sessionKey, list);
    }
    const last = list.at(-1);
    if (last?.text !== text || last.claim) list.push({ ...event, text });
    while (list.length > MAX_EVENTS_PER_SESSION) list.shift();
    return list.length;
  }

  /**
   * Takes the session's events that no running turn holds, oldest first. They still count as
   * queued until `commit()`; `release()` hands them to the next turn again.
   *
   * @example
   * ```ts
   * const taken = queue.claim("agent:main:main");
   * const ok = await runTheTurn(taken.events);
   * ok ? taken.commit() : taken.release();
   * ```
   */
  claim(sessionKey: string): ClaimedEvents {
    const token = Symbol("claim");
    const list = this.#bySession.get(sessionKey) ?? [];
    const events: SystemEvent[] = [];
    for (const e of list) {
      if (e.claim) continue;
      e.claim = token;
      const { claim: _c, ...event } = e;
      events.push(event);
    }
    const settle = (keep: boolean) => {
      const cur = this.#bySession.get(sessionKey);
      if (!cur) return;
      const rest = keep
        ? cur.map((e) => e.claim === token ? { ...e, claim: undefined } : e)
        : cur.filter((e) => e.claim !== token);
      if (rest.length === 0) this.#bySession.delete(sessionKey);
      else this.#bySession.set(sessionKey, rest);
    };
    return { events, commit: () => settle(false), release: () => settle(true) };
  }

  /** Removes and returns the session's unclaimed events, oldest first. */
  drain(sessionKey: string): SystemEvent[] {
    const taken = this.claim(sessionKey);
    taken.commit();
    return taken.events;
  }

  /** The session's events (claimed ones included) without removing them. */
  peek(sessionKey: string): readonly SystemEvent[] {
    return (this.#bySession.get(sessionKey) ?? []).map(({ claim: _c, ...e }) => e);
  }

  /** Events of the session that no running turn holds. */
  available(sessionKey: string): number {
    return (this.#bySession.get(sessionKey) ?? []).filter((e) => !e.claim).length;
  }

  /** Events queued for one session, or for all. */
  count(sessionKey?: string): number {
    if (sessionKey !== undefined) return this.#bySession.get(sessionKey)?.length ?? 0;
    let n = 0;
    for (const list of this.#bySession.values()) n += list.length;
    return n;
  }

  /** Events queued for all sessions (what `status` shows as `queuedSystemEvents`). */
  get length(): number {
    return this.count();
  }

  #evictOldestSession(): void {
    let oldestKey: string | undefined;
    let oldestTs = Infinity;
    for (const [key, list] of this.#bySession) {
      const ts = list[0]?.ts ?? -Infinity;
      if (ts < oldestTs) {
        oldestTs = ts;
        oldestKey = key;
      }
    }
    if (oldestKey !== undefined) this.#bySession.delete(oldestKey);
  }
}

/**
 * Puts queued events in front of a turn's message as `System:` lines (one per event; line
 * breaks inside an event become spaces so each stays one line).
 *
 * @param events Drained events, oldest first.
 * @param message The turn's own message.
 * @returns The message to send to the model.
 * @example
 * ```ts
 * withSystemLines([{ ts: 0, text: "Deploy done", sessionKey: "k", source: "cron" }], "hi");
 * // "System: Deploy done\n\nhi"
 * ```
 */
export function withSystemLines(events: readonly SystemEvent[], message: string): string {
  if (events.length === 0) return message;
  const lines = events.map((e) => `System: ${e.text.replace(/\s*\r?\n\s*/g, " ")}`);
  return message.trim() === "" ? lines.join("\n") : `${lines.join("\n")}\n\n${message}`;
}
