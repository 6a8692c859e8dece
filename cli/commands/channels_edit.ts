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
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import {
  channelAccountPath,
  type ChannelAddInput,
  channelEnvName,
  planChannelAdd,
} from "../../lib/onboard/channel_edits.ts";
import { resolveConfigPath, shortenHome } from "../../lib/paths.ts";
import { printJson, printLine } from "../output.ts";

/** `channels add` flags as commander parsed them. */
interface AddFlags extends ChannelAddInput {
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

function usage(message: string, hint?: string): OpenClawError {
  return new OpenClawError("USAGE", message, { exitCode: ExitCode.usage, hint });
}

function asBlock(v: unknown): Block | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Block : undefined;
}

function ownBlock(parent: Block | undefined, key: string): Block | undefined {
  return parent && Object.hasOwn(parent, key) ? asBlock(parent[key]) : undefined;
}

function blank(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") throw usage(`${flag} must not be blank`);
  return value?.trim();
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
  const plan = planChannelAdd(await currentChannels(), f);
  const { channel, isDefault, accountId, keys } = plan;
  const outcome = await write(plan.edits);
  const file = shortenHome(outcome.configPath);
  if (f.json) {
    printJson({
      ok: true,
      action: plan.existed ? "updated" : "added",
      channel,
      accountId,
      keys,
      changed: outcome.changed,
      configPath: outcome.configPath,
    });
    return;
  }
  const what = `${channel}${isDefault ? "" : ` account ${accountId}`}`;
  if (!outcome.changed) {
    printLine(`No change: ${what} already has these settings in ${file}.`);
    return;
  }
  printLine(`${plan.existed ? "Updated" : "Added"} ${what} in ${file} (${keys.join(", ")}).`);
  if (f.useEnv) {
    printLine(`The token comes from ${channelEnvName(channel)} in the gateway's environment.`);
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
  const where = channelAccountPath(rootKey, root, account);
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
