/**
 * Reassembles events the long connection splits over several data frames (headers `message_id`,
 * `sum` = fragment count, `seq` = index). Bounded: fragment counts, the number of partial
 * events, their total bytes, and their age (a partial event older than `ttlMs` is dropped on
 * the next add; no timer runs while idle).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";

/** Options of {@linkcode FragmentBuffer}. */
export interface FragmentBufferOptions {
  clock: Clock;
  /** Partial events kept at most. @default 64 */
  maxPending?: number;
  /** Bytes of partial events kept at most. @default 4194304 */
  maxBytes?: number;
  /** Fragments per event at most. @default 64 */
  maxFragments?: number;
  /** A partial event older than this is dropped. @default 10000 */
  ttlMs?: number;
}

interface Partial {
  parts: (Uint8Array | undefined)[];
  bytes: number;
  createdAt: number;
}

/** Partial events of one connection. */
export class FragmentBuffer {
  readonly #o: FragmentBufferOptions;
  readonly #pending = new Map<string, Partial>();
  #bytes = 0;

  /** @param options Clock and bounds. */
  constructor(options: FragmentBufferOptions) {
    this.#o = options;
  }

  /**
   * Adds one fragment.
   *
   * @param messageId The frame's `message_id` header.
   * @param sum The `sum` header.
   * @param seq The `seq` header.
   * @param data The frame's payload.
   * @returns The whole payload once every fragment is in, else `undefined`.
   * @throws {RangeError} When `sum`/`seq` are invalid, disagree with earlier fragments, or a
   *   bound would be exceeded (the event is dropped; Feishu redelivers unacknowledged events).
   */
  add(messageId: string, sum: number, seq: number, data: Uint8Array): Uint8Array | undefined {
    const maxFragments = this.#o.maxFragments ?? 64;
    if (!Number.isInteger(sum) || sum < 1 || sum > maxFragments) {
      throw new RangeError(`Cannot reassemble event "${messageId}": bad fragment count ${sum}`);
    }
    if (!Number.isInteger(seq) || seq < 0 || seq >= sum) {
      throw new RangeError(`Cannot reassemble event "${messageId}": bad fragment index ${seq}`);
    }
    if (sum === 1) return data;
    this.#sweep();
    let entry = this.#pending.get(messageId);
    if (!entry) {
      if (this.#pending.size >= (this.#o.maxPending ?? 64)) {
        throw new RangeError("Cannot reassemble events: too many partial events");
      }
      entry = { parts: new Array(sum).fill(undefined), bytes: 0, createdAt: this.#o.clock.now() };
      this.#pending.set(messageId, entry);
    }
    if (entry.parts.length !== sum) {
      this.#drop(messageId);
      throw new RangeError(`Cannot reassemble event "${messageId}": fragment counts disagree`);
    }
    if (this.#bytes + data.byteLength > (this.#o.maxBytes ?? 4 * 1024 * 1024)) {
      this.#drop(messageId);
      throw new RangeError("Cannot reassemble events: partial events too large");
    }
    if (entry.parts[seq] === undefined) {
      entry.parts[seq] = data;
      entry.bytes += data.byteLength;
      this.#bytes += data.byteLength;
    }
    if (entry.parts.some((p) => p === undefined)) return undefined;
    const whole = new Uint8Array(entry.bytes);
    let off = 0;
    for (const p of entry.parts as Uint8Array[]) {
      whole.set(p, off);
      off += p.byteLength;
    }
    this.#drop(messageId);
    return whole;
  }

  /** Partial events held (for tests). */
  get size(): number {
    return this.#pending.size;
  }

  #drop(messageId: string): void {
    const entry = this.#pending.get(messageId);
    if (!entry) return;
    this.#bytes -= entry.bytes;
    this.#pending.delete(messageId);
  }

  #sweep(): void {
    const oldest = this.#o.clock.now() - (this.#o.ttlMs ?? 10_000);
    for (const [id, entry] of this.#pending) if (entry.createdAt < oldest) this.#drop(id);
  }
}
