/**
 * Serial lanes: jobs with the same key run one after another in submission order (one chat's
 * messages are handled in the order they arrived), jobs of different keys run side by side. A
 * lane disappears when its last job ends, so the map holds only busy chats; the number of jobs
 * waiting is bounded by the inbound journal, which refuses messages beyond its own cap.
 *
 * @module
 */

/** Per-key serial execution. */
export class Lanes {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #all = new Set<Promise<void>>();

  /**
   * Runs `job` after the jobs already queued under `key`.
   *
   * @param key The lane (e.g. channel, account and chat).
   * @param job The work; its rejection is swallowed here (callers handle their own errors).
   * @returns A promise that settles when `job` has run.
   */
  run(key: string, job: () => Promise<void>): Promise<void> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next: Promise<void> = previous.then(job).catch(() => {}).finally(() => {
      if (this.#tails.get(key) === next) this.#tails.delete(key);
      this.#all.delete(next);
    });
    this.#tails.set(key, next);
    this.#all.add(next);
    return next;
  }

  /** Lanes with work. */
  get size(): number {
    return this.#tails.size;
  }

  /** Resolves when every job submitted so far has settled. */
  async idle(): Promise<void> {
    while (this.#all.size > 0) await Promise.allSettled([...this.#all]);
  }
}
