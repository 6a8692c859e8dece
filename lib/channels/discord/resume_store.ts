/**
 * Keeps a Discord session's resume state (session id, resume URL, committed sequence) in a file,
 * so a gateway restarted after a crash resumes the session and Discord replays the messages the
 * journal had not stored yet. Writes are atomic and coalesced (one in flight, the latest wins);
 * a lost update only means a longer replay, which the journal deduplicates, so writes are not
 * fsynced. A state older than `maxAgeMs` is ignored (Discord has long forgotten the session).
 *
 * @module
 */
import { type Clock, systemClock } from "../../clock.ts";
import { ensureDir, writeFileAtomic } from "../../fs/atomic.ts";
import { dirname } from "../../paths.ts";
import type { ResumeState } from "./gateway_client.ts";
import { guard, nullable, number, object, string } from "../../json_guard.ts";

/** Where the adapter loads and saves its resume state. */
export interface DiscordResumeStore {
  /** The saved state, if any and fresh. */
  load(): Promise<ResumeState | undefined>;
  /** Saves the state; `undefined` forgets it (after a clean stop). */
  save(state: ResumeState | undefined): void;
}

const FileSchema = guard(object({
  savedAt: number(),
  state: nullable(object({
    sessionId: string({ min: 1, max: 200 }),
    resumeUrl: string({ min: 1, max: 2000 }),
    seq: number({ int: true, min: 0 }),
    botId: string({ pattern: /^\d{1,20}$/ }),
    intents: number({ int: true }),
  })),
}));

/** Options of {@linkcode createFileResumeStore}. */
export interface FileResumeStoreOptions {
  clock?: Clock;
  /** @default 600000 (10 minutes) */
  maxAgeMs?: number;
}

/**
 * A resume store backed by one JSON file (mode 0600).
 *
 * @param path The file, e.g. `<stateDir>/discord/<account>-session.json`.
 * @param options Clock and freshness.
 * @returns The store.
 */
export function createFileResumeStore(
  path: string,
  options: FileResumeStoreOptions = {},
): DiscordResumeStore {
  const clock = options.clock ?? systemClock;
  const maxAge = options.maxAgeMs ?? 600_000;
  let pending: ResumeState | null | undefined;
  let writing = false;
  const flush = () => {
    writing = true;
    // A microtask later: a burst of commits becomes one write.
    queueMicrotask(() => {
      const state = pending;
      pending = undefined;
      try {
        ensureDir(dirname(path));
        writeFileAtomic(path, JSON.stringify({ savedAt: clock.now(), state }), {
          durable: false,
        });
      } catch { /* best effort: a stale state only means a longer replay */ }
      writing = false;
      if (pending !== undefined) flush();
    });
  };
  return {
    async load() {
      try {
        const parsed = FileSchema.safeParse(JSON.parse(await Deno.readTextFile(path)));
        if (!parsed.success || !parsed.data.state) return undefined;
        if (clock.now() - parsed.data.savedAt > maxAge) return undefined;
        return parsed.data.state;
      } catch {
        return undefined;
      }
    },
    save(state) {
      pending = state ?? null;
      if (!writing) flush();
    },
  };
}
