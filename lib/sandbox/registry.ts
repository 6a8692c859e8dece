/**
 * `<stateDir>/sandbox/containers.json`: what openclaw knows about its containers beyond their
 * labels — when each was last used (for `prune` and `sandbox list`) and whether its
 * `setupCommand` finished. Same `{ entries: [...] }` shape as stock; written atomically under a
 * file lock so the gateway and the CLI can both update it.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { joinPath } from "../paths.ts";

/** One container in the registry. */
export interface SandboxRegistryEntry {
  containerName: string;
  containerId?: string;
  /** The scope key (`shared`, `agent:<id>` or a session key), as stock names it. */
  sessionKey: string;
  agentId?: string;
  scope?: string;
  image: string;
  configHash?: string;
  createdAtMs: number;
  lastUsedAtMs: number;
  /** The container's `setupCommand` ran to success (absent when it has none). */
  setupDone?: boolean;
}

/** Returns the registry path under a state directory. */
export function sandboxRegistryPath(stateDir: string): string {
  return joinPath(stateDir, "sandbox", "containers.json");
}

function parseEntries(text: string): SandboxRegistryEntry[] {
  try {
    const data = JSON.parse(text) as { entries?: unknown };
    if (!Array.isArray(data?.entries)) return [];
    return data.entries.filter((e): e is SandboxRegistryEntry =>
      typeof e === "object" && e !== null &&
      typeof (e as SandboxRegistryEntry).containerName === "string"
    );
  } catch {
    // A damaged registry only loses last-used times; containers are found by label anyway.
    return [];
  }
}

/** Reads the registry; a missing or unreadable file is an empty registry. */
export async function readSandboxRegistry(stateDir: string): Promise<SandboxRegistryEntry[]> {
  try {
    return parseEntries(await Deno.readTextFile(sandboxRegistryPath(stateDir)));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/** Rewrites the registry with `update(entries)`, under a lock, atomically. */
export async function updateSandboxRegistry(
  stateDir: string,
  update: (entries: SandboxRegistryEntry[]) => SandboxRegistryEntry[],
): Promise<void> {
  const path = sandboxRegistryPath(stateDir);
  ensureDir(joinPath(stateDir, "sandbox"));
  await withFileLock(path, async () => {
    const next = update(await readSandboxRegistry(stateDir));
    // Rewritten on every sandboxed turn; losing the last write to a power cut only loses a
    // last-used time, so skip the fsyncs.
    writeFileAtomic(path, JSON.stringify({ entries: next }, null, 2) + "\n", {
      mode: 0o600,
      durable: false,
    });
  });
}

/** Inserts or replaces the entry of `entry.containerName`. */
export function upsertSandboxEntry(
  stateDir: string,
  entry: SandboxRegistryEntry,
): Promise<void> {
  return updateSandboxRegistry(stateDir, (entries) => [
    ...entries.filter((e) => e.containerName !== entry.containerName),
    entry,
  ]);
}

/** Removes the entries of the named containers. */
export function removeSandboxEntries(stateDir: string, names: readonly string[]): Promise<void> {
  if (!names.length) return Promise.resolve();
  const drop = new Set(names);
  return updateSandboxRegistry(
    stateDir,
    (entries) => entries.filter((e) => !drop.has(e.containerName)),
  );
}

/** Sets `lastUsedAtMs` of one container (no-op when it is not registered). */
export function touchSandboxEntry(stateDir: string, name: string, nowMs: number): Promise<void> {
  return updateSandboxRegistry(
    stateDir,
    (entries) => entries.map((e) => e.containerName === name ? { ...e, lastUsedAtMs: nowMs } : e),
  );
}
