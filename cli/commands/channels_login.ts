/**
 * `openclaw channels login --channel whatsapp [--account A]` and `channels logout`.
 *
 * Login: with a local gateway running, the login runs inside it (RPC `web.login.start` /
 * `web.login.wait`, the same routine as the dashboard's), each QR code is drawn in the terminal,
 * and once the phone has scanned the gateway restarts the channel, which connects with the new
 * session. With no gateway answering, the CLI links the account itself (the session lands under
 * the state dir; the gateway connects it when it starts). Logout: `channels.logout` on a running
 * gateway (which unlinks through the live socket -- a second one would replace it), else the
 * session is unlinked and deleted from here.
 *
 * QR codes go to stdout, or to stderr with `--json` so stdout holds only the result.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import type { GatewayClient } from "../../lib/rpc/client.ts";
import { printErr, printJson, printLine } from "../output.ts";
import { type RpcFlags, timeoutMs } from "./rpc_options.ts";

/** Flags of `channels login` / `channels logout`. */
export type LoginFlags = RpcFlags & {
  channel: string;
  account?: string;
  force?: boolean;
  verbose?: boolean;
};

/** What `web.login.start` / `web.login.wait` answer (gateway/channels/web_login.ts). */
interface LoginView {
  accountId: string;
  sessionKey?: string;
  connected: boolean;
  status: string;
  message: string;
  qr?: string;
  qrIndex?: number;
  e164?: string;
}

/** One `web.login.wait` call waits this long; the loop ends when the gateway says so. */
const WAIT_SLICE_MS = 25_000;
/** The whole login, at most (WhatsApp rotates codes for about three minutes). */
const LOGIN_BUDGET_MS = 240_000;

function checkChannel(flags: LoginFlags, verb: string): string {
  const channel = flags.channel.trim().toLowerCase();
  if (channel !== "whatsapp") {
    throw new OpenClawError(
      "CHANNEL_LOGIN_UNSUPPORTED",
      `Cannot ${verb} ${channel}: only WhatsApp links by QR code`,
      {
        exitCode: ExitCode.usage,
        hint: `Add its credentials with openclaw channels add --channel ${channel}`,
      },
    );
  }
  return channel;
}

async function showQr(qr: string, json: boolean | undefined): Promise<void> {
  const { renderQrTerminal } = await import("../../lib/channels/whatsapp/qr.ts");
  const print = json ? printErr : printLine;
  print(
    "Scan this QR code with WhatsApp \u2192 Settings \u2192 Linked devices \u2192 Link a device:",
  );
  print(renderQrTerminal(qr));
}

/** Runs `fn` against the local gateway, or `local()` when none answers. */
async function viaGateway<T>(
  flags: LoginFlags,
  remote: (client: GatewayClient) => Promise<T>,
  local: (config: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  const { resolveGatewayTarget } = await import("../../lib/rpc/target.ts");
  const { CLI_CLIENT, connectTarget, withConfigProblemHint } = await import(
    "../../lib/rpc/session.ts"
  );
  const target = await resolveGatewayTarget(flags);
  let client: GatewayClient;
  try {
    client = await connectTarget(target, CLI_CLIENT, timeoutMs(flags));
  } catch (err) {
    if (target.isLocal && err instanceof OpenClawError && err.code === "GATEWAY_UNREACHABLE") {
      return await local(target.config);
    }
    throw withConfigProblemHint(err, target);
  }
  await using _client = client;
  return await remote(client);
}

/** The account's `authDir` from a loosely read config (a named account, else the root). */
function authDirOf(config: Record<string, unknown>, accountId: string): string | undefined {
  const block = (config.channels as Record<string, unknown> | undefined)?.whatsapp as
    | Record<string, unknown>
    | undefined;
  const accounts = block?.accounts as Record<string, Record<string, unknown>> | undefined;
  const account = accounts && Object.hasOwn(accounts, accountId) ? accounts[accountId] : undefined;
  const dir = account?.authDir ?? block?.authDir;
  return typeof dir === "string" && dir.trim() !== "" ? dir.trim() : undefined;
}

async function loginThroughGateway(client: GatewayClient, flags: LoginFlags): Promise<LoginView> {
  const accountId = flags.account?.trim();
  const base = { channel: "whatsapp", ...(accountId ? { accountId } : {}) };
  let view = await client.call<LoginView>(
    "web.login.start",
    { ...base, force: flags.force === true, timeoutMs: WAIT_SLICE_MS },
    { timeoutMs: WAIT_SLICE_MS + 10_000 },
  );
  const deadline = Date.now() + LOGIN_BUDGET_MS;
  let shown = 0;
  while (!view.connected) {
    if (view.qr && (view.qrIndex ?? 0) > shown) {
      await showQr(view.qr, flags.json);
      shown = view.qrIndex ?? shown + 1;
    } else if (flags.verbose) {
      (flags.json ? printErr : printLine)(view.message);
    }
    if (Date.now() > deadline) {
      throw new OpenClawError("WHATSAPP_LOGIN_TIMEOUT", "WhatsApp login timed out", {
        hint: "Run openclaw channels login --channel whatsapp again",
      });
    }
    view = await client.call<LoginView>(
      "web.login.wait",
      { ...base, sessionKey: view.sessionKey, qrIndex: shown, timeoutMs: WAIT_SLICE_MS },
      { timeoutMs: WAIT_SLICE_MS + 10_000 },
    );
  }
  return view;
}

async function loginHere(config: Record<string, unknown>, flags: LoginFlags): Promise<LoginView> {
  const { startWhatsAppLogin } = await import("../../lib/channels/whatsapp/login.ts");
  const { resolveStateDir } = await import("../../lib/paths.ts");
  const accountId = flags.account?.trim() || "default";
  const authDir = authDirOf(config, accountId);
  const login = startWhatsAppLogin({
    stateDir: resolveStateDir(),
    accountId,
    ...(authDir ? { authDir } : {}),
    force: flags.force === true,
    env: Deno.env.toObject(),
    onQr: (qr) => showQr(qr.qr, flags.json),
  });
  const result = await login.result;
  const who = result.e164 ?? result.jid;
  return {
    accountId: result.accountId,
    connected: true,
    status: result.status,
    message: result.status === "already-linked"
      ? `Already linked to ${who} (pass --force to link again)`
      : `Linked to ${who}; the gateway connects it when it starts (openclaw gateway)`,
    ...(result.e164 ? { e164: result.e164 } : {}),
  };
}

/** `channels login`. */
export async function loginCommand(flags: LoginFlags): Promise<void> {
  checkChannel(flags, "log in to");
  let via: "gateway" | "cli" = "gateway";
  const view = await viaGateway(
    flags,
    (client) => loginThroughGateway(client, flags),
    (config) => {
      via = "cli";
      return loginHere(config, flags);
    },
  );
  if (flags.json) {
    printJson({ ok: true, channel: "whatsapp", via, ...view });
    return;
  }
  printLine(`WhatsApp ${view.accountId}: ${view.message}`);
}

/** What `channels.logout` answers. */
interface LogoutView {
  accountId: string;
  wasLinked: boolean;
  cleared: boolean;
  unlinkedOnPhone?: boolean;
}

/** `channels logout`. */
export async function logoutCommand(flags: LoginFlags): Promise<void> {
  checkChannel(flags, "log out of");
  const accountId = flags.account?.trim() || undefined;
  const view = await viaGateway(
    flags,
    (client) =>
      client.call<LogoutView>("channels.logout", {
        channel: "whatsapp",
        ...(accountId ? { accountId } : {}),
      }, { timeoutMs: timeoutMs(flags) + 20_000 }),
    async (config) => {
      const { logoutWhatsApp } = await import("../../lib/channels/whatsapp/logout.ts");
      const { resolveStateDir } = await import("../../lib/paths.ts");
      const id = accountId ?? "default";
      const authDir = authDirOf(config, id);
      return await logoutWhatsApp({
        stateDir: resolveStateDir(),
        accountId: id,
        ...(authDir ? { authDir } : {}),
        env: Deno.env.toObject(),
      });
    },
  );
  if (flags.json) {
    printJson({ ok: true, channel: "whatsapp", ...view });
    return;
  }
  if (!view.wasLinked) {
    printLine(`WhatsApp ${view.accountId}: not linked (nothing to log out)`);
    return;
  }
  printLine(
    `WhatsApp ${view.accountId}: logged out` +
      (view.unlinkedOnPhone ? "" : " (the phone may list this device until it notices)"),
  );
}
