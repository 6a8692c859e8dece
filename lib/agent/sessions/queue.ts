/**
 * Per-key promise chains: work on one session runs strictly one after the other (in the order it
 * was queued), while different sessions run in parallel.
 *
 * @module
 */

/** Serialises async work per key. */
export class KeyedQueue {
  #tails = new Map<string, { tail: Promise<unknown>; size: number }>();

  /** Number of tasks queued or running for `key`. */
  size(key: string): number {
    return this.#tails.get(key)?.size ?? 0;
  }

  /**
   * Runs `task` after every task queued before it for `key` has settled (whatever the outcome).
   * The returned promise settles as `task` does.
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const slot = this.#tails.get(key) ?? { tail: Promise.resolve(), size: 0 };
    slot.size++;
    const result = slot.tail.then(task, task);
    const settled = result.then(() => {}, () => {});
    slot.tail = settled;
    this.#tails.set(key, slot);
    settled.then(() => {
      slot.size--;
      if (slot.size === 0 && this.#tails.get(key) === slot) this.#tails.delete(key);
    });
    return result;
  }
}
