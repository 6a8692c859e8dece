/**
 * Dedupe of side-effecting requests by `idempotencyKey` (protocol.md §3.2): the first request
 * with a key starts the work, a replay within the TTL gets the same run (while it is in flight)
 * or its cached outcome (after it ended). Bounded: the oldest entries go first.
 *
 * @module
 */
import { DEDUPE_MAX_ENTRIES, DEDUPE_TTL_MS } from "../lib/protocol/constants.ts";

/** One remembered request. */
export interface IdempotencyEntry<T> {
  runId: string;
  startedAt: number;
  /** Settles with the outcome; never rejects (failures are outcomes too). */
  done: Promise<T>;
  /** Set once `done` settled. */
  outcome?: T;
  /** What the first request answered at once (e.g. the `accepted` payload), for replays. */
  ack?: unknown;
}

/** Options for {@linkcode IdempotencyCache}. */
export interface IdempotencyOptions {
  /** How long an outcome is replayed. @default DEDUPE_TTL_MS (5 minutes) */
  ttlMs?: number;
  /** @default DEDUPE_MAX_ENTRIES (1000) */
  maxEntries?: number;
  /** Injectable clock. @default Date.now */
  now?: () => number;
}

/** Remembers runs by key for a TTL after they end. */
export class IdempotencyCache<T> {
  readonly #entries = new Map<string, IdempotencyEntry<T> & { endedAt?: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: IdempotencyOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEDUPE_TTL_MS;
    this.#maxEntries = options.maxEntries ?? DEDUPE_MAX_ENTRIES;
    this.#now = options.now ?? Date.now;
    if (!(this.#ttlMs > 0)) throw new RangeError(`Cannot use ttlMs ${this.#ttlMs}: must be > 0`);
  }

  /** Returns the live entry for `key` (in flight, or ended within the TTL). */
  get(key: string): IdempotencyEntry<T> | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.endedAt !== undefined && this.#now() - entry.endedAt > this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * Records a new run for `key` whose outcome is `done`. The caller checks {@link get} first;
   * an existing entry is replaced.
   */
  start(key: string, runId: string, done: Promise<T>, ack?: unknown): IdempotencyEntry<T> {
    this.#prune();
    const entry: IdempotencyEntry<T> & { endedAt?: number } = {
      runId,
      startedAt: this.#now(),
      done,
      ack,
    };
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    void done.then((outcome) => {
      entry.outcome = outcome;
      entry.endedAt = this.#now();
    });
    return entry;
  }

  /** Forgets `key` (e.g. the work could not start, so a retry must run it). */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Number of remembered entries (in flight or cached). */
  get size(): number {
    return this.#entries.size;
  }

  #prune(): void {
    const now = this.#now();
    for (const [key, e] of this.#entries) {
      if (e.endedAt !== undefined && now - e.endedAt > this.#ttlMs) this.#entries.delete(key);
    }
    // Map order is insertion order: the first entries are the oldest.
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(key);
    }
  }
}
