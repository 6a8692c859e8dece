/**
 * Turns a reply into the messages a platform receives: silent tokens stripped (`HEARTBEAT_OK`,
 * `NO_REPLY`, with lib/outbound's stripper, so an ack never reaches a chat), `responsePrefix`
 * put in front, Markdown converted to the platform's format (Telegram HTML; Discord Markdown with
 * mass mentions defused), and the result split at the platform's limit.
 *
 * @module
 */
import { classifyReply } from "../outbound/silent_tokens.ts";
import type { DeliveryKind } from "../outbound/types.ts";
import { chunkMarkdown, splitMarkdown } from "./chunk.ts";
import { chunkTelegramHtml, telegramHtmlText } from "./chunk_html.ts";
import { DEFAULT_TEXT_CHUNK_LIMIT, PLATFORM_TEXT_LIMITS } from "./config_view.ts";
import { markdownToTelegramHtml } from "./telegram_html.ts";
import type { ChannelAccountConfig, ChunkMode } from "./types.ts";

/** Discord's default `maxLinesPerMessage`. */
export const DISCORD_MAX_LINES = 17;

/** Options of {@linkcode formatOutbound}. */
export interface OutboundFormatOptions {
  /** The target channel (`telegram`, `discord`, ...). */
  channel: string;
  /**
   * What produced the text. Replies and cron texts are stripped of silent tokens here;
   * heartbeat texts arrive already decided by lib/outbound (which sends `HEARTBEAT_OK` itself
   * only with `showOk`), so they are left as they are.
   * @default "reply"
   */
  kind?: DeliveryKind;
  /** Put before the reply (`responsePrefix`). */
  responsePrefix?: string;
  /** Longest message (`textChunkLimit`); capped at the platform's hard limit. */
  limit?: number;
  /** @default "length" */
  chunkMode?: ChunkMode;
  /** Most lines per message. @default 17 on Discord, none elsewhere */
  maxLines?: number;
}

/** Messages ready for the adapter. */
export interface FormattedOutbound {
  /** Messages in order; empty when there is nothing to send. */
  chunks: string[];
  /** Telegram: send with `parse_mode: "HTML"`. */
  parseMode?: "HTML";
  /** The text after stripping and the prefix, before conversion (for transcripts and logs). */
  text: string;
}

/**
 * Puts `prefix` and a space before `text`, unless the text already starts with it.
 *
 * @param text A reply.
 * @param prefix `responsePrefix` (blank means none).
 * @returns The prefixed text.
 */
export function applyResponsePrefix(text: string, prefix: string | undefined): string {
  const p = prefix?.trim();
  if (!p || text.startsWith(p)) return text;
  return `${p} ${text}`;
}

/**
 * Defuses `@everyone` and `@here` (a zero-width space after the `@`) so a model cannot ping a
 * whole server. Adapters should also send `allowed_mentions: { parse: [] }`.
 *
 * @param text Discord Markdown.
 * @returns The text with mass mentions that do not notify.
 */
export function escapeDiscordMassMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/g, "@\u200b$1");
}

function limitFor(channel: string, limit: number | undefined): number {
  const hard = PLATFORM_TEXT_LIMITS.get(channel) ?? Number.POSITIVE_INFINITY;
  return Math.min(limit && limit > 0 ? limit : DEFAULT_TEXT_CHUNK_LIMIT, hard);
}

function telegramChunks(text: string, limit: number, mode: ChunkMode): string[] {
  // newline mode: paragraphs first (on the Markdown, where fences are visible), then HTML.
  const parts = mode === "newline"
    ? splitMarkdown(text, { limit: text.length + 256, mode })
      .map((c) => c.prefix + c.body + c.suffix)
    : [text];
  return parts.flatMap((part) =>
    chunkTelegramHtml(markdownToTelegramHtml(part), Math.max(limit, 128))
  )
    .filter((chunk) => telegramHtmlText(chunk).trim() !== "");
}

/**
 * Formats a reply for a channel (see the module doc).
 *
 * @param text The reply as the model (or a job) wrote it.
 * @param options The channel, the kind, the prefix, the limit, the chunk mode.
 * @returns The messages and their parse mode; `chunks: []` for a silent or empty reply.
 * @example
 * ```ts
 * formatOutbound("HEARTBEAT_OK", { channel: "telegram" }).chunks; // []
 * formatOutbound("**done**", { channel: "telegram", responsePrefix: "[bot]" }).chunks;
 * // ["[bot] <b>done</b>"]
 * ```
 */
export function formatOutbound(text: string, options: OutboundFormatOptions): FormattedOutbound {
  const channel = options.channel.trim().toLowerCase();
  const kind = options.kind ?? "reply";
  let body = text.trim();
  if (kind !== "heartbeat") {
    const reply = classifyReply(body, { heartbeat: false });
    if (reply.kind === "empty") return { chunks: [], text: "" };
    body = reply.text;
  }
  if (body === "") return { chunks: [], text: "" };
  body = applyResponsePrefix(body, options.responsePrefix);
  const limit = limitFor(channel, options.limit);
  const mode = options.chunkMode ?? "length";
  if (channel === "telegram") {
    return { chunks: telegramChunks(body, limit, mode), parseMode: "HTML", text: body };
  }
  const formatted = channel === "discord" ? escapeDiscordMassMentions(body) : body;
  const maxLines = options.maxLines ?? (channel === "discord" ? DISCORD_MAX_LINES : undefined);
  return {
    chunks: chunkMarkdown(formatted, { limit: Math.max(limit, 64), mode, maxLines }),
    text: body,
  };
}

/**
 * {@linkcode formatOutbound} with a channel account's settings (`responsePrefix`,
 * `textChunkLimit`, `chunkMode`, Discord `maxLinesPerMessage`).
 *
 * @param text The reply.
 * @param account The account the reply goes out on.
 * @param kind What produced it. @default "reply"
 * @returns The messages and their parse mode.
 */
export function formatForAccount(
  text: string,
  account: ChannelAccountConfig,
  kind: DeliveryKind = "reply",
): FormattedOutbound {
  const maxLines = account.raw.maxLinesPerMessage;
  return formatOutbound(text, {
    channel: account.channel,
    kind,
    responsePrefix: account.responsePrefix,
    limit: account.textChunkLimit,
    chunkMode: account.chunkMode,
    maxLines: typeof maxLines === "number" && maxLines >= 3 ? maxLines : undefined,
  });
}
