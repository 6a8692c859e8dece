/**
 * Sending formatted replies, and keeping the ones that could not be sent. A send goes through
 * the account's current adapter (rate limits are waited out there, with the platform's
 * retry-after); when it fails, what was not sent is kept in the inbound journal
 * (`recordFailedSend`) and retried with backoff -- at once when the account reconnects -- until
 * the journal says its attempts are exhausted. Exhausted replies stay listed
 * (`channels.failed.list`, the count in `channels status`) until an operator resends or drops
 * them. The retry timer exists only while retryable replies exist (no idle polling).
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import type { Clock, TimerHandle } from "../../lib/clock.ts";
import type { FailedSend, InboundJournal } from "../../lib/channels/inbound_store.ts";
import { backoffDelay } from "../../lib/channels/retry.ts";
import {
  type OutboundTarget,
  PartialSendError,
  type SendResult,
} from "../../lib/channels/types.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { AccountRunner } from "./account_runner.ts";

/** One reply ready for the platform. */
export interface OutgoingReply {
  channel: string;
  accountId: string;
  target: OutboundTarget;
  chunks: string[];
  parseMode?: "HTML";
  replyToMessageId?: string;
  /** The journal key of the message it answers. */
  sourceKey?: string;
}

/** What {@linkcode ReplySender} needs. */
export interface ReplySenderOptions {
  journal: InboundJournal;
  runnerFor(channel: string, accountId: string): AccountRunner | undefined;
  clock: Clock;
  log: Logger;
}

/** The outcome of a send. */
export type SendOutcome =
  | { ok: true; results: SendResult[] }
  | { ok: false; error: string; keptId?: string };

function retryDelay(attempts: number): number {
  return backoffDelay(Math.max(0, attempts - 1), { initialMs: 5_000, maxMs: 300_000 });
}

/** Sends replies and retries kept ones (see the module doc). */
export class ReplySender {
  readonly #o: ReplySenderOptions;
  #timer?: TimerHandle;
  #retrying?: Promise<void>;
  #stopped = false;

  /** @param options The journal, the runners, clock and log. */
  constructor(options: ReplySenderOptions) {
    this.#o = options;
  }

  async #deliver(reply: OutgoingReply): Promise<SendResult[]> {
    const runner = this.#o.runnerFor(reply.channel, reply.accountId);
    if (!runner) throw new Error(`channel ${reply.channel}/${reply.accountId} is not running`);
    return await runner.adapter.sendChunks(reply.target, reply.chunks, {
      ...(reply.parseMode ? { parseMode: reply.parseMode } : {}),
      ...(reply.replyToMessageId ? { replyToMessageId: reply.replyToMessageId } : {}),
    });
  }

  /**
   * Sends a reply; keeps what was not sent.
   *
   * @param reply The formatted chunks and where they go.
   * @returns The platform's results, or the error and the id of the kept reply.
   */
  async send(reply: OutgoingReply): Promise<SendOutcome> {
    try {
      return { ok: true, results: await this.#deliver(reply) };
    } catch (err) {
      const error = errorMessage(err);
      const sent = err instanceof PartialSendError ? err.sentCount : 0;
      const rest = reply.chunks.slice(sent);
      if (rest.length === 0) return { ok: true, results: [] };
      this.#o.log.warn(
        `reply to ${reply.channel}/${reply.accountId} ${reply.target.chatId} failed after ` +
          `${sent} of ${reply.chunks.length} message(s): ${error}; kept for retry`,
      );
      try {
        const kept = await this.#o.journal.recordFailedSend(
          {
            ...reply,
            chunks: rest,
            replyToMessageId: sent > 0 ? undefined : reply.replyToMessageId,
          },
          error,
        );
        this.#schedule();
        return { ok: false, error, keptId: kept.id };
      } catch (keepErr) {
        this.#o.log.error(`cannot keep the failed reply: ${errorMessage(keepErr)}`);
        return { ok: false, error };
      }
    }
  }

  /** Kept replies (oldest first). */
  failed(): FailedSend[] {
    return this.#o.journal.failedSends();
  }

  async #retryOne(f: FailedSend): Promise<{ id: string; status: string; error?: string }> {
    try {
      await this.#deliver(f);
      await this.#o.journal.resolveFailedSend(f.id, "sent");
      this.#o.log.info(`kept reply ${f.id} to ${f.channel}/${f.accountId} sent`);
      return { id: f.id, status: "sent" };
    } catch (err) {
      const error = errorMessage(err);
      const next = await this.#o.journal.recordSendRetry(f.id, error).catch(() => undefined);
      if (next?.exhausted && !f.exhausted) {
        this.#o.log.warn(
          `kept reply ${f.id} to ${f.channel}/${f.accountId} gave up after ${next.attempts} ` +
            `attempts: ${error} (openclaw channels status lists it)`,
        );
      }
      return { id: f.id, status: "failed", error };
    }
  }

  /**
   * Retries kept replies that still have attempts left (one account's, or all).
   *
   * @param filter Only this channel account.
   */
  retryPending(filter?: { channel: string; accountId: string }): Promise<void> {
    return this.#serial(async () => {
      for (const f of this.failed()) {
        if (this.#stopped) return;
        if (f.exhausted) continue;
        if (filter && (f.channel !== filter.channel || f.accountId !== filter.accountId)) continue;
        await this.#retryOne(f);
      }
    }).finally(() => this.#schedule());
  }

  /** Runs retries, resends and drops one at a time, so a kept reply is never sent twice. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = (this.#retrying ?? Promise.resolve()).then(fn, fn);
    this.#retrying = p.then(() => {}, () => {});
    return p;
  }

  /**
   * Resends kept replies now, exhausted ones included (`channels.failed.resend`).
   *
   * @param ids The kept replies; all when empty.
   * @returns Each one's outcome.
   */
  resend(ids: readonly string[]): Promise<{ id: string; status: string; error?: string }[]> {
    return this.#serial(async () => {
      const wanted = new Set(ids);
      const out: { id: string; status: string; error?: string }[] = [];
      for (const f of this.failed()) {
        if (wanted.size === 0 || wanted.has(f.id)) out.push(await this.#retryOne(f));
      }
      for (const id of wanted) {
        if (!out.some((o) => o.id === id)) out.push({ id, status: "unknown" });
      }
      return out;
    });
  }

  /** Forgets kept replies (all when `ids` is empty); returns how many. */
  drop(ids: readonly string[]): Promise<number> {
    return this.#serial(async () => {
      const wanted = new Set(ids);
      let dropped = 0;
      for (const f of this.failed()) {
        if (wanted.size > 0 && !wanted.has(f.id)) continue;
        if (await this.#o.journal.resolveFailedSend(f.id, "dropped")) dropped++;
      }
      return dropped;
    });
  }

  #schedule(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const retryable = this.failed().filter((f) => !f.exhausted);
    if (retryable.length === 0) return;
    const delay = retryDelay(Math.min(...retryable.map((f) => f.attempts)));
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.retryPending();
    }, delay);
  }

  /** Starts the retry timer when kept replies wait (after a restart). */
  start(): void {
    this.#schedule();
  }

  /** Stops retrying; waits for a retry pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#retrying;
  }
}
