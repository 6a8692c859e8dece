/**
 * Sending text: the chat id becomes a JID (`+1555...` -> `1555...@s.whatsapp.net`; group JIDs as
 * they are), a reply quotes the inbound message (`sendMessage(jid, { text }, { quoted })`, from
 * the adapter's memory of recent messages so the quote shows the original author and text), and
 * chunks go out in order with only the first quoting. The text arrives formatted and within the
 * limit (lib/channels/outbound_format.ts, `textChunkLimit` 4000 on WhatsApp).
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";
import { AbortedError } from "../retry.ts";
import {
  type OutboundTarget,
  PartialSendError,
  type SendOptions,
  type SendResult,
} from "../types.ts";
import { chatJidOf } from "./jid.ts";
import type { WAMessageLike, WhatsAppSocket } from "./socket.ts";

/** What a send needs from the adapter. */
export interface SendContext {
  /** The open socket (throws when not connected). */
  socket(): WhatsAppSocket;
  /** A recent inbound message, to quote. */
  recent(jid: string, id: string): WAMessageLike | undefined;
  /** Remembers an id the bot sent (replies to it are replies to the bot). */
  sent(id: string): void;
}

/**
 * The JID to send to.
 *
 * @param target The chat.
 * @returns The JID.
 * @throws {OpenClawError} `WHATSAPP_TARGET_INVALID` when the chat id is neither a JID nor an
 *   E.164 number.
 */
export function targetJid(target: OutboundTarget): string {
  const jid = chatJidOf(target.chatId);
  if (!jid) {
    throw new OpenClawError(
      "WHATSAPP_TARGET_INVALID",
      `Cannot send to WhatsApp chat "${target.chatId}": expected a phone number in E.164 form ` +
        `(+15551234567) or a JID (\u2026@s.whatsapp.net, \u2026@g.us)`,
    );
  }
  return jid;
}

/** The message to quote: the remembered one, else a stand-in with the same key. */
function quoteFor(ctx: SendContext, jid: string, id: string): WAMessageLike {
  return ctx.recent(jid, id) ?? {
    // Baileys takes the quoted author from `participant`, else `remoteJid` (right for DMs; in a
    // group the author is unknown here, so the quote names the group).
    key: { remoteJid: jid, id, fromMe: false },
    message: { conversation: "" },
  };
}

/**
 * Sends one message.
 *
 * @param ctx Socket, memory of recent messages and sends.
 * @param target The chat.
 * @param text The message.
 * @param options `replyToMessageId` quotes that message; `signal` aborts before sending.
 * @returns The new message's id.
 */
export async function sendWhatsAppText(
  ctx: SendContext,
  target: OutboundTarget,
  text: string,
  options: SendOptions = {},
): Promise<SendResult> {
  if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
  const jid = targetJid(target);
  const socket = ctx.socket();
  const quoted = options.replyToMessageId
    ? quoteFor(ctx, jid, options.replyToMessageId)
    : undefined;
  const sent = await socket.sendMessage(jid, { text }, quoted ? { quoted } : undefined);
  const id = sent?.key?.id ?? undefined;
  if (id) ctx.sent(id);
  return id ? { messageId: id } : {};
}

/**
 * Sends chunks in order; only the first quotes `replyToMessageId`.
 *
 * @param ctx Socket, memory of recent messages and sends.
 * @param target The chat.
 * @param chunks The messages.
 * @param options Reply and signal.
 * @param onSent Called after each chunk went out.
 * @returns One result per chunk.
 * @throws {PartialSendError} When a chunk after the first fails; the first failing alone
 *   rethrows its error.
 */
export async function sendWhatsAppChunks(
  ctx: SendContext,
  target: OutboundTarget,
  chunks: readonly string[],
  options: SendOptions = {},
  onSent: () => void = () => {},
): Promise<SendResult[]> {
  const results: SendResult[] = [];
  for (const [i, chunk] of chunks.entries()) {
    try {
      const result = await sendWhatsAppText(ctx, target, chunk, {
        ...options,
        replyToMessageId: i === 0 ? options.replyToMessageId : undefined,
      });
      results.push(result);
      onSent();
    } catch (err) {
      if (results.length === 0) throw err;
      throw new PartialSendError(
        `Sent ${results.length} of ${chunks.length} WhatsApp messages: ${
          err instanceof Error ? err.message : String(err)
        }`,
        results,
        err,
      );
    }
  }
  return results;
}
