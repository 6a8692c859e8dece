/**
 * Sending to QQ: text messages to a user (`POST /v2/users/{openid}/messages`) or a group
 * (`POST /v2/groups/{group_openid}/messages`), as *passive replies* whenever possible.
 *
 * **Passive replies.** The platform accepts a bot's message freely only as a reply to a user's
 * message: the body carries that message's id as `msg_id` and a `msg_seq` that differs for each
 * reply to it (a repeated pair is dropped as a duplicate, code 40054005). So the sender numbers
 * the replies to each inbound message 1, 2, 3 ... across calls -- every chunk of a long answer, and
 * a later answer to the same message, gets the next number. The reply window is 60 minutes for a
 * DM and 5 minutes for a group, at most 5 replies per message. When the caller names no message
 * (`replyToMessageId`), the latest inbound message of that chat still inside its window is used;
 * otherwise the message goes out as a proactive one (which the platform rate-limits hard).
 *
 * **Targets.** `chatId` is the openid from the inbound message; whether it is a user or a group
 * is remembered from inbound traffic, and can be spelled out: `c2c:<openid>` / `user:<openid>`,
 * `group:<group_openid>`, or stock's `qqbot:c2c:...` / `qqbot:group:...`. Ids are checked before they
 * enter a URL path.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { OpenClawError } from "../../errors.ts";
import type { InboundMessage, OutboundTarget, SendOptions, SendResult } from "../types.ts";
import { PartialSendError } from "../types.ts";
import type { QQBotLogger } from "./_log.ts";
import {
  C2C_REPLY_WINDOW_MS,
  DUPLICATE_MSG_SEQ_CODE,
  GROUP_REPLY_WINDOW_MS,
  MSG_TYPE_TEXT,
  QQBOT_MAX_MESSAGE_LENGTH,
  QQBOT_MAX_PASSIVE_REPLIES,
} from "./constants.ts";
import { QQApiError } from "./errors.ts";
import type { QQRest } from "./rest.ts";
import { OPENID, SentMessageSchema } from "./schemas.ts";

/** Chats, anchors and reply counters remembered, at most (oldest forgotten first). */
const MAX_REMEMBERED = 4096;
/** Longest `msg_id` accepted. */
const MAX_MSG_ID = 256;

/** A user (C2C) or a group. */
export type QQChatKind = "c2c" | "group";

/** Where a message goes. */
export interface QQTarget {
  kind: QQChatKind;
  openid: string;
}

/** Options of {@linkcode QQBotSender}. */
export interface QQBotSenderOptions {
  rest: QQRest;
  clock: Clock;
  log: QQBotLogger;
  /** Called after each message that went out. */
  onSent?: () => void;
}

interface Anchor {
  msgId: string;
  kind: QQChatKind;
  at: number;
}

/** Puts `key` last in `map` (newest), dropping the oldest entry past the bound. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value!);
  map.set(key, value);
}

function invalidTarget(value: string): never {
  throw new OpenClawError(
    "CHANNEL_TARGET_INVALID",
    `Cannot send to QQ target "${value.slice(0, 80)}": expected a user or group openid`,
    { hint: 'Use "c2c:<openid>" or "group:<group_openid>" (or the chat id of a message)' },
  );
}

function checkLength(text: string): void {
  if (text.length === 0 || text.length > QQBOT_MAX_MESSAGE_LENGTH) {
    throw new RangeError(
      `Cannot send a QQ message of ${text.length} characters: expected 1 to ` +
        `${QQBOT_MAX_MESSAGE_LENGTH} (split it with the chunker first)`,
    );
  }
}

/** Sends messages as passive replies (see the module doc). */
export class QQBotSender {
  readonly #o: QQBotSenderOptions;
  readonly #kinds = new Map<string, QQChatKind>();
  readonly #anchors = new Map<string, Anchor>();
  /** Next `msg_seq` per replied-to message id. */
  readonly #seqs = new Map<string, number>();

  /** @param options The REST client, clock and log. */
  constructor(options: QQBotSenderOptions) {
    this.#o = options;
  }

  /**
   * Learns from an inbound message: what kind of chat its id is, and that it is the newest
   * message to reply to there.
   *
   * @param message A normalized QQ message.
   */
  observe(message: InboundMessage): void {
    const kind: QQChatKind = message.chatType === "group" ? "group" : "c2c";
    remember(this.#kinds, message.chatId, kind);
    remember(this.#anchors, message.chatId, {
      msgId: message.messageId,
      kind,
      at: this.#o.clock.now(),
    });
  }

  /**
   * Resolves a target (see the module doc).
   *
   * @param target The chat.
   * @returns Kind and openid.
   * @throws {OpenClawError} `CHANNEL_TARGET_INVALID` when the id is malformed or its kind unknown.
   */
  resolve(target: OutboundTarget): QQTarget {
    const raw = target.chatId.trim();
    const m = /^(?:qqbot:)?(c2c|user|group):(.*)$/i.exec(raw);
    if (m) {
      const openid = m[2].trim();
      if (!OPENID.test(openid)) invalidTarget(raw);
      return { kind: m[1].toLowerCase() === "group" ? "group" : "c2c", openid };
    }
    if (!OPENID.test(raw)) invalidTarget(raw);
    const kind = this.#kinds.get(raw);
    if (!kind) {
      throw new OpenClawError(
        "CHANNEL_TARGET_INVALID",
        `Cannot send to QQ chat "${raw.slice(0, 80)}": no message came from it yet, so it is ` +
          "not known whether it is a user or a group",
        { hint: 'Write the target as "c2c:<openid>" or "group:<group_openid>"' },
      );
    }
    return { kind, openid: raw };
  }

  /** The message to reply to: the caller's, else the chat's latest one inside its window. */
  #replyTo(to: QQTarget, options: SendOptions): string | undefined {
    const explicit = options.replyToMessageId?.trim();
    if (explicit) {
      if (explicit.length > MAX_MSG_ID) {
        throw new RangeError(`Cannot reply to QQ message id of ${explicit.length} characters`);
      }
      return explicit;
    }
    const anchor = this.#anchors.get(to.openid);
    if (!anchor || anchor.kind !== to.kind) return undefined;
    const window = to.kind === "group" ? GROUP_REPLY_WINDOW_MS : C2C_REPLY_WINDOW_MS;
    if (this.#o.clock.now() - anchor.at > window) return undefined;
    return anchor.msgId;
  }

  #nextSeq(msgId: string): number {
    const seq = this.#seqs.get(msgId) ?? 1;
    remember(this.#seqs, msgId, seq + 1);
    return seq;
  }

  async #post(to: QQTarget, text: string, msgId: string | undefined, signal?: AbortSignal) {
    const path = `/v2/${to.kind === "group" ? "groups" : "users"}/${to.openid}/messages`;
    // A duplicate msg_seq means earlier replies to this message were numbered by another run
    // (a restart reset the counter): take the next number, up to the platform's reply limit.
    for (let tries = 0;; tries++) {
      const body: Record<string, unknown> = { content: text, msg_type: MSG_TYPE_TEXT };
      if (msgId) {
        body.msg_id = msgId;
        body.msg_seq = this.#nextSeq(msgId);
      }
      try {
        return await this.#o.rest.request("POST", path, {
          body,
          schema: SentMessageSchema,
          signal,
        });
      } catch (err) {
        const duplicate = err instanceof QQApiError && err.code === DUPLICATE_MSG_SEQ_CODE;
        if (!msgId || !duplicate || tries >= QQBOT_MAX_PASSIVE_REPLIES) throw err;
        this.#o.log.debug("qqbot msg_seq {seq} already used for {msgId}; taking the next", {
          seq: body.msg_seq,
          msgId,
        });
      }
    }
  }

  /**
   * Sends one message.
   *
   * @param target Where.
   * @param text At most 5000 characters (split with lib/channels/chunk.ts first).
   * @param options The message to reply to, signal.
   * @returns The new message's id.
   * @throws {RangeError} When `text` is empty or longer than 5000 characters (nothing is sent).
   * @throws {OpenClawError} `CHANNEL_TARGET_INVALID` for a target that cannot be resolved.
   */
  async sendText(
    target: OutboundTarget,
    text: string,
    options: SendOptions = {},
  ): Promise<SendResult> {
    checkLength(text);
    const to = this.resolve(target);
    const sent = await this.#post(to, text, this.#replyTo(to, options), options.signal);
    this.#o.onSent?.();
    return sent.id ? { messageId: sent.id } : {};
  }

  /**
   * Sends chunks in order. Unlike other platforms, *every* chunk carries the replied-to message
   * (a passive reply needs it), each with the next `msg_seq`.
   *
   * @param target Where.
   * @param chunks Messages of at most 5000 characters each.
   * @param options The message to reply to, signal.
   * @returns One result per chunk.
   * @throws {PartialSendError} When a chunk fails after others went out (`sentCount` says how
   *   many); the original error when the first one fails.
   * @throws {RangeError} When a chunk is empty or too long (nothing is sent).
   */
  async sendChunks(
    target: OutboundTarget,
    chunks: readonly string[],
    options: SendOptions = {},
  ): Promise<SendResult[]> {
    chunks.forEach(checkLength); // all or nothing: a bad chunk is refused before any goes out
    const to = this.resolve(target);
    const msgId = this.#replyTo(to, options);
    const sent: SendResult[] = [];
    for (const chunk of chunks) {
      try {
        const created = await this.#post(to, chunk, msgId, options.signal);
        this.#o.onSent?.();
        sent.push(created.id ? { messageId: created.id } : {});
      } catch (err) {
        if (sent.length === 0) throw err;
        const why = err instanceof Error ? err.message : String(err);
        throw new PartialSendError(
          `Sent ${sent.length} of ${chunks.length} QQ messages: ${why}`,
          sent,
          err,
        );
      }
    }
    return sent;
  }
}
