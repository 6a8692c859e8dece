/**
 * The `channels.status` payload (stock's shape) and the `channels` section of `health`, built
 * from the running accounts' snapshots plus the journal's counts per account (messages waiting
 * for an answer, replies kept after a failed send, messages given up on). A channel configured
 * here without a transport in this gateway is listed with that reason rather than left out.
 *
 * @module
 */
import type { InboundJournal } from "../../lib/channels/inbound_store.ts";
import type { ChannelAccountConfig, ChannelAccountSnapshot } from "../../lib/channels/types.ts";
import { channelLabel } from "./registry.ts";
import type {
  ChannelPlatform,
  ChannelsStatusIssue,
  ChannelsStatusResult,
  ChannelSummary,
} from "./types.ts";

/** Most issues listed (stock: 50). */
const MAX_ISSUES = 50;

/** One channel as the manager holds it, for status. */
export interface ChannelStatusSource {
  id: string;
  platform?: ChannelPlatform;
  defaultAccountId: string;
  /** Each account's snapshot, in config order. */
  accounts: ChannelAccountSnapshot[];
}

/** Counts per `channel/account` from the journal. */
export interface JournalCounts {
  pending: Map<string, number>;
  failed: Map<string, number>;
  dead: Map<string, number>;
}

/** A record keyed by config-given ids: no prototype, so `__proto__` is a plain key. */
function dict<T>(): Record<string, T> {
  return Object.create(null);
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Counts the journal's records per channel account.
 *
 * @param journal The inbound journal (absent before the subsystem started).
 * @returns Pending, failed-reply and dead-letter counts by `channel/account`.
 */
export function journalCounts(journal: InboundJournal | undefined): JournalCounts {
  const counts: JournalCounts = { pending: new Map(), failed: new Map(), dead: new Map() };
  if (!journal) return counts;
  for (const p of journal.unanswered()) {
    bump(counts.pending, `${p.message.channel}/${p.message.accountId}`);
  }
  for (const d of journal.deadLetters()) {
    bump(counts.dead, `${d.message.channel}/${d.message.accountId}`);
  }
  for (const f of journal.failedSends()) bump(counts.failed, `${f.channel}/${f.accountId}`);
  return counts;
}

function withCounts(
  channel: string,
  snap: ChannelAccountSnapshot,
  counts: JournalCounts,
): ChannelAccountSnapshot {
  const key = `${channel}/${snap.accountId}`;
  return {
    ...snap,
    pendingInbound: counts.pending.get(key) ?? 0,
    failedOutbound: counts.failed.get(key) ?? 0,
    deadLetters: counts.dead.get(key) ?? 0,
  };
}

function summarize(accounts: readonly ChannelAccountSnapshot[]): ChannelSummary {
  const enabled = accounts.filter((a) => a.enabled);
  const sum = (field: string) =>
    accounts.reduce((n, a) => n + (typeof a[field] === "number" ? a[field] as number : 0), 0);
  const latest = (field: "lastInboundAt" | "lastOutboundAt") => {
    const times = accounts.map((a) => a[field]).filter((t): t is number => typeof t === "number");
    return times.length > 0 ? Math.max(...times) : undefined;
  };
  const summary: ChannelSummary = {
    configured: accounts.some((a) => a.configured),
    enabled: enabled.length > 0,
    running: accounts.some((a) => a.running),
    connected: enabled.length > 0 && enabled.every((a) => a.connected),
    pendingInbound: sum("pendingInbound"),
    failedReplies: sum("failedOutbound"),
    deadLetters: sum("deadLetters"),
  };
  const error = enabled.find((a) => a.lastError)?.lastError;
  if (error) summary.lastError = error;
  const inAt = latest("lastInboundAt");
  if (inAt !== undefined) summary.lastInboundAt = inAt;
  const outAt = latest("lastOutboundAt");
  if (outAt !== undefined) summary.lastOutboundAt = outAt;
  return summary;
}

function issuesOf(channel: string, snap: ChannelAccountSnapshot): ChannelsStatusIssue[] {
  const found = [
    ...(Array.isArray(snap.issues) ? snap.issues : []),
    ...(snap.probe?.issues ?? []),
  ] as ChannelsStatusIssue[];
  const out = new Map<string, ChannelsStatusIssue>();
  for (const i of found) {
    out.set(i.message, {
      channel,
      accountId: snap.accountId,
      kind: i.kind,
      message: i.message,
      ...(i.fix ? { fix: i.fix } : {}),
    });
  }
  if (out.size === 0 && snap.enabled && !snap.connected && snap.lastError) {
    const kind = snap.configured ? "runtime" : "config";
    out.set(snap.lastError, { channel, accountId: snap.accountId, kind, message: snap.lastError });
  }
  return [...out.values()];
}

/**
 * Builds the `channels.status` result.
 *
 * @param sources Each configured channel with its accounts' snapshots, in config order.
 * @param counts The journal's counts.
 * @param now The timestamp.
 * @returns Stock's shape (see gateway/channels/types.ts).
 */
export function buildChannelsStatus(
  sources: readonly ChannelStatusSource[],
  counts: JournalCounts,
  now: number,
): ChannelsStatusResult {
  const result: ChannelsStatusResult = {
    ts: now,
    channelOrder: [],
    channelLabels: dict(),
    channelDetailLabels: dict(),
    channelMeta: [],
    channels: dict(),
    channelAccounts: dict(),
    channelDefaultAccountId: dict(),
  };
  const issues: ChannelsStatusIssue[] = [];
  const warnings: string[] = [];
  for (const source of sources) {
    const { id } = source;
    const label = source.platform?.label ?? channelLabel(id);
    const detailLabel = source.platform?.detailLabel ?? label;
    const accounts = source.accounts.map((a) => withCounts(id, a, counts));
    result.channelOrder.push(id);
    result.channelLabels[id] = label;
    result.channelDetailLabels[id] = detailLabel;
    result.channelMeta.push({ id, label, detailLabel });
    result.channels[id] = summarize(accounts);
    result.channelAccounts[id] = accounts;
    result.channelDefaultAccountId[id] = source.defaultAccountId;
    for (const a of accounts) {
      issues.push(...issuesOf(id, a));
      if ((a.failedOutbound ?? 0) > 0) {
        warnings.push(
          `${id} ${a.accountId}: ${a.failedOutbound} reply(ies) could not be sent ` +
            "(openclaw channels status lists them)",
        );
      }
    }
  }
  if (issues.length > 0) result.statusIssues = issues.slice(0, MAX_ISSUES);
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}

/**
 * The `channels` section of `health`: each channel's summary with its accounts by id.
 *
 * @param status A `channels.status` result.
 * @returns Channel id -> summary plus `accounts`.
 */
export function healthChannels(
  status: ChannelsStatusResult,
): Record<string, ChannelSummary & { accounts: Record<string, unknown> }> {
  const out = dict<ChannelSummary & { accounts: Record<string, unknown> }>();
  for (const id of status.channelOrder) {
    const accounts = dict<unknown>();
    for (const a of status.channelAccounts[id] ?? []) accounts[a.accountId] = a;
    out[id] = { ...status.channels[id], accounts };
  }
  return out;
}

/** The snapshot of an account without a runner (disabled, not built, or no transport). */
export function idleSnapshot(
  account: ChannelAccountConfig,
  lastError?: string,
  configured = false,
): ChannelAccountSnapshot {
  return {
    accountId: account.accountId,
    enabled: account.enabled,
    configured,
    running: false,
    connected: false,
    dmPolicy: account.dmPolicy,
    healthState: account.enabled ? "stopped" : "disabled",
    ...(lastError ? { lastError } : {}),
  };
}
