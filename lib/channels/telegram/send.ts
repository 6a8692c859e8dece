/**
 * Sending text: one `sendMessage` per chunk (chunks come from outbound_format.ts, already within
 * 4096 characters and in Telegram HTML), the first one quoting the inbound message, all in the
 * forum topic. A 429 is waited out exactly as long as `retry_after` says (retry.ts); when Telegram
 * rejects the HTML ("can't parse entities") the chunk is re-sent as plain text instead of lost.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { telegramHtmlText } from "../chunk_html.ts";
import { withRateLimitRetry } from "../retry.ts";
import {
  type OutboundTarget,
  PartialSendError,
  type SendOptions,
  type SendResult,
} from "../types.ts";
import { callTelegram } from "./api.ts";
import type { BotApi } from "./bot_api.ts";
import { TelegramApiError } from "./errors.ts";
import { GENERAL_TOPIC_ID } from "./normalize.ts";

/** What a sender needs. */
export interface SenderContext {
  api: BotApi;
  token: string;
  clock: Clock;
  /** Deadline of one request. */
  requestTimeoutMs: number;
  /** Tries per chunk, 429 waits included. */
  maxAttempts: number;
  /** A `retry_after` longer than this fails the send instead of waiting. */
  maxWaitMs: number;
  /** Told when a chunk went out as plain text after an HTML rejection. */
  onPlainFallback?: (err: TelegramApiError) => void;
}

/** `chat_id` as the Bot API wants it: a number for ids, the string for `@channel` names. */
export function chatIdParam(chatId: string): number | string {
  return /^-?\d{1,20}$/.test(chatId) ? Number(chatId) : chatId;
}

/**
 * `message_thread_id` for a target: forum topics yes, the General topic (1) no -- Telegram refuses
 * sends with it ("message thread not found"), although typing accepts it.
 */
export function threadParam(target: OutboundTarget, forTyping = false): number | undefined {
  const thread = target.threadId;
  if (thread === undefined || !/^\d{1,12}$/.test(thread)) return undefined;
  if (thread === GENERAL_TOPIC_ID && !forTyping) return undefined;
  return Number(thread);
}

interface MessageParams {
  parse_mode?: "HTML";
  reply_parameters?: { message_id: number; allow_sending_without_reply: boolean };
  message_thread_id?: number;
  disable_notification?: boolean;
}

function paramsFor(target: OutboundTarget, options: SendOptions): MessageParams {
  const params: MessageParams = {};
  if (options.parseMode === "HTML") params.parse_mode = "HTML";
  const reply = Number(options.replyToMessageId);
  if (options.replyToMessageId !== undefined && Number.isSafeInteger(reply) && reply > 0) {
    // A deleted original must not fail the reply.
    params.reply_parameters = { message_id: reply, allow_sending_without_reply: true };
  }
  const thread = threadParam(target);
  if (thread !== undefined) params.message_thread_id = thread;
  if (options.silent) params.disable_notification = true;
  return params;
}

async function sendOnce(
  ctx: SenderContext,
  target: OutboundTarget,
  text: string,
  params: MessageParams,
  signal: AbortSignal | undefined,
): Promise<SendResult> {
  const message = await withRateLimitRetry(
    () =>
      callTelegram(
        "sendMessage",
        (s) => ctx.api.sendMessage(chatIdParam(target.chatId), text, params, s),
        { token: ctx.token, clock: ctx.clock, timeoutMs: ctx.requestTimeoutMs, signal },
      ),
    { clock: ctx.clock, signal, maxAttempts: ctx.maxAttempts, maxWaitMs: ctx.maxWaitMs },
  );
  return { messageId: String(message.message_id) };
}

/**
 * Sends one message.
 *
 * @param ctx The client and limits.
 * @param target Chat and topic.
 * @param text The text (HTML when `options.parseMode` is `HTML`).
 * @param options Reply-to, parse mode, silence, abort.
 * @returns The new message's id.
 * @throws {TelegramApiError} or {@linkcode RateLimitError} when it could not be sent.
 */
export async function sendTelegramText(
  ctx: SenderContext,
  target: OutboundTarget,
  text: string,
  options: SendOptions = {},
): Promise<SendResult> {
  const params = paramsFor(target, options);
  try {
    return await sendOnce(ctx, target, text, params, options.signal);
  } catch (err) {
    if (!(err instanceof TelegramApiError) || err.kind !== "parse-entities" || !params.parse_mode) {
      throw err;
    }
    ctx.onPlainFallback?.(err);
    const plain = telegramHtmlText(text);
    const { parse_mode: _html, ...rest } = params;
    return await sendOnce(ctx, target, plain, rest, options.signal);
  }
}

/**
 * Sends chunks in order; only the first quotes `replyToMessageId`.
 *
 * @param ctx The client and limits.
 * @param target Chat and topic.
 * @param chunks Messages within the limit.
 * @param options As for {@linkcode sendTelegramText}.
 * @param onSent Called after each chunk went out.
 * @returns One result per chunk.
 * @throws {PartialSendError} when a later chunk failed (with the ones sent); the first chunk's
 *   error itself when nothing was sent.
 */
export async function sendTelegramChunks(
  ctx: SenderContext,
  target: OutboundTarget,
  chunks: readonly string[],
  options: SendOptions = {},
  onSent?: () => void,
): Promise<SendResult[]> {
  const sent: SendResult[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const chunkOptions = i === 0 ? options : { ...options, replyToMessageId: undefined };
    try {
      sent.push(await sendTelegramText(ctx, target, chunk, chunkOptions));
      onSent?.();
    } catch (err) {
      if (sent.length === 0) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new PartialSendError(
        `Cannot send chunk ${i + 1} of ${chunks.length} to Telegram: ${why}`,
        sent,
        err,
      );
    }
  }
  return sent;
}
