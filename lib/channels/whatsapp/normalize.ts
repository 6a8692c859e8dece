/**
 * One Baileys message -> the gateway's {@linkcode InboundMessage}, or the reason it is not one.
 *
 * - Chats: a person (`@s.whatsapp.net` / `@lid`) is a `dm` whose `chatId` and `senderId` are
 *   the E.164 number (what `allowFrom` lists) -- or the LID JID when WhatsApp hides the number
 *   and gave no alternative, which no `allowFrom` number matches; a group (`@g.us`) is a
 *   `group` with the group JID as `chatId` and the participant as sender. Status updates,
 *   broadcast lists and newsletters are skipped.
 * - Mentions: `contextInfo.mentionedJid` containing the bot's own JID (phone or LID form, device
 *   suffix ignored) sets `mentionsBot`. Name patterns (`@Clawd`, the identity emoji) are matched
 *   later by the access check (lib/channels/access.ts) with the account's `mentionPatterns`,
 *   which config_view.ts derives from the agent's identity on WhatsApp.
 * - Replies: a quote of a message the bot wrote (`contextInfo.participant` is the bot, or the
 *   quoted id is one we sent) sets `replyToBot`.
 * - Own messages (`fromMe`: our phone or another linked device) are skipped, except in
 *   `selfChatMode` in the chat with our own number, where they are the operator talking to the
 *   bot -- but never the bot's own replies, recognized by their ids.
 *
 * @module
 */
import type { InboundMessage } from "../types.ts";
import { ignoredChatReason, isGroupJid, jidToE164, normalizeJid, personId } from "./jid.ts";
import type { WAContextInfoLike, WAMessageContentLike, WAMessageLike } from "./socket.ts";

/** Who the bot is on WhatsApp. */
export interface SelfIdentity {
  /** Phone-number JID without device (`15551234567@s.whatsapp.net`). */
  jid: string;
  /** LID JID without device, when known. */
  lid?: string;
  /** `+15551234567`. */
  e164?: string;
  name?: string;
}

/** What normalizing needs besides the message. */
export interface NormalizeContext {
  accountId: string;
  self: SelfIdentity;
  /** Whether the bot sent the message with this id (bounded memory of our sends). */
  sentByBot(id: string): boolean;
  /** `selfChatMode`: the chat with our own number is a conversation with the bot. */
  selfChatMode: boolean;
  /** For messages without a timestamp. */
  now: number;
}

/** Why a message was skipped (for the debug log). */
export interface Skipped {
  skip: string;
}

/** Wrappers that carry the real message inside (`ephemeralMessage`, view-once, ...). */
function unwrap(content: WAMessageContentLike): WAMessageContentLike {
  let c = content;
  for (let depth = 0; depth < 4; depth++) {
    const inner = c.ephemeralMessage?.message ?? c.viewOnceMessage?.message ??
      c.viewOnceMessageV2?.message ?? c.documentWithCaptionMessage?.message;
    if (!inner) break;
    c = inner;
  }
  return c;
}

interface Body {
  text: string;
  context?: WAContextInfoLike | null;
}

/** The text (or a media placeholder) and the context info of a message. */
function bodyOf(c: WAMessageContentLike): Body | Skipped {
  if (typeof c.conversation === "string" && c.conversation !== "") return { text: c.conversation };
  if (c.extendedTextMessage) {
    return { text: c.extendedTextMessage.text ?? "", context: c.extendedTextMessage.contextInfo };
  }
  const media: [keyof WAMessageContentLike, string][] = [
    ["imageMessage", "image"],
    ["videoMessage", "video"],
    ["documentMessage", "document"],
  ];
  for (const [field, kind] of media) {
    const m = c[field] as { caption?: string | null; contextInfo?: WAContextInfoLike | null };
    if (m) {
      return { text: m.caption?.trim() ? m.caption : `<media:${kind}>`, context: m.contextInfo };
    }
  }
  if (c.audioMessage) return { text: "<media:audio>", context: c.audioMessage.contextInfo };
  if (c.stickerMessage) return { text: "<media:sticker>", context: c.stickerMessage.contextInfo };
  if (c.locationMessage) return { text: "<location>", context: c.locationMessage.contextInfo };
  if (c.contactMessage) {
    const name = c.contactMessage.displayName?.trim();
    return {
      text: name ? `<contact: ${name}>` : "<contact>",
      context: c.contactMessage.contextInfo,
    };
  }
  if (c.editedMessage) return { skip: "edit of an earlier message" };
  if (c.reactionMessage) return { skip: "reaction" };
  if (c.protocolMessage) return { skip: "protocol message (edit, delete or sync)" };
  if (c.pollUpdateMessage) return { skip: "poll vote" };
  return { skip: "no text or supported media" };
}

function isSelf(jid: string | null | undefined, self: SelfIdentity): boolean {
  const n = normalizeJid(jid);
  return n !== undefined && (n === self.jid || n === self.lid);
}

function timestampOf(message: WAMessageLike, now: number): number {
  const t = message.messageTimestamp;
  const seconds = typeof t === "number" ? t : t ? t.toNumber() : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : now;
}

/**
 * Normalizes one message (see the module doc).
 *
 * @param message A `messages.upsert` message.
 * @param ctx The account, the bot's identity, its recent sends, `selfChatMode`.
 * @returns The inbound message, or `{ skip: reason }`.
 */
export function normalizeWhatsAppMessage(
  message: WAMessageLike,
  ctx: NormalizeContext,
): InboundMessage | Skipped {
  const key = message.key;
  const id = key.id;
  const chatJid = normalizeJid(key.remoteJid);
  if (!id || !chatJid) return { skip: "no message id or chat" };
  const ignored = ignoredChatReason(chatJid);
  if (ignored) return { skip: ignored };
  const group = isGroupJid(chatJid);
  if (key.fromMe) {
    const ownChat = !group && (isSelf(chatJid, ctx.self) ||
      (ctx.self.e164 !== undefined && jidToE164(key.remoteJidAlt) === ctx.self.e164));
    if (!ctx.selfChatMode || !ownChat) return { skip: "own message" };
    if (ctx.sentByBot(id)) return { skip: "the bot's own reply" };
  }
  if (!message.message) return { skip: "no content (not decrypted)" };
  const body = bodyOf(unwrap(message.message));
  if ("skip" in body) return body;
  const senderId = key.fromMe
    ? ctx.self.e164 ?? ctx.self.jid
    : group
    ? personId(key.participant, key.participantAlt)
    : personId(key.remoteJid, key.remoteJidAlt);
  if (!senderId) return { skip: "unknown sender" };
  const context = body.context;
  const quotedId = context?.stanzaId ?? undefined;
  const mentioned = (context?.mentionedJid ?? []).some((jid) => isSelf(jid, ctx.self));
  const quotedBot = quotedId !== undefined &&
    (isSelf(context?.participant, ctx.self) || ctx.sentByBot(quotedId));
  const inbound: InboundMessage = {
    channel: "whatsapp",
    accountId: ctx.accountId,
    chatId: group ? chatJid : senderId,
    chatType: group ? "group" : "dm",
    senderId,
    text: body.text,
    mentionsBot: mentioned,
    replyToBot: quotedBot,
    messageId: id,
    timestamp: timestampOf(message, ctx.now),
  };
  const name = message.pushName?.trim();
  if (name) inbound.senderName = name;
  if (quotedId) inbound.replyToMessageId = quotedId;
  return inbound;
}

/**
 * The bot's identity from the socket's `user` (or the stored `creds.me`).
 *
 * @param user `{ id, lid?, name? }` with device suffixes.
 * @returns The identity without device suffixes, or `undefined` when `user.id` is no JID.
 */
export function selfIdentityOf(
  user: { id: string; lid?: string; name?: string } | undefined,
): SelfIdentity | undefined {
  const jid = normalizeJid(user?.id);
  if (!user || !jid) return undefined;
  const self: SelfIdentity = { jid };
  const lid = normalizeJid(user.lid);
  if (lid) self.lid = lid;
  const e164 = jidToE164(jid);
  if (e164) self.e164 = e164;
  if (user.name) self.name = user.name;
  return self;
}
