/**
 * What the adapter does with `messages.upsert`: only `notify` batches are new traffic
 * (`append` is history and own-device sync); each message is deduplicated by chat and key id,
 * normalized (normalize.ts), handed to the inbound handler and **awaited** -- the handler
 * resolves once the message is journaled -- and only then, when `sendReadReceipts` is on, marked
 * read, so the sender never sees blue ticks on a message the gateway lost. A handler that
 * rejects or takes longer than `handlerTimeoutMs` leaves the message unread and forgets its id,
 * so a redelivery is processed.
 *
 * Batches are processed one at a time in arrival order; at most `maxQueued` messages wait, the
 * rest are dropped with a warning. Every skipped message is logged at debug level with why.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../../clock.ts";
import { errorMessage } from "../../errors.ts";
import type { InboundHandler } from "../types.ts";
import { BoundedMap } from "./_bounded.ts";
import type { WhatsAppLogger } from "./_log.ts";
import { normalizeJid } from "./jid.ts";
import { normalizeWhatsAppMessage, type SelfIdentity } from "./normalize.ts";
import type { MessagesUpsert, WAMessageLike, WhatsAppSocket } from "./socket.ts";

/** Options of {@linkcode WhatsAppInbound}. */
export interface WhatsAppInboundOptions {
  accountId: string;
  clock: Clock;
  log: WhatsAppLogger;
  /** Mark messages read after they were stored. */
  sendReadReceipts: boolean;
  selfChatMode: boolean;
  /** Longest wait for the handler to store one message. */
  handlerTimeoutMs: number;
  /** Messages waiting, at most. */
  maxQueued: number;
  /** Whether the bot sent a message id. */
  sentByBot(id: string): boolean;
  /** Called after a message was stored. */
  onStored(): void;
}

/** Where a batch came from. */
export interface InboundContext {
  socket: WhatsAppSocket;
  self: SelfIdentity;
  onInbound: InboundHandler;
}

/** Message ids remembered for dedupe. */
const SEEN_LIMIT = 4096;
/** Inbound messages remembered for quoting in replies. */
const RECENT_LIMIT = 512;

/** Handles `messages.upsert` for one account (see the module doc). */
export class WhatsAppInbound {
  readonly #o: WhatsAppInboundOptions;
  readonly #seen = new BoundedMap<string, true>(SEEN_LIMIT);
  readonly #recent = new BoundedMap<string, WAMessageLike>(RECENT_LIMIT);
  #chain: Promise<void> = Promise.resolve();
  #queued = 0;

  /** @param options Account, clock, log, receipts, bounds. */
  constructor(options: WhatsAppInboundOptions) {
    this.#o = options;
  }

  /** Messages waiting now. */
  get queued(): number {
    return this.#queued;
  }

  /**
   * A recent inbound message, for quoting.
   *
   * @param jid The chat's JID.
   * @param id The message id.
   * @returns The message, when still remembered.
   */
  recent(jid: string, id: string): WAMessageLike | undefined {
    return this.#recent.get(`${jid}|${id}`);
  }

  /**
   * Queues a batch. Never throws; the returned promise settles when the batch is done (tests
   * and shutdown wait on it).
   *
   * @param upsert The event.
   * @param ctx The socket it came from, who we are, where messages go.
   * @returns Resolves when the batch has been processed or dropped.
   */
  handle(upsert: MessagesUpsert, ctx: InboundContext): Promise<void> {
    if (upsert.type !== "notify") {
      this.#o.log.debug("WhatsApp {count} message(s) skipped: history or own-device sync", {
        count: upsert.messages.length,
      });
      return Promise.resolve();
    }
    const messages = upsert.messages.slice();
    if (this.#queued + messages.length > this.#o.maxQueued) {
      this.#o.log.warn("WhatsApp inbound queue full: {count} message(s) dropped", {
        count: messages.length,
        accountId: this.#o.accountId,
      });
      return Promise.resolve();
    }
    this.#queued += messages.length;
    this.#chain = this.#chain.then(async () => {
      for (const message of messages) {
        try {
          await this.#one(message, ctx);
        } catch (err) {
          // A malformed message must not stop the queue (a rejected chain would drop the rest).
          this.#o.log.warn("WhatsApp message skipped: {reason}", { reason: errorMessage(err) });
        } finally {
          this.#queued--;
        }
      }
    });
    return this.#chain;
  }

  /** Resolves when every queued batch is done. */
  idle(): Promise<void> {
    return this.#chain;
  }

  async #one(message: WAMessageLike, ctx: InboundContext): Promise<void> {
    const chat = normalizeJid(message.key.remoteJid) ?? "";
    const id = message.key.id ?? "";
    const dedupeKey = `${chat}|${id}`;
    if (id && this.#seen.has(dedupeKey)) {
      this.#o.log.debug("WhatsApp message {id} skipped: duplicate", { id });
      return;
    }
    const inbound = normalizeWhatsAppMessage(message, {
      accountId: this.#o.accountId,
      self: ctx.self,
      sentByBot: (i) => this.#o.sentByBot(i),
      selfChatMode: this.#o.selfChatMode,
      now: this.#o.clock.now(),
    });
    if ("skip" in inbound) {
      this.#o.log.debug("WhatsApp message {id} in {chat} skipped: {reason}", {
        id,
        chat,
        reason: inbound.skip,
      });
      return;
    }
    this.#seen.set(dedupeKey, true);
    this.#recent.set(dedupeKey, message);
    try {
      await this.#store(() => ctx.onInbound(inbound));
    } catch (err) {
      this.#seen.delete(dedupeKey);
      this.#o.log.warn("WhatsApp message {id} was not stored ({reason}); left unread", {
        id,
        reason: errorMessage(err),
      });
      return;
    }
    this.#o.onStored();
    if (this.#o.sendReadReceipts) {
      await ctx.socket.readMessages([message.key]).catch((err) =>
        this.#o.log.debug("WhatsApp read receipt for {id} failed: {reason}", {
          id,
          reason: errorMessage(err),
        })
      );
    }
  }

  /** Runs the handler with a deadline on the adapter's clock. */
  async #store(run: () => Promise<void>): Promise<void> {
    let timer: TimerHandle | undefined;
    const ms = this.#o.handlerTimeoutMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#o.clock.setTimeout(
        () => reject(new Error(`the inbound handler took longer than ${ms} ms`)),
        ms,
      );
    });
    try {
      await Promise.race([run(), timeout]);
    } finally {
      this.#o.clock.clearTimeout(timer);
    }
  }
}
