/**
 * How many connections the gateway can hold: derived from the process's open-file limit, which
 * Deno raises from its soft to its hard value at start. Read from `/proc/self/limits` (Linux);
 * elsewhere the common default of 1024 is assumed, which errs on the side of refusing early.
 *
 * @module
 */

/** Assumed limit when it cannot be read. */
const FALLBACK_FD_LIMIT = 1024;
/** Descriptors kept free for files, logs, children and the listener. */
const FD_RESERVE = 64;
/** Most connections derived automatically (a config value may go higher). */
const MAX_DERIVED_CONNECTIONS = 16_384;

/**
 * Reads the soft open-file limit of this process.
 *
 * @param limitsText The text of `/proc/self/limits` (read when omitted).
 * @returns The limit, or 1024 when it cannot be read or is "unlimited".
 */
export function openFileLimit(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = Deno.readTextFileSync("/proc/self/limits");
    } catch {
      return FALLBACK_FD_LIMIT;
    }
  }
  const line = text.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = Number(line?.slice("Max open files".length).trim().split(/\s+/)[0]);
  return Number.isInteger(soft) && soft > 0 ? soft : FALLBACK_FD_LIMIT;
}

/**
 * The connection cap: the configured value, else 80% of the open-file limit less a reserve
 * (755 at the common limit of 1024), at least 16.
 *
 * @param configured `gateway.limits.maxConnections`.
 * @param fdLimit The open-file limit ({@linkcode openFileLimit}).
 * @returns How many connections may be open at once.
 * @example
 * ```ts
 * maxConnectionsFor(undefined, 1024); // 755
 * ```
 */
export function maxConnectionsFor(configured: number | undefined, fdLimit: number): number {
  if (configured !== undefined) return configured;
  const derived = Math.floor(fdLimit * 0.8) - FD_RESERVE;
  return Math.max(16, Math.min(MAX_DERIVED_CONNECTIONS, derived));
}
