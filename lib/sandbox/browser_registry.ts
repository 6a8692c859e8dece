/**
 * `<stateDir>/sandbox/browsers.json`: the sandbox browser containers openclaw made (stock's file
 * name and `{ entries: [...] }` shape) with their last use, for `sandbox list --browser` and
 * pruning. Written atomically under a file lock, like `containers.json`.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { joinPath } from "../paths.ts";

/** One browser container in the registry. */
export interface SandboxBrowserRegistryEntry {
  containerName: string;
  containerId?: string;
  /** The scope key (`shared`, `agent:<id>` or a session key), as stock names it. */
  sessionKey: string;
  agentId?: string;
  scope?: string;
  image: string;
  configHash?: string;
  /** Chromium's DevTools port inside the container. */
  cdpPort: number;
  createdAtMs: number;
  lastUsedAtMs: number;
}

/** Returns the registry path under a state directory. */
export function sandboxBrowserRegistryPath(stateDir: string): string {
  return joinPath(stateDir, "sandbox", "browsers.json");
}

function parseEntries(text: string): SandboxBrowserRegistryEntry[] {
  try {
    const data = JSON.parse(text) as { entries?: unknown };
    if (!Array.isArray(data?.entries)) return [];
    return data.entries.filter((e): e is SandboxBrowserRegistryEntry =>
      typeof e === "object" && e !== null &&
      typeof (e as SandboxBrowserRegistryEntry).containerName === "string"
    );
  } catch {
    // A damaged registry only loses last-used times; containers are found by label anyway.
    return [];
  }
}

/** Reads the registry; a missing or unreadable file is an empty registry. */
export async function readSandboxBrowserRegistry(
  stateDir: string,
): Promise<SandboxBrowserRegistryEntry[]> {
  try {
    return parseEntries(await Deno.readTextFile(sandboxBrowserRegistryPath(stateDir)));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

async function update(
  stateDir: string,
  change: (entries: SandboxBrowserRegistryEntry[]) => SandboxBrowserRegistryEntry[],
): Promise<void> {
  const path = sandboxBrowserRegistryPath(stateDir);
  ensureDir(joinPath(stateDir, "sandbox"));
  await withFileLock(path, async () => {
    const next = change(await readSandboxBrowserRegistry(stateDir));
    // Rewritten on every use; a lost write only loses a last-used time, so skip the fsyncs.
    writeFileAtomic(path, JSON.stringify({ entries: next }, null, 2) + "\n", {
      mode: 0o600,
      durable: false,
    });
  });
}

/** Inserts or replaces the entry of `entry.containerName`. */
export function upsertSandboxBrowserEntry(
  stateDir: string,
  entry: SandboxBrowserRegistryEntry,
): Promise<void> {
  return update(stateDir, (entries) => [
    ...entries.filter((e) => e.containerName !== entry.containerName),
    entry,
  ]);
}

/** Removes the entries of the named containers. */
export function removeSandboxBrowserEntries(
  stateDir: string,
  names: readonly string[],
): Promise<void> {
  if (!names.length) return Promise.resolve();
  const drop = new Set(names);
  return update(stateDir, (entries) => entries.filter((e) => !drop.has(e.containerName)));
}
