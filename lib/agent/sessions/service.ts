/**
 * Session operations across agents' stores: listing with transcript statistics, history, reset
 * (a new transcript, the old file kept) and delete. Serialising them with running turns is the
 * runtime's job; this module only touches files. Reset and delete are written to the store before
 * they return; turns' updates are written behind (see `store.ts`) until `flush()` or `close()`.
 *
 * @module
 */
import type { SessionSummary, TranscriptMessage } from "../contract.ts";
import { entriesToHistory, transcriptStats } from "./history.ts";
import {
  restartedEntry,
  type SessionEntry,
  sessionsDir,
  SessionStore,
  type SessionStoreOptions,
} from "./store.ts";
import { ensureTranscript, readTranscript, transcriptHeader } from "./transcript.ts";

interface StatsCacheEntry {
  size: number;
  mtime: number;
  stats: ReturnType<typeof transcriptStats>;
}

/** Most transcript statistics kept in memory. */
const STATS_CACHE_MAX = 2000;

/** Session stores of all agents under one state directory. */
export class SessionService {
  readonly stateDir: string;
  #stores = new Map<string, SessionStore>();
  #stats = new Map<string, StatsCacheEntry>();
  readonly #options: SessionStoreOptions;

  constructor(
    stateDir: string,
    options: Pick<SessionStoreOptions, "onCorrupt" | "onFlushError" | "flushDelayMs"> = {},
  ) {
    this.stateDir = stateDir;
    this.#options = options;
  }

  /** The store of `agentId` (ids are normalised by the caller). */
  store(agentId: string): SessionStore {
    let store = this.#stores.get(agentId);
    if (!store) {
      store = new SessionStore(sessionsDir(this.stateDir, agentId), this.#options);
      this.#stores.set(agentId, store);
    }
    return store;
  }

  /** Message count and preview of a transcript, cached by size and mtime. */
  async #statsOf(path: string): Promise<ReturnType<typeof transcriptStats>> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      return { messageCount: 0 };
    }
    const mtime = info.mtime?.getTime() ?? 0;
    const cached = this.#stats.get(path);
    if (cached && cached.size === info.size && cached.mtime === mtime) return cached.stats;
    const stats = transcriptStats((await readTranscript(path)).entries);
    if (this.#stats.size >= STATS_CACHE_MAX) this.#stats.clear();
    this.#stats.set(path, { size: info.size, mtime, stats });
    return stats;
  }

  /** Lists the sessions of `agentIds`, most recently active first. */
  async list(agentIds: string[], limit?: number): Promise<SessionSummary[]> {
    const rows: SessionSummary[] = [];
    for (const agentId of agentIds) {
      const store = this.store(agentId);
      const data = await store.load();
      for (const [key, entry] of Object.entries(data)) {
        const stats = await this.#statsOf(store.transcriptPath(entry.sessionId));
        const model = entry.modelProvider && entry.model
          ? `${entry.modelProvider}/${entry.model}`
          : entry.model;
        rows.push({
          key,
          agentId,
          sessionId: entry.sessionId,
          createdAt: entry.createdAt ?? entry.updatedAt,
          updatedAt: entry.updatedAt,
          messageCount: stats.messageCount,
          ...(model ? { model } : {}),
          ...(entry.label ? { label: entry.label } : {}),
          ...(typeof entry.totalTokens === "number" ? { totalTokens: entry.totalTokens } : {}),
          ...(stats.lastMessagePreview ? { lastMessagePreview: stats.lastMessagePreview } : {}),
        });
      }
    }
    rows.sort((a, b) => b.updatedAt - a.updatedAt || a.key.localeCompare(b.key));
    return limit !== undefined && limit >= 0 ? rows.slice(0, limit) : rows;
  }

  /** Returns the store entry of a session. */
  entry(agentId: string, key: string): Promise<SessionEntry | undefined> {
    return this.store(agentId).get(key);
  }

  /** Finds the key whose current transcript is `sessionId`. */
  async findKeyBySessionId(agentId: string, sessionId: string): Promise<string | undefined> {
    const data = await this.store(agentId).load();
    return Object.entries(data).find(([, e]) => e.sessionId === sessionId)?.[0];
  }

  /** Reads the messages of a session's current transcript (last `limit`). */
  async history(agentId: string, key: string, limit?: number): Promise<TranscriptMessage[]> {
    const store = this.store(agentId);
    const entry = await store.get(key);
    if (!entry) return [];
    const { entries } = await readTranscript(store.transcriptPath(entry.sessionId));
    return entriesToHistory(entries, limit);
  }

  /** Points the key at a new, empty transcript; the old file stays on disk. */
  async reset(
    agentId: string,
    key: string,
    cwd: string,
    now: number,
  ): Promise<{ sessionId: string; previousSessionId?: string }> {
    const store = this.store(agentId);
    const sessionId = crypto.randomUUID();
    let previous: string | undefined;
    await store.patch(key, (cur) => {
      previous = cur?.sessionId;
      return restartedEntry(cur, sessionId, now);
    }, { flush: true });
    await ensureTranscript(store.transcriptPath(sessionId), transcriptHeader(sessionId, cwd, now));
    return { sessionId, ...(previous ? { previousSessionId: previous } : {}) };
  }

  /** Removes the key (and, when asked, its current transcript file). */
  async delete(agentId: string, key: string, deleteTranscript: boolean): Promise<boolean> {
    const store = this.store(agentId);
    let removed: SessionEntry | undefined;
    await store.patch(key, (cur) => {
      removed = cur;
      return undefined;
    }, { flush: true });
    if (removed && deleteTranscript) {
      await Deno.remove(store.transcriptPath(removed.sessionId)).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
    }
    return removed !== undefined;
  }

  /** Writes every store's pending updates. */
  async flush(): Promise<void> {
    await Promise.all([...this.#stores.values()].map((s) => s.flush()));
  }

  /** Writes what is pending; later updates are written before they return. */
  async close(): Promise<void> {
    await Promise.all([...this.#stores.values()].map((s) => s.close()));
  }
}
