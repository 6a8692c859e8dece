/**
 * Options of `createTelegramAdapter` and their defaults, resolved once at construction: the token
 * (given, or `TELEGRAM_BOT_TOKEN` for the default account), `apiRoot` (given, or
 * `channels.telegram.apiRoot` from the account view), timeouts, backoff and bounds.
 *
 * @module
 */
import { type Clock, systemClock } from "../../clock.ts";
import type { BackoffOptions } from "../retry.ts";
import type { ChannelAccountConfig } from "../types.ts";
import { DEFAULT_API_ROOT, normalizeApiRoot } from "./api.ts";
import type { TelegramLogger } from "./poller.ts";
import type { PollerRegistry } from "./poller_registry.ts";
import { resolveTelegramToken, type TelegramTokenSource } from "./token.ts";

/** Options of `createTelegramAdapter`. */
export interface TelegramAdapterOptions {
  /**
   * The account's resolved config (`resolveChannelAccount(config, "telegram", id)`): its id,
   * `apiRoot`, and what status shows (name, enabled, dmPolicy, allowFrom, group mention rules).
   */
  account: ChannelAccountConfig;
  /**
   * The bot token, SecretRef already resolved by the caller. When absent (or blank) the default
   * account falls back to `TELEGRAM_BOT_TOKEN` in `env`.
   */
  botToken?: string;
  /** Variables for the `TELEGRAM_BOT_TOKEN` fallback. @default none */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Bot API root (a self-hosted server or a test fake), without `/bot<token>`.
   * @default account.raw.apiRoot (`channels.telegram.apiRoot`), else "https://api.telegram.org"
   */
  apiRoot?: string;
  /** @default systemClock */
  clock?: Clock;
  /** @default getLogger("channels/telegram") */
  log?: TelegramLogger;
  /** Long-poll `timeout` in seconds (Telegram allows up to 50). @default 30 */
  pollTimeoutSeconds?: number;
  /** Deadline of one request (beyond the poll timeout for `getUpdates`). @default 15000 */
  requestTimeoutMs?: number;
  /** Deadline of `probe()`'s `getMe`. @default 10000 */
  probeTimeoutMs?: number;
  /** Longest wait for the inbound handler to store one message. @default 30000 */
  handlerTimeoutMs?: number;
  /** Updates per `getUpdates` (1-100). @default 100 */
  pollLimit?: number;
  /** `allowed_updates` of `getUpdates`. @default ["message", "channel_post"] */
  allowedUpdates?: readonly string[];
  /** Reconnect backoff after a failed poll (409 included). @default 1 s doubling to 60 s */
  backoff?: BackoffOptions;
  /** "typing..." refresh while a turn runs. @default 4000 */
  typingIntervalMs?: number;
  /** Longest "typing..." run. @default 600000 */
  maxTypingMs?: number;
  /** Tries per sent chunk, 429 waits included. @default 4 */
  sendAttempts?: number;
  /** A `retry_after` longer than this fails the send instead of waiting. @default 60000 */
  maxRetryAfterMs?: number;
  /** One poller per token. @default the process-wide registry */
  registry?: PollerRegistry;
}

/** Options with defaults applied. */
export interface ResolvedTelegramOptions {
  accountId: string;
  token: string;
  tokenSource: TelegramTokenSource;
  apiRoot: string;
  clock: Clock;
  pollTimeoutSeconds: number;
  requestTimeoutMs: number;
  probeTimeoutMs: number;
  handlerTimeoutMs: number;
  pollLimit: number;
  allowedUpdates: readonly string[];
  backoff: BackoffOptions;
  typingIntervalMs: number;
  maxTypingMs: number;
  sendAttempts: number;
  maxRetryAfterMs: number;
}

/** What is polled unless told otherwise: messages in chats and in channels. */
export const DEFAULT_ALLOWED_UPDATES: readonly string[] = ["message", "channel_post"];

function clamp(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

/**
 * Applies defaults and resolves the token and the API root.
 *
 * @param options What the caller gave.
 * @returns The options the adapter runs with.
 * @throws {OpenClawError} `TELEGRAM_API_ROOT_INVALID` for a bad `apiRoot`.
 */
export function resolveTelegramOptions(options: TelegramAdapterOptions): ResolvedTelegramOptions {
  const accountId = options.account.accountId;
  const { token, source } = resolveTelegramToken({
    botToken: options.botToken,
    accountId,
    env: options.env,
  });
  const rawRoot = options.account.raw.apiRoot;
  const apiRoot = normalizeApiRoot(
    options.apiRoot ?? (typeof rawRoot === "string" ? rawRoot : undefined) ?? DEFAULT_API_ROOT,
  );
  return {
    accountId,
    token,
    tokenSource: source,
    apiRoot,
    clock: options.clock ?? systemClock,
    pollTimeoutSeconds: clamp(options.pollTimeoutSeconds, 30, 0, 50),
    requestTimeoutMs: clamp(options.requestTimeoutMs, 15_000, 100, 300_000),
    probeTimeoutMs: clamp(options.probeTimeoutMs, 10_000, 100, 120_000),
    handlerTimeoutMs: clamp(options.handlerTimeoutMs, 30_000, 10, 600_000),
    pollLimit: Math.round(clamp(options.pollLimit, 100, 1, 100)),
    allowedUpdates: options.allowedUpdates ?? DEFAULT_ALLOWED_UPDATES,
    backoff: { initialMs: 1000, maxMs: 60_000, ...options.backoff },
    typingIntervalMs: clamp(options.typingIntervalMs, 4000, 1000, 60_000),
    maxTypingMs: clamp(options.maxTypingMs, 600_000, 1000, 3_600_000),
    sendAttempts: Math.round(clamp(options.sendAttempts, 4, 1, 10)),
    maxRetryAfterMs: clamp(options.maxRetryAfterMs, 60_000, 0, 3_600_000),
  };
}
