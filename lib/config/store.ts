/**
 * The one way openclaw changes `openclaw.json`: take the file lock, read the current text, compute
 * the new text, write it atomically with a `.bak`. Two CLIs, or a CLI and the gateway, take turns
 * instead of losing each other's edits.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { dirname } from "../paths.ts";
import { type ConfigFile, hashConfigText, readConfigFile } from "./read.ts";

/** What {@linkcode updateConfigText} did. */
export interface ConfigUpdate {
  changed: boolean;
  before: ConfigFile;
  /** The text now on disk. */
  text: string;
  hash: string | null;
}

/**
 * Rewrites the config under the lock. `compute` gets the current file and returns the new text,
 * or `undefined` to leave it alone; it may throw to refuse the change (nothing is written then).
 */
export async function updateConfigText(
  path: string,
  compute: (current: ConfigFile) => string | undefined | Promise<string | undefined>,
): Promise<ConfigUpdate> {
  ensureDir(dirname(path));
  return await withFileLock(path, async () => {
    removeStaleTempFiles(path);
    const before = await readConfigFile(path);
    const next = await compute(before);
    if (next === undefined || (before.exists && next === before.text)) {
      return { changed: false, before, text: before.text, hash: before.hash };
    }
    writeFileAtomic(path, next, { mode: 0o600, backup: before.exists });
    return { changed: true, before, text: next, hash: await hashConfigText(next) };
  });
}

/**
 * Removes temp files left by writers that died mid-write. Every writer holds the lock while its
 * temp file exists, so whatever is there while we hold the lock belongs to a dead process.
 */
function removeStaleTempFiles(path: string): void {
  const dir = dirname(path);
  const prefix = `.${path.slice(path.lastIndexOf("/") + 1)}.`;
  try {
    for (const e of Deno.readDirSync(dir)) {
      if (e.isFile && e.name.startsWith(prefix) && e.name.endsWith(".tmp")) {
        try {
          Deno.removeSync(`${dir}/${e.name}`);
        } catch { /* raced with another cleaner */ }
      }
    }
  } catch { /* directory unreadable: nothing to sweep */ }
}
