/**
 * What both transports (long connection and webhook) do with one decoded event, in order:
 *
 * 1. validate the v2 envelope; events other than `im.message.receive_v1` are acknowledged and
 *    ignored;
 * 2. drop a redelivery: an `event_id` already stored is acknowledged at once; one still being
 *    stored shares that attempt's outcome (Feishu redelivers an event it has no ack for within
 *    a few seconds, so both copies can arrive while the first is in flight);
 * 3. normalize it (normalize.ts); an unusable message is logged with its reason and
 *    acknowledged (redelivering it would not help);
 * 4. hand it to the inbound handler and **await** it (the durable journal): only when that
 *    resolves is the event acknowledged and its id remembered. A rejection or a handler that
 *    outlives `handlerTimeoutMs` throws, so the transport answers "failed" and Feishu delivers
 *    it again. The agent turn runs after the journal, never before the acknowledgement.
 *
 * Events are handled one at a time in arrival order (a chat's messages stay in order); at most
 * `maxQueued` wait, beyond that an event is refused (Feishu keeps and redelivers it).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { InboundHandler, InboundMessage } from "../types.ts";
import { withTimeout } from "../../deadline.ts";
import type { FeishuLogger, Scrubber } from "./_log.ts";
import { MESSAGE_RECEIVE_EVENT } from "./constants.ts";
import { normalizeFeishuEvent } from "./normalize.ts";
import { type EventEnvelope, EventEnvelopeSchema } from "./schemas.ts";

/** What happened to an event (every outcome is acknowledged to Feishu). */
export type EventOutcome = "delivered" | "duplicate" | "ignored" | "dropped";

/** Options of {@linkcode FeishuEvents}. */
export interface FeishuEventsOptions {
  accountId: string;
  clock: Clock;
  log: FeishuLogger;
  scrubber: Scrubber;
  /** The bot's open_id, once known. */
  botOpenId(): string | undefined;
  /** Whether the bot sent a message id. */
  sentByBot(messageId: string): boolean;
  /** The inbound handler of the current connection (undefined = not connected: refuse). */
  handler(): InboundHandler | undefined;
  /** A message was stored (with its thread's root message, when in a thread). */
  onDelivered?(message: InboundMessage, threadRootId?: string): void;
  /** Longest wait for the inbound handler. @default 10000 */
  handlerTimeoutMs?: number;
  /** Event ids remembered for dedupe. @default 2048 */
  dedupeSize?: number;
  /** Events waiting at most. @default 256 */
  maxQueued?: number;
}

/** Thrown when an event was not stored: the transport must not acknowledge it. */
export class EventNotStoredError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "EventNotStoredError";
  }
}

/** The event pipeline of one account (see the module doc). */
export class FeishuEvents {
  readonly #o: FeishuEventsOptions;
  readonly #done = new Set<string>();
  readonly #inflight = new Map<string, Promise<EventOutcome>>();
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  /** @param options Account, clock, log, bot identity, handler lookup, bounds. */
  constructor(options: FeishuEventsOptions) {
    this.#o = options;
  }

  /**
   * Handles one decoded event (see the module doc).
   *
   * @param payload The event JSON (decrypted).
   * @returns The outcome, once it may be acknowledged.
   * @throws {EventNotStoredError} When the message was not stored (do not acknowledge).
   */
  handle(payload: unknown): Promise<EventOutcome> {
    const envelope = EventEnvelopeSchema.safeParse(payload);
    if (!envelope.success) {
      this.#o.log.warn("feishu event dropped: not an event v2 envelope");
      return Promise.resolve("dropped");
    }
    const { header } = envelope.data;
    if (header.event_type !== MESSAGE_RECEIVE_EVENT) {
      this.#o.log.debug("feishu event {eventType} ignored", { eventType: header.event_type });
      return Promise.resolve("ignored");
    }
    const id = header.event_id;
    if (this.#done.has(id)) {
      this.#o.log.info("feishu event {eventId} dropped: duplicate delivery", { eventId: id });
      return Promise.resolve("duplicate");
    }
    const running = this.#inflight.get(id);
    if (running) {
      this.#o.log.info(
        "feishu event {eventId} dropped: duplicate delivery (first copy in flight)",
        {
          eventId: id,
        },
      );
      return running.then((o) => (o === "delivered" ? "duplicate" : o));
    }
    const max = this.#o.maxQueued ?? 256;
    if (this.#queued >= max) {
      return Promise.reject(
        new EventNotStoredError(`more than ${max} events waiting for the inbound handler`),
      );
    }
    this.#queued++;
    const run = this.#tail.then(() => this.#process(envelope.data));
    const settled = run.finally(() => {
      this.#queued--;
      this.#inflight.delete(id);
    });
    this.#tail = settled.catch(() => {});
    this.#inflight.set(id, settled);
    return settled;
  }

  async #process(envelope: EventEnvelope): Promise<EventOutcome> {
    const o = this.#o;
    const id = envelope.header.event_id;
    const handler = o.handler();
    if (!handler) throw new EventNotStoredError("the channel is not connected");
    const normalized = normalizeFeishuEvent(envelope, {
      accountId: o.accountId,
      botOpenId: o.botOpenId(),
      sentByBot: o.sentByBot,
      now: o.clock.now(),
    });
    if (typeof normalized === "string") {
      o.log.info("feishu event {eventId} dropped: {reason}", { eventId: id, reason: normalized });
      this.#remember(id);
      return "dropped";
    }
    const { message, threadRootId } = normalized;
    try {
      await withTimeout(
        o.clock,
        o.handlerTimeoutMs ?? 10_000,
        handler(message),
        "the inbound handler",
      );
    } catch (err) {
      const why = o.scrubber.scrub(err);
      o.log.warn("feishu event {eventId} not stored ({error}); Feishu will deliver it again", {
        eventId: id,
        error: why,
      });
      throw new EventNotStoredError(`event ${id} not stored: ${why}`, err);
    }
    this.#remember(id);
    o.onDelivered?.(message, threadRootId);
    return "delivered";
  }

  #remember(id: string): void {
    this.#done.add(id);
    const max = this.#o.dedupeSize ?? 2048;
    if (this.#done.size > max) this.#done.delete(this.#done.values().next().value!);
  }
}
