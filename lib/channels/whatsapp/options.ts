/**
 * Options of `createWhatsAppAdapter` and their defaults, resolved once at construction.
 *
 * @module
 */
import { type Clock, systemClock } from "../../clock.ts";
import { type Env, processEnv } from "../../paths.ts";
import { VERSION } from "../../version.ts";
import type { BackoffOptions } from "../retry.ts";
import type { ChannelAccountConfig, ChannelAdapter, OutboundTarget } from "../types.ts";
import type { BackendOverrides } from "./_backend.ts";
import type { WhatsAppLogger } from "./_log.ts";
import { resolveWhatsAppAuthDir } from "./auth_dir.ts";
import { whatsAppSettings } from "./config.ts";
import type { WhatsAppLogoutResult } from "./logout.ts";

/** The environment variable that overrides the WhatsApp Web WebSocket URL (stock's name). */
export const WEB_SOCKET_URL_ENV = "OPENCLAW_WHATSAPP_WEB_SOCKET_URL";

/** Options of `createWhatsAppAdapter` (adapter.ts). */
export interface WhatsAppAdapterOptions extends BackendOverrides {
  /**
   * The account's resolved settings (`resolveChannelAccount(config, "whatsapp", id)`): its id,
   * what status shows, and the WhatsApp keys in `raw` (`sendReadReceipts`, `selfChatMode`,
   * `authDir`).
   */
  account: ChannelAccountConfig;
  /** The state directory; credentials live under `<stateDir>/credentials/whatsapp/<account>/`. */
  stateDir: string;
  /** A different credentials directory. @default account.raw.authDir */
  authDir?: string;
  /** For `~` in `authDir` and `OPENCLAW_WHATSAPP_WEB_SOCKET_URL`. @default the process env */
  env?: Env;
  /** WhatsApp Web WebSocket URL. @default env OPENCLAW_WHATSAPP_WEB_SOCKET_URL, else Baileys' */
  webSocketUrl?: string;
  /** Mark stored messages read. @default account.raw.sendReadReceipts, else true */
  sendReadReceipts?: boolean;
  /** Messages in the chat with the linked number itself are for the bot. @default false */
  selfChatMode?: boolean;
  /** Shown on the phone under "Linked devices". @default ["OpenClaw", "Gateway", VERSION] */
  browser?: [string, string, string];
  /** @default systemClock */
  clock?: Clock;
  /** @default getLogger("channels/whatsapp") */
  log?: WhatsAppLogger;
  /** Reconnect backoff. @default 1 s doubling to 60 s, ±20 % */
  backoff?: BackoffOptions;
  /** Longest wait for a socket to open. @default 60000 */
  connectTimeoutMs?: number;
  /** Longest wait for the inbound handler to store one message. @default 30000 */
  handlerTimeoutMs?: number;
  /** "typing..." refresh while a turn runs. @default 6000 */
  typingIntervalMs?: number;
  /** Typing loops at once, at most. @default 64 */
  maxTypingLoops?: number;
  /** Inbound messages waiting for the handler, at most. @default 512 */
  maxQueuedMessages?: number;
}

/** Options with defaults applied. */
export interface ResolvedWhatsAppOptions {
  accountId: string;
  authDir: string;
  webSocketUrl?: string;
  sendReadReceipts: boolean;
  selfChatMode: boolean;
  browser: [string, string, string];
  clock: Clock;
  backoff: BackoffOptions;
  connectTimeoutMs: number;
  handlerTimeoutMs: number;
  typingIntervalMs: number;
  maxTypingLoops: number;
  maxQueuedMessages: number;
}

function clamp(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

/**
 * Applies defaults.
 *
 * @param options What the caller gave.
 * @returns The options the adapter runs with.
 */
export function resolveWhatsAppOptions(options: WhatsAppAdapterOptions): ResolvedWhatsAppOptions {
  const account = options.account;
  const settings = whatsAppSettings(account);
  const env = options.env ?? processEnv();
  const url = options.webSocketUrl ?? env[WEB_SOCKET_URL_ENV];
  const resolved: ResolvedWhatsAppOptions = {
    accountId: account.accountId,
    authDir: resolveWhatsAppAuthDir({
      stateDir: options.stateDir,
      accountId: account.accountId,
      authDir: options.authDir ?? settings.authDir,
      env,
    }),
    sendReadReceipts: options.sendReadReceipts ?? settings.sendReadReceipts,
    selfChatMode: options.selfChatMode ?? settings.selfChatMode,
    browser: options.browser ?? ["OpenClaw", "Gateway", VERSION],
    clock: options.clock ?? systemClock,
    backoff: { initialMs: 1000, maxMs: 60_000, ...options.backoff },
    connectTimeoutMs: clamp(options.connectTimeoutMs, 60_000, 1000, 600_000),
    handlerTimeoutMs: clamp(options.handlerTimeoutMs, 30_000, 10, 600_000),
    typingIntervalMs: clamp(options.typingIntervalMs, 6000, 1000, 60_000),
    maxTypingLoops: Math.round(clamp(options.maxTypingLoops, 64, 1, 1024)),
    maxQueuedMessages: Math.round(clamp(options.maxQueuedMessages, 512, 1, 10_000)),
  };
  if (url?.trim()) resolved.webSocketUrl = url.trim();
  return resolved;
}

/** The WhatsApp adapter: a {@linkcode ChannelAdapter} plus WhatsApp specifics. */
export interface WhatsAppChannelAdapter extends ChannelAdapter {
  /** The account's credentials directory. */
  readonly authDir: string;
  /**
   * Shows "typing..." (presence `composing`) now and every `typingIntervalMs` until `signal`
   * aborts, then `paused`. Failures are logged, never thrown.
   */
  keepTyping(target: OutboundTarget, signal: AbortSignal): void;
  /**
   * Unlinks this device on the phone (through the running socket when connected), deletes the
   * credentials and stops the connection.
   */
  logout(): Promise<WhatsAppLogoutResult>;
}
