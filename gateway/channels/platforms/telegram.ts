/**
 * Telegram for the channel layer: the adapter of lib/channels/telegram for one account
 * (token from `botToken` -- plain or a SecretRef -- `tokenFile`, or `TELEGRAM_BOT_TOKEN` for the
 * default account), and how outbound recipients are written: a chat id (`12345678` for a user,
 * `-100...` for a group), optionally `:topic:<threadId>` for a forum topic.
 *
 * @module
 */
import { createTelegramAdapter } from "../../../lib/channels/telegram/mod.ts";
import type { OutboundTarget } from "../../../lib/channels/types.ts";
import type { ChannelPlatform, PlatformAdapter, PlatformInput } from "../types.ts";

const TOPIC = /^(.+):topic:(\d{1,12})$/;

function create(input: PlatformInput): PlatformAdapter {
  const adapter = createTelegramAdapter({
    account: input.account,
    botToken: input.credential("botToken") ?? input.credential("tokenFile"),
    env: input.env,
    clock: input.clock,
    log: input.log,
  });
  return Object.assign(adapter, {
    keepTyping(target: OutboundTarget, signal: AbortSignal): void {
      void adapter.typing(target, signal);
    },
  });
}

function parseTarget(to: string): OutboundTarget {
  const raw = to.trim().replace(/^(telegram|tg):/i, "");
  const m = TOPIC.exec(raw);
  return m ? { chatId: m[1], threadId: m[2] } : { chatId: raw };
}

/** The Telegram platform. */
export const platform: ChannelPlatform = {
  label: "Telegram",
  detailLabel: "Telegram Bot",
  credentialKey: "botToken",
  create,
  // User ids are positive; groups and channels are negative ids or `@name`.
  isDirect: (to) => /^\d+$/.test(parseTarget(to).chatId),
  parseTarget,
  directTarget: (senderId) => ({ chatId: senderId }),
  replyTarget: (m) => m.threadId ? `${m.chatId}:topic:${m.threadId}` : m.chatId,
};
