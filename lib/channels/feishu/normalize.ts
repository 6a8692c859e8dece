/**
 * `im.message.receive_v1` -> {@linkcode InboundMessage}.
 *
 * - DMs (`chat_type: "p2p"`): `chatType: "dm"`, `chatId` and `senderId` are the sender's
 *   `open_id` (`ou_...`, what `allowFrom` and pairing use; a send to it is a DM).
 * - Groups: `chatId` is the chat (`oc_...`), `threadId` the topic thread (`omt_...`) when the
 *   message is in one.
 * - Mentions: the bot is mentioned when a mention (or a post `at` element) carries the bot's
 *   `open_id` (from `bot/v3/info`). `@all` is **not** a mention of the bot -- a broadcast to
 *   everyone must not wake every bot in the room -- but an explicit @bot next to it still is.
 * - A reply to one of the bot's own messages (its id is in the sent-message memory) sets
 *   `replyToBot`, the implicit mention.
 * - `updateId` is the event's `event_id`, the journal's dedupe key.
 *
 * @module
 */
import type { InboundMessage } from "../types.ts";
import { parseMessageContent } from "./content.ts";
import { type EventEnvelope, MessageEventSchema } from "./schemas.ts";

/** What normalizing needs besides the event. */
export interface NormalizeContext {
  accountId: string;
  /** The bot's open_id; without it nothing counts as a mention. */
  botOpenId?: string;
  /** Whether a message id is one the bot sent (for `replyToBot`). */
  sentByBot(messageId: string): boolean;
  /** Used when the message has no `create_time`. */
  now: number;
}

/** A normalized event. */
export interface NormalizedEvent {
  message: InboundMessage;
  /** The root message of the thread the message is in (a send to the thread replies to it). */
  threadRootId?: string;
}

/**
 * Normalizes one message event.
 *
 * @param envelope A validated event v2 envelope of type `im.message.receive_v1`.
 * @param ctx Account, bot identity, sent-message memory.
 * @returns The message (and its thread's root), or why it was skipped (one line, for the drop
 *   log).
 */
export function normalizeFeishuEvent(
  envelope: EventEnvelope,
  ctx: NormalizeContext,
): NormalizedEvent | string {
  const parsed = MessageEventSchema.safeParse(envelope.event);
  if (!parsed.success) return "unexpected message event shape";
  const { sender, message } = parsed.data;
  const senderId = sender.sender_id?.open_id;
  if (!senderId) return "sender has no open_id";
  const mentions = message.mentions ?? [];
  const content = parseMessageContent(
    message.message_type,
    message.content,
    mentions,
    ctx.botOpenId,
  );
  const bot = ctx.botOpenId;
  const mentionsBot = bot !== undefined &&
    (mentions.some((m) => m.id?.open_id === bot) || content.atOpenIds.includes(bot));
  const dm = message.chat_type === "p2p";
  if (!dm && message.chat_type !== "group") return `unsupported chat type ${message.chat_type}`;
  const created = Number(message.create_time);
  const out: InboundMessage = {
    channel: "feishu",
    accountId: ctx.accountId,
    chatId: dm ? senderId : message.chat_id,
    chatType: dm ? "dm" : "group",
    senderId,
    text: content.text,
    mentionsBot,
    replyToBot: false,
    messageId: message.message_id,
    updateId: envelope.header.event_id,
    timestamp: Number.isFinite(created) && created > 0 ? created : ctx.now,
  };
  if (!dm && message.thread_id) out.threadId = message.thread_id;
  if (sender.sender_type === "app") out.senderIsBot = true;
  if (message.parent_id) {
    out.replyToMessageId = message.parent_id;
    out.replyToBot = ctx.sentByBot(message.parent_id);
  }
  const threadRootId = out.threadId ? message.root_id ?? message.message_id : undefined;
  return threadRootId ? { message: out, threadRootId } : { message: out };
}
