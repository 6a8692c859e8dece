/**
 * Sending to Discord: messages (`POST /channels/{id}/messages` with `allowed_mentions: {parse:
 * []}` so a reply never pings @everyone, a role or a user, and a `message_reference` for quoted
 * replies), typing indicators, and DM channels opened on demand for targets written `user:<id>`.
 * Targets are checked to be snowflakes before they enter a URL path.
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";
import type { OutboundTarget, SendOptions, SendResult } from "../types.ts";
import { PartialSendError } from "../types.ts";
import { DISCORD_MAX_MESSAGE_LENGTH, MessageFlag } from "./constants.ts";
import type { DiscordRest } from "./rest.ts";
import { ChannelSchema, CreatedMessageSchema } from "./schemas.ts";

const SNOWFLAKE = /^\d{1,20}$/;
/** DM channels remembered per user. */
const MAX_DM_CHANNELS = 1000;

/** Options of {@linkcode DiscordSender}. */
export interface DiscordSenderOptions {
  rest: DiscordRest;
  /** Send with `SUPPRESS_EMBEDS` (config `suppressEmbeds`). */
  suppressEmbeds?: boolean;
  /** Called after each message that went out. */
  onSent?: () => void;
}

function snowflake(value: string, what: string): string {
  const id = value.trim();
  if (!SNOWFLAKE.test(id)) {
    throw new OpenClawError(
      "CHANNEL_TARGET_INVALID",
      `Cannot send to Discord ${what} "${value.slice(0, 40)}": expected a numeric id`,
      { hint: 'Use a channel id, "channel:<id>" or "user:<id>"' },
    );
  }
  return id;
}

function checkLength(text: string): void {
  if (text.length === 0 || text.length > DISCORD_MAX_MESSAGE_LENGTH) {
    throw new RangeError(
      `Cannot send a Discord message of ${text.length} characters: expected 1 to ` +
        `${DISCORD_MAX_MESSAGE_LENGTH} (split it with the chunker first)`,
    );
  }
}

/** Sends messages and typing indicators (see the module doc). */
export class DiscordSender {
  readonly #o: DiscordSenderOptions;
  readonly #dms = new Map<string, string>();

  /** @param options The REST client and send settings. */
  constructor(options: DiscordSenderOptions) {
    this.#o = options;
  }

  /**
   * The channel a target posts to: the thread when given, else the chat; `user:<id>` opens (once)
   * the DM channel with that user, `channel:<id>` names a channel.
   *
   * @param target Chat and thread.
   * @param signal Aborts the DM lookup.
   * @returns A channel id.
   * @throws {OpenClawError} `CHANNEL_TARGET_INVALID` for an id that is not a snowflake.
   */
  async channelFor(target: OutboundTarget, signal?: AbortSignal): Promise<string> {
    if (target.threadId) return snowflake(target.threadId, "thread");
    const chat = target.chatId.trim();
    const lower = chat.toLowerCase();
    if (lower.startsWith("user:")) {
      return await this.#openDm(snowflake(chat.slice(5), "user"), signal);
    }
    if (lower.startsWith("channel:")) return snowflake(chat.slice(8), "channel");
    return snowflake(chat, "channel");
  }

  async #openDm(userId: string, signal?: AbortSignal): Promise<string> {
    const known = this.#dms.get(userId);
    if (known) return known;
    const channel = await this.#o.rest.request("POST", "/users/@me/channels", {
      body: { recipient_id: userId },
      schema: ChannelSchema,
      signal,
    });
    if (this.#dms.size >= MAX_DM_CHANNELS) this.#dms.delete(this.#dms.keys().next().value!);
    this.#dms.set(userId, channel.id);
    return channel.id;
  }

  /**
   * Sends one message.
   *
   * @param target Where.
   * @param text At most 2000 characters (split with lib/channels/chunk.ts first).
   * @param options Reply reference, silent, signal.
   * @returns The new message's id.
   * @throws {RangeError} When `text` is empty or longer than 2000 characters (nothing is sent).
   */
  async sendText(
    target: OutboundTarget,
    text: string,
    options: SendOptions = {},
  ): Promise<SendResult> {
    checkLength(text);
    const channelId = await this.channelFor(target, options.signal);
    let flags = 0;
    if (this.#o.suppressEmbeds) flags |= MessageFlag.SUPPRESS_EMBEDS;
    if (options.silent) flags |= MessageFlag.SUPPRESS_NOTIFICATIONS;
    const body: Record<string, unknown> = { content: text, allowed_mentions: { parse: [] } };
    if (flags) body.flags = flags;
    if (options.replyToMessageId) {
      body.message_reference = {
        message_id: snowflake(options.replyToMessageId, "message"),
        fail_if_not_exists: false,
      };
    }
    const created = await this.#o.rest.request("POST", `/channels/${channelId}/messages`, {
      body,
      schema: CreatedMessageSchema,
      signal: options.signal,
    });
    this.#o.onSent?.();
    return { messageId: created.id };
  }

  /**
   * Sends chunks in order; only the first quotes `replyToMessageId`.
   *
   * @param target Where.
   * @param chunks Messages of at most 2000 characters each.
   * @param options Reply reference, silent, signal.
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
    const sent: SendResult[] = [];
    for (const [i, chunk] of chunks.entries()) {
      const opts = i === 0 ? options : { ...options, replyToMessageId: undefined };
      try {
        sent.push(await this.sendText(target, chunk, opts));
      } catch (err) {
        if (sent.length === 0) throw err;
        const why = err instanceof Error ? err.message : String(err);
        throw new PartialSendError(
          `Sent ${sent.length} of ${chunks.length} Discord messages: ${why}`,
          sent,
          err,
        );
      }
    }
    return sent;
  }

  /**
   * Shows "typing..." in the channel (Discord clears it after ~10 s or at the next message).
   *
   * @param target Where.
   * @param signal Aborts the call.
   */
  async sendTyping(target: OutboundTarget, signal?: AbortSignal): Promise<void> {
    const channelId = await this.channelFor(target, signal);
    await this.#o.rest.request("POST", `/channels/${channelId}/typing`, { signal });
  }
}
