/**
 * Telegram `Update` -> {@linkcode InboundMessage}. Handles DMs, groups and supergroups, channel
 * posts, forum topics (`threadId`; the General topic of a forum is thread `1`, as stock has it),
 * mentions of the bot (`mention` entities matching the bot's username, `text_mention` entities
 * of the bot user, `/command@bot`), and replies to the bot. A forum topic message is technically
 * a reply to the topic's opening service message; that is not counted as a reply.
 *
 * Updates come from the network, so they are checked (lib/json_guard.ts) and only the
 * fields read here are typed; anything unusable yields no message (the offset still moves past
 * it).
 *
 * @module
 */
import {
  array,
  boolean,
  type Check,
  guard,
  type Infer,
  number,
  object,
  type ObjectOf,
  optional,
  string,
  unknown,
} from "../../json_guard.ts";
import type { ChatType, InboundMessage } from "../types.ts";

const int = number({ int: true });

const user = object({
  id: number(),
  is_bot: optional(boolean),
  first_name: optional(string()),
  last_name: optional(string()),
  username: optional(string()),
});

const chat = object({
  id: number(),
  type: string(),
  title: optional(string()),
  is_forum: optional(boolean),
});

const entity = object({
  type: string(),
  offset: number({ int: true, min: 0 }),
  length: number({ int: true, min: 0 }),
  user: optional(user),
});

const messageShape = {
  message_id: int,
  date: number(),
  chat,
  from: optional(user),
  sender_chat: optional(chat),
  text: optional(string()),
  caption: optional(string()),
  entities: optional(array(entity)),
  caption_entities: optional(array(entity)),
  message_thread_id: optional(int),
  is_topic_message: optional(boolean),
  forum_topic_created: optional(unknown),
};

/** A replied-to message (the same fields, without its own reply). */
type RepliedMessage = ObjectOf<typeof messageShape>;
const replied: Check<RepliedMessage> = object(messageShape);
const message = object({ ...messageShape, reply_to_message: optional(replied) });

/** The part of a Bot API `Message` we read. */
export type TelegramMessage = Infer<typeof message>;

const UpdateIdSchema = guard(object({ update_id: number({ int: true, min: 0 }) }));
const UpdateSchema = guard(object({
  update_id: number({ int: true, min: 0 }),
  message: optional(message),
  channel_post: optional(message),
}));

/** Who the bot is (from `getMe`). */
export interface BotIdentity {
  id: number;
  /** Without the `@`. */
  username: string;
}

/** The result of {@linkcode normalizeTelegramUpdate}. */
export interface NormalizedUpdate {
  /** `update_id`: the offset moves past it once the message (if any) is stored. */
  updateId: number;
  /** The message, or undefined for updates that carry none we handle. */
  message?: InboundMessage;
}

/** Entities looked at per message (a hostile message cannot make us scan thousands). */
const MAX_ENTITIES = 100;
/** The General topic of a forum (Telegram sends no `message_thread_id` for it). */
export const GENERAL_TOPIC_ID = "1";

function chatTypeOf(type: string): ChatType | undefined {
  if (type === "private") return "dm";
  if (type === "group" || type === "supergroup") return "group";
  if (type === "channel") return "channel";
  return undefined;
}

function mentionsBot(message: TelegramMessage, text: string, bot: BotIdentity): boolean {
  const entities = (message.text !== undefined ? message.entities : message.caption_entities) ?? [];
  const handle = `@${bot.username}`.toLowerCase();
  for (const entity of entities.slice(0, MAX_ENTITIES)) {
    const part = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === "mention" && bot.username !== "" && part === handle) return true;
    if (entity.type === "text_mention" && entity.user?.id === bot.id) return true;
    if (entity.type === "bot_command" && bot.username !== "" && part.endsWith(handle)) return true;
  }
  return false;
}

function threadOf(message: TelegramMessage): string | undefined {
  if (message.is_topic_message && message.message_thread_id !== undefined) {
    return String(message.message_thread_id);
  }
  return message.chat.is_forum ? GENERAL_TOPIC_ID : undefined;
}

/** The replied-to message, unless it is only the opening message of the forum topic. */
function realReply(message: TelegramMessage): RepliedMessage | undefined {
  const reply = message.reply_to_message;
  if (!reply || reply.forum_topic_created !== undefined) return undefined;
  if (message.is_topic_message && reply.message_id === message.message_thread_id) return undefined;
  return reply;
}

function fromMessage(
  message: TelegramMessage,
  ids: { accountId: string; updateId: number },
  bot: BotIdentity,
): InboundMessage | undefined {
  const chatType = chatTypeOf(message.chat.type);
  if (!chatType) return undefined;
  const text = message.text ?? message.caption ?? "";
  const sender = message.from;
  const senderName = sender
    ? [sender.first_name, sender.last_name].filter(Boolean).join(" ")
    : message.sender_chat?.title;
  const out: InboundMessage = {
    channel: "telegram",
    accountId: ids.accountId,
    chatId: String(message.chat.id),
    chatType,
    senderId: String(sender?.id ?? message.sender_chat?.id ?? message.chat.id),
    text,
    mentionsBot: mentionsBot(message, text, bot),
    replyToBot: false,
    messageId: String(message.message_id),
    updateId: String(ids.updateId),
    timestamp: Math.round(message.date * 1000),
  };
  const threadId = threadOf(message);
  if (threadId !== undefined) out.threadId = threadId;
  if (senderName) out.senderName = senderName;
  if (sender?.username) out.senderUsername = sender.username;
  if (sender?.is_bot) out.senderIsBot = true;
  const reply = realReply(message);
  if (reply) {
    out.replyToMessageId = String(reply.message_id);
    out.replyToBot = reply.from?.id === bot.id;
  }
  return out;
}

/**
 * Normalizes one update.
 *
 * @param update An element of `getUpdates`' result (untrusted).
 * @param accountId The channel account that polled it.
 * @param bot The bot's id and username (for mentions and replies).
 * @returns The update id and the message; `undefined` when the update has no usable `update_id`.
 * @example
 * ```ts
 * const n = normalizeTelegramUpdate(
 *   { update_id: 7, message: { message_id: 1, date: 1, chat: { id: 42, type: "private" }, text: "hi" } },
 *   "default",
 *   { id: 1, username: "claw_bot" },
 * );
 * n?.message?.chatType; // "dm"
 * ```
 */
export function normalizeTelegramUpdate(
  update: unknown,
  accountId: string,
  bot: BotIdentity,
): NormalizedUpdate | undefined {
  const id = UpdateIdSchema.safeParse(update);
  if (!id.success) return undefined;
  const updateId = id.data.update_id;
  const parsed = UpdateSchema.safeParse(update);
  if (!parsed.success) return { updateId };
  const message = parsed.data.message ?? parsed.data.channel_post;
  if (!message) return { updateId };
  const normalized = fromMessage(message, { accountId, updateId }, bot);
  return normalized ? { updateId, message: normalized } : { updateId };
}
