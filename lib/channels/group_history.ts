/**
 * Context for group turns: messages a group sends without mentioning the bot (permitted, but
 * not answered) are kept per chat and handed to the next mentioned turn, then cleared. Every
 * dimension is bounded: messages per chat (`historyLimit`, at most 200), characters per
 * message, and chats (the least recently used chat is forgotten first). In memory only, as in
 * stock: a restart starts with empty context.
 *
 * @module
 */
import { MAX_HISTORY_LIMIT } from "./config_view.ts";

/** Marker line before the kept messages. */
export const HISTORY_CONTEXT_MARKER = "[Chat messages since your last reply - for context]";
/** Marker line before the message to answer. */
export const CURRENT_MESSAGE_MARKER = "[Current message - respond to this]";
/** Longest text kept per message (longer ones are cut with `...`). */
export const MAX_HISTORY_TEXT = 2000;
/** Chats tracked at most by default. */
export const DEFAULT_MAX_CHATS = 1000;

/** One kept message. */
export interface HistoryEntry {
  senderId: string;
  senderName?: string;
  text: string;
  /** Epoch ms. */
  timestamp: number;
  messageId?: string;
}

/** Options of {@linkcode GroupHistory}. */
export interface GroupHistoryOptions {
  /** Chats tracked at once. @default 1000 */
  maxChats?: number;
}

/**
 * The key of a chat's history: channel, account, chat and topic/thread.
 *
 * @param parts Where the messages were sent.
 * @returns A string key.
 */
export function historyKey(parts: {
  channel: string;
  accountId: string;
  chatId: string;
  threadId?: string;
}): string {
  return [parts.channel, parts.accountId, parts.chatId, parts.threadId ?? ""].join("\u0000");
}

/** Per-chat bounded buffers of unanswered group messages. */
export class GroupHistory {
  readonly #chats = new Map<string, HistoryEntry[]>();
  readonly #maxChats: number;

  /**
   * @param options Bounds.
   * @throws {RangeError} When `maxChats` is not a positive integer.
   */
  constructor(options: GroupHistoryOptions = {}) {
    const maxChats = options.maxChats ?? DEFAULT_MAX_CHATS;
    if (!Number.isInteger(maxChats) || maxChats < 1) {
      throw new RangeError(`Cannot track ${maxChats} chats: expected a positive integer`);
    }
    this.#maxChats = maxChats;
  }

  /** Number of chats with kept messages. */
  get size(): number {
    return this.#chats.size;
  }

  /**
   * Keeps a message for `key`; the oldest goes when the chat holds `limit` messages. A limit of
   * 0 keeps nothing.
   *
   * @param key From {@linkcode historyKey}.
   * @param entry The message.
   * @param limit The chat's `historyLimit` (capped at 200).
   */
  record(key: string, entry: HistoryEntry, limit: number): void {
    const max = Math.min(Math.max(0, Math.floor(limit)), MAX_HISTORY_LIMIT);
    if (max === 0) return;
    const list = this.#chats.get(key) ?? [];
    // Re-insert so the map's order is least recently used first.
    this.#chats.delete(key);
    const text = entry.text.length > MAX_HISTORY_TEXT
      ? `${entry.text.slice(0, MAX_HISTORY_TEXT - 1)}\u2026`
      : entry.text;
    list.push({ ...entry, text });
    if (list.length > max) list.splice(0, list.length - max);
    this.#chats.set(key, list);
    while (this.#chats.size > this.#maxChats) {
      this.#chats.delete(this.#chats.keys().next().value!);
    }
  }

  /**
   * Returns the kept messages of `key` without clearing them.
   *
   * @param key From {@linkcode historyKey}.
   * @returns Oldest first.
   */
  peek(key: string): readonly HistoryEntry[] {
    return this.#chats.get(key) ?? [];
  }

  /**
   * Returns the kept messages of `key` and clears them (the turn that answers consumes them).
   *
   * @param key From {@linkcode historyKey}.
   * @returns Oldest first.
   */
  take(key: string): HistoryEntry[] {
    const list = this.#chats.get(key) ?? [];
    this.#chats.delete(key);
    return list;
  }

  /** Forgets every chat of a channel account (its config changed or it stopped). */
  clearAccount(channel: string, accountId: string): void {
    const prefix = `${channel}\u0000${accountId}\u0000`;
    for (const key of [...this.#chats.keys()]) if (key.startsWith(prefix)) this.#chats.delete(key);
  }
}

/**
 * Builds the user message of a mentioned group turn: the kept messages under
 * {@linkcode HISTORY_CONTEXT_MARKER}, then the current one under
 * {@linkcode CURRENT_MESSAGE_MARKER}. Without kept messages, the current text alone.
 *
 * @param history Kept messages, oldest first.
 * @param current The mentioned message.
 * @returns The text for the agent turn.
 * @example
 * ```ts
 * formatWithHistory([{ senderId: "1", senderName: "Ann", text: "lunch?", timestamp: 0 }],
 *   { senderId: "2", senderName: "Bo", text: "@bot book it", timestamp: 1 });
 * // "[Chat messages since your last reply - for context]\nAnn: lunch?\n\n[Current message - ..."
 * ```
 */
export function formatWithHistory(history: readonly HistoryEntry[], current: HistoryEntry): string {
  if (history.length === 0) return current.text;
  const line = (e: HistoryEntry) => `${e.senderName?.trim() || e.senderId}: ${e.text}`;
  return [
    HISTORY_CONTEXT_MARKER,
    ...history.map(line),
    "",
    CURRENT_MESSAGE_MARKER,
    line(current),
  ].join("\n");
}
