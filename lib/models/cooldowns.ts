/**
 * Cooldowns for models that just failed, so later turns skip them for a while instead of paying
 * for the same failure again. Each consecutive failure doubles the pause, up to a cap; a success
 * clears it.
 *
 * @module
 */

/** Options for {@linkcode ModelCooldowns}. */
export interface ModelCooldownOptions {
  /** First cooldown. @default 60_000 */
  baseMs?: number;
  /** Longest cooldown. @default 900_000 (15 min) */
  maxMs?: number;
  /** Clock. @default Date.now */
  now?: () => number;
}

/** One model's cooldown state. */
export interface CooldownEntry {
  ref: string;
  /** Consecutive failures. */
  failures: number;
  /** Epoch ms when the model may be tried again. */
  until: number;
  reason?: string;
}

/** Per-model cooldowns keyed by `provider/model`. */
export class ModelCooldowns {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly now: () => number;
  #entries = new Map<string, CooldownEntry>();

  constructor(options: ModelCooldownOptions = {}) {
    this.baseMs = options.baseMs ?? 60_000;
    this.maxMs = options.maxMs ?? 900_000;
    if (!(this.baseMs > 0) || !(this.maxMs >= this.baseMs)) {
      throw new RangeError(
        `Cannot create ModelCooldowns: need 0 < baseMs <= maxMs (got ${this.baseMs}, ${this.maxMs})`,
      );
    }
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until `ref` may be tried again (0 when it is not cooling). */
  remainingMs(ref: string): number {
    const e = this.#entries.get(ref);
    return e ? Math.max(0, e.until - this.now()) : 0;
  }

  /** Returns true while `ref` is cooling down. */
  isCooling(ref: string): boolean {
    return this.remainingMs(ref) > 0;
  }

  /** Records a failure and returns the cooldown it started, in ms. */
  markFailure(ref: string, reason?: string): number {
    const now = this.now();
    const prev = this.#entries.get(ref);
    // A failure long after the last cooldown ended starts the doubling afresh.
    const stale = prev !== undefined && now - prev.until > this.maxMs;
    const failures = prev && !stale ? prev.failures + 1 : 1;
    const ms = Math.min(this.maxMs, this.baseMs * 2 ** (failures - 1));
    this.#entries.set(ref, { ref, failures, until: now + ms, ...(reason ? { reason } : {}) });
    return ms;
  }

  /** Clears `ref` after a success. */
  markSuccess(ref: string): void {
    this.#entries.delete(ref);
  }

  /** Forgets one model, or all of them. */
  clear(ref?: string): void {
    if (ref === undefined) this.#entries.clear();
    else this.#entries.delete(ref);
  }

  /** Models cooling down right now, soonest available first. */
  active(): CooldownEntry[] {
    const now = this.now();
    return [...this.#entries.values()]
      .filter((e) => e.until > now)
      .sort((a, b) => a.until - b.until)
      .map((e) => ({ ...e }));
  }
}
