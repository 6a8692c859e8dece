/**
 * Which browser service runs in this process, by state dir. The gateway's `browser` subsystem
 * registers a provider of the service it owns (created, and its code loaded, on first use); the
 * agent's `browser` tool (lib/agent, which cannot import the gateway) and the `browser.request`
 * method find it here through the state dir. Without a registered service -- `openclaw agent
 * --local`, or a gateway that is stopping -- the tool says so instead of starting a browser
 * nobody would stop.
 *
 * @module
 */
import type { BrowserService } from "./service.ts";

/** Returns the service, creating it on the first call. */
export type BrowserServiceProvider = () => Promise<BrowserService>;

const providers = new Map<string, BrowserServiceProvider>();

/**
 * Registers the service provider of the gateway using `stateDir`.
 *
 * @returns The function that unregisters it (only if it is still the registered one).
 */
export function registerBrowserService(
  stateDir: string,
  provider: BrowserServiceProvider,
): () => void {
  providers.set(stateDir, provider);
  return () => {
    if (providers.get(stateDir) === provider) providers.delete(stateDir);
  };
}

/** The service of the gateway using `stateDir` (created now if needed), or undefined. */
export function browserServiceFor(stateDir: string): Promise<BrowserService> | undefined {
  return providers.get(stateDir)?.();
}
