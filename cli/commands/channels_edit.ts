/**
 * `channels add` and `channels remove`: change `channels.<id>` in openclaw.json through the same
 * path as `config set` (lib/config/edit.ts under the config lock): comments and layout are kept,
 * the result is validated before anything is written, and a `.bak` is kept. A running gateway
 * sees the file change and restarts only that channel.
 *
 * Tokens given on the command line are written as given and never printed back.
 *
 * @module
 */
import type { ConfigEdit } from "../../lib/config/edit.ts";
import type { PathSegment } from "../../lib/config/path.ts";
import { normalizeAccountId } from "../../lib/channels/config_view.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { resolveConfigPath, shortenHome } from "../../lib/paths.ts";
import { printJson, printLine } from "../output.ts";
import { SUPPORTED_CHANNELS } from "./_channel_view.ts";

/** `channels add` flags as commander parsed them. */
interface AddFlags {
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
  json?: boolean;
}

/** `channels remove` flags. */
interface RemoveFlags {
  channel: string;
  account?: string;
  delete?: boolean;
  json?: boolean;
}

type Block = Record<string, unknown>;

const ENV_NAMES: ReadonlyMap<string, string> = new Map([
  ["telegram", "TELEGRAM_BOT_TOKEN"],
  ["discord", "DISCORD_BOT_TOKEN"],
  ["qqbot", "QQBOT_APP_ID and QQBOT_CLIENT_SECRET"],
]);

function usage(message: string, hint?: string): OpenClawError {
  return new OpenClawError("USAGE", message, { exitCode: ExitCode.usage, hint });
}

function asBlock(v: unknown): Block | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Block : undefined;
}

function ownBlock(parent: Block | undefined, key: string): Block | undefined {
  return parent && Object.hasOwn(parent, key) ? asBlock(parent[key]) : undefined;
}

function channelIdOf(value: string): string {
  const id = value.trim().toLowerCase();
  if (!(SUPPORTED_CHANNELS as readonly string[]).includes(id)) {
    throw usage(
      `Unknown channel "${value.slice(0, 40)}"`,
      `Use one of: ${SUPPORTED_CHANNELS.join(", ")}`,
    );
  }
  return id;
}

function blank(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") throw usage(`${flag} must not be blank`);
  return value?.trim();
}

/** The config keys `add` sets on the account block, from the flags, per channel. */
function credentialValues(channel: string, f: AddFlags): [string, unknown][] {
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
function hasCredentials(channel: string, block: Block | undefined): boolean {
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

const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"];

/** Where the account's block is: the channel root, or `accounts.<key>` (existing key kept). */
function accountPath(
  channel: string,
  root: Block | undefined,
  account: string | undefined,
): { path: PathSegment[]; accountId: string; block: Block | undefined } {
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

async function currentChannels(): Promise<Block | undefined> {
  const { readConfigLoosely } = await import("../../lib/rpc/target.ts");
  const loose = await readConfigLoosely(resolveConfigPath());
  if (loose.problem) {
    throw new OpenClawError(
      "CONFIG_PARSE",
      `Cannot edit ${shortenHome(resolveConfigPath())}: ${loose.problem.summary}`,
      { exitCode: ExitCode.config, hint: loose.problem.fix },
    );
  }
  return asBlock(loose.config.channels);
}

async function write(edits: ConfigEdit[]) {
  const { editConfig } = await import("./config_edit.ts");
  return await editConfig(edits);
}

/**
 * `channels add`: sets the account's credentials and settings, creating the channel block when
 * needed and re-enabling a disabled one.
 *
 * @throws {OpenClawError} `USAGE` for unknown channels and conflicting or missing credentials,
 *   `CONFIG_INVALID` when the result would not validate (nothing is written then).
 */
export async function addChannel(raw: Record<string, unknown>): Promise<void> {
  const f = raw as unknown as AddFlags;
  const channel = channelIdOf(f.channel);
  const account = blank("--account", f.account);
  const channels = await currentChannels();
  const root = ownBlock(channels, channel);
  const where = accountPath(channel, root, account);
  const values = credentialValues(channel, f);
  const isDefault = where.accountId === "default";
  if (f.useEnv && !isDefault) {
    throw usage(
      `--use-env works only for the default account: ${ENV_NAMES.get(channel) ?? "the env"} ` +
        `feeds no account named ${where.accountId}`,
      `Pass the token instead: openclaw channels add --channel ${channel} --account ` +
        `${where.accountId} --token <token>`,
    );
  }
  if (f.useEnv && !ENV_NAMES.has(channel)) {
    throw usage(`--use-env does not apply to ${channel}: it has no token variable`);
  }
  if (values.length === 0 && !f.useEnv && !hasCredentials(channel, where.block)) {
    const how = channel === "qqbot"
      ? '--token "AppID:AppSecret"'
      : channel === "feishu"
      ? "--app-id <id> --app-secret <secret>"
      : "--token <token> (or --token-file <path>, or --use-env)";
    throw usage(`Cannot add ${channel}: no credentials given`, `Pass ${how}`);
  }
  if (f.dmPolicy !== undefined && !DM_POLICIES.includes(f.dmPolicy)) {
    throw usage(`Invalid --dm-policy "${f.dmPolicy}"`, `Use one of: ${DM_POLICIES.join(", ")}`);
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
  if (f.name !== undefined) edits.push(set("name", f.name));
  if (f.apiRoot !== undefined) edits.push(set("apiRoot", blank("--api-root", f.apiRoot)));
  if (f.dmPolicy !== undefined) edits.push(set("dmPolicy", f.dmPolicy));
  if (f.allowFrom !== undefined) {
    edits.push(set("allowFrom", f.allowFrom.split(",").map((s) => s.trim()).filter(Boolean)));
  }
  if (root?.enabled === false) {
    edits.push({ op: "set", path: ["channels", channel, "enabled"], value: true });
  }
  if (where.block?.enabled === false && where.path.length > 2) edits.push(set("enabled", true));
  // A block must exist even with nothing to set (WhatsApp before its QR login, or --use-env).
  if (edits.length === 0 && !where.block) edits.push(set("enabled", true));
  const outcome = await write(edits);
  const keys = edits.filter((e) => e.path.length === where.path.length + 1)
    .map((e) => String(e.path[e.path.length - 1]));
  const file = shortenHome(outcome.configPath);
  if (f.json) {
    printJson({
      ok: true,
      action: where.block ? "updated" : "added",
      channel,
      accountId: where.accountId,
      keys,
      changed: outcome.changed,
      configPath: outcome.configPath,
    });
    return;
  }
  const what = `${channel}${isDefault ? "" : ` account ${where.accountId}`}`;
  if (!outcome.changed) {
    printLine(`No change: ${what} already has these settings in ${file}.`);
    return;
  }
  printLine(`${where.block ? "Updated" : "Added"} ${what} in ${file} (${keys.join(", ")}).`);
  if (f.useEnv) {
    printLine(`The token comes from ${ENV_NAMES.get(channel)} in the gateway's environment.`);
  }
  printLine(
    "A running gateway restarts only this channel. Check it with: openclaw channels status --probe",
  );
}

/**
 * `channels remove`: disables the channel (or one account), or deletes its block with
 * `--delete`.
 *
 * @throws {OpenClawError} `CHANNEL_NOT_FOUND` when the channel or account is not configured.
 */
export async function removeChannel(raw: Record<string, unknown>): Promise<void> {
  const f = raw as unknown as RemoveFlags;
  const channel = f.channel.trim().toLowerCase();
  if (channel === "" || ["defaults", "modelbychannel"].includes(channel)) {
    throw usage(`Invalid --channel "${f.channel}"`, "Run: openclaw channels list");
  }
  const account = blank("--account", f.account);
  const channels = await currentChannels();
  const rootKey = Object.keys(channels ?? {}).find((k) => k.toLowerCase() === channel);
  const root = rootKey ? ownBlock(channels, rootKey) : undefined;
  if (!rootKey || !root) {
    throw new OpenClawError(
      "CHANNEL_NOT_FOUND",
      `Cannot remove ${channel}: it is not configured in ${shortenHome(resolveConfigPath())}`,
      { hint: "Run: openclaw channels list" },
    );
  }
  const where = accountPath(rootKey, root, account);
  if (!where.block) {
    throw new OpenClawError(
      "CHANNEL_NOT_FOUND",
      `Cannot remove account ${where.accountId} of ${channel}: it is not configured`,
      { hint: "Run: openclaw channels list" },
    );
  }
  const edits: ConfigEdit[] = f.delete
    ? [{ op: "unset", path: where.path }]
    : [{ op: "set", path: [...where.path, "enabled"], value: false }];
  const outcome = await write(edits);
  const what = `${channel}${where.path.length > 2 ? ` account ${where.accountId}` : ""}`;
  const file = shortenHome(outcome.configPath);
  if (f.json) {
    printJson({
      ok: true,
      action: f.delete ? "deleted" : "disabled",
      channel,
      accountId: where.accountId,
      changed: outcome.changed,
      configPath: outcome.configPath,
    });
    return;
  }
  if (f.delete) {
    printLine(`Deleted ${what} from ${file}.`);
    printLine("Its pairing approvals stay in the state directory; a running gateway stops it.");
  } else if (!outcome.changed) {
    printLine(`${what} is already disabled in ${file}.`);
  } else {
    printLine(`Disabled ${what} in ${file} (enabled: false; settings kept).`);
    printLine(`Delete it instead with: openclaw channels remove --channel ${channel} --delete`);
  }
}
