/**
 * The session store's file (lib/agent/sessions/store.ts): reading it (entries without a
 * `sessionId` dropped), its text (exactly `JSON.stringify(data, null, 2)`, each entry serialised
 * once and reused while the entry object is unchanged) and its atomic, durable write.
 *
 * @module
 */
import { dirname } from "../../paths.ts";
import type { SessionEntry, SessionStoreData } from "./store.ts";

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

/** Options of {@linkcode writeStoreFileAtomic}. */
export interface StoreWriteOptions {
  /**
   * fsync the directory after the rename, so the new file survives a power cut. Needed when the
   * write adds, removes or re-points a session (losing it would orphan a transcript); an update
   * of fields in existing entries may skip it: the file is still replaced atomically, and a power
   * cut can only bring back the previous version, as the write-behind window already allows.
   * @default true
   */
  syncDir?: boolean;
}

/**
 * Writes `text` to `path` through a fdatasynced temp file in the same directory and a rename,
 * mode 0600 (the store's default writer). The flushes and the rename (which can wait for the
 * file system's journal) run off the event loop; open, write and chmod of the temp file touch
 * only the page cache and run inline, since each asynchronous file call costs a thread hand-off.
 */
export async function writeStoreFileAtomic(
  path: string,
  text: string,
  options: StoreWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const rand = crypto.getRandomValues(new Uint32Array(1))[0].toString(36);
  const tmp = `${dir}/.${path.slice(path.lastIndexOf("/") + 1)}.${Deno.pid}.${rand}.tmp`;
  const data = new TextEncoder().encode(text);
  try {
    {
      using file = Deno.openSync(tmp, { write: true, createNew: true, mode: 0o600 });
      let off = 0;
      while (off < data.length) off += file.writeSync(data.subarray(off));
      // The data must be on disk before the rename, or a power cut could leave an empty store.
      await file.syncData();
    }
    // createNew honours the umask; chmod makes the mode exact.
    if (Deno.build.os !== "windows") Deno.chmodSync(tmp, 0o600);
    await Deno.rename(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never created or already renamed */ }
    throw err;
  }
  if (options.syncDir === false) return;
  try {
    // Makes the rename itself durable; not every platform can open a directory.
    using d = Deno.openSync(dir, { read: true });
    await d.sync();
  } catch { /* best effort */ }
}

/** Each entry's text in the store file, by entry object (entries are never changed in place). */
const entryTexts = new WeakMap<SessionEntry, string>();

/**
 * The store file's text: `JSON.stringify(data, null, 2)`, reusing the text of entries already
 * written, so a turn that changes one entry does not serialise the whole store again.
 */
export function storeText(data: SessionStoreData): string {
  let out = "";
  for (const key in data) {
    const entry = data[key];
    let text = entryTexts.get(entry);
    if (text === undefined) {
      // Nested one level deeper; newlines inside string values are escaped, so every newline is
      // structural.
      text = JSON.stringify(entry, null, 2).replaceAll("\n", "\n  ");
      entryTexts.set(entry, text);
    }
    out += `${out ? ",\n" : ""}  ${JSON.stringify(key)}: ${text}`;
  }
  return out ? `{\n${out}\n}` : "{}";
}

/** Drops the cached text of `data`'s entries (after an update that may have changed them in place). */
export function forgetEntryTexts(data: SessionStoreData): void {
  for (const key in data) entryTexts.delete(data[key]);
}
