/**
 * `<stateDir>/sandbox/containers.json`: what openclaw knows about its containers beyond their
 * labels -- when each was last used (for `prune` and `sandbox list`) and whether its
 * `setupCommand` finished. Same `{ entries: [...] }` shape as stock; written atomically under a
 * file lock so the gateway and the CLI can both update it.
 *
 * @module
 */
import {
  type ContainerRegistryEntry,
  readRegistryFile,
  registryFilePath,
  removeRegistryEntries,
  updateRegistryFile,
  upsertRegistryEntry,
} from "./registry_file.ts";

const FILE = "containers.json";

/** One container in the registry. */
export interface SandboxRegistryEntry extends ContainerRegistryEntry {
  /** The container's `setupCommand` ran to success (absent when it has none). */
  setupDone?: boolean;
}

/** Returns the registry path under a state directory. */
export function sandboxRegistryPath(stateDir: string): string {
  return registryFilePath(stateDir, FILE);
}

/** Reads the registry; a missing or unreadable file is an empty registry. */
export function readSandboxRegistry(stateDir: string): Promise<SandboxRegistryEntry[]> {
  return readRegistryFile<SandboxRegistryEntry>(stateDir, FILE);
}

/** Rewrites the registry with `update(entries)`, under a lock, atomically. */
export function updateSandboxRegistry(
  stateDir: string,
  update: (entries: SandboxRegistryEntry[]) => SandboxRegistryEntry[],
): Promise<void> {
  return updateRegistryFile(stateDir, FILE, update);
}

/** Inserts or replaces the entry of `entry.containerName`. */
export function upsertSandboxEntry(
  stateDir: string,
  entry: SandboxRegistryEntry,
): Promise<void> {
  return upsertRegistryEntry(stateDir, FILE, entry);
}

/** Removes the entries of the named containers. */
export function removeSandboxEntries(stateDir: string, names: readonly string[]): Promise<void> {
  return removeRegistryEntries(stateDir, FILE, names);
}

/** Sets `lastUsedAtMs` of one container (no-op when it is not registered). */
export function touchSandboxEntry(stateDir: string, name: string, nowMs: number): Promise<void> {
  return updateSandboxRegistry(
    stateDir,
    (entries) => entries.map((e) => e.containerName === name ? { ...e, lastUsedAtMs: nowMs } : e),
  );
}
