/**
 * The options and the public shape of the Discord adapter (the channel subsystem builds one per
 * `channels.discord` account).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { Env } from "../../paths.ts";
import type { BackoffOptions } from "../retry.ts";
import type { ChannelAccountConfig, ChannelAdapter, OutboundTarget } from "../types.ts";
import type { DiscordLogger } from "./_log.ts";
import type { DiscordIntents } from "./intents.ts";
import type { DiscordResumeStore } from "./resume_store.ts";

/** Options of `createDiscordAdapter` (adapter.ts). */
export interface DiscordAdapterOptions {
  /**
   * The account's resolved settings (`resolveChannelAccount(config, "discord", id)`): policies
   * pick the intents; `raw` supplies `intents.*`, `suppressEmbeds`.
   */
  account: ChannelAccountConfig;
  /** The resolved bot token (SecretRefs resolved by the caller); default account only: else
   * `DISCORD_BOT_TOKEN`. A leading `Bot ` is stripped. */
  token?: string;
  /** Where the token came from, for status (`config`, `secretRef`, ...). @default "config" / "env" */
  tokenSource?: string;
  /** The versioned REST base. @default DISCORD_API_URL, else "https://discord.com/api/v10" */
  apiBaseUrl?: string;
  /** Environment to read `DISCORD_BOT_TOKEN` / `DISCORD_API_URL` from. @default Deno.env */
  env?: Env;
  /** @default systemClock */
  clock?: Clock;
  /** @default getLogger("channels/discord") */
  log?: DiscordLogger;
  /** Heartbeat jitter, backoff jitter, op 9 delay. @default Math.random */
  random?: () => number;
  /** Per REST request. @default 15000 */
  requestTimeoutMs?: number;
  /** How often {@linkcode DiscordChannelAdapter.keepTyping} refreshes. @default 8000 */
  typingIntervalMs?: number;
  /** Typing loops running at once, at most. @default 64 */
  maxTypingLoops?: number;
  /** Saves the resume state so a restarted gateway resumes (see resume_store.ts). */
  resumeStore?: DiscordResumeStore;
  /** Reconnect backoff. @default 1 s doubling to 60 s, ±20 % */
  backoff?: BackoffOptions;
  /** Dispatches waiting for `onInbound`, at most. @default 512 */
  maxQueuedDispatches?: number;
}

/** The Discord adapter: a {@linkcode ChannelAdapter} plus Discord specifics. */
export interface DiscordChannelAdapter extends ChannelAdapter {
  /** The intents the config asks for. */
  readonly intents: DiscordIntents;
  /**
   * Shows "typing..." now and every `typingIntervalMs` until `signal` aborts (for a running turn).
   * Failures are logged, never thrown.
   */
  keepTyping(target: OutboundTarget, signal: AbortSignal): void;
}
