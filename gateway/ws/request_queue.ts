/**
 * One connection's request queue: at most `maxPending` requests and `maxPendingBytes` bytes
 * pending (more are refused, the caller answers "The server is busy…"), at most `maxInFlight`
 * running, FIFO, and a busy connection starts one queued request per event-loop turn so a
 * pipelining client interleaves with others instead of monopolising the loop. A running request
 * that takes longer than `leaseMs` (it is waiting on something) gives its slot back.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../../lib/clock.ts";

/** Options for {@linkcode RequestQueue}. */
export interface RequestQueueOptions {
  maxPending: number;
  maxPendingBytes: number;
  maxInFlight: number;
  /** A running request gives its slot back after this long. */
  leaseMs: number;
  clock: Clock;
  /** Runs one request; calling `release` early gives the slot back (an early `accepted`). */
  run(text: string, release: () => void): Promise<void>;
  /** A bug in `run` (it answers every failure itself). */
  onError(err: unknown): void;
}

interface Pending {
  text: string;
  bytes: number;
}

/** The request queue of one connection. */
export class RequestQueue {
  readonly #options: RequestQueueOptions;
  /** Accepted requests not started yet, oldest first. */
  #queue: Pending[] = [];
  /** Requests accepted and not answered yet (running or queued), and their frame bytes. */
  #pendingCount = 0;
  #pendingBytes = 0;
  /** Running requests that still hold an in-flight slot. */
  #inFlight = 0;
  /** The next-turn start of queued requests (a real timer: it yields, it schedules nothing). */
  #pumpTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: RequestQueueOptions) {
    this.#options = options;
  }

  /** Accepts a request, or returns false when the connection already has too much pending. */
  admit(text: string, bytes: number): boolean {
    const o = this.#options;
    if (
      this.#closed || this.#pendingCount >= o.maxPending ||
      this.#pendingBytes + bytes > o.maxPendingBytes
    ) return false;
    this.#pendingCount++;
    this.#pendingBytes += bytes;
    this.#queue.push({ text, bytes });
    // An idle connection runs its request at once; a busy one waits its turn (FIFO).
    if (this.#inFlight === 0 && this.#queue.length === 1 && this.#pumpTimer === undefined) {
      this.#pump();
    } else {
      this.#schedulePump();
    }
    return true;
  }

  /** Drops what has not started and starts nothing more (the socket is gone). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#pumpTimer);
    this.#pumpTimer = undefined;
    this.#queue = [];
  }

  #pump(): void {
    if (this.#closed || this.#queue.length === 0 || this.#inFlight >= this.#options.maxInFlight) {
      return;
    }
    void this.#run(this.#queue.shift()!);
    this.#schedulePump();
  }

  /**
   * Starts the next queued request on a later event-loop turn (a real zero-delay timer:
   * `setImmediate` would starve the socket reads of other connections).
   */
  #schedulePump(): void {
    if (
      this.#pumpTimer !== undefined || this.#closed || this.#queue.length === 0 ||
      this.#inFlight >= this.#options.maxInFlight
    ) return;
    this.#pumpTimer = setTimeout(() => {
      this.#pumpTimer = undefined;
      this.#pump();
    }, 0);
  }

  async #run(request: Pending): Promise<void> {
    const { clock } = this.#options;
    this.#inFlight++;
    let holdsSlot = true;
    let lease: TimerHandle | undefined = undefined;
    const release = () => {
      if (!holdsSlot) return;
      holdsSlot = false;
      clock.clearTimeout(lease);
      this.#inFlight--;
      this.#schedulePump();
    };
    lease = clock.setTimeout(release, this.#options.leaseMs);
    try {
      await this.#options.run(request.text, release);
    } catch (err) {
      this.#options.onError(err);
    } finally {
      this.#pendingCount--;
      this.#pendingBytes -= request.bytes;
      release();
    }
  }
}
