/**
 * `<stateDir>/sandbox/browsers.json`: the sandbox browser containers openclaw made (stock's file
 * name and `{ entries: [...] }` shape) with their last use, for `sandbox list --browser` and
 * pruning. Written atomically under a file lock, like `containers.json`.
 *
 * @module
 */
import {
  type ContainerRegistryEntry,
  readRegistryFile,
  registryFilePath,
  removeRegistryEntries,
  upsertRegistryEntry,
} from "./registry_file.ts";

const FILE = "browsers.json";

/** One browser container in the registry. */
export interface SandboxBrowserRegistryEntry extends ContainerRegistryEntry {
  /** Chromium's DevTools port inside the container. */
  cdpPort: number;
}

/** Returns the registry path under a state directory. */
export function sandboxBrowserRegistryPath(stateDir: string): string {
  return registryFilePath(stateDir, FILE);
}

/** Reads the registry; a missing or unreadable file is an empty registry. */
export function readSandboxBrowserRegistry(
  stateDir: string,
): Promise<SandboxBrowserRegistryEntry[]> {
  return readRegistryFile<SandboxBrowserRegistryEntry>(stateDir, FILE);
}

/** Inserts or replaces the entry of `entry.containerName`. */
export function upsertSandboxBrowserEntry(
  stateDir: string,
  entry: SandboxBrowserRegistryEntry,
): Promise<void> {
  return upsertRegistryEntry(stateDir, FILE, entry);
}

/** Removes the entries of the named containers. */
export function removeSandboxBrowserEntries(
  stateDir: string,
  names: readonly string[],
): Promise<void> {
  return removeRegistryEntries(stateDir, FILE, names);
}
