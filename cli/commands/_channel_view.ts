/**
 * What the config alone says about each chat channel account -- enabled, whether credentials are
 * present, and where they come from -- for `channels list` and the config-only fallback of
 * `channels status`. Never reads a secret's value into the output: only its source (`config`,
 * `secretRef`, `file`, `env`, `none`), the names stock's `channels status` prints as `token:...`.
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { isSecretRef } from "../../lib/config/secret_ref.ts";
import {
  DEFAULT_ACCOUNT_ID,
  listAccountIds,
  listChannelIds,
  resolveChannelAccount,
  resolveDefaultAccountId,
} from "../../lib/channels/config_view.ts";
import { channelLabel } from "../../lib/channels/pairing_admin.ts";
import { resolveWhatsAppAuthDir } from "../../lib/channels/whatsapp/auth_dir.ts";
import { readLinkedIdentitySync } from "../../lib/channels/whatsapp/auth_store.ts";

/** The channels this build can add and run (`channels list --all`). */
export const SUPPORTED_CHANNELS = ["telegram", "discord", "whatsapp", "feishu", "qqbot"] as const;

/** One channel account as the config describes it. */
export interface ConfigAccountView {
  accountId: string;
  name?: string;
  isDefault: boolean;
  enabled: boolean;
  /** Credentials are present (WhatsApp: a linked session on disk). */
  configured: boolean;
  /** `config`, `secretRef`, `file`, `env` or `none`. */
  credentialSource: string;
  dmPolicy: string;
  /** WhatsApp: whether a login session exists. */
  linked?: boolean;
}

/** One channel as the config describes it. */
export interface ConfigChannelView {
  id: string;
  label: string;
  /** False when the channel has no block in the config (`--all`). */
  present: boolean;
  defaultAccountId: string;
  accounts: ConfigAccountView[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where one credential key's value comes from. */
function sourceOf(raw: Readonly<Record<string, unknown>>, key: string): string {
  const value = Object.hasOwn(raw, key) ? raw[key] : undefined;
  if (isSecretRef(value)) return "secretRef";
  if (typeof value !== "string" || value.trim() === "") return "none";
  return key === "tokenFile" || key.endsWith("File") ? "file" : "config";
}

/** The first source that is not `none`, else `env` when the env fallback is set, else `none`. */
function firstSource(
  raw: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  envFallback: boolean,
): string {
  for (const key of keys) {
    const s = sourceOf(raw, key);
    if (s !== "none") return s;
  }
  return envFallback ? "env" : "none";
}

function envSet(env: Env, ...names: string[]): boolean {
  return names.every((n) => (env[n]?.trim() ?? "") !== "");
}

/**
 * Credential facts of one account: present or not, and their source.
 *
 * @param channel The channel id.
 * @param accountId The account id.
 * @param raw The account's merged config block (named accounts do not inherit credentials).
 * @param env The environment (env fallbacks feed only the default account).
 * @param stateDir The state directory (WhatsApp sessions live under `credentials/whatsapp/`).
 * @returns `configured`, `credentialSource` and, for WhatsApp, `linked`.
 */
export function credentialFacts(
  channel: string,
  accountId: string,
  raw: Readonly<Record<string, unknown>>,
  env: Env,
  stateDir: string,
): { configured: boolean; credentialSource: string; linked?: boolean } {
  const isDefault = accountId === DEFAULT_ACCOUNT_ID;
  let source: string;
  switch (channel) {
    case "telegram":
      source = firstSource(
        raw,
        ["botToken", "tokenFile"],
        isDefault && envSet(env, "TELEGRAM_BOT_TOKEN"),
      );
      break;
    case "discord":
      source = firstSource(
        raw,
        ["token", "tokenFile"],
        isDefault && envSet(env, "DISCORD_BOT_TOKEN"),
      );
      break;
    case "qqbot": {
      const app = sourceOf(raw, "appId");
      const secret = firstSource(raw, ["clientSecret", "clientSecretFile"], false);
      source = app !== "none" && secret !== "none"
        ? secret
        : isDefault && envSet(env, "QQBOT_APP_ID", "QQBOT_CLIENT_SECRET")
        ? "env"
        : "none";
      break;
    }
    case "feishu": {
      const app = sourceOf(raw, "appId");
      const secret = sourceOf(raw, "appSecret");
      source = app !== "none" && secret !== "none" ? secret : "none";
      break;
    }
    case "whatsapp": {
      // Linked = a phone finished the login (`me` in the stored credentials): a login that was
      // never scanned also leaves a creds.json behind.
      const dir = resolveWhatsAppAuthDir({
        stateDir,
        accountId,
        ...(typeof raw.authDir === "string" ? { authDir: raw.authDir } : {}),
        env,
      });
      const linked = readLinkedIdentitySync(dir)?.id !== undefined;
      return { configured: linked, credentialSource: linked ? "file" : "none", linked };
    }
    default:
      source = firstSource(raw, ["token", "botToken", "tokenFile"], false);
  }
  return { configured: source !== "none", credentialSource: source };
}

/**
 * The config view of every configured channel (and, with `all`, the supported ones that are
 * not configured).
 *
 * @param config The config (loosely read is fine: every field is checked).
 * @param options The environment, the state directory, and whether to list unconfigured ones.
 * @returns Channels in config order, then the unconfigured supported ones.
 */
export function configChannelViews(
  config: OpenClawConfig,
  options: { env: Env; stateDir: string; all?: boolean; channel?: string },
): ConfigChannelView[] {
  const ids = listChannelIds(config);
  if (options.all) { for (const id of SUPPORTED_CHANNELS) if (!ids.includes(id)) ids.push(id); }
  const wanted = options.channel?.trim().toLowerCase();
  return ids.filter((id) => wanted === undefined || id === wanted).map((id) => {
    const present = listChannelIds(config).includes(id);
    const defaultAccountId = resolveDefaultAccountId(config, id);
    const accounts = present
      ? listAccountIds(config, id).map((accountId): ConfigAccountView => {
        const view = resolveChannelAccount(config, id, accountId);
        const facts = credentialFacts(id, accountId, view.raw, options.env, options.stateDir);
        return {
          accountId,
          ...(view.name ? { name: view.name } : {}),
          isDefault: accountId === defaultAccountId,
          enabled: view.enabled,
          ...facts,
          dmPolicy: view.dmPolicy,
        };
      })
      : [];
    return { id, label: channelLabel(id), present, defaultAccountId, accounts };
  });
}
