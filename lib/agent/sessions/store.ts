/**
 * The session store: `<stateDir>/agents/<agentId>/sessions/sessions.json`, a map from session key
 * to {@linkcode SessionEntry}. Every change is a read-modify-write under a file lock, written
 * atomically, so the gateway and a `--local` CLI run can share it. Fields we do not know (stock
 * writes many: `deliveryContext`, `origin`, `skillsSnapshot`, …) are kept as they are.
 *
 * @module
 */
import { writeFileAtomic } from "../../fs/atomic.ts";
import { withFileLock } from "../../fs/lock.ts";
import { joinPath } from "../../paths.ts";

/** One session's metadata (stock field names; unknown fields pass through). */
export interface SessionEntry {
  sessionId: string;
  /** Epoch ms of the first turn (ours; stock does not write it). */
  createdAt?: number;
  /** Epoch ms of the last activity. */
  updatedAt: number;
  /** Model id that last answered (without the provider). */
  model?: string;
  modelProvider?: string;
  label?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** USD, summed over the session's turns. */
  estimatedCostUsd?: number;
  thinkingLevel?: string;
  lastChannel?: string;
  abortedLastRun?: boolean;
  [key: string]: unknown;
}

/** The whole store: session key → entry. */
export type SessionStoreData = Record<string, SessionEntry>;

/** Returns `<stateDir>/agents/<agentId>/sessions`. */
export function sessionsDir(stateDir: string, agentId: string): string {
  return joinPath(stateDir, "agents", agentId, "sessions");
}

function isEntry(value: unknown): value is SessionEntry {
  return typeof value === "object" && value !== null &&
    typeof (value as SessionEntry).sessionId === "string";
}

/** Parses store text, dropping entries without a `sessionId`; `undefined` when not a JSON object. */
export function parseSessionStore(text: string): SessionStoreData | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  // A null prototype so a "__proto__" key in a hand-edited file stays a plain key.
  const out: SessionStoreData = Object.create(null);
  for (const [key, entry] of Object.entries(value)) {
    if (isEntry(entry)) out[key] = entry;
  }
  return out;
}

/** One agent's session store. */
export class SessionStore {
  /** The directory holding `sessions.json` and the transcripts. */
  readonly dir: string;
  /** `<dir>/sessions.json`. */
  readonly path: string;
  readonly #onCorrupt?: (path: string, movedTo: string) => void;

  constructor(dir: string, options: { onCorrupt?: (path: string, movedTo: string) => void } = {}) {
    this.dir = dir;
    this.path = joinPath(dir, "sessions.json");
    this.#onCorrupt = options.onCorrupt;
  }

  /** Returns the path of a session's transcript. */
  transcriptPath(sessionId: string): string {
    return joinPath(this.dir, `${sessionId}.jsonl`);
  }

  async #read(): Promise<{ data: SessionStoreData; corrupt: boolean }> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return { data: Object.create(null), corrupt: false };
      throw err;
    }
    if (!text.trim()) return { data: Object.create(null), corrupt: false };
    const data = parseSessionStore(text);
    return data ? { data, corrupt: false } : { data: Object.create(null), corrupt: true };
  }

  /** Reads the store; a missing or unreadable file reads as empty. */
  async load(): Promise<SessionStoreData> {
    return (await this.#read()).data;
  }

  /** Returns one entry. */
  async get(key: string): Promise<SessionEntry | undefined> {
    return (await this.load())[key];
  }

  /**
   * Runs `fn` on the current store under the file lock and writes the result atomically. A file
   * that is not valid JSON is moved aside (`sessions.json.corrupt-<ms>`) rather than overwritten.
   */
  async update<T>(fn: (data: SessionStoreData) => T | Promise<T>): Promise<T> {
    await Deno.mkdir(this.dir, { recursive: true, mode: 0o700 });
    return await withFileLock(this.path, async () => {
      const { data, corrupt } = await this.#read();
      if (corrupt) {
        const aside = `${this.path}.corrupt-${Date.now()}`;
        await Deno.rename(this.path, aside);
        this.#onCorrupt?.(this.path, aside);
      }
      const result = await fn(data);
      writeFileAtomic(this.path, JSON.stringify(data, null, 2) + "\n", { mode: 0o600 });
      return result;
    });
  }

  /**
   * Updates one entry: `fn` gets the current entry (or `undefined`) and returns the new one, or
   * `undefined` to delete it. Returns what `fn` returned.
   */
  patch(
    key: string,
    fn: (entry: SessionEntry | undefined) => SessionEntry | undefined,
  ): Promise<SessionEntry | undefined> {
    return this.update((data) => {
      const next = fn(data[key]);
      if (next === undefined) delete data[key];
      else data[key] = next;
      return next;
    });
  }
}

/** Fields that describe one transcript's run history; a new transcript starts without them. */
const PER_TRANSCRIPT_FIELDS = [
  "inputTokens",
  "outputTokens",
  "totalTokens",
  "cacheRead",
  "cacheWrite",
  "estimatedCostUsd",
  "abortedLastRun",
  "contextTokens",
  "compactionCount",
  "systemSent",
  "model",
  "modelProvider",
];

/**
 * Returns the entry for a new transcript of an existing session: metadata (label, thinking
 * level, delivery context, …) stays, usage and model fields go.
 */
export function restartedEntry(
  previous: SessionEntry | undefined,
  sessionId: string,
  now: number,
): SessionEntry {
  const kept: Record<string, unknown> = { ...(previous ?? {}) };
  for (const field of PER_TRANSCRIPT_FIELDS) delete kept[field];
  return { ...kept, sessionId, createdAt: now, updatedAt: now };
}
