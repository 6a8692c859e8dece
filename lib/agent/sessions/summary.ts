/**
 * A cheap summary of one agent's session store for `health` and `status`: how many sessions and
 * the five most recently updated. Reads the store file synchronously and never throws: a missing
 * or broken store counts as empty. A store of this process with updates not written yet is read
 * from memory instead, so the summary never lags behind the runtime.
 *
 * @module
 */
import { joinPath } from "../../paths.ts";
import { parseSessionStore, sessionsDir, SessionStore, type SessionStoreData } from "./store.ts";

/** The `sessions` block of a HealthSummary agent entry (protocol.md §8.2). */
export interface SessionsSummary {
  path: string;
  count: number;
  recent: { key: string; updatedAt: number | null; age: number | null }[];
}

/**
 * Summarises `<stateDir>/agents/<agentId>/sessions/sessions.json`.
 *
 * @param stateDir The state directory.
 * @param agentId The agent whose store to read.
 * @param now The current time, for each entry's `age`.
 * @returns The count and the five most recent sessions (newest first).
 * @example
 * ```ts
 * const { count } = summarizeSessions("/home/me/.openclaw", "main", Date.now());
 * ```
 */
export function summarizeSessions(stateDir: string, agentId: string, now: number): SessionsSummary {
  const path = joinPath(sessionsDir(stateDir, agentId), "sessions.json");
  let store: SessionStoreData | undefined = SessionStore.unflushed(path);
  if (!store) {
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch {
      return { path, count: 0, recent: [] };
    }
    store = parseSessionStore(text) ?? {};
  }
  const rows = Object.entries(store).map(([key, v]) => ({
    key,
    updatedAt: typeof v.updatedAt === "number" ? v.updatedAt : null,
  }));
  rows.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
  return {
    path,
    count: rows.length,
    recent: rows.slice(0, 5).map((r) => ({
      ...r,
      age: r.updatedAt === null ? null : now - r.updatedAt,
    })),
  };
}
