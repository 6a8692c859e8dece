/**
 * `openclaw channels`: the chat channels (Telegram, Discord, WhatsApp, Feishu, QQ).
 *
 * - `channels list [--all] [--json]`: channels and accounts from the config -- enabled, whether
 *   credentials are present and where they come from (never their value).
 * - `channels status [--channel C] [--probe] [--json]`: each account's live state from the
 *   running gateway (RPC `channels.status`): configured, running, connected, last message in and
 *   out, last error, probe result, failed replies. With the gateway down it says so and shows
 *   what the config says.
 * - `channels add` / `channels remove`: write the config with its comments kept
 *   (channels_edit.ts); a running gateway applies the change without a restart.
 * - `channels login --channel whatsapp [--account A]` / `channels logout`: link a WhatsApp
 *   account by QR code in the terminal, or unlink it (channels_login.ts) -- through the running
 *   gateway when there is one, which then restarts the channel.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { printJson, printLine } from "../output.ts";
import { act } from "../program.ts";
import type { ConfigChannelView } from "./_channel_view.ts";
import type { LoginFlags } from "./channels_login.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";
import {
  type ChannelsStatusView,
  formatChannelStatus,
  NO_CHANNELS_LINE,
} from "./channels_status_format.ts";

/** Registers `channels` and its sub-commands. */
export function register(program: CommandUnknownOpts): void {
  const channels = program.command("channels")
    .description("Chat channels: list, status, add, remove, login, logout");

  channels.command("list")
    .description("Configured channels and accounts (credentials shown by source only)")
    .option("--all", "Also list the supported channels that are not configured")
    .option("--json", "Print JSON")
    .action(act(listCommand));

  addRpcOptions(
    channels.command("status")
      .description("Live state of each channel account from the running gateway")
      .option("--channel <id>", "Only this channel")
      .option("--probe", "Also run each account's active check (token, permissions)"),
  ).action(act(statusCommand));

  channels.command("add")
    .description("Add or update a channel account in the config (comments kept)")
    .requiredOption("--channel <id>", "telegram | discord | whatsapp | feishu | qqbot")
    .option("--account <id>", "Account id (default: the channel's default account)")
    .option("--name <name>", "Display name of the account")
    .option("--token <token>", 'Bot token (QQ: "AppID:AppSecret")')
    .option("--bot-token <token>", "Bot token (Telegram's key name)")
    .option("--token-file <path>", "Read the token from this file at start")
    .option("--use-env", "Take the token from the environment (default account only)")
    .option("--app-id <id>", "App id (Feishu, QQ)")
    .option("--app-secret <secret>", "App secret (Feishu, QQ)")
    .option("--auth-dir <path>", "WhatsApp: an existing login session directory")
    .option("--api-root <url>", "Telegram: a self-hosted Bot API server")
    .option("--dm-policy <policy>", "pairing | allowlist | open | disabled")
    .option("--allow-from <ids>", "Comma-separated senders allowed to DM")
    .option("--json", "Print JSON")
    .action(act(async (flags: Record<string, unknown>) => {
      const { addChannel } = await import("./channels_edit.ts");
      await addChannel(flags);
    }));

  addRpcOptions(
    channels.command("login")
      .description("Link an account by QR code (WhatsApp); the gateway then connects it")
      .requiredOption("--channel <id>", "whatsapp")
      .option("--account <id>", "Account id (default: the default account)")
      .option("--force", "Link again even when a session is stored")
      .option("--verbose", "Show each step of the login"),
  ).action(act(async (flags: LoginFlags) => {
    const { loginCommand } = await import("./channels_login.ts");
    await loginCommand(flags);
  }));

  addRpcOptions(
    channels.command("logout")
      .description("Unlink an account and delete its session (WhatsApp)")
      .requiredOption("--channel <id>", "whatsapp")
      .option("--account <id>", "Account id (default: the default account)"),
  ).action(act(async (flags: LoginFlags) => {
    const { logoutCommand } = await import("./channels_login.ts");
    await logoutCommand(flags);
  }));

  channels.command("remove")
    .description("Disable a channel account, or delete it from the config with --delete")
    .requiredOption("--channel <id>", "Channel id")
    .option("--account <id>", "Only this account")
    .option("--delete", "Delete the config block instead of disabling it")
    .option("--json", "Print JSON")
    .action(act(async (flags: Record<string, unknown>) => {
      const { removeChannel } = await import("./channels_edit.ts");
      await removeChannel(flags);
    }));
}

async function configViews(
  options: { all?: boolean; channel?: string },
): Promise<{ views: ConfigChannelView[]; configPath: string }> {
  const { readConfigLoosely } = await import("../../lib/rpc/target.ts");
  const { resolveConfigPath, resolveStateDir } = await import("../../lib/paths.ts");
  const { configChannelViews } = await import("./_channel_view.ts");
  const configPath = resolveConfigPath();
  const loose = await readConfigLoosely(configPath);
  if (loose.problem) {
    throw new OpenClawError("CONFIG_PARSE", `Cannot read ${configPath}: ${loose.problem.summary}`, {
      exitCode: ExitCode.config,
      hint: loose.problem.fix,
    });
  }
  // Loosely read: the channel views check every field they use.
  const views = configChannelViews(loose.config as OpenClawConfig, {
    env: Deno.env.toObject(),
    stateDir: resolveStateDir(),
    ...options,
  });
  return { views, configPath };
}

async function listCommand(flags: { all?: boolean; json?: boolean }): Promise<void> {
  const { views, configPath } = await configViews({ all: flags.all });
  if (flags.json) {
    printJson({ configPath, channels: views });
    return;
  }
  printLine("Chat channels:");
  if (views.length === 0) printLine(NO_CHANNELS_LINE);
  for (const v of views) {
    if (!v.present) {
      printLine(`- ${v.label} (${v.id}): not configured`);
      continue;
    }
    for (const a of v.accounts) printLine(`- ${configLine(v, a)}`);
  }
  if (views.every((v) => !v.present)) {
    printLine("");
    printLine("Add one with: openclaw channels add --channel telegram --token <bot-token>");
  }
}

function configLine(v: ConfigChannelView, a: ConfigChannelView["accounts"][number]): string {
  const bits = [
    a.enabled ? "enabled" : "disabled",
    a.configured ? "configured" : "not configured",
    ...(a.linked === undefined ? [] : [a.linked ? "linked" : "not linked"]),
    ...(a.isDefault && v.accounts.length > 1 ? ["default account"] : []),
    `dm:${a.dmPolicy}`,
    ...(v.id === "whatsapp" ? [] : [`token:${a.credentialSource}`]),
  ];
  return `${v.label} ${a.accountId}${a.name ? ` (${a.name})` : ""}: ${bits.join(", ")}`;
}

type StatusFlags = RpcFlags & { channel?: string; probe?: boolean };

async function statusCommand(flags: StatusFlags): Promise<void> {
  const { resolveGatewayTarget } = await import("../../lib/rpc/target.ts");
  const { connectTarget, withConfigProblemHint } = await import("../../lib/rpc/session.ts");
  const { GatewayRpcError } = await import("../../lib/rpc/client.ts");
  const { READ_SCOPE } = await import("../../lib/protocol/scopes.ts");
  const target = await resolveGatewayTarget(flags);
  const timeout = timeoutMs(flags);
  let result: ChannelsStatusView;
  try {
    await using client = await connectTarget(
      target,
      { clientId: "cli", clientMode: "cli", scopes: [READ_SCOPE] },
      timeout,
    );
    result = await client.call<ChannelsStatusView>("channels.status", {
      ...(flags.probe ? { probe: true, timeoutMs: Math.min(timeout, 120_000) } : {}),
      ...(flags.channel ? { channel: flags.channel.trim().toLowerCase() } : {}),
    }, { timeoutMs: timeout + 5_000 });
  } catch (err) {
    const down = err instanceof OpenClawError && err.code === "GATEWAY_UNREACHABLE";
    const old = err instanceof GatewayRpcError && /^unknown method: /.test(err.shape.message);
    if (!down && !old) throw withConfigProblemHint(err, target);
    const why = down ? "not reachable" : "does not serve channels.status (older build)";
    await printConfigOnly(flags, target.url, why, err instanceof Error ? err.message : String(err));
    return;
  }
  if (flags.json) {
    printJson({ gatewayReachable: true, ...result });
    return;
  }
  for (const line of formatChannelStatus(result, Date.now())) printLine(line);
}

async function printConfigOnly(
  flags: StatusFlags,
  url: string,
  why: string,
  error: string,
): Promise<void> {
  const { views, configPath } = await configViews({ channel: flags.channel });
  if (flags.json) {
    printJson({
      gatewayReachable: false,
      gateway: { url, error },
      configOnly: true,
      configPath,
      channels: views,
    });
    return;
  }
  printLine(`Gateway ${why}; showing config-only status.`);
  printLine(`(${error})`);
  if (views.length === 0) printLine(NO_CHANNELS_LINE);
  for (const v of views) for (const a of v.accounts) printLine(`- ${configLine(v, a)}`);
  printLine("");
  printLine("Start the gateway for live state: openclaw gateway (or: openclaw gateway start)");
}
