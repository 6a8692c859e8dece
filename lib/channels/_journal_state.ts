/**
 * The inbound journal's records and the in-memory state they fold into (private to
 * inbound_store.ts): replaying the file and applying a new record use the same `reduce`, and
 * compaction writes `snapshot`, the fewest records that rebuild the same state.
 *
 * @module
 */
import type { ChatType, InboundMessage, OutboundTarget } from "./types.ts";

/** Longest message text journaled (longer texts are cut). */
export const MAX_JOURNAL_TEXT = 32_768;
const MAX_FIELD = 512;

/** A message accepted but not answered yet. */
export interface PendingInbound {
  key: string;
  message: InboundMessage;
  /** When it was journaled (epoch ms). */
  receivedAt: number;
  /** Turns started for it so far. */
  attempts: number;
}

/** A message given up on: `attempts` (its turns kept failing) or `expired` (too old). */
export interface DeadLetter extends PendingInbound {
  reason: string;
  deadAt: number;
}

/** A reply to keep when it could not be sent. */
export interface FailedSendInput {
  channel: string;
  accountId: string;
  target: OutboundTarget;
  /** The formatted messages still to send, in order. */
  chunks: string[];
  parseMode?: "HTML";
  replyToMessageId?: string;
  /** The inbound message it answers (journal key). */
  sourceKey?: string;
}

/** A kept reply. */
export interface FailedSend extends FailedSendInput {
  id: string;
  attempts: number;
  firstFailedAt: number;
  lastFailedAt: number;
  lastError: string;
  /** True when `attempts` reached the journal's `maxSendAttempts`. */
  exhausted: boolean;
}

/** One journal line. */
export type Rec =
  | {
    t: "in";
    key: string;
    at: number;
    msg: unknown;
    attempts?: number;
    dead?: string;
    deadAt?: number;
  }
  | { t: "start"; key: string; at: number }
  | { t: "done"; key: string; at: number; outcome: "answered" | "dropped"; reason?: string }
  | { t: "dead"; key: string; at: number; reason: string }
  | { t: "resubmit"; key: string; at: number }
  | {
    t: "out";
    id: string;
    at: number;
    send: unknown;
    error: string;
    attempts?: number;
    firstFailedAt?: number;
  }
  | { t: "out-retry"; id: string; at: number; error: string }
  | { t: "out-done"; id: string; at: number; outcome: "sent" | "dropped" };

/** The folded journal. */
export interface JournalState {
  pending: Map<string, PendingInbound>;
  dead: Map<string, DeadLetter>;
  failed: Map<string, Omit<FailedSend, "exhausted">>;
  /** Dedupe tombstones: key -> when answered/dropped. */
  done: Map<string, number>;
}

/** Bounds `reduce` and `snapshot` apply. */
export interface StateBounds {
  maxKept: number;
  maxTombstones: number;
  retentionMs: number;
}

/** An empty state. */
export function newState(): JournalState {
  return { pending: new Map(), dead: new Map(), failed: new Map(), done: new Map() };
}

function str(value: unknown, max = MAX_FIELD): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" ? value.slice(0, max) : undefined;
}

const CHAT_TYPES: readonly ChatType[] = ["dm", "group", "channel"];

/** Rebuilds a message from untrusted JSON: known fields only, strings bounded. */
export function sanitizeMessage(raw: unknown): InboundMessage | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const channel = str(r.channel, 64);
  const accountId = str(r.accountId, 64);
  const chatId = str(r.chatId);
  const senderId = str(r.senderId);
  const messageId = str(r.messageId);
  const chatType = CHAT_TYPES.find((t) => t === r.chatType);
  if (!channel || !accountId || !chatId || !senderId || !messageId || !chatType) return undefined;
  const msg: InboundMessage = {
    channel,
    accountId,
    chatId,
    chatType,
    senderId,
    text: str(r.text, MAX_JOURNAL_TEXT) ?? "",
    mentionsBot: r.mentionsBot === true,
    replyToBot: r.replyToBot === true,
    messageId,
    timestamp: typeof r.timestamp === "number" && Number.isFinite(r.timestamp) ? r.timestamp : 0,
  };
  for (
    const k of [
      "threadId",
      "guildId",
      "teamId",
      "senderName",
      "senderUsername",
      "replyToMessageId",
      "updateId",
    ] as const
  ) {
    const v = str(r[k]);
    if (v !== undefined) msg[k] = v;
  }
  if (r.senderIsBot === true) msg.senderIsBot = true;
  return msg;
}

/** Rebuilds a kept send from untrusted JSON: known fields only, sizes bounded. */
export function sanitizeSend(raw: unknown): FailedSendInput | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const target = r.target as Record<string, unknown> | undefined;
  const channel = str(r.channel, 64);
  const accountId = str(r.accountId, 64);
  const chatId = str(target?.chatId);
  if (!channel || !accountId || !chatId || !Array.isArray(r.chunks)) return undefined;
  const send: FailedSendInput = {
    channel,
    accountId,
    target: { chatId, ...(str(target?.threadId) ? { threadId: str(target?.threadId) } : {}) },
    chunks: r.chunks.filter((c): c is string => typeof c === "string").slice(0, 100)
      .map((c) => c.slice(0, MAX_JOURNAL_TEXT)),
  };
  if (r.parseMode === "HTML") send.parseMode = "HTML";
  const reply = str(r.replyToMessageId);
  if (reply) send.replyToMessageId = reply;
  const source = str(r.sourceKey);
  if (source) send.sourceKey = source;
  return send;
}

function trim<V>(map: Map<string, V>, max: number, onDrop?: (key: string, v: V) => void): void {
  while (map.size > max) {
    const [key, value] = map.entries().next().value!;
    map.delete(key);
    onDrop?.(key, value);
  }
}

function tombstone(state: JournalState, key: string, at: number, bounds: StateBounds): void {
  state.pending.delete(key);
  state.dead.delete(key);
  state.done.delete(key);
  state.done.set(key, at);
  trim(state.done, bounds.maxTombstones);
}

/** Applies one record to the state (unknown or malformed records change nothing). */
export function reduce(state: JournalState, rec: Rec, bounds: StateBounds): void {
  if (typeof rec !== "object" || rec === null || typeof rec.at !== "number") return;
  switch (rec.t) {
    case "in": {
      const msg = sanitizeMessage(rec.msg);
      if (!msg || typeof rec.key !== "string" || state.pending.has(rec.key)) return;
      if (state.done.has(rec.key) || state.dead.has(rec.key)) return;
      const p = { key: rec.key, message: msg, receivedAt: rec.at, attempts: rec.attempts ?? 0 };
      if (typeof rec.dead === "string") {
        state.dead.set(rec.key, { ...p, reason: rec.dead, deadAt: rec.deadAt ?? rec.at });
        trim(state.dead, bounds.maxKept, (k) => tombstone(state, k, rec.at, bounds));
      } else state.pending.set(rec.key, p);
      return;
    }
    case "start": {
      const p = state.pending.get(rec.key);
      if (p) p.attempts++;
      return;
    }
    case "done":
      tombstone(state, rec.key, rec.at, bounds);
      return;
    case "dead": {
      const p = state.pending.get(rec.key);
      if (!p) return;
      state.pending.delete(rec.key);
      state.dead.set(rec.key, { ...p, reason: String(rec.reason), deadAt: rec.at });
      trim(state.dead, bounds.maxKept, (k) => tombstone(state, k, rec.at, bounds));
      return;
    }
    case "resubmit": {
      const d = state.dead.get(rec.key);
      if (!d) return;
      state.dead.delete(rec.key);
      state.pending.set(rec.key, {
        key: d.key,
        message: d.message,
        receivedAt: rec.at,
        attempts: 0,
      });
      return;
    }
    case "out": {
      const send = sanitizeSend(rec.send);
      if (!send || typeof rec.id !== "string" || state.failed.has(rec.id)) return;
      state.failed.set(rec.id, {
        ...send,
        id: rec.id,
        attempts: rec.attempts ?? 1,
        firstFailedAt: rec.firstFailedAt ?? rec.at,
        lastFailedAt: rec.at,
        lastError: String(rec.error).slice(0, MAX_FIELD),
      });
      trim(state.failed, bounds.maxKept);
      return;
    }
    case "out-retry": {
      const f = state.failed.get(rec.id);
      if (!f) return;
      f.attempts++;
      f.lastFailedAt = rec.at;
      f.lastError = String(rec.error).slice(0, MAX_FIELD);
      return;
    }
    case "out-done":
      state.failed.delete(rec.id);
      return;
  }
}

/**
 * The records that rebuild `state`, minus what is past retention: tombstones, dead letters and
 * failed sends older than `retentionMs` are forgotten; pending messages are always kept.
 */
export function snapshot(state: JournalState, now: number, bounds: StateBounds): Rec[] {
  const cutoff = now - bounds.retentionMs;
  const out: Rec[] = [];
  for (const [key, at] of state.done) {
    if (at >= cutoff) out.push({ t: "done", key, at, outcome: "answered" });
  }
  for (const d of state.dead.values()) {
    if (d.deadAt < cutoff) continue;
    out.push({
      t: "in",
      key: d.key,
      at: d.receivedAt,
      msg: d.message,
      attempts: d.attempts,
      dead: d.reason,
      deadAt: d.deadAt,
    });
  }
  for (const p of state.pending.values()) {
    out.push({ t: "in", key: p.key, at: p.receivedAt, msg: p.message, attempts: p.attempts });
  }
  for (const f of state.failed.values()) {
    if (f.lastFailedAt < cutoff) continue;
    const { id, attempts, firstFailedAt, lastFailedAt, lastError, ...send } = f;
    out.push({ t: "out", id, at: lastFailedAt, send, error: lastError, attempts, firstFailedAt });
  }
  return out;
}

/** Replaces `state` with what `records` fold into (after a compaction dropped old entries). */
export function rebuild(state: JournalState, records: readonly Rec[], bounds: StateBounds): void {
  state.pending.clear();
  state.dead.clear();
  state.failed.clear();
  state.done.clear();
  for (const rec of records) reduce(state, rec, bounds);
}
