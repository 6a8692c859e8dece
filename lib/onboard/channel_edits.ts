/**
 * The config edits of "add this channel account": which keys go where (`channels.<id>` for the
 * default account, `channels.<id>.accounts.<key>` for named ones), checked against what the
 * channel accepts. Pure: it reads the current `channels` block and returns edits; writing them
 * is the caller's (`channels add` writes at once, the onboarding wizard shows them in its diff
 * first).
 *
 * @module
 */
import { normalizeAccountId } from "../channels/config_view.ts";
import type { ConfigEdit } from "../config/edit.ts";
import type { PathSegment } from "../config/path.ts";
import { ExitCode, OpenClawError } from "../errors.ts";

/** The channels `channels add` and the onboarding wizard can set up. */
export const CHANNEL_IDS = ["telegram", "discord", "whatsapp", "feishu", "qqbot"] as const;

/** One of {@link CHANNEL_IDS}. */
export type ChannelId = typeof CHANNEL_IDS[number];

/** What to set on the account (the `channels add` flags). */
export interface ChannelAddInput {
  channel: string;
  account?: string;
  name?: string;
  token?: string;
  botToken?: string;
  tokenFile?: string;
  useEnv?: boolean;
  appId?: string;
  appSecret?: string;
  authDir?: string;
  apiRoot?: string;
  dmPolicy?: string;
  allowFrom?: string;
}

/** What {@linkcode planChannelAdd} decided. */
export interface ChannelAddPlan {
  channel: ChannelId;
  accountId: string;
  isDefault: boolean;
  /** True when the account's block already existed. */
  existed: boolean;
  edits: ConfigEdit[];
  /** The keys set directly on the account's block. */
  keys: string[];
}

type Block = Record<string, unknown>;

const ENV_NAMES: ReadonlyMap<string, string> = new Map([
  ["telegram", "TELEGRAM_BOT_TOKEN"],
  ["discord", "DISCORD_BOT_TOKEN"],
  ["qqbot", "QQBOT_APP_ID and QQBOT_CLIENT_SECRET"],
]);

/** The environment variable(s) the default account of `channel` reads its token from. */
export function channelEnvName(channel: string): string | undefined {
  return ENV_NAMES.get(channel);
}

const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"];

function usage(message: string, hint?: string): OpenClawError {
  return new OpenClawError("USAGE", message, { exitCode: ExitCode.usage, hint });
}

function asBlock(v: unknown): Block | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Block : undefined;
}

function ownBlock(parent: Block | undefined, key: string): Block | undefined {
  return parent && Object.hasOwn(parent, key) ? asBlock(parent[key]) : undefined;
}

/**
 * Returns the channel id for user input (`" Telegram "` -> `telegram`).
 *
 * @throws {OpenClawError} `USAGE` for a channel that cannot be added.
 */
export function channelIdOf(value: string): ChannelId {
  const id = value.trim().toLowerCase();
  const known = CHANNEL_IDS.find((c) => c === id);
  if (!known) {
    throw usage(
      `Unknown channel "${value.slice(0, 40)}"`,
      `Use one of: ${CHANNEL_IDS.join(", ")}`,
    );
  }
  return known;
}

function blank(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") throw usage(`${flag} must not be blank`);
  return value?.trim();
}

/** The config keys `add` sets on the account block, from the flags, per channel. */
function credentialValues(channel: ChannelId, f: ChannelAddInput): [string, unknown][] {
  const token = blank("--token", f.token);
  const botToken = blank("--bot-token", f.botToken);
  const tokenFile = blank("--token-file", f.tokenFile);
  const appId = blank("--app-id", f.appId);
  const appSecret = blank("--app-secret", f.appSecret);
  const authDir = blank("--auth-dir", f.authDir);
  const given = [token, botToken, tokenFile, appId, appSecret, authDir].filter(Boolean).length;
  if (f.useEnv && given > 0) {
    throw usage("--use-env cannot be combined with a token, token file or app credentials");
  }
  if (token && botToken) throw usage("Pass either --token or --bot-token, not both");
  const out: [string, unknown][] = [];
  const refuse = (flag: string | undefined, name: string, why: string) => {
    if (flag) throw usage(`${name} does not apply to ${channel}: ${why}`);
  };
  switch (channel) {
    case "telegram":
    case "discord": {
      refuse(appId ?? appSecret, "--app-id/--app-secret", "it uses a bot token");
      refuse(authDir, "--auth-dir", "it uses a bot token");
      const value = token ?? botToken;
      if (value) out.push([channel === "telegram" ? "botToken" : "token", value]);
      if (tokenFile) out.push(["tokenFile", tokenFile]);
      break;
    }
    case "qqbot": {
      refuse(botToken ?? tokenFile, "--bot-token/--token-file", 'use --token "AppID:AppSecret"');
      refuse(authDir, "--auth-dir", "it uses AppID and AppSecret");
      if (token) {
        const at = token.indexOf(":");
        if (at <= 0 || at === token.length - 1) {
          throw usage(
            '--token for qqbot is "AppID:AppSecret"',
            "Copy both from the QQ Bot console",
          );
        }
        out.push(["appId", token.slice(0, at).trim()], [
          "clientSecret",
          token.slice(at + 1).trim(),
        ]);
      }
      if (appId) out.push(["appId", appId]);
      if (appSecret) out.push(["clientSecret", appSecret]);
      break;
    }
    case "feishu":
      refuse(token ?? botToken ?? tokenFile, "--token", "use --app-id and --app-secret");
      refuse(authDir, "--auth-dir", "it uses an app id and secret");
      if (appId) out.push(["appId", appId]);
      if (appSecret) out.push(["appSecret", appSecret]);
      break;
    case "whatsapp":
      refuse(token ?? botToken ?? tokenFile ?? appId ?? appSecret, "a token", "it logs in by QR");
      if (authDir) out.push(["authDir", authDir]);
      break;
  }
  return out;
}

/** True when the block already holds what the channel needs to connect. */
function hasCredentials(channel: ChannelId, block: Block | undefined): boolean {
  const has = (k: string) => block !== undefined && Object.hasOwn(block, k) && block[k] !== "";
  switch (channel) {
    case "telegram":
      return has("botToken") || has("tokenFile");
    case "discord":
      return has("token") || has("tokenFile");
    case "qqbot":
      return has("appId") && (has("clientSecret") || has("clientSecretFile"));
    case "feishu":
      return has("appId") && has("appSecret");
    default:
      return true;
  }
}

/**
 * Where an account's block is: the channel root, or `accounts.<key>` (an existing key's
 * spelling is kept).
 *
 * @param channel The key under `channels`.
 * @param root The channel's current block.
 * @param account The account id the user named, if any.
 */
export function channelAccountPath(
  channel: string,
  root: Record<string, unknown> | undefined,
  account: string | undefined,
): { path: PathSegment[]; accountId: string; block: Record<string, unknown> | undefined } {
  const accounts = ownBlock(root, "accounts");
  if (account === undefined || (normalizeAccountId(account) === "default" && !accounts)) {
    return { path: ["channels", channel], accountId: "default", block: root };
  }
  const id = normalizeAccountId(account);
  const key = Object.keys(accounts ?? {}).find((k) => normalizeAccountId(k) === id) ?? id;
  return {
    path: ["channels", channel, "accounts", key],
    accountId: id,
    block: ownBlock(accounts, key),
  };
}

/**
 * Plans `channels add`: the edits that set the account's credentials and settings, create the
 * channel block when needed and re-enable a disabled one.
 *
 * @param channels The config's current `channels` block (raw, as written).
 * @param input What to set.
 * @returns The edits and what they touch.
 * @throws {OpenClawError} `USAGE` for unknown channels and conflicting or missing credentials.
 * @example
 * ```ts
 * planChannelAdd(undefined, { channel: "telegram", token: "123:abc" }).edits;
 * // [{ op: "set", path: ["channels", "telegram", "botToken"], value: "123:abc" }]
 * ```
 */
export function planChannelAdd(
  channels: Record<string, unknown> | undefined,
  input: ChannelAddInput,
): ChannelAddPlan {
  const channel = channelIdOf(input.channel);
  const account = blank("--account", input.account);
  const root = ownBlock(channels, channel);
  const where = channelAccountPath(channel, root, account);
  const values = credentialValues(channel, input);
  const isDefault = where.accountId === "default";
  if (input.useEnv && !isDefault) {
    throw usage(
      `--use-env works only for the default account: ${ENV_NAMES.get(channel) ?? "the env"} ` +
        `feeds no account named ${where.accountId}`,
      `Pass the token instead: openclaw channels add --channel ${channel} --account ` +
        `${where.accountId} --token <token>`,
    );
  }
  if (input.useEnv && !ENV_NAMES.has(channel)) {
    throw usage(`--use-env does not apply to ${channel}: it has no token variable`);
  }
  if (values.length === 0 && !input.useEnv && !hasCredentials(channel, where.block)) {
    const how = channel === "qqbot"
      ? '--token "AppID:AppSecret"'
      : channel === "feishu"
      ? "--app-id <id> --app-secret <secret>"
      : "--token <token> (or --token-file <path>, or --use-env)";
    throw usage(`Cannot add ${channel}: no credentials given`, `Pass ${how}`);
  }
  if (input.dmPolicy !== undefined && !DM_POLICIES.includes(input.dmPolicy)) {
    throw usage(`Invalid --dm-policy "${input.dmPolicy}"`, `Use one of: ${DM_POLICIES.join(", ")}`);
  }
  const set = (key: string, value: unknown): ConfigEdit => ({
    op: "set",
    path: [...where.path, key],
    value,
  });
  const edits: ConfigEdit[] = [];
  if (root && !ownBlock(root, "accounts") && where.path.length > 2 && !isDefault) {
    // The root block was the default account; once `accounts` exists only its keys are
    // accounts, so keep that one as `accounts.default` (it inherits the root's credentials).
    edits.push({ op: "set", path: ["channels", channel, "accounts", "default"], value: {} });
  }
  edits.push(...values.map(([k, v]) => set(k, v)));
  if (input.name !== undefined) edits.push(set("name", input.name));
  if (input.apiRoot !== undefined) edits.push(set("apiRoot", blank("--api-root", input.apiRoot)));
  if (input.dmPolicy !== undefined) edits.push(set("dmPolicy", input.dmPolicy));
  if (input.allowFrom !== undefined) {
    edits.push(set("allowFrom", input.allowFrom.split(",").map((s) => s.trim()).filter(Boolean)));
  }
  if (root?.enabled === false) {
    edits.push({ op: "set", path: ["channels", channel, "enabled"], value: true });
  }
  if (where.block?.enabled === false && where.path.length > 2) edits.push(set("enabled", true));
  // A block must exist even with nothing to set (WhatsApp before its QR login, or --use-env).
  if (edits.length === 0 && !where.block) edits.push(set("enabled", true));
  const keys = edits.filter((e) => e.path.length === where.path.length + 1)
    .map((e) => String(e.path[e.path.length - 1]));
  return {
    channel,
    accountId: where.accountId,
    isDefault,
    existed: where.block !== undefined,
    edits,
    keys,
  };
}
