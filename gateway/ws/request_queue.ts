/**
 * One connection's request queue: at most `maxPending` requests and `maxPendingBytes` bytes
 * pending (more are refused, the caller answers "The server is busy..."), at most `maxInFlight`
 * running, FIFO, and a busy connection starts one queued request per event-loop turn so a
 * pipelining client interleaves with others instead of monopolising the loop. A running request
 * that takes longer than `leaseMs` (it is waiting on something) gives its slot back to a request
 * that waits for one. The lease timer runs only while a request waits for a slot, so a request
 * that finds one free (nearly all of them) starts and ends without arming a timer.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../../lib/clock.ts";
import { clearTimer, setTimer } from "../../lib/timers.ts";

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

/** A running request holding a slot, in the list of leases (oldest first). */
interface Lease {
  startedAt: number;
  /** Gives the slot back (once; later calls do nothing). */
  release: () => void;
  held: boolean;
  older: Lease | undefined;
  newer: Lease | undefined;
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
  #pumpTimer: TimerHandle | undefined;
  /** Running requests holding a slot: a list, oldest first (O(1) to add and to remove). */
  #oldest: Lease | undefined;
  #newest: Lease | undefined;
  /** Fires when the oldest lease ends, armed only while a request waits for a slot. */
  #leaseTimer: TimerHandle | undefined;
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
    clearTimer(this.#pumpTimer);
    this.#pumpTimer = undefined;
    this.#options.clock.clearTimeout(this.#leaseTimer);
    this.#leaseTimer = undefined;
    this.#queue = [];
  }

  /** True while a queued request cannot start because every slot is held. */
  #blocked(): boolean {
    return !this.#closed && this.#queue.length > 0 &&
      this.#inFlight >= this.#options.maxInFlight;
  }

  /** Arms the lease timer for the oldest running request, or disarms it when no one waits. */
  #watchLeases(): void {
    const { clock, leaseMs } = this.#options;
    if (!this.#blocked()) {
      clock.clearTimeout(this.#leaseTimer);
      this.#leaseTimer = undefined;
      return;
    }
    if (this.#leaseTimer !== undefined) return;
    const oldest = this.#oldest;
    if (!oldest) return;
    this.#leaseTimer = clock.setTimeout(() => {
      this.#leaseTimer = undefined;
      const now = clock.now();
      for (let lease = this.#oldest; lease && now - lease.startedAt >= leaseMs;) {
        const newer = lease.newer;
        this.#release(lease);
        lease = newer;
      }
      this.#watchLeases();
    }, Math.max(0, oldest.startedAt + leaseMs - clock.now()));
  }

  #pump(): void {
    if (this.#closed || this.#queue.length === 0) return;
    if (this.#inFlight >= this.#options.maxInFlight) return this.#watchLeases();
    void this.#run(this.#queue.shift()!);
    this.#schedulePump();
  }

  /**
   * Starts the next queued request on a later event-loop turn (a real zero-delay timer:
   * `setImmediate` would starve the socket reads of other connections).
   */
  #schedulePump(): void {
    if (this.#pumpTimer !== undefined || this.#closed || this.#queue.length === 0) return;
    if (this.#inFlight >= this.#options.maxInFlight) return this.#watchLeases();
    this.#pumpTimer = setTimer(() => {
      this.#pumpTimer = undefined;
      this.#pump();
    }, 0);
  }

  async #run(request: Pending): Promise<void> {
    this.#inFlight++;
    const lease: Lease = {
      startedAt: this.#options.clock.now(),
      release: () => this.#release(lease),
      held: true,
      older: this.#newest,
      newer: undefined,
    };
    if (this.#newest) this.#newest.newer = lease;
    else this.#oldest = lease;
    this.#newest = lease;
    try {
      await this.#options.run(request.text, lease.release);
    } catch (err) {
      this.#options.onError(err);
    } finally {
      this.#pendingCount--;
      this.#pendingBytes -= request.bytes;
      this.#release(lease);
    }
  }

  /** Gives a lease's slot back (once) and lets the next queued request have it. */
  #release(lease: Lease): void {
    if (!lease.held) return;
    lease.held = false;
    if (lease.older) lease.older.newer = lease.newer;
    else this.#oldest = lease.newer;
    if (lease.newer) lease.newer.older = lease.older;
    else this.#newest = lease.older;
    lease.older = lease.newer = undefined;
    this.#inFlight--;
    if (this.#leaseTimer !== undefined && !this.#blocked()) this.#watchLeases();
    this.#schedulePump();
  }
}
