/**
 * A cheap read of one session's store entry, for the questions automation asks before it spends
 * a model call: which channel was the session last contacted on (`target: "last"`), and when was
 * it last active (the idle guard). Updates of this process not yet written are read from memory.
 * Never throws: a missing or broken store has no entry.
 *
 * @module
 */
import { joinPath } from "../paths.ts";
import {
  parseSessionStore,
  type SessionEntry,
  sessionsDir,
  SessionStore,
} from "../agent/sessions/store.ts";

/** Store files larger than this are not read here (the runtime still reads them). */
const MAX_STORE_BYTES = 32 * 1024 * 1024;

/**
 * Reads the entry of `sessionKey` from `<stateDir>/agents/<agentId>/sessions/sessions.json`.
 *
 * @param stateDir The state directory.
 * @param agentId The agent (normalised id).
 * @param sessionKey The canonical session key.
 * @returns The entry, or undefined when there is none (or the store cannot be read).
 * @example
 * ```ts
 * const entry = await readSessionEntry(stateDir, "main", "agent:main:main");
 * entry?.lastChannel; // "webchat"
 * ```
 */
export async function readSessionEntry(
  stateDir: string,
  agentId: string,
  sessionKey: string,
): Promise<SessionEntry | undefined> {
  const path = joinPath(sessionsDir(stateDir, agentId), "sessions.json");
  const live = SessionStore.unflushed(path);
  if (live) return Object.hasOwn(live, sessionKey) ? live[sessionKey] : undefined;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile || info.size > MAX_STORE_BYTES) return undefined;
    const store = parseSessionStore(await Deno.readTextFile(path));
    return store && Object.hasOwn(store, sessionKey) ? store[sessionKey] : undefined;
  } catch {
    return undefined;
  }
}
