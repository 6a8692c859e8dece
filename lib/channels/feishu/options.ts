/**
 * Options of `createFeishuAdapter` and their defaults, resolved and checked once at
 * construction. Credentials come resolved from the caller (SecretRefs resolved upstream); a
 * plain string in the account's config block is used when the option is absent. Keys the
 * adapter reads from `channels.feishu` (or `accounts.<id>`): `appId`, `appSecret`, `domain`,
 * `connectionMode`, `encryptKey`, `verificationToken`, `replyInThread`, `renderMode`.
 *
 * @module
 */
import { type Clock, systemClock } from "../../clock.ts";
import { OpenClawError } from "../../errors.ts";
import type { BackoffOptions } from "../retry.ts";
import type { ChannelAccountConfig } from "../types.ts";
import type { FeishuLogger } from "./_log.ts";
import type { FeishuMsgType } from "./send.ts";
import { resolveFeishuBaseUrl } from "./urls.ts";

/** How events arrive. */
export type FeishuConnectionMode = "websocket" | "webhook";

/** Options of `createFeishuAdapter`. */
export interface FeishuAdapterOptions {
  /**
   * The account's resolved settings (`resolveChannelAccount(config, "feishu", id)`): its id,
   * status fields, and `raw` for the Feishu keys listed in the module doc.
   */
  account: ChannelAccountConfig;
  /** App ID (`cli_...`). @default account.raw.appId */
  appId?: string;
  /** App Secret, SecretRef resolved by the caller. @default account.raw.appSecret if a string */
  appSecret?: string;
  /** Where the secret came from, for status (`config`, `secretRef`, `env`). @default "config" */
  credentialSource?: string;
  /**
   * `feishu` (open.feishu.cn), `lark` (open.larksuite.com) or an origin URL; plain `http://`
   * only for loopback hosts (test fakes). @default account.raw.domain, else "feishu"
   */
  domain?: string;
  /** @default account.raw.connectionMode, else "websocket" */
  connectionMode?: FeishuConnectionMode;
  /** Webhook mode: the Encrypt Key (resolved). @default account.raw.encryptKey if a string */
  encryptKey?: string;
  /** Webhook mode: the Verification Token. @default account.raw.verificationToken if a string */
  verificationToken?: string;
  /** @default systemClock */
  clock?: Clock;
  /** @default getLogger("channels/feishu") */
  log?: FeishuLogger;
  /** Backoff jitter. @default Math.random */
  random?: () => number;
  /** Per REST request. @default 15000 */
  requestTimeoutMs?: number;
  /** Deadline of each `probe()` step. @default 10000 */
  probeTimeoutMs?: number;
  /** Longest wait for the inbound handler before an event is left unacknowledged. @default 10000 */
  handlerTimeoutMs?: number;
  /** Fetch a new tenant token this long before the current one expires. @default 600000 */
  tokenRefreshMarginMs?: number;
  /** Long connection: no frame this long after a ping = dead, reconnect. @default 30000 */
  pongTimeoutMs?: number;
  /** Long connection: deadline to open the socket. @default 15000 */
  openTimeoutMs?: number;
  /** Reconnect backoff. @default 1 s doubling to 60 s, ±20 % */
  backoff?: BackoffOptions;
  /** Tries per REST call (rate limits, transient failures). @default 4 */
  sendAttempts?: number;
  /** A rate-limit wait longer than this fails the call. @default 60000 */
  maxRetryAfterMs?: number;
  /** Webhook mode: largest request timestamp skew. @default 3600000 */
  webhookMaxSkewMs?: number;
}

/** Options with defaults applied. */
export interface ResolvedFeishuOptions {
  accountId: string;
  appId: string;
  appSecret: string;
  credentialSource: string;
  baseUrl: string;
  /** `feishu`, `lark` or `custom`. */
  domainName: string;
  connectionMode: FeishuConnectionMode;
  encryptKey?: string;
  verificationToken?: string;
  msgType: FeishuMsgType;
  replyInThread: boolean;
  clock: Clock;
  random: () => number;
  requestTimeoutMs: number;
  probeTimeoutMs: number;
  handlerTimeoutMs: number;
  tokenRefreshMarginMs: number;
  pongTimeoutMs: number;
  openTimeoutMs: number;
  backoff: BackoffOptions;
  sendAttempts: number;
  maxRetryAfterMs: number;
  webhookMaxSkewMs: number;
}

function rawString(raw: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = Object.hasOwn(raw, key) ? raw[key] : undefined;
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function clamp(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

function keyPath(account: ChannelAccountConfig, key: string): string {
  return account.accountId === "default"
    ? `channels.feishu.${key}`
    : `channels.feishu.accounts.${account.accountId}.${key}`;
}

function invalid(path: string, message: string, hint?: string): never {
  throw new OpenClawError("CHANNEL_CONFIG_INVALID", `Invalid ${path}: ${message}`, { hint });
}

/**
 * Applies defaults and checks the Feishu keys.
 *
 * @param options What the caller gave.
 * @returns The options the adapter runs with (credentials may be empty: `configured: false`).
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` (message names the dotted key) for a bad
 *   `domain`, `connectionMode`, `replyInThread` or `renderMode`, or webhook mode without an
 *   `encryptKey`.
 */
export function resolveFeishuOptions(options: FeishuAdapterOptions): ResolvedFeishuOptions {
  const account = options.account;
  const raw = account.raw;
  const domain = options.domain ?? rawString(raw, "domain") ?? "feishu";
  const baseUrl = resolveFeishuBaseUrl(domain, keyPath(account, "domain"));
  const lower = domain.trim().toLowerCase();
  const mode = options.connectionMode ?? rawString(raw, "connectionMode") ?? "websocket";
  if (mode !== "websocket" && mode !== "webhook") {
    invalid(keyPath(account, "connectionMode"), `expected "websocket" or "webhook", got "${mode}"`);
  }
  const encryptKey = options.encryptKey ?? rawString(raw, "encryptKey");
  const verificationToken = options.verificationToken ?? rawString(raw, "verificationToken");
  if (mode === "webhook" && !encryptKey) {
    invalid(
      keyPath(account, "encryptKey"),
      "webhook mode needs the app's Encrypt Key (events are signed and encrypted with it)",
      "Copy it from the developer console (Events & Callbacks \u2192 Encryption Strategy)",
    );
  }
  const replyInThread = raw.replyInThread ?? "disabled";
  if (![true, false, "enabled", "disabled"].includes(replyInThread as string)) {
    invalid(keyPath(account, "replyInThread"), 'expected "enabled" or "disabled"');
  }
  const renderMode = raw.renderMode ?? "auto";
  if (renderMode !== "auto" && renderMode !== "raw" && renderMode !== "card") {
    invalid(keyPath(account, "renderMode"), 'expected "auto", "raw" or "card"');
  }
  const appSecret = options.appSecret?.trim() || rawString(raw, "appSecret") || "";
  return {
    accountId: account.accountId,
    appId: options.appId?.trim() || rawString(raw, "appId") || "",
    appSecret,
    credentialSource: options.credentialSource ?? (appSecret ? "config" : "none"),
    baseUrl,
    domainName: lower === "feishu" || lower === "lark" ? lower : "custom",
    connectionMode: mode,
    encryptKey,
    verificationToken,
    msgType: renderMode === "raw" ? "text" : "post",
    replyInThread: replyInThread === "enabled" || replyInThread === true,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    requestTimeoutMs: clamp(options.requestTimeoutMs, 15_000, 100, 300_000),
    probeTimeoutMs: clamp(options.probeTimeoutMs, 10_000, 100, 120_000),
    handlerTimeoutMs: clamp(options.handlerTimeoutMs, 10_000, 10, 600_000),
    tokenRefreshMarginMs: clamp(options.tokenRefreshMarginMs, 600_000, 0, 3_600_000),
    pongTimeoutMs: clamp(options.pongTimeoutMs, 30_000, 100, 600_000),
    openTimeoutMs: clamp(options.openTimeoutMs, 15_000, 100, 120_000),
    backoff: { initialMs: 1000, maxMs: 60_000, ...options.backoff },
    sendAttempts: Math.round(clamp(options.sendAttempts, 4, 1, 10)),
    maxRetryAfterMs: clamp(options.maxRetryAfterMs, 60_000, 0, 3_600_000),
    webhookMaxSkewMs: clamp(options.webhookMaxSkewMs, 3_600_000, 1000, 86_400_000),
  };
}
