/** Shared builders for the channel unit tests. */
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import type { InboundMessage } from "../../../lib/channels/types.ts";

/** Parses a config through the real schema (defaults applied, validation on). */
export function config(raw: Record<string, unknown>): OpenClawConfig {
  return OpenClawConfigSchema.parse(raw);
}

/** A Telegram DM from user 42 unless overridden. */
export function message(over: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: "telegram",
    accountId: "default",
    chatId: "42",
    chatType: "dm",
    senderId: "42",
    senderName: "Ann",
    text: "hello",
    mentionsBot: false,
    replyToBot: false,
    messageId: "1",
    timestamp: Date.UTC(2026, 0, 1),
    ...over,
  };
}

/** A Telegram group message from user 42 in group -100 unless overridden. */
export function groupMessage(over: Partial<InboundMessage> = {}): InboundMessage {
  return message({ chatId: "-100", chatType: "group", ...over });
}

const TELEGRAM_TAGS = new Set(["b", "i", "s", "u", "code", "pre", "a", "blockquote", "tg-spoiler"]);

/**
 * Throws unless `html` is Telegram-safe: only known tags, properly nested and all closed, no
 * stray `<`/`>`, and every `&` starting an entity.
 */
export function assertTelegramHtml(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z-]+)[^<>]*>/g)) {
    const name = m[2].toLowerCase();
    if (!TELEGRAM_TAGS.has(name)) throw new Error(`unknown tag ${m[0]} in ${html}`);
    if (m[1] === "") stack.push(name);
    else if (stack.pop() !== name) throw new Error(`misnested ${m[0]} in ${html}`);
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join(",")} in ${html}`);
  const text = html.replace(/<[^<>]*>/g, "");
  if (/[<>]/.test(text)) throw new Error(`stray angle bracket in ${html}`);
  if (/&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/.test(text)) {
    throw new Error(`bare & in ${html}`);
  }
}
