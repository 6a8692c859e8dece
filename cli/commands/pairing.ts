/**
 * `openclaw pairing`: DM senders waiting for the owner's approval.
 *
 * - `pairing list [channel] [--channel C] [--account A] [--json]` shows pending requests with
 *   their codes and when they expire.
 * - `pairing approve <channel> <code>` (or `approve <code>` when one pairing channel is
 *   configured) lets the sender chat; `--notify` has the running gateway tell them.
 * - `pairing reject <channel> <code>` drops the request; the sender may ask again.
 *
 * Each goes through the running gateway (`channels.pairing.*` RPC) and, when no local gateway
 * answers, works directly on the pairing files in the state directory -- stock lets the owner
 * approve with the gateway down, and the approval applies when it starts.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { PairingListResult, PairingRequestView } from "../../lib/channels/pairing_admin.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import type { GatewayClient } from "../../lib/rpc/client.ts";
import type { ClientIdentity } from "../../lib/rpc/session.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { PAIRING_SCOPE } from "../../lib/protocol/scopes.ts";
import { formatTable, printErr, printJson, printLine } from "../output.ts";
import { act } from "../program.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";

interface PairingFlags extends RpcFlags {
  channel?: string;
  account?: string;
  notify?: boolean;
}

/** The CLI asks only for what pairing needs (stock's least-privilege CLI scope). */
const PAIRING_CLIENT: ClientIdentity = {
  clientId: "cli",
  clientMode: "cli",
  scopes: [PAIRING_SCOPE],
};

/** Registers `pairing` and its sub-commands. */
export function register(program: CommandUnknownOpts): void {
  const pairing = program.command("pairing")
    .description("DM pairing: list, approve or reject senders waiting for access");
  const common = <C extends CommandUnknownOpts>(cmd: C): C => {
    cmd.option("--channel <channel>", "Channel id (telegram, discord, \u2026)")
      .option("--account <id>", "Channel account (default: every account)");
    return addRpcOptions(cmd);
  };
  common(
    pairing.command("list").argument("[channel]", "Only this channel")
      .description("List pending pairing requests with their codes"),
  ).action(act(listCommand));
  common(
    pairing.command("approve").argument("<codeOrChannel>", "Channel id, or the code alone")
      .argument("[code]", "Pairing code from the bot's reply")
      .description("Approve a sender: their next message gets a reply")
      .option("--notify", "Have the running gateway tell the sender they were approved"),
  ).action(
    act((a: string, b: string | undefined, flags: PairingFlags) =>
      decideCommand("approve", a, b, flags)
    ),
  );
  common(
    pairing.command("reject").argument("<codeOrChannel>", "Channel id, or the code alone")
      .argument("[code]", "Pairing code from the bot's reply")
      .description("Reject a pending request (the sender may ask again later)"),
  ).action(
    act((a: string, b: string | undefined, flags: PairingFlags) =>
      decideCommand("reject", a, b, flags)
    ),
  );
}

function usage(message: string, hint?: string): OpenClawError {
  return new OpenClawError("USAGE", message, { exitCode: ExitCode.usage, hint });
}

function accountOf(flags: PairingFlags): string | undefined {
  if (flags.account === undefined) return undefined;
  if (flags.account.trim() === "") throw usage("--account must not be blank");
  return flags.account.trim();
}

/**
 * What the local fallback needs. The config is the loosely read one (no schema load): the
 * channel views (lib/channels/config_view.ts) check every field they read, so it serves as the
 * typed config there.
 */
interface LocalPairing {
  stateDir: string;
  config: Record<string, unknown>;
}

/**
 * Runs `remote` on the gateway, or `local` on the files when no local gateway answers (or it is
 * an older build without the pairing methods). A remote gateway that is down is an error: its
 * files are on another machine.
 */
async function viaGatewayOrFiles<T>(
  flags: PairingFlags,
  remote: (client: GatewayClient) => Promise<T>,
  local: (ctx: LocalPairing) => Promise<T>,
): Promise<{ value: T; via: "gateway" | "files" }> {
  const { resolveGatewayTarget } = await import("../../lib/rpc/target.ts");
  const { connectTarget, withConfigProblemHint } = await import("../../lib/rpc/session.ts");
  const { GatewayRpcError } = await import("../../lib/rpc/client.ts");
  const { resolveStateDir } = await import("../../lib/paths.ts");
  const target = await resolveGatewayTarget(flags);
  const files = () => local({ stateDir: resolveStateDir(), config: target.config });
  let client: GatewayClient;
  try {
    client = await connectTarget(target, PAIRING_CLIENT, timeoutMs(flags));
  } catch (err) {
    if (target.isLocal && err instanceof OpenClawError && err.code === "GATEWAY_UNREACHABLE") {
      return { value: await files(), via: "files" };
    }
    throw withConfigProblemHint(err, target);
  }
  await using _client = client;
  try {
    return { value: await remote(client), via: "gateway" };
  } catch (err) {
    if (
      target.isLocal && err instanceof GatewayRpcError &&
      /^unknown method: /.test(err.shape.message)
    ) {
      return { value: await files(), via: "files" };
    }
    throw pairingErrorOf(err, GatewayRpcError);
  }
}

/** A refusal the gateway explained (`details.code` PAIRING_*) reads like the local one. */
function pairingErrorOf(
  err: unknown,
  rpcError: typeof import("../../lib/rpc/client.ts").GatewayRpcError,
): unknown {
  if (!(err instanceof rpcError)) return err;
  const details = err.shape.details as { code?: unknown; hint?: unknown } | undefined;
  if (typeof details?.code !== "string" || !details.code.startsWith("PAIRING_")) return err;
  return new OpenClawError(details.code, err.shape.message, {
    hint: typeof details.hint === "string" ? details.hint : undefined,
  });
}

async function localStore(stateDir: string) {
  const { ChannelPairing } = await import("../../lib/channels/pairing.ts");
  return new ChannelPairing({ stateDir });
}

async function listCommand(channelArg: string | undefined, flags: PairingFlags): Promise<void> {
  if (channelArg && flags.channel && channelArg !== flags.channel) {
    throw usage(`Two channels given: "${channelArg}" and --channel "${flags.channel}"`);
  }
  const channel = channelArg ?? flags.channel;
  const accountId = accountOf(flags);
  const { value: list } = await viaGatewayOrFiles<PairingListResult>(
    flags,
    (client) =>
      client.call("channels.pairing.list", {
        ...(channel ? { channel } : {}),
        ...(accountId ? { accountId } : {}),
        includeCodes: true,
      }),
    async ({ stateDir, config }) => {
      const { listPairing } = await import("../../lib/channels/pairing_admin.ts");
      return await listPairing(await localStore(stateDir), config as OpenClawConfig, stateDir, {
        channel,
        accountId,
        includeCodes: true,
      });
    },
  );
  if (flags.json) {
    printJson(list);
    return;
  }
  printRequests(list.requests, channel);
}

function ago(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 1) return "just now";
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function printRequests(requests: readonly PairingRequestView[], channel?: string): void {
  if (requests.length === 0) {
    printLine(`No pending pairing requests${channel ? ` on ${channel.toLowerCase()}` : ""}.`);
    return;
  }
  const now = Date.now();
  const rows = [["CHANNEL", "ACCOUNT", "CODE", "SENDER", "ASKED", "EXPIRES"]];
  for (const r of requests) {
    const sender = r.senderLabel === r.senderId ? r.senderId : `${r.senderLabel} [${r.senderId}]`;
    rows.push([
      r.channel,
      r.accountId,
      r.code ?? "-",
      sender,
      `${ago(now - r.createdAt)}${now - r.createdAt >= 60_000 ? " ago" : ""}`,
      `in ${ago(Math.max(0, r.expiresAt - now))}`,
    ]);
  }
  printLine(`Pending pairing requests: ${requests.length}`);
  printLine(formatTable(rows));
  const first = requests[0];
  printLine("");
  printLine(`Approve with: openclaw pairing approve ${first.channel} <code>`);
}

/** `approve <channel> <code>`, `approve <code> --channel C`, or `approve <code>` alone. */
function channelAndCode(
  a: string,
  b: string | undefined,
  flags: PairingFlags,
  verb: string,
  pairingChannels: () => string[],
): { channel: string; code: string } {
  if (b !== undefined) {
    if (flags.channel && flags.channel.toLowerCase() !== a.toLowerCase()) {
      throw usage(`Two channels given: "${a}" and --channel "${flags.channel}"`);
    }
    return { channel: a, code: b };
  }
  if (flags.channel) return { channel: flags.channel, code: a };
  const channels = pairingChannels();
  if (channels.length === 1) return { channel: channels[0], code: a };
  throw usage(
    channels.length === 0
      ? `Cannot tell which channel code ${a} is for: no pairing channel is configured`
      : `Cannot tell which channel code ${a} is for: ${channels.join(", ")} all use pairing`,
    `Name it: openclaw pairing ${verb} <channel> ${a}`,
  );
}

interface DecisionResult {
  requestId: string;
  senderId: string;
  channel: string;
  accountId: string;
  notification?: string;
  commandOwnerBootstrap?: string;
}

async function decideCommand(
  verb: "approve" | "reject",
  a: string,
  b: string | undefined,
  flags: PairingFlags,
): Promise<void> {
  const accountId = accountOf(flags);
  const { pairingChannelsOf } = await import("../../lib/channels/pairing_admin.ts");
  const { resolveStateDir } = await import("../../lib/paths.ts");
  const { readConfigLoosely } = await import("../../lib/rpc/target.ts");
  const stateDir = resolveStateDir();
  const { config } = await readConfigLoosely();
  const { channel, code } = channelAndCode(
    a,
    b,
    flags,
    verb,
    () => pairingChannelsOf(config as OpenClawConfig, stateDir),
  );
  const method = verb === "approve" ? "channels.pairing.approve" : "channels.pairing.dismiss";
  const { value: result, via } = await viaGatewayOrFiles<DecisionResult>(
    flags,
    (client) =>
      client.call(method, {
        channel,
        code,
        ...(accountId ? { accountId } : {}),
        ...(verb === "approve" && flags.notify ? { notify: true } : {}),
      }),
    async ({ stateDir }) => {
      const admin = await import("../../lib/channels/pairing_admin.ts");
      const run = verb === "approve" ? admin.approvePairing : admin.rejectPairing;
      const done = await run(await localStore(stateDir), stateDir, channel, {
        code,
        accountId,
      }, Date.now());
      return {
        requestId: done.requestId,
        senderId: done.senderId,
        channel: done.channel,
        accountId: done.accountId,
        ...(verb === "approve"
          ? {
            notification: flags.notify ? "unsupported" : "not-requested",
            commandOwnerBootstrap: "not-requested",
          }
          : {}),
      };
    },
  );
  if (flags.json) {
    printJson({ ok: true, action: verb, ...result, code: code.trim().toUpperCase(), via });
    return;
  }
  const who = `${result.channel} sender ${result.senderId}` +
    (result.accountId !== "default" ? ` (account ${result.accountId})` : "");
  if (verb === "reject") {
    printLine(`Rejected ${who}.`);
    return;
  }
  printLine(`Approved ${who}: their next message gets a reply.`);
  if (via === "files") {
    printLine("The gateway is not running; the approval is saved and applies when it starts.");
  }
  if (result.notification === "sent") printLine("They were told that access was approved.");
  else if (flags.notify) {
    printErr(
      `Not notified (${result.notification}): ${
        via === "files"
          ? "the gateway is not running"
          : `${result.channel} cannot message them right now`
      }.`,
    );
  }
}
