/**
 * Keeps a QQ session's resume state (session id, committed sequence) in a file, so a gateway
 * restarted after a crash resumes the session and the platform replays the messages the journal
 * had not stored yet. Writes are atomic (mode 0600) and coalesced (one in flight, the latest
 * wins); a lost update only means a longer replay, which the journal deduplicates, so writes are
 * not fsynced. A state older than `maxAgeMs` is ignored (the platform has forgotten the session).
 *
 * @module
 */
import { z } from "zod";
import { type Clock, systemClock } from "../../clock.ts";
import { ensureDir, writeFileAtomic } from "../../fs/atomic.ts";
import { dirname } from "../../paths.ts";
import type { QQResumeState } from "./gateway_client.ts";

/** Where the adapter loads and saves its resume state. */
export interface QQBotResumeStore {
  /** The saved state, if any and fresh. */
  load(): Promise<QQResumeState | undefined>;
  /** Saves the state; `undefined` forgets it. */
  save(state: QQResumeState | undefined): void;
}

const FileSchema = z.object({
  savedAt: z.number(),
  state: z.object({
    sessionId: z.string().min(1).max(256),
    seq: z.number().int().nonnegative(),
    appId: z.string().min(1).max(64),
    intents: z.number().int(),
  }).nullable(),
});

/** Options of {@linkcode createQQBotResumeStore}. */
export interface QQBotResumeStoreOptions {
  /** @default systemClock */
  clock?: Clock;
  /** @default 300000 (5 minutes) */
  maxAgeMs?: number;
}

/**
 * A resume store backed by one JSON file (mode 0600).
 *
 * @param path The file, e.g. `<stateDir>/qqbot/<account>-session.json`.
 * @param options Clock and freshness.
 * @returns The store.
 * @example
 * ```ts
 * const store = createQQBotResumeStore(`${stateDir}/qqbot/default-session.json`);
 * createQQBotAdapter({ account, appId, clientSecret, resumeStore: store });
 * ```
 */
export function createQQBotResumeStore(
  path: string,
  options: QQBotResumeStoreOptions = {},
): QQBotResumeStore {
  const clock = options.clock ?? systemClock;
  const maxAge = options.maxAgeMs ?? 300_000;
  let pending: QQResumeState | null | undefined;
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
