/**
 * Turns a Discord `MESSAGE_CREATE` into the gateway's {@linkcode InboundMessage}:
 *
 * - no `guild_id` -> a DM (`chatType: "dm"`, `chatId` = the DM channel);
 * - a guild channel -> `chatType: "channel"`, `chatId` = the channel; in a thread, `chatId` is the
 *   parent channel and `threadId` the thread (session key `discord:channel:<c>:thread:<t>`);
 * - `mentionsBot` when the bot is in `mentions` or the text has `<@botId>` / `<@!botId>`;
 *   `replyToBot` when the referenced message is the bot's;
 * - mention tokens of known users become `@name`, so the model reads names, not snowflakes;
 * - the bot's own messages and non-user message types (joins, pins, thread notices) are skipped;
 *   other bots and webhooks are passed on marked `senderIsBot` (access drops them unless
 *   `allowBots`), so the drop is logged with its reason.
 *
 * @module
 */
import type { InboundMessage } from "../types.ts";
import type { ChannelInfo } from "./channel_cache.ts";
import { REPLY_MESSAGE_TYPE, THREAD_CHANNEL_TYPES, USER_MESSAGE_TYPES } from "./constants.ts";
import type { DiscordMessage, DiscordUser } from "./schemas.ts";

/** Where the message was posted, as far as the adapter knows. */
export interface NormalizeContext {
  channel: "discord" | string;
  accountId: string;
  /** The bot's user id. */
  botId: string;
  /** The bot's name, for `<@botId>` in the text. */
  botName?: string;
  /** The channel the message is in (from the cache or REST); unknown -> a plain channel. */
  channelInfo?: ChannelInfo;
  /** Fallback for a missing or unreadable timestamp. */
  now: number;
}

/** Why a message was not turned into an inbound message. */
export type SkipReason = "own message" | "system message";

function displayName(user: DiscordUser): string {
  return user.global_name?.trim() || user.username;
}

function mentionsBot(message: DiscordMessage, botId: string): boolean {
  if (message.mentions.some((u) => u.id === botId)) return true;
  return message.content.includes(`<@${botId}>`) || message.content.includes(`<@!${botId}>`);
}

function readableText(message: DiscordMessage, context: NormalizeContext): string {
  const names = new Map<string, string>();
  for (const u of message.mentions) names.set(u.id, displayName(u));
  if (context.botName) names.set(context.botId, context.botName);
  return message.content.replace(/<@!?(\d{1,20})>/g, (token, id: string) => {
    const name = names.get(id);
    return name ? `@${name}` : token;
  });
}

/**
 * Normalizes a `MESSAGE_CREATE` (see the module doc).
 *
 * @param message The validated payload.
 * @param context Account, bot identity and the channel's kind.
 * @returns The inbound message, or why it is skipped.
 * @example
 * ```ts
 * const m = normalizeDiscordMessage(payload, { channel: "discord", accountId: "default",
 *   botId: "99", now: Date.now() });
 * if (typeof m !== "string") await onInbound(m);
 * ```
 */
export function normalizeDiscordMessage(
  message: DiscordMessage,
  context: NormalizeContext,
): InboundMessage | SkipReason {
  if (message.author.id === context.botId) return "own message";
  if (!USER_MESSAGE_TYPES.has(message.type)) return "system message";
  const info = context.channelInfo;
  const isDm = !message.guild_id;
  const inThread = !isDm && info !== undefined && THREAD_CHANNEL_TYPES.has(info.type) &&
    info.parentId !== undefined;
  const parsedTime = message.timestamp ? Date.parse(message.timestamp) : Number.NaN;
  const inbound: InboundMessage = {
    channel: context.channel,
    accountId: context.accountId,
    chatId: inThread ? info!.parentId! : message.channel_id,
    chatType: isDm ? "dm" : "channel",
    senderId: message.author.id,
    senderName: message.member?.nick?.trim() || displayName(message.author),
    senderUsername: message.author.username,
    text: readableText(message, context),
    mentionsBot: mentionsBot(message, context.botId),
    replyToBot: message.type === REPLY_MESSAGE_TYPE &&
      message.referenced_message?.author?.id === context.botId,
    messageId: message.id,
    timestamp: Number.isFinite(parsedTime) ? parsedTime : context.now,
  };
  if (inThread) inbound.threadId = message.channel_id;
  if (message.guild_id) inbound.guildId = message.guild_id;
  if (message.author.bot === true || message.webhook_id) inbound.senderIsBot = true;
  // Only a REPLY (type 19) quotes a message; other references are forwards and crossposts.
  const replyTo = message.type === REPLY_MESSAGE_TYPE
    ? message.message_reference?.message_id ?? message.referenced_message?.id
    : undefined;
  if (replyTo) inbound.replyToMessageId = replyTo;
  return inbound;
}
