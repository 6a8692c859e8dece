/**
 * Telegram for the channel subsystem: `createTelegramAdapter(options)` returns a
 * `ChannelAdapter` (lib/channels/types.ts) over a small Bot API client of our own (bot_api.ts;
 * long polling; one poller per bot token per process; offsets move only after the inbound
 * handler stored the message; 409 shown in status; 429 waits; HTML with plain-text fallback;
 * typing while a turn runs).
 *
 * ```ts
 * import { createTelegramAdapter } from "./lib/channels/telegram/mod.ts";
 * const adapter = createTelegramAdapter({ botToken, env, account });
 * await adapter.connect({ signal, onInbound });
 * ```
 *
 * @module
 */
export { createTelegramAdapter, TelegramAdapter } from "./adapter.ts";
export {
  DEFAULT_ALLOWED_UPDATES,
  type ResolvedTelegramOptions,
  resolveTelegramOptions,
  type TelegramAdapterOptions,
} from "./options.ts";
export { DEFAULT_API_ROOT, normalizeApiRoot } from "./api.ts";
export {
  CONFLICT_REASON,
  TelegramApiError,
  type TelegramErrorKind,
  WEBHOOK_CONFLICT_REASON,
} from "./errors.ts";
export {
  type BotIdentity,
  GENERAL_TOPIC_ID,
  type NormalizedUpdate,
  normalizeTelegramUpdate,
} from "./normalize.ts";
export type { TelegramLogger } from "./poller.ts";
export { type PollerClaim, PollerRegistry, processPollerRegistry } from "./poller_registry.ts";
export {
  resolveTelegramToken,
  scrubToken,
  TELEGRAM_TOKEN_ENV,
  type TelegramTokenSource,
} from "./token.ts";
