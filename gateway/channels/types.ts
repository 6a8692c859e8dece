/**
 * The shapes of the gateway's channel layer: what a platform module exports (a factory of
 * adapters, loaded lazily by registry.ts), what it gets to build one, and the control the
 * gateway state exposes as `state.channels` (status for `channels.status` and `health`, the
 * kept failed replies).
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import type { Clock } from "../../lib/clock.ts";
import type {
  ChannelAccountConfig,
  ChannelAccountSnapshot,
  ChannelAdapter,
  ChannelStatusIssue,
  InboundMessage,
  OutboundTarget,
} from "../../lib/channels/types.ts";
import type { Env } from "../../lib/paths.ts";
import type { WebLogins } from "./web_login.ts";

/** A running adapter, with "typing..." kept up while a turn runs. */
export interface PlatformAdapter extends ChannelAdapter {
  /** Shows "typing..." in `target` until `signal` aborts; never throws. */
  keepTyping(target: OutboundTarget, signal: AbortSignal): void;
  /** Unlinks the account through the running transport and deletes its session (WhatsApp). */
  logout?(): Promise<PlatformLogoutResult>;
  /** An HTTP endpoint the gateway serves for this account (Feishu webhook mode). */
  readonly webhook?: PlatformWebhook;
}

/** An HTTP endpoint of a running account, mounted on the gateway's port. */
export interface PlatformWebhook {
  /** The exact path (`/feishu/events`). */
  readonly path: string;
  /** Answers the platform's request (signature checks, decryption and the event). */
  handler(request: Request): Promise<Response>;
}

/** What a logout did. */
export interface PlatformLogoutResult {
  /** A session was stored. */
  wasLinked: boolean;
  /** Its files were deleted. */
  cleared: boolean;
  /** The platform was told to forget this device. */
  unlinkedOnPhone?: boolean;
}

/** A QR code of a login, for a terminal (`qr`, the raw text) and the dashboard (`dataUrl`). */
export interface PlatformLoginQr {
  qr: string;
  dataUrl: string;
  /** 1, 2, ... as the platform rotates the code. */
  index: number;
}

/** A finished login. */
export interface PlatformLoginResult {
  status: "linked" | "already-linked";
  accountId: string;
  jid?: string;
  e164?: string;
  name?: string;
}

/** A running QR login (WhatsApp's `startWhatsAppLogin`). */
export interface PlatformLogin {
  readonly result: Promise<PlatformLoginResult>;
  /** The code shown now, while the login waits for a scan. */
  readonly qr: PlatformLoginQr | undefined;
  /** The next code after `afterIndex`, or `undefined` once the login ended. */
  waitForQr(afterIndex?: number): Promise<PlatformLoginQr | undefined>;
  cancel(reason?: string): Promise<void>;
}

/** What a platform gets to start a login or a logout of one account. */
export interface PlatformSessionInput {
  account: ChannelAccountConfig;
  stateDir: string;
  env: Env;
  clock: Clock;
  log: Logger;
  /** Link again even when a session is stored. */
  force?: boolean;
}

/** What a platform gets to build the adapter of one account. */
export interface PlatformInput {
  account: ChannelAccountConfig;
  /**
   * A credential of the account's block (`botToken`, `token`, ...): plain text, or a SecretRef
   * resolved from the gateway's secret snapshot; `undefined` when absent or unresolved.
   */
  credential(key: string): string | undefined;
  /** Where a credential came from: `config`, `secretRef`, `file` or `none`. */
  credentialSource(key: string): string;
  /** The gateway's environment (token fallbacks such as `TELEGRAM_BOT_TOKEN`). */
  env: Env;
  stateDir: string;
  clock: Clock;
  log: Logger;
}

/** One chat platform (one file under gateway/channels/platforms/). */
export interface ChannelPlatform {
  /** `Telegram`, `Discord`, ... */
  readonly label: string;
  /** `Telegram Bot`, ... */
  readonly detailLabel: string;
  /** The config key of the account's main credential (`botToken`, `token`). */
  readonly credentialKey: string;
  /** Builds the adapter of one account (nothing connects yet). */
  create(input: PlatformInput): PlatformAdapter | Promise<PlatformAdapter>;
  /** True when `to` (an outbound recipient) is a direct message, for `directPolicy: "block"`. */
  isDirect(to: string): boolean;
  /**
   * Reads an outbound recipient (`to` of a heartbeat/cron target, or a recorded last route):
   * the chat and the thread/topic in it.
   */
  parseTarget(to: string): OutboundTarget;
  /** Where a DM to `senderId` goes (the pairing approval notice). */
  directTarget(senderId: string): OutboundTarget;
  /** The recipient to record as a session's last route for a message it received. */
  replyTarget(message: InboundMessage): string;
  /**
   * Every reply names the message it answers, whatever `replyToMode` says (QQ: a passive reply
   * needs `msg_id`; without it the platform treats the answer as a rate-limited push).
   */
  readonly alwaysReplyTo?: boolean;
  /** Starts a QR login of one account (`channels login`, `web.login.*`); WhatsApp only. */
  startLogin?(input: PlatformSessionInput): Promise<PlatformLogin>;
  /** Logs an account out while its channel does not run (deletes the stored session). */
  logout?(input: PlatformSessionInput): Promise<PlatformLogoutResult>;
}

/** Options of `channels.status`. */
export interface ChannelsStatusOptions {
  /** Run each account's active check. */
  probe?: boolean;
  /** Deadline of each probe. @default 10000 */
  timeoutMs?: number;
  /** Only this channel. */
  channel?: string;
}

/** One channel's summary (health and `channels.status`). */
export interface ChannelSummary {
  configured: boolean;
  enabled: boolean;
  running: boolean;
  connected: boolean;
  lastError?: string;
  lastInboundAt?: number;
  lastOutboundAt?: number;
  pendingInbound: number;
  failedReplies: number;
  deadLetters: number;
}

/** An issue `channels.status` reports, with its channel and account. */
export interface ChannelsStatusIssue extends ChannelStatusIssue {
  channel: string;
  accountId: string;
}

/** The `channels.status` result (stock's shape). */
export interface ChannelsStatusResult {
  ts: number;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  channelDetailLabels: Record<string, string>;
  channelMeta: { id: string; label: string; detailLabel: string }[];
  channels: Record<string, ChannelSummary>;
  channelAccounts: Record<string, ChannelAccountSnapshot[]>;
  channelDefaultAccountId: Record<string, string>;
  statusIssues?: ChannelsStatusIssue[];
  warnings?: string[];
}

/** A kept reply as `channels.failed.list` shows it. */
export interface FailedReplyView {
  id: string;
  channel: string;
  accountId: string;
  target: OutboundTarget;
  chunks: number;
  attempts: number;
  exhausted: boolean;
  firstFailedAt: number;
  lastFailedAt: number;
  lastError: string;
}

/** What the gateway state offers about channels (`state.channels`). */
export interface ChannelsControl {
  /** The `channels.status` payload; probes when asked. */
  status(options?: ChannelsStatusOptions): Promise<ChannelsStatusResult>;
  /** The `channels` section of `health` (no network). */
  healthSummary(): Record<string, ChannelSummary & { accounts: Record<string, unknown> }>;
  /** Kept replies that could not be sent. */
  failedReplies(filter?: { channel?: string; accountId?: string }): FailedReplyView[];
  /** Resends kept replies now (exhausted ones included). */
  resendFailed(ids: readonly string[]): Promise<{ id: string; status: string; error?: string }[]>;
  /** Forgets kept replies. */
  dropFailed(ids: readonly string[]): Promise<number>;
  /** True when the account runs and can send a DM now (`pairing approve --notify`). */
  canNotifyPairing(channel: string, accountId: string): boolean;
  /** Sends `text` to the approved sender's DM; rejects when the send failed. */
  notifyPairingApproved(
    input: { channel: string; accountId: string; senderId: string; text: string },
  ): Promise<void>;
  /** The handler a running account serves at an HTTP path (Feishu webhook mode). */
  webhook(path: string): ((request: Request) => Promise<Response>) | undefined;
  /** Restarts one channel (all its accounts) from the running config. */
  restartChannel(channel: string): Promise<void>;
  /** QR logins (`web.login.*`) and logouts (`channels.logout`). */
  readonly logins: Pick<WebLogins, "start" | "wait" | "logout">;
}
