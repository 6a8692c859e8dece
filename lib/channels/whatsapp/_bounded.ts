/**
 * A map that forgets its oldest entries past a fixed size: the adapter's memory of seen message
 * ids (dedupe), of the ids it sent (to recognize replies to the bot) and of recent inbound
 * messages (to quote them in replies) must never grow without bound.
 *
 * @module
 */

/** A `Map` capped at `limit` entries, oldest inserted first out. */
export class BoundedMap<K, V> {
  readonly #limit: number;
  readonly #map = new Map<K, V>();

  /**
   * @param limit Most entries kept (at least 1).
   */
  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /** Stores `value`, moving `key` to the newest position and evicting past the limit. */
  set(key: K, value: V): this {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.#limit) this.#map.delete(this.#map.keys().next().value as K);
    return this;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  get size(): number {
    return this.#map.size;
  }
}
