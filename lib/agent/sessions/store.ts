/**
 * The session store: `<stateDir>/agents/<agentId>/sessions/sessions.json`, a map from session key
 * to {@linkcode SessionEntry}, in stock's format (stock clients and our CLI read the file). Fields
 * we do not know (stock writes many: `deliveryContext`, `origin`, `skillsSnapshot`, ...) are kept as
 * they are.
 *
 * The owning process keeps the parsed store in memory. Before each use it compares the file's
 * identity (inode, size, mtime, ctime) with the one it last read or wrote, and re-reads only when
 * someone else replaced the file, so an update costs the same whatever the store's size.
 *
 * Updates change the memory copy and are written behind: the updates of one `flushDelayMs` window
 * become one atomic rewrite (fdatasynced temp file + rename, mode 0600) under the file lock; the
 * directory is flushed too when the write adds, removes or re-points a session. `flush()` writes
 * now (callers that need the change on disk at once await it), `close()` writes what is left.
 * When another process wrote the file in between, the pending updates are applied again to its
 * content under the lock, so neither side loses an update; update functions must therefore be
 * safe to run twice (compute the new value from what they are given).
 *
 * @module
 */
import { withFileLock } from "../../fs/lock.ts";
import { joinPath } from "../../paths.ts";
import { clearTimer, setTimer, type TimerHandle } from "../../timers.ts";
import {
  forgetEntryTexts,
  parseSessionStore,
  storeText,
  type StoreWriteOptions,
  writeStoreFileAtomic,
} from "./store_file.ts";

export { parseSessionStore, storeText, type StoreWriteOptions, writeStoreFileAtomic };

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

/** The whole store: session key -> entry. */
export type SessionStoreData = Record<string, SessionEntry>;

/** Returns `<stateDir>/agents/<agentId>/sessions`. */
export function sessionsDir(stateDir: string, agentId: string): string {
  return joinPath(stateDir, "agents", agentId, "sessions");
}

/** Options of {@linkcode SessionStore}. */
export interface SessionStoreOptions {
  /** Called after a store file that is not valid JSON was moved to `movedTo`. */
  onCorrupt?: (path: string, movedTo: string) => void;
  /**
   * How long an update may wait in memory before it is written; the updates of one window become
   * one rewrite. @default 500
   */
  flushDelayMs?: number;
  /** Reports a failed write-behind flush (the updates stay pending for the next try). */
  onFlushError?: (error: unknown) => void;
  /** Writes the whole store file atomically (a seam for tests). @default writeStoreFileAtomic */
  writeFile?: (path: string, text: string, options?: StoreWriteOptions) => Promise<void>;
}

/** Options of {@linkcode SessionStore.update} and {@linkcode SessionStore.patch}. */
export interface StoreUpdateOptions {
  /** Write the store before returning instead of within `flushDelayMs`. @default false */
  flush?: boolean;
}

/** A change to the store, kept until written so it can be applied again to a newer file. */
type Mutation = (data: SessionStoreData) => unknown;

const NO_FILE = "none";

/** What identifies one version of the file without reading it (atomic writes change the inode). */
function stampOf(info: Deno.FileInfo): string {
  return [info.ino, info.size, info.mtime?.getTime(), info.ctime?.getTime()].join(":");
}

function emptyStore(): SessionStoreData {
  return Object.create(null);
}

async function readToEnd(file: Deno.FsFile, sizeHint: number): Promise<Uint8Array> {
  let buf = new Uint8Array(Math.max(sizeHint + 1, 4096));
  let len = 0;
  // Ends at end of file; the buffer grows when the file grew since its stat.
  for (;;) {
    if (len === buf.length) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    const n = await file.read(buf.subarray(len));
    if (n === null) return buf.subarray(0, len);
    len += n;
  }
}

/** Which sessions a store holds and which transcript each points to (see `syncDir`). */
function layoutOf(data: SessionStoreData): string {
  let out = "";
  for (const key in data) out += `${key}\u0000${data[key].sessionId}\u0000`;
  return out;
}

/** Live stores with updates not on disk yet, by path (see {@linkcode SessionStore.unflushed}). */
const unflushedStores = new Map<string, SessionStore>();

/** One agent's session store (see the module doc). */
export class SessionStore {
  /** The directory holding `sessions.json` and the transcripts. */
  readonly dir: string;
  /** `<dir>/sessions.json`. */
  readonly path: string;
  readonly #onCorrupt?: (path: string, movedTo: string) => void;
  readonly #onFlushError?: (error: unknown) => void;
  readonly #writeFile: (path: string, text: string, options?: StoreWriteOptions) => Promise<void>;
  readonly #flushDelayMs: number;
  /** The store as this process sees it: the file it read or wrote last, plus `#pending`. */
  #data: SessionStoreData | undefined;
  /** The identity of that file ({@linkcode stampOf}, or `NO_FILE`). */
  #stamp = "";
  /** {@linkcode layoutOf} that file, so a write that changes no session's transcript skips a flush. */
  #layout = "";
  /** That file is not valid JSON: the next write moves it aside. */
  #corrupt = false;
  /** Updates in `#data` that are not on disk yet, in order. */
  #pending: Mutation[] = [];
  /** Updates applied, and how many of them are on disk. */
  #applied = 0;
  #written = 0;
  #writing: Promise<void> | undefined;
  #timer: TimerHandle | undefined;
  /** The directory was made (or found) by this instance; a write that finds it gone makes it again. */
  #dirMade = false;
  /** Operations of this instance run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(dir: string, options: SessionStoreOptions = {}) {
    this.dir = dir;
    this.path = joinPath(dir, "sessions.json");
    this.#onCorrupt = options.onCorrupt;
    this.#onFlushError = options.onFlushError;
    this.#writeFile = options.writeFile ?? writeStoreFileAtomic;
    this.#flushDelayMs = Math.max(0, options.flushDelayMs ?? 500);
  }

  /**
   * The in-memory store of a live instance at `path` whose updates are not all written yet, so a
   * reader of the file in this process (health, status) sees them; `undefined` when the file is
   * current.
   */
  static unflushed(path: string): SessionStoreData | undefined {
    const store = unflushedStores.get(path);
    return store && store.#written < store.#applied ? store.#data : undefined;
  }

  /** Returns the path of a session's transcript. */
  transcriptPath(sessionId: string): string {
    return joinPath(this.dir, `${sessionId}.jsonl`);
  }

  /** True while some updates are only in memory. */
  get dirty(): boolean {
    return this.#written < this.#applied;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  // Synchronous: a stat takes microseconds, an asynchronous one a thread hand-off, and every
  // store operation starts with one.
  #currentStamp(): string {
    try {
      return stampOf(Deno.statSync(this.path));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return NO_FILE;
      throw err;
    }
  }

  async #readFile(): Promise<{ data: SessionStoreData; corrupt: boolean; stamp: string }> {
    let bytes: Uint8Array;
    let stamp: string;
    try {
      // Stamp and content from one open file, so they describe the same version.
      using file = await Deno.open(this.path, { read: true });
      const info = await file.stat();
      stamp = stampOf(info);
      bytes = await readToEnd(file, info.size);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        return { data: emptyStore(), corrupt: false, stamp: NO_FILE };
      }
      throw err;
    }
    const text = new TextDecoder().decode(bytes);
    if (!text.trim()) return { data: emptyStore(), corrupt: false, stamp };
    const data = parseSessionStore(text);
    return data ? { data, corrupt: false, stamp } : { data: emptyStore(), corrupt: true, stamp };
  }

  /**
   * Makes `#data` current: when the file is not the one it came from (another process or a hand
   * edit replaced it), reads it again and re-applies the pending updates on top.
   */
  async #sync(): Promise<SessionStoreData> {
    const stamp = this.#currentStamp();
    if (this.#data && stamp === this.#stamp) return this.#data;
    const read = await this.#readFile();
    for (const mutation of this.#pending) {
      try {
        await mutation(read.data);
      } catch { /* it ran once already; on the newer content it may no longer apply */ }
    }
    this.#data = read.data;
    this.#stamp = read.stamp;
    this.#corrupt = read.corrupt;
    this.#layout = read.corrupt ? "" : layoutOf(read.data);
    return read.data;
  }

  #record(mutation: Mutation): void {
    this.#pending.push(mutation);
    this.#applied++;
    unflushedStores.set(this.path, this);
  }

  async #afterUpdate(options: StoreUpdateOptions): Promise<void> {
    if (options.flush || this.#closed) await this.flush();
    else this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || !this.dirty) return;
    this.#timer = setTimer(() => {
      this.#timer = undefined;
      // A failure leaves the updates pending; the next update or flush() tries again.
      this.flush().catch((err) => this.#onFlushError?.(err));
    }, this.#flushDelayMs);
  }

  /** Writes every pending update (under the file lock, re-applying them to a newer file). */
  async #writeOut(): Promise<void> {
    if (!this.dirty) return;
    clearTimer(this.#timer);
    this.#timer = undefined;
    if (!this.#dirMade) {
      Deno.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.#dirMade = true;
    }
    try {
      await this.#writeLocked();
    } catch (err) {
      // The directory went away since this instance made it: make it again, once.
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      Deno.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      await this.#writeLocked();
    }
    this.#pending = [];
    this.#written = this.#applied;
    if (unflushedStores.get(this.path) === this) unflushedStores.delete(this.path);
  }

  #writeLocked(): Promise<void> {
    return withFileLock(this.path, async () => {
      const data = await this.#sync();
      if (this.#corrupt) {
        const aside = `${this.path}.corrupt-${Date.now()}`;
        await Deno.rename(this.path, aside);
        this.#corrupt = false;
        this.#onCorrupt?.(this.path, aside);
      }
      const layout = layoutOf(data);
      await this.#writeFile(this.path, storeText(data) + "\n", {
        syncDir: layout !== this.#layout,
      });
      this.#layout = layout;
      this.#stamp = this.#currentStamp();
    });
  }

  /**
   * Writes the updates made so far, if any are pending; concurrent callers share one write.
   * A file that is not valid JSON is moved aside (`sessions.json.corrupt-<ms>`) rather than
   * overwritten.
   */
  async flush(): Promise<void> {
    const want = this.#applied;
    // At most two rounds: a write already running may predate some of the updates wanted.
    while (this.#written < want) {
      this.#writing ??= this.#serial(() => this.#writeOut()).finally(() => {
        this.#writing = undefined;
      });
      await this.#writing;
    }
  }

  /** Writes what is pending; later updates are written before they return. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimer(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  /**
   * Removes the transcript of `sessionId` unless an entry points to it, under the file lock (a
   * turn that created a transcript and failed before the model answered). True when removed.
   */
  removeTranscriptIfUnused(sessionId: string): Promise<boolean> {
    return this.#serial(async () => {
      try {
        return await withFileLock(this.path, async () => {
          const data = await this.#sync();
          if (Object.values(data).some((e) => e.sessionId === sessionId)) return false;
          await Deno.remove(this.transcriptPath(sessionId));
          return true;
        });
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return false;
        throw err;
      }
    });
  }

  /** Reads the store (a copy of the map; entries are shared, do not change them). */
  load(): Promise<SessionStoreData> {
    return this.#serial(async () => Object.assign(emptyStore(), await this.#sync()));
  }

  /** Returns one entry (do not change it; `patch` with a new object). */
  get(key: string): Promise<SessionEntry | undefined> {
    return this.#serial(async () => (await this.#sync())[key]);
  }

  /**
   * Runs `fn` on the current store and keeps what it changed, written within `flushDelayMs` (at
   * once with `flush`). `fn` may run again later on a newer copy of the file (see the module doc).
   */
  async update<T>(
    fn: (data: SessionStoreData) => T | Promise<T>,
    options: StoreUpdateOptions = {},
  ): Promise<T> {
    const result = await this.#serial(async () => {
      const data = await this.#sync();
      let out: T;
      try {
        out = await fn(data);
      } catch (err) {
        // `fn` may have changed part of the copy: start over from the file and the pending updates.
        this.#data = undefined;
        throw err;
      }
      // `fn` may have changed entries in place; their cached file text is stale then.
      forgetEntryTexts(data);
      this.#record(fn);
      return out;
    });
    await this.#afterUpdate(options);
    return result;
  }

  /**
   * Updates one entry: `fn` gets the current entry (or `undefined`) and returns the new one, or
   * `undefined` to delete it; returning the entry it got means no change. Returns what `fn`
   * returned.
   */
  async patch(
    key: string,
    fn: (entry: SessionEntry | undefined) => SessionEntry | undefined,
    options: StoreUpdateOptions = {},
  ): Promise<SessionEntry | undefined> {
    const apply = (data: SessionStoreData, next: SessionEntry | undefined) => {
      if (next === undefined) delete data[key];
      else data[key] = next;
    };
    const result = await this.#serial(async () => {
      const data = await this.#sync();
      const current = data[key];
      const next = fn(current);
      if (next === current) return next;
      apply(data, next);
      this.#record((d) => apply(d, fn(d[key])));
      return next;
    });
    await this.#afterUpdate(options);
    return result;
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
 * level, delivery context, ...) stays, usage and model fields go.
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
