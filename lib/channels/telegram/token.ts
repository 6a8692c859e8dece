/**
 * The bot token: where it comes from (`channels.telegram.botToken`, already resolved from a
 * SecretRef by the caller, or `TELEGRAM_BOT_TOKEN` for the default account), a stable key for the
 * one-poller-per-token registry that is not the token itself, and scrubbing it out of any text
 * (`fetch` errors can carry the request URL, which contains `/bot<token>/`).
 *
 * @module
 */
import { sha256Hex } from "../../crypto/sha256.ts";
import { DEFAULT_ACCOUNT_ID } from "../config_view.ts";

/** The environment variable stock reads for the default account's token. */
export const TELEGRAM_TOKEN_ENV = "TELEGRAM_BOT_TOKEN";

/** Where the token came from (`channels status` prints it as `token:<source>`). */
export type TelegramTokenSource = "config" | "env" | "none";

/** A resolved token. */
export interface ResolvedTelegramToken {
  /** The token, or `""` when none is configured. */
  token: string;
  source: TelegramTokenSource;
}

/** Inputs of {@linkcode resolveTelegramToken}. */
export interface ResolveTelegramTokenInput {
  /** `botToken` from config, SecretRef already resolved. */
  botToken?: string;
  /** The channel account. @default "default" */
  accountId?: string;
  /** Variables to read `TELEGRAM_BOT_TOKEN` from (only the default account falls back). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Picks the bot token: config first, then `TELEGRAM_BOT_TOKEN` for the default account.
 *
 * @param input The configured token, the account and the environment.
 * @returns The token (trimmed) and its source; `{token: "", source: "none"}` when there is none.
 * @example
 * ```ts
 * resolveTelegramToken({ env: { TELEGRAM_BOT_TOKEN: "1:abc" } }); // { token: "1:abc", source: "env" }
 * ```
 */
export function resolveTelegramToken(input: ResolveTelegramTokenInput): ResolvedTelegramToken {
  const configured = input.botToken?.trim() ?? "";
  if (configured !== "") return { token: configured, source: "config" };
  const account = input.accountId ?? DEFAULT_ACCOUNT_ID;
  const fromEnv = account === DEFAULT_ACCOUNT_ID
    ? input.env?.[TELEGRAM_TOKEN_ENV]?.trim() ?? ""
    : "";
  return fromEnv !== "" ? { token: fromEnv, source: "env" } : { token: "", source: "none" };
}

/**
 * A key for a token that can be kept in memory and compared, but not turned back into the token.
 *
 * @param token The bot token.
 * @returns The first 16 hex digits of its SHA-256.
 */
export function tokenKey(token: string): string {
  return sha256Hex(token).slice(0, 16);
}

// `bot<id>:<secret>` as it appears in Bot API URLs, whatever the token.
const TOKEN_IN_URL = /bot\d{3,}:[A-Za-z0-9_-]{10,}/g;

/**
 * Removes a bot token from a text (an error message, a URL).
 *
 * @param text Any text.
 * @param token The token to remove (also removed when it only appears inside a URL).
 * @returns The text with the token replaced by `<redacted>`.
 * @example
 * ```ts
 * scrubToken("GET http://x/bot1:abc/getMe failed", "1:abc"); // "GET http://x/bot<redacted>/getMe failed"
 * ```
 */
export function scrubToken(text: string, token: string): string {
  let out = token.length >= 4 ? text.split(token).join("<redacted>") : text;
  out = out.replace(TOKEN_IN_URL, "bot<redacted>");
  return out;
}
