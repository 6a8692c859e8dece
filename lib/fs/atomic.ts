/**
 * Crash-safe file writes: the reader sees the old file or the new one, never a torn mix.
 *
 * @module
 */
import { dirname } from "../paths.ts";

/** Options for {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the new file. @default 0o600 */
  mode?: number;
  /** Keep the previous content as `<path>.bak` (written atomically too). @default false */
  backup?: boolean;
  /**
   * fsync the data and the directory so the new file survives a power cut. Files that are
   * rewritten on every start (runtime hints) skip it: still atomic, just not durable.
   * @default true
   */
  durable?: boolean;
}

function tempPathFor(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const rand = crypto.getRandomValues(new Uint32Array(1))[0].toString(36);
  return `${dirname(path)}/.${base}.${Deno.pid}.${rand}.tmp`;
}

function syncDir(dir: string): void {
  // fsync on the directory makes the rename itself durable; not every platform allows opening a
  // directory, and losing only durability (not atomicity) there is acceptable.
  try {
    using d = Deno.openSync(dir, { read: true });
    d.syncSync();
  } catch { /* best effort */ }
}

function writeTempSync(path: string, data: Uint8Array, mode: number, durable = true): string {
  const tmp = tempPathFor(path);
  try {
    using f = Deno.openSync(tmp, { write: true, createNew: true, mode });
    let off = 0;
    while (off < data.length) off += f.writeSync(data.subarray(off));
    // fdatasync: a new file's size and blocks are flushed with its data; only times are not.
    if (durable) f.syncDataSync();
    // createNew honours the umask; chmod makes the mode exact (0600 for secrets).
    if (Deno.build.os !== "windows") Deno.chmodSync(tmp, mode);
    return tmp;
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never created */ }
    throw err;
  }
}

/** Writes `content` to `path` through a fsynced temp file in the same directory and a rename. */
export function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const mode = options.mode ?? 0o600;
  const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
  if (options.backup) {
    let previous: Uint8Array | undefined;
    try {
      previous = Deno.readFileSync(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    if (previous) Deno.renameSync(writeTempSync(`${path}.bak`, previous, mode), `${path}.bak`);
  }
  const durable = options.durable ?? true;
  const tmp = writeTempSync(path, data, mode, durable);
  try {
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* already gone */ }
    throw err;
  }
  if (durable) syncDir(dirname(path));
}

/** Creates `dir` (and parents) with `mode`, tightening the mode of the last one if it exists. */
export function ensureDir(dir: string, mode = 0o700): void {
  Deno.mkdirSync(dir, { recursive: true, mode });
}
