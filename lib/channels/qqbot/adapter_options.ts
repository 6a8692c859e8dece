/**
 * The options and the public shape of the QQ adapter (the channel subsystem builds one per
 * `channels.qqbot` account), and the endpoint resolution done once at construction.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { Env } from "../../paths.ts";
import type { BackoffOptions } from "../retry.ts";
import type { ChannelAccountConfig, ChannelAdapter } from "../types.ts";
import type { QQBotLogger } from "./_log.ts";
import { QQBOT_API_BASE, QQBOT_SANDBOX_API_BASE, QQBOT_TOKEN_URL } from "./constants.ts";
import type { QQBotResumeStore } from "./resume_store.ts";
import { checkHttpsUrl } from "./urls.ts";

/** Options of `createQQBotAdapter` (adapter.ts). */
export interface QQBotAdapterOptions {
  /**
   * The account's resolved settings (`resolveChannelAccount(config, "qqbot", id)`): id, status
   * fields, and from `raw` the credentials (`appId`, a plain `clientSecret`, `token`) and
   * `sandbox`.
   */
  account: ChannelAccountConfig;
  /** The bot's AppID. @default the `token` halves, else `account.raw.appId`, else `QQBOT_APP_ID` (default account) */
  appId?: string;
  /**
   * The AppSecret, SecretRef already resolved by the caller.
   * @default the `token` halves, else a plain-string `account.raw.clientSecret`, else
   *   `QQBOT_CLIENT_SECRET` (default account)
   */
  clientSecret?: string;
  /** Both at once, as `channels add --channel qqbot --token "AppID:AppSecret"` takes them. */
  token?: string;
  /** Where `clientSecret` / `token` came from, for status (`secretRef`, ...). @default "config" */
  credentialSource?: string;
  /** The token endpoint. @default QQBOT_TOKEN_URL, else "https://bots.qq.com/app/getAppAccessToken" */
  tokenUrl?: string;
  /**
   * The OpenAPI base (also where `/gateway` is asked).
   * @default QQBOT_API_URL, else the sandbox base when `sandbox`, else "https://api.sgroup.qq.com"
   */
  apiBaseUrl?: string;
  /** Talk to `https://sandbox.api.sgroup.qq.com`. @default account.raw.sandbox === true */
  sandbox?: boolean;
  /** Gateway intents. @default GROUP_AND_C2C (1 << 25): C2C messages and group @-messages */
  intents?: number;
  /** Environment for the `QQBOT_*` fallbacks. @default the process environment */
  env?: Env;
  /** @default systemClock */
  clock?: Clock;
  /** @default getLogger("channels/qqbot") */
  log?: QQBotLogger;
  /** Backoff jitter and the op 9 delay. @default Math.random */
  random?: () => number;
  /** Per REST request (token fetch included). @default 15000 */
  requestTimeoutMs?: number;
  /** Deadline of `probe()`. @default 10000 */
  probeTimeoutMs?: number;
  /** Fetch a new access token this long before the old one expires. @default 300000 */
  tokenRefreshAheadMs?: number;
  /** Saves the resume state so a restarted gateway resumes (see resume_store.ts). */
  resumeStore?: QQBotResumeStore;
  /** Reconnect backoff. @default 1 s doubling to 60 s, ±20 % */
  backoff?: BackoffOptions;
  /** Dispatches waiting for `onInbound`, at most. @default 512 */
  maxQueuedDispatches?: number;
}

/** The QQ adapter: a {@linkcode ChannelAdapter} plus the intents it identifies with. */
export interface QQBotChannelAdapter extends ChannelAdapter {
  /** The intents bitmask sent in IDENTIFY. */
  readonly intents: number;
}

/** The two endpoints, checked. */
export interface QQBotEndpoints {
  tokenUrl: string;
  apiBaseUrl: string;
}

/**
 * Resolves and checks the token endpoint and the OpenAPI base.
 *
 * @param options The adapter options.
 * @param env The environment (`QQBOT_TOKEN_URL`, `QQBOT_API_URL`).
 * @returns Both URLs without a trailing slash.
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` when one is not https (loopback http is fine).
 */
export function resolveQQBotEndpoints(options: QQBotAdapterOptions, env: Env): QQBotEndpoints {
  const sandbox = options.sandbox ?? options.account.raw.sandbox === true;
  const tokenUrl = options.tokenUrl?.trim() || env.QQBOT_TOKEN_URL?.trim() || QQBOT_TOKEN_URL;
  const apiBaseUrl = options.apiBaseUrl?.trim() || env.QQBOT_API_URL?.trim() ||
    (sandbox ? QQBOT_SANDBOX_API_BASE : QQBOT_API_BASE);
  return {
    tokenUrl: checkHttpsUrl(tokenUrl, "the QQ token URL", "Fix QQBOT_TOKEN_URL"),
    apiBaseUrl: checkHttpsUrl(apiBaseUrl, "the QQ API URL", "Fix QQBOT_API_URL"),
  };
}
