/**
 * A map that keeps only the most recently written entries (oldest forgotten first): the ids of
 * messages the bot sent (a reply to one is an implicit mention) and the root message of each
 * thread seen (a send to the thread replies to it).
 *
 * @module
 */

/** A bounded map (see the module doc). */
export class RecentMap<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();

  /** @param max Entries kept at most. */
  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  /** Stores `value` under `key` as the newest entry. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value!);
  }

  /** The value under `key`, if still kept. */
  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  /** Whether `key` is still kept. */
  has(key: K): boolean {
    return this.#map.has(key);
  }
}
