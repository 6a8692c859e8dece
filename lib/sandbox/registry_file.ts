/**
 * The `{ entries: [...] }` JSON files under `<stateDir>/sandbox/` (`containers.json`,
 * `browsers.json`): read leniently, rewritten atomically under a file lock so the gateway and
 * the CLI can both update them.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { joinPath } from "../paths.ts";

/** What every registry entry has: the container it describes. */
export interface RegistryEntryBase {
  containerName: string;
}

/** The fields the entries of `containers.json` and `browsers.json` share. */
export interface ContainerRegistryEntry extends RegistryEntryBase {
  containerId?: string;
  /** The scope key (`shared`, `agent:<id>` or a session key), as stock names it. */
  sessionKey: string;
  agentId?: string;
  scope?: string;
  image: string;
  configHash?: string;
  createdAtMs: number;
  lastUsedAtMs: number;
}

/** Returns the path of the registry file `fileName` under a state directory. */
export function registryFilePath(stateDir: string, fileName: string): string {
  return joinPath(stateDir, "sandbox", fileName);
}

function parseEntries<T extends RegistryEntryBase>(text: string): T[] {
  try {
    const data = JSON.parse(text) as { entries?: unknown };
    if (!Array.isArray(data?.entries)) return [];
    return data.entries.filter((e): e is T =>
      typeof e === "object" && e !== null && typeof (e as T).containerName === "string"
    );
  } catch {
    // A damaged registry only loses last-used times; containers are found by label anyway.
    return [];
  }
}

/** Reads a registry file; a missing or unreadable file is an empty registry. */
export async function readRegistryFile<T extends RegistryEntryBase>(
  stateDir: string,
  fileName: string,
): Promise<T[]> {
  try {
    return parseEntries<T>(await Deno.readTextFile(registryFilePath(stateDir, fileName)));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/** Rewrites a registry file with `change(entries)`, under a lock, atomically. */
export async function updateRegistryFile<T extends RegistryEntryBase>(
  stateDir: string,
  fileName: string,
  change: (entries: T[]) => T[],
): Promise<void> {
  const path = registryFilePath(stateDir, fileName);
  ensureDir(joinPath(stateDir, "sandbox"));
  await withFileLock(path, async () => {
    const next = change(await readRegistryFile<T>(stateDir, fileName));
    // Rewritten on every sandboxed turn or browser use; losing the last write to a power cut
    // only loses a last-used time, so skip the fsyncs.
    writeFileAtomic(path, JSON.stringify({ entries: next }, null, 2) + "\n", {
      mode: 0o600,
      durable: false,
    });
  });
}

/** Inserts or replaces the entry of `entry.containerName` in a registry file. */
export function upsertRegistryEntry<T extends RegistryEntryBase>(
  stateDir: string,
  fileName: string,
  entry: T,
): Promise<void> {
  return updateRegistryFile<T>(stateDir, fileName, (entries) => [
    ...entries.filter((e) => e.containerName !== entry.containerName),
    entry,
  ]);
}

/** Removes the entries of the named containers from a registry file. */
export function removeRegistryEntries(
  stateDir: string,
  fileName: string,
  names: readonly string[],
): Promise<void> {
  if (!names.length) return Promise.resolve();
  const drop = new Set(names);
  return updateRegistryFile<RegistryEntryBase>(
    stateDir,
    fileName,
    (entries) => entries.filter((e) => !drop.has(e.containerName)),
  );
}
