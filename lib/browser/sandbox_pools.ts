/**
 * The open sandbox browser pools, by gateway state dir. Kept apart from sandbox_pool.ts (the pool
 * itself, with the sandbox settings' schema and the docker client behind it) so a gateway that
 * never opened a sandboxed browser can say so at shutdown without loading any of that.
 *
 * @module
 */

/** What shutdown needs of a pool. */
export interface ClosablePool {
  /** Closes every session (containers keep running) and refuses new ones. */
  closeAll(): Promise<void>;
}

/** The pools by state dir (written by sandbox_pool.ts only). */
export const sandboxPools: Map<string, ClosablePool> = new Map();

/**
 * Closes the sandbox browser sessions of `stateDir` (the gateway is stopping); nothing to do,
 * and nothing loaded, when no sandboxed session ever opened a browser.
 *
 * @param stateDir The gateway's state dir.
 */
export async function closeSandboxBrowsers(stateDir: string): Promise<void> {
  const pool = sandboxPools.get(stateDir);
  if (!pool) return;
  sandboxPools.delete(stateDir);
  await pool.closeAll();
}
