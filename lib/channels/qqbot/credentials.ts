/**
 * Where a QQ account's AppID and AppSecret come from, first match wins:
 *
 * 1. the adapter options `appId` / `clientSecret` (the caller resolved SecretRefs);
 * 2. the `token` option or `channels.qqbot.token` in stock's `channels add --token` form
 *    `"AppID:AppSecret"`;
 * 3. `channels.qqbot.appId` and a plain-string `clientSecret` in the account's config;
 * 4. for the default account only, `QQBOT_APP_ID` / `QQBOT_CLIENT_SECRET` in the environment.
 *
 * Each half is resolved on its own, so `appId` in the config with the secret in the environment
 * works. The source (`config`, `env`, or what the caller says) is reported in status, never the
 * secret.
 *
 * @module
 */
import type { Env } from "../../paths.ts";
import { DEFAULT_ACCOUNT_ID } from "../config_view.ts";
import type { ChannelAccountConfig } from "../types.ts";

/** The resolved credentials. */
export interface QQBotCredentials {
  appId?: string;
  clientSecret?: string;
  /** Where the secret came from: the caller's label, `config`, `env` or `none`. */
  source: string;
}

/** What {@linkcode resolveQQBotCredentials} reads. */
export interface QQBotCredentialInput {
  account: ChannelAccountConfig;
  appId?: string;
  clientSecret?: string;
  /** `"AppID:AppSecret"`. */
  token?: string;
  /** The label for credentials passed as options. @default "config" */
  credentialSource?: string;
  env: Env;
}

function clean(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  const text = typeof value === "string" ? value.trim() : "";
  return text === "" ? undefined : text;
}

/**
 * Splits `"AppID:AppSecret"` at the first colon.
 *
 * @param token The combined form.
 * @returns Both halves, or `undefined` when either is missing.
 */
export function splitQQBotToken(
  token: string | undefined,
): { appId: string; clientSecret: string } | undefined {
  const text = clean(token);
  const at = text?.indexOf(":") ?? -1;
  if (!text || at <= 0 || at === text.length - 1) return undefined;
  return { appId: text.slice(0, at).trim(), clientSecret: text.slice(at + 1).trim() };
}

/**
 * Resolves the AppID and AppSecret (see the module doc).
 *
 * @param input Options, account view and environment.
 * @returns What was found and where the secret came from.
 * @example
 * ```ts
 * resolveQQBotCredentials({ account, token: "102000001:s3cr3t", env: {} });
 * // { appId: "102000001", clientSecret: "s3cr3t", source: "config" }
 * ```
 */
export function resolveQQBotCredentials(input: QQBotCredentialInput): QQBotCredentials {
  const { account, env } = input;
  const label = input.credentialSource ?? "config";
  const given = splitQQBotToken(input.token);
  const configured = splitQQBotToken(clean(account.raw.token));
  const isDefault = account.accountId === DEFAULT_ACCOUNT_ID;
  const fromEnv = (name: string) => isDefault ? clean(env[name]) : undefined;
  const appId = clean(input.appId) ?? given?.appId ?? configured?.appId ??
    clean(account.raw.appId) ?? fromEnv("QQBOT_APP_ID");
  const optionSecret = clean(input.clientSecret) ?? given?.clientSecret;
  const configSecret = configured?.clientSecret ?? clean(account.raw.clientSecret);
  const envSecret = fromEnv("QQBOT_CLIENT_SECRET");
  const clientSecret = optionSecret ?? configSecret ?? envSecret;
  const source = optionSecret ? label : configSecret ? "config" : envSecret ? "env" : "none";
  return { appId, clientSecret, source };
}
