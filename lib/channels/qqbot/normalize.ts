/**
 * Turns the two QQ message dispatches into the gateway's {@linkcode InboundMessage}:
 *
 * - `C2C_MESSAGE_CREATE` -> a DM: `chatType: "dm"`, `chatId` and `senderId` = the user's openid;
 * - `GROUP_AT_MESSAGE_CREATE` -> a group message: `chatId` = the group openid, `senderId` = the
 *   member openid, and `mentionsBot: true` -- the platform delivers a group message to a bot only
 *   when it @-mentions the bot (the mention itself is already cut out of `content`).
 *
 * `messageId` is the message id (the `msg_id` a passive reply needs), `updateId` the event id of
 * the dispatch. OpenIDs are per bot, so they are kept as the platform sends them.
 *
 * @module
 */
import type { InboundMessage } from "../types.ts";
import { QQEvent } from "./constants.ts";
import { C2CMessageSchema, GroupAtMessageSchema } from "./schemas.ts";

/** Where a message arrived. */
export interface NormalizeContext {
  /** `qqbot`. */
  channel: string;
  accountId: string;
  /** The dispatch's event id. */
  eventId?: string;
  /** Fallback for a missing or unreadable timestamp. */
  now: number;
}

/** Why a dispatch was not turned into a message. */
export type SkipReason = "not a message" | "unexpected payload shape";

function timestampOf(value: string | number | undefined, now: number): number {
  if (typeof value === "number" && Number.isFinite(value)) {
    return value < 1e12 ? value * 1000 : value; // seconds or milliseconds
  }
  const parsed = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : now;
}

/**
 * Normalizes a dispatch (see the module doc).
 *
 * @param t The dispatch name.
 * @param d Its payload (validated here).
 * @param context Account, event id, clock fallback.
 * @returns The inbound message, or why it is skipped.
 * @example
 * ```ts
 * const m = normalizeQQMessage("C2C_MESSAGE_CREATE", d, { channel: "qqbot",
 *   accountId: "default", eventId: frame.id, now: Date.now() });
 * if (typeof m !== "string") await onInbound(m);
 * ```
 */
export function normalizeQQMessage(
  t: string,
  d: unknown,
  context: NormalizeContext,
): InboundMessage | SkipReason {
  let inbound: InboundMessage;
  if (t === QQEvent.C2C_MESSAGE_CREATE) {
    const parsed = C2CMessageSchema.safeParse(d);
    if (!parsed.success) return "unexpected payload shape";
    const m = parsed.data;
    inbound = {
      channel: context.channel,
      accountId: context.accountId,
      chatId: m.author.user_openid,
      chatType: "dm",
      senderId: m.author.user_openid,
      text: m.content.trim(),
      mentionsBot: false,
      replyToBot: false,
      messageId: m.id,
      timestamp: timestampOf(m.timestamp, context.now),
    };
  } else if (t === QQEvent.GROUP_AT_MESSAGE_CREATE) {
    const parsed = GroupAtMessageSchema.safeParse(d);
    if (!parsed.success) return "unexpected payload shape";
    const m = parsed.data;
    inbound = {
      channel: context.channel,
      accountId: context.accountId,
      chatId: m.group_openid,
      chatType: "group",
      senderId: m.author.member_openid,
      text: m.content.trim(),
      mentionsBot: true,
      replyToBot: false,
      messageId: m.id,
      timestamp: timestampOf(m.timestamp, context.now),
    };
  } else {
    return "not a message";
  }
  if (context.eventId) inbound.updateId = context.eventId;
  return inbound;
}
