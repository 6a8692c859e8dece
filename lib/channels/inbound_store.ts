/**
 * The durable inbound journal: no accepted message is lost, and none is answered twice.
 *
 * 1. An adapter's inbound handler calls {@linkcode InboundJournal.append} and awaits it before
 *    the platform's offset / ack moves past the message (the record is fsynced). A message seen
 *    before (same channel, account and platform update/message id) is a `duplicate`.
 * 2. The turn calls `begin()` (counts attempts), then `markAnswered()` right after the reply
 *    went out -- or `markDropped()` when access refused it.
 * 3. On start, {@linkcode InboundJournal.recover} lists the messages that were accepted but not
 *    answered, to answer each once; one that already crashed the gateway `maxAttempts` times, or
 *    waited longer than `maxAgeMs`, becomes a dead letter instead of looping.
 * 4. A reply that could not be sent is kept (`recordFailedSend`) with its retry count, listed,
 *    and resent or dropped by the operator; exhausted ones stay until then.
 *
 * The file is JSON Lines, append-then-fsync; a torn last line is skipped. It is compacted
 * (rewritten atomically with only live records) when dead lines pile up, and every collection
 * is bounded: pending messages (appends beyond the cap are refused, so the platform keeps the
 * message), dead letters, failed sends and dedupe tombstones (count and age).
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import { OpenClawError } from "../errors.ts";
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { dirname } from "../paths.ts";
import { inboundJournalPath, MAX_JOURNAL_BYTES } from "./dormant.ts";
import type { InboundMessage } from "./types.ts";
import {
  type JournalState,
  newState,
  rebuild,
  type Rec,
  reduce,
  sanitizeMessage,
  sanitizeSend,
  snapshot,
} from "./_journal_state.ts";

export { inboundJournalPath, MAX_JOURNAL_BYTES };
export type { DeadLetter, FailedSend, FailedSendInput, PendingInbound } from "./_journal_state.ts";
import type { DeadLetter, FailedSend, FailedSendInput, PendingInbound } from "./_journal_state.ts";

/** Options of {@linkcode InboundJournal.open}. */
export interface InboundJournalOptions {
  /** @default systemClock */
  clock?: Clock;
  /** Unanswered messages kept at most; appends beyond are refused. @default 10000 */
  maxPending?: number;
  /** Turns started for one message before it becomes a dead letter. @default 3 */
  maxAttempts?: number;
  /** Unanswered messages older than this become dead letters at recovery. @default 86400000 */
  maxAgeMs?: number;
  /** Send attempts after which a failed reply is `exhausted`. @default 5 */
  maxSendAttempts?: number;
  /** Dead letters, failed sends: most kept. @default 1000 */
  maxKept?: number;
  /** Dedupe tombstones kept (answered/dropped ids). @default 5000 */
  maxTombstones?: number;
  /** Tombstones, dead letters and failed sends older than this are forgotten. @default 30 days */
  retentionMs?: number;
}

/**
 * The dedupe key of a message: channel, account, and the update id when the platform has one
 * (Telegram `update_id`), else chat and message id (Telegram message ids are per chat).
 *
 * @param message An inbound message.
 * @returns A string key.
 */
export function inboundKey(
  message: Pick<InboundMessage, "channel" | "accountId" | "chatId" | "messageId" | "updateId">,
): string {
  const id = message.updateId !== undefined && message.updateId !== ""
    ? `u:${message.updateId}`
    : `m:${message.chatId}:${message.messageId}`;
  return `${message.channel}:${message.accountId}:${id}`;
}

/** The durable inbound journal of one gateway (one writer: the gateway holds its lock). */
export class InboundJournal {
  readonly #path: string;
  readonly #clock: Clock;
  readonly #opts: Required<Omit<InboundJournalOptions, "clock">>;
  readonly #state: JournalState;
  #file: Deno.FsFile | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #lines = 0;
  /** Keys being appended right now (dedupe before the write lands). */
  readonly #inflight = new Set<string>();

  private constructor(path: string, options: InboundJournalOptions, state: JournalState) {
    this.#path = path;
    this.#clock = options.clock ?? systemClock;
    this.#opts = {
      maxPending: options.maxPending ?? 10_000,
      maxAttempts: options.maxAttempts ?? 3,
      maxAgeMs: options.maxAgeMs ?? 24 * 3600_000,
      maxSendAttempts: options.maxSendAttempts ?? 5,
      maxKept: options.maxKept ?? 1000,
      maxTombstones: options.maxTombstones ?? 5000,
      retentionMs: options.retentionMs ?? 30 * 24 * 3600_000,
    };
    this.#state = state;
  }

  /**
   * Opens (or creates) the journal at `path`, replays it, and compacts it.
   *
   * @param path The journal file (see {@linkcode inboundJournalPath}).
   * @param options Clock and bounds.
   * @returns The open journal; `close()` it when the gateway stops.
   * @throws {OpenClawError} `CHANNEL_JOURNAL_INVALID` when the file is larger than
   *   {@linkcode MAX_JOURNAL_BYTES}.
   */
  static async open(path: string, options: InboundJournalOptions = {}): Promise<InboundJournal> {
    ensureDir(dirname(path), 0o700);
    const state = newState();
    let text = "";
    try {
      const size = (await Deno.stat(path)).size;
      if (size > MAX_JOURNAL_BYTES) {
        throw new OpenClawError(
          "CHANNEL_JOURNAL_INVALID",
          `Cannot read "${path}": ${size} bytes is more than ${MAX_JOURNAL_BYTES}`,
          { hint: "Move the file aside; unanswered messages in it will not be replayed" },
        );
      }
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const journal = new InboundJournal(path, options, state);
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        reduce(state, JSON.parse(line) as Rec, journal.#opts);
      } catch { /* a torn or foreign line: skip it */ }
    }
    await journal.#compact();
    return journal;
  }

  #write(records: Rec[]): Promise<void> {
    const run = this.#queue.then(async () => {
      if (!this.#file) throw new OpenClawError("CHANNEL_JOURNAL_CLOSED", "The journal is closed");
      const data = new TextEncoder().encode(
        records.map((r) => JSON.stringify(r)).join("\n") + "\n",
      );
      let off = 0;
      while (off < data.length) off += await this.#file.write(data.subarray(off));
      await this.#file.syncData();
      for (const r of records) reduce(this.#state, r, this.#opts);
      this.#lines += records.length;
      if (this.#lines > Math.max(1000, 2 * this.#liveCount())) await this.#compact();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #liveCount(): number {
    const s = this.#state;
    return s.pending.size + s.dead.size + s.failed.size + s.done.size;
  }

  async #compact(): Promise<void> {
    this.#file?.close();
    this.#file = undefined;
    const records = snapshot(this.#state, this.#clock.now(), this.#opts);
    rebuild(this.#state, records, this.#opts);
    writeFileAtomic(this.#path, records.map((r) => JSON.stringify(r) + "\n").join(""), {
      mode: 0o600,
    });
    this.#lines = records.length;
    this.#file = await Deno.open(this.#path, { append: true, create: true, mode: 0o600 });
  }

  /**
   * Stores an accepted message durably (fsynced) before the caller acks the platform.
   *
   * @param message The normalized message.
   * @returns `stored`, or `duplicate` when it was seen before (answered, pending or dead).
   * @throws {TypeError} When the message lacks its ids (texts longer than 32768 are cut).
   * @throws {OpenClawError} `CHANNEL_JOURNAL_FULL` when `maxPending` messages wait; the caller
   *   must not ack, so the platform delivers it again later.
   */
  async append(message: InboundMessage): Promise<"stored" | "duplicate"> {
    const msg = sanitizeMessage(message);
    if (!msg) {
      throw new TypeError("Cannot journal a message without channel, account, chat, sender and id");
    }
    const key = inboundKey(msg);
    const s = this.#state;
    if (s.pending.has(key) || s.dead.has(key) || s.done.has(key) || this.#inflight.has(key)) {
      return "duplicate";
    }
    if (s.pending.size + this.#inflight.size >= this.#opts.maxPending) {
      throw new OpenClawError(
        "CHANNEL_JOURNAL_FULL",
        `Cannot accept more messages: ${s.pending.size} are waiting to be answered`,
        { hint: "Check the agent runtime: `openclaw channels status`" },
      );
    }
    this.#inflight.add(key);
    try {
      await this.#write([{ t: "in", key, at: this.#clock.now(), msg }]);
    } finally {
      this.#inflight.delete(key);
    }
    return "stored";
  }

  /**
   * Records that a turn starts for `key` (the attempt count survives crashes).
   *
   * @returns The attempt number (1 for the first turn).
   */
  async begin(key: string): Promise<number> {
    await this.#write([{ t: "start", key, at: this.#clock.now() }]);
    return this.#state.pending.get(key)?.attempts ?? 0;
  }

  /** Records that `key` was answered (the reply went out); it will not be replayed. */
  async markAnswered(key: string): Promise<void> {
    await this.#write([{ t: "done", key, at: this.#clock.now(), outcome: "answered" }]);
  }

  /** Records that `key` needs no answer (access refused it, or it was empty). */
  async markDropped(key: string, reason: string): Promise<void> {
    await this.#write([{ t: "done", key, at: this.#clock.now(), outcome: "dropped", reason }]);
  }

  /**
   * Lists what to answer after a restart. Messages that already had `maxAttempts` turns, or
   * waited longer than `maxAgeMs`, become dead letters first (listed by `deadLetters()`).
   *
   * @returns Unanswered messages, oldest first.
   */
  async recover(): Promise<PendingInbound[]> {
    const now = this.#clock.now();
    const dead: Rec[] = [];
    for (const p of this.#state.pending.values()) {
      if (p.attempts >= this.#opts.maxAttempts) {
        dead.push({ t: "dead", key: p.key, at: now, reason: "attempts" });
      } else if (now - p.receivedAt > this.#opts.maxAgeMs) {
        dead.push({ t: "dead", key: p.key, at: now, reason: "expired" });
      }
    }
    if (dead.length > 0) await this.#write(dead);
    return this.unanswered();
  }

  /** Unanswered messages, oldest first (no side effects). */
  unanswered(): PendingInbound[] {
    return [...this.#state.pending.values()].sort((a, b) => a.receivedAt - b.receivedAt)
      .map((p) => ({ ...p }));
  }

  /** Messages given up on, oldest first. */
  deadLetters(): DeadLetter[] {
    return [...this.#state.dead.values()].sort((a, b) => a.deadAt - b.deadAt).map((d) => ({
      ...d,
    }));
  }

  /** Puts a dead letter back into the pending list (attempts reset). Returns false if unknown. */
  async resubmit(key: string): Promise<boolean> {
    if (!this.#state.dead.has(key)) return false;
    await this.#write([{ t: "resubmit", key, at: this.#clock.now() }]);
    return true;
  }

  /** Forgets a dead letter for good. Returns false if unknown. */
  async discardDeadLetter(key: string): Promise<boolean> {
    if (!this.#state.dead.has(key)) return false;
    await this.#write([{ t: "done", key, at: this.#clock.now(), outcome: "dropped" }]);
    return true;
  }

  /**
   * Keeps a reply that could not be sent, with one attempt counted.
   *
   * @param send Where it goes and what it says.
   * @param error Why the send failed (one line).
   * @returns The kept send with its id.
   */
  async recordFailedSend(send: FailedSendInput, error: string): Promise<FailedSend> {
    const clean = sanitizeSend(send);
    if (!clean) throw new TypeError("Cannot keep a send without channel, account, chat and chunks");
    const id = crypto.randomUUID();
    await this.#write([{ t: "out", id, at: this.#clock.now(), send: clean, error }]);
    return this.#failed(id)!;
  }

  /** Counts one more failed attempt of a kept send. Undefined when the id is unknown. */
  async recordSendRetry(id: string, error: string): Promise<FailedSend | undefined> {
    if (!this.#state.failed.has(id)) return undefined;
    await this.#write([{ t: "out-retry", id, at: this.#clock.now(), error }]);
    return this.#failed(id);
  }

  /** Removes a kept send after it was resent (`sent`) or given up (`dropped`). */
  async resolveFailedSend(id: string, outcome: "sent" | "dropped"): Promise<boolean> {
    if (!this.#state.failed.has(id)) return false;
    await this.#write([{ t: "out-done", id, at: this.#clock.now(), outcome }]);
    return true;
  }

  #failed(id: string): FailedSend | undefined {
    const f = this.#state.failed.get(id);
    return f ? { ...f, exhausted: f.attempts >= this.#opts.maxSendAttempts } : undefined;
  }

  /** Kept sends, oldest first, with `exhausted` set when retries ran out. */
  failedSends(): FailedSend[] {
    return [...this.#state.failed.keys()].map((id) => this.#failed(id)!)
      .sort((a, b) => a.firstFailedAt - b.firstFailedAt);
  }

  /** Counts for `channels status`. */
  counts(): { pending: number; dead: number; failed: number } {
    const s = this.#state;
    return { pending: s.pending.size, dead: s.dead.size, failed: s.failed.size };
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    this.#file?.close();
    this.#file = undefined;
  }

  /** Same as {@linkcode close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
