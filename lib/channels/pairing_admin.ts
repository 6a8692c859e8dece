/**
 * The operator's side of DM pairing, shared by the gateway's `channels.pairing.*` methods and the
 * CLI's `openclaw pairing` (which works on the same files when the gateway is down): list pending
 * requests in stock's RPC shape, approve or reject one by its code or its opaque `requestId`, and
 * say exactly why a code does not work (unknown, expired, malformed, wrong channel).
 *
 * The policy (codes, TTL, limits) and the files are pairing.ts and pairing_store.ts; this module
 * only adds the views and the error messages.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { OpenClawError } from "../errors.ts";
import {
  listAccountIds,
  listChannelIds,
  normalizeAccountId,
  resolveChannelAccount,
} from "./config_view.ts";
import {
  type ChannelPairing,
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  type PendingPairing,
} from "./pairing.ts";
import { credentialsDir, readPairingRequests } from "./pairing_store.ts";

/** Channels that hand out DM pairing codes (stock's list; QQ has no pairing). */
export const PAIRING_CHANNELS: ReadonlySet<string> = new Set([
  "discord",
  "feishu",
  "googlechat",
  "imessage",
  "irc",
  "line",
  "matrix",
  "mattermost",
  "msteams",
  "nextcloud-talk",
  "nostr",
  "signal",
  "slack",
  "sms",
  "synology-chat",
  "telegram",
  "twitch",
  "whatsapp",
  "zalo",
  "zalouser",
]);

const CHANNEL_LABELS: ReadonlyMap<string, string> = new Map([
  ["telegram", "Telegram"],
  ["discord", "Discord"],
  ["whatsapp", "WhatsApp"],
  ["feishu", "Feishu"],
  ["qqbot", "QQ Bot"],
  ["slack", "Slack"],
  ["signal", "Signal"],
  ["msteams", "Microsoft Teams"],
  ["googlechat", "Google Chat"],
  ["imessage", "iMessage"],
  ["matrix", "Matrix"],
]);

/**
 * The label people know a channel by (`Telegram`, `QQ Bot`); the id itself when unknown.
 *
 * @param channel A channel id.
 * @returns A display label.
 */
export function channelLabel(channel: string): string {
  return CHANNEL_LABELS.get(channel) ?? channel;
}

/** One channel account in `channels.pairing.list` (stock's shape). */
export interface PairingAccountView {
  channel: string;
  channelLabel: string;
  accountId: string;
  accountLabel?: string;
  notifySupported: boolean;
}

/** One pending request in `channels.pairing.list` (stock's shape; times are epoch ms). */
export interface PairingRequestView {
  requestId: string;
  channel: string;
  channelLabel: string;
  accountId: string;
  accountLabel?: string;
  senderId: string;
  senderLabel: string;
  metadata?: Record<string, string>;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  notifySupported: boolean;
  /** The human code; only when asked for (`includeCodes`), stock never sends it. */
  code?: string;
}

/** The `channels.pairing.list` result. */
export interface PairingListResult {
  accounts: PairingAccountView[];
  requests: PairingRequestView[];
  commandOwnerConfigured: boolean;
  limits: { pendingPerAccount: number; ttlMs: number };
}

/** Options of {@linkcode listPairing}. */
export interface ListPairingOptions {
  /** Only this channel. */
  channel?: string;
  /** Only this account (normalized here). */
  accountId?: string;
  /** Add each request's human code (the CLI prints it; stock's RPC does not send it). */
  includeCodes?: boolean;
  /** Whether the gateway can message a sender of this channel account now. @default never */
  canNotify?: (channel: string, accountId: string) => boolean;
}

const CHANNEL_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Checks and normalizes a channel id given by an operator for pairing.
 *
 * @param value The channel as typed (`Telegram`, ` discord `).
 * @returns The lowercase id.
 * @throws {OpenClawError} `PAIRING_CHANNEL_INVALID` for a malformed id, `PAIRING_UNSUPPORTED`
 *   for a channel without DM pairing (QQ).
 */
export function normalizePairingChannel(value: string): string {
  const channel = value.trim().toLowerCase();
  if (!CHANNEL_ID.test(channel)) {
    throw new OpenClawError(
      "PAIRING_CHANNEL_INVALID",
      `Cannot use channel "${value.slice(0, 40)}": expected an id like telegram or discord`,
      { hint: "Run: openclaw channels list" },
    );
  }
  if (!PAIRING_CHANNELS.has(channel)) {
    throw new OpenClawError(
      "PAIRING_UNSUPPORTED",
      `Cannot pair on ${channel}: it has no DM pairing codes`,
      {
        hint: channel === "qqbot"
          ? "QQ senders are allowed with channels.qqbot.allowFrom (their OpenIDs)"
          : `Channels with pairing: ${[...PAIRING_CHANNELS].slice(0, 4).join(", ")}, \u2026`,
      },
    );
  }
  return channel;
}

/**
 * The channels pairing applies to here: configured pairing-capable channels, plus any channel
 * that already has a pairing file (its requests stay visible after a config change).
 *
 * @param config The parsed config.
 * @param stateDir The state directory.
 * @returns Channel ids, configured ones first.
 */
export function pairingChannelsOf(config: OpenClawConfig, stateDir: string): string[] {
  const ids = listChannelIds(config).filter((id) => PAIRING_CHANNELS.has(id));
  try {
    for (const entry of Deno.readDirSync(credentialsDir(stateDir))) {
      const m = entry.isFile ? /^([a-z0-9][a-z0-9_-]*)-pairing\.json$/.exec(entry.name) : null;
      if (m && PAIRING_CHANNELS.has(m[1]) && !ids.includes(m[1])) ids.push(m[1]);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return ids;
}

function accountLabelOf(config: OpenClawConfig, channel: string, accountId: string) {
  return resolveChannelAccount(config, channel, accountId).name;
}

function senderLabelOf(p: PendingPairing): string {
  const name = p.meta.name?.trim() || p.meta.senderName?.trim();
  const username = p.meta.username?.trim() || p.meta.senderUsername?.trim();
  const handle = username ? `@${username.replace(/^@/, "")}` : undefined;
  if (name && handle) return `${name} (${handle})`;
  return name || handle || p.senderId;
}

function commandOwnerConfigured(config: OpenClawConfig): boolean {
  const commands = config.commands as Record<string, unknown> | undefined;
  const owners = commands && Object.hasOwn(commands, "ownerAllowFrom")
    ? commands.ownerAllowFrom
    : undefined;
  return Array.isArray(owners) && owners.some((o) => String(o).trim() !== "");
}

/**
 * Lists pending pairing requests (expired ones are dropped) in the shape of stock's
 * `channels.pairing.list`.
 *
 * @param pairing The pairing store of the state directory.
 * @param config The parsed config (accounts, labels, command owner).
 * @param stateDir The state directory (channels that only have a pairing file).
 * @param options Channel/account filter, codes, and who can be notified.
 * @returns Accounts, requests (oldest first), whether a command owner is set, and the limits.
 * @throws {OpenClawError} `PAIRING_CHANNEL_INVALID` / `PAIRING_UNSUPPORTED` for a bad channel,
 *   `PAIRING_STORE_INVALID` for an unreadable file.
 * @example
 * ```ts
 * const list = await listPairing(pairing, config, stateDir, { channel: "telegram" });
 * list.requests.map((r) => r.senderLabel);
 * ```
 */
export async function listPairing(
  pairing: ChannelPairing,
  config: OpenClawConfig,
  stateDir: string,
  options: ListPairingOptions = {},
): Promise<PairingListResult> {
  const channels = options.channel !== undefined
    ? [normalizePairingChannel(options.channel)]
    : pairingChannelsOf(config, stateDir);
  const accountFilter = options.accountId === undefined
    ? undefined
    : normalizeAccountId(options.accountId);
  const canNotify = options.canNotify ?? (() => false);
  const accounts: PairingAccountView[] = [];
  const requests: PairingRequestView[] = [];
  for (const channel of channels) {
    const pending = await pairing.list(channel, accountFilter);
    const ids = new Set(listAccountIds(config, channel));
    for (const p of pending) ids.add(p.accountId);
    for (const accountId of ids) {
      if (accountFilter !== undefined && accountId !== accountFilter) continue;
      const label = accountLabelOf(config, channel, accountId);
      accounts.push({
        channel,
        channelLabel: channelLabel(channel),
        accountId,
        ...(label ? { accountLabel: label } : {}),
        notifySupported: canNotify(channel, accountId),
      });
    }
    for (const p of pending) {
      const label = accountLabelOf(config, channel, p.accountId);
      const { accountId: _account, ...metadata } = p.meta;
      requests.push({
        requestId: p.requestId,
        channel,
        channelLabel: channelLabel(channel),
        accountId: p.accountId,
        ...(label ? { accountLabel: label } : {}),
        senderId: p.senderId,
        senderLabel: senderLabelOf(p),
        ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
        createdAt: p.createdAt,
        lastSeenAt: p.lastSeenAt,
        expiresAt: p.expiresAt,
        notifySupported: canNotify(channel, p.accountId),
        ...(options.includeCodes ? { code: p.code } : {}),
      });
    }
  }
  requests.sort((a, b) => a.createdAt - b.createdAt);
  return {
    accounts,
    requests,
    commandOwnerConfigured: commandOwnerConfigured(config),
    limits: pairing.limits,
  };
}

/** Which request to act on: its human code or stock's opaque id; `accountId` narrows. */
export interface PairingSelector {
  code?: string;
  requestId?: string;
  accountId?: string;
}

const CODE_PATTERN = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);

function checkSelector(which: PairingSelector): PairingSelector {
  const code = which.code?.trim().toUpperCase();
  if (code !== undefined && !CODE_PATTERN.test(code)) {
    throw new OpenClawError(
      "PAIRING_CODE_INVALID",
      `"${which.code?.slice(0, 40)}" is not a pairing code: codes are ${PAIRING_CODE_LENGTH} ` +
        "characters from A-Z and 2-9 (no 0, O, 1 or I)",
      { hint: "Copy the code from the bot's reply, or run: openclaw pairing list" },
    );
  }
  if (code === undefined && !which.requestId) {
    throw new OpenClawError("PAIRING_CODE_INVALID", "Name the request: a code or a requestId");
  }
  return {
    ...(code !== undefined ? { code } : {}),
    ...(which.requestId ? { requestId: which.requestId } : {}),
    ...(which.accountId !== undefined ? { accountId: normalizeAccountId(which.accountId) } : {}),
  };
}

/**
 * Why no live request matched: the code is there but expired (say when, and that the sender gets
 * a new code by writing again), or it is unknown on this channel.
 */
function notFound(
  pairing: ChannelPairing,
  stateDir: string,
  channel: string,
  which: PairingSelector,
  now: number,
): OpenClawError {
  const listHint = `Run: openclaw pairing list --channel ${channel}`;
  const what = which.code !== undefined ? `code ${which.code}` : `request ${which.requestId}`;
  if (which.code !== undefined) {
    const stale = readPairingRequests(stateDir, channel).find((r) => r.code === which.code);
    const created = stale ? Date.parse(stale.createdAt) : NaN;
    if (Number.isFinite(created) && created + pairing.limits.ttlMs <= now) {
      const at = new Date(created + pairing.limits.ttlMs).toISOString().replace(/\.\d+Z$/, "Z");
      const minutes = Math.round(pairing.limits.ttlMs / 60_000);
      return new OpenClawError(
        "PAIRING_EXPIRED",
        `Pairing ${what} for ${channel} expired at ${at} (codes are valid for ${minutes} minutes)`,
        {
          hint: "Ask the sender to message the bot again for a new code, then run: " +
            `openclaw pairing list --channel ${channel}`,
        },
      );
    }
  }
  // Expired requests are pruned by every read, so an old code usually lands here too.
  const minutes = Math.round(pairing.limits.ttlMs / 60_000);
  return new OpenClawError(
    "PAIRING_NOT_FOUND",
    `No pending pairing request for ${what} on ${channel}` +
      (which.accountId !== undefined ? ` (account ${which.accountId})` : "") +
      `: unknown, already handled, or expired (codes are valid for ${minutes} minutes)`,
    {
      hint: `${listHint}; if it is not listed, ask the sender to message the bot again ` +
        "for a new code",
    },
  );
}

async function act(
  pairing: ChannelPairing,
  stateDir: string,
  channel: string,
  which: PairingSelector,
  now: number,
  run: (channel: string, which: PairingSelector) => Promise<PendingPairing>,
): Promise<PendingPairing> {
  const id = normalizePairingChannel(channel);
  const selector = checkSelector(which);
  // Looked up before acting: acting prunes expired requests from the file, and with them the
  // facts that say "expired" rather than "unknown".
  const error = notFound(pairing, stateDir, id, selector, now);
  try {
    return await run(id, selector);
  } catch (err) {
    if (err instanceof OpenClawError && err.code === "PAIRING_NOT_FOUND") throw error;
    throw err;
  }
}

/**
 * Approves a pending request: its sender joins the channel account's approved senders.
 *
 * @param pairing The pairing store.
 * @param stateDir The state directory (to tell an expired code from an unknown one).
 * @param channel The channel id.
 * @param which The code (any case) or `requestId`; `accountId` narrows.
 * @param now The current time (the clock the pairing store runs on).
 * @returns The approved request.
 * @throws {OpenClawError} `PAIRING_CODE_INVALID`, `PAIRING_EXPIRED`, `PAIRING_NOT_FOUND`,
 *   `PAIRING_UNSUPPORTED`, `PAIRING_CHANNEL_INVALID`.
 */
export async function approvePairing(
  pairing: ChannelPairing,
  stateDir: string,
  channel: string,
  which: PairingSelector,
  now: number,
): Promise<PendingPairing> {
  return await act(pairing, stateDir, channel, which, now, (c, w) => pairing.approve(c, w));
}

/**
 * Rejects (dismisses) a pending request; the sender may ask again by writing again.
 *
 * @throws {OpenClawError} The same codes as {@linkcode approvePairing}.
 */
export async function rejectPairing(
  pairing: ChannelPairing,
  stateDir: string,
  channel: string,
  which: PairingSelector,
  now: number,
): Promise<PendingPairing> {
  return await act(pairing, stateDir, channel, which, now, (c, w) => pairing.reject(c, w));
}
