/**
 * The `browser` subsystem: owns the browser control service of this start (lib/browser) and
 * every Chromium it launches. Starting the gateway launches nothing and loads no browser code:
 * the subsystem only registers where the `browser` tool and the `browser.request` method get
 * the service, which is created (ports derived from the gateway's actual port) on first use, and
 * Chromium starts when an action needs it. Stopping the gateway stops every browser (SIGTERM to
 * its process group, SIGKILL after the grace period).
 *
 * Optional: the gateway serves on without it. A `browser.*` hot reload stops the browsers whose
 * launch settings changed; they start again with the new ones on next use.
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { registerBrowserService } from "../../lib/browser/host.ts";
import { closeSandboxBrowsers } from "../../lib/browser/sandbox_pools.ts";
import type { BrowserService } from "../../lib/browser/service.ts";
import type { GatewayState } from "../state.ts";
import type { GatewaySubsystem, SubsystemContext } from "./lifecycle.ts";

/** The part of the gateway state the browser needs. */
export type BrowserHost = Pick<GatewayState, "config" | "stateDir" | "port">;

/** Creates the browser subsystem. */
export function browserSubsystem(host: BrowserHost): GatewaySubsystem {
  let ctx: SubsystemContext | undefined;
  let config: OpenClawConfig = host.config;
  let service: BrowserService | undefined;
  let creating: Promise<BrowserService> | undefined;
  let unregister: (() => void) | undefined;

  const provide = (): Promise<BrowserService> =>
    creating ??= import("../../lib/browser/service.ts").then(({ BrowserService }) =>
      service = new BrowserService({
        stateDir: host.stateDir,
        gatewayPort: host.port,
        config,
        clock: ctx?.clock,
        log: ctx?.log,
      })
    );

  return {
    id: "browser",
    required: false,
    after: ["server"],
    configPaths: ["browser"],
    start(context) {
      ctx = context;
      config = host.config;
      unregister = registerBrowserService(host.stateDir, provide);
    },
    async reload(change) {
      config = change.config;
      await service?.updateConfig(change.config, host.port);
    },
    async stop() {
      unregister?.();
      unregister = undefined;
      const s = await creating?.catch(() => undefined);
      await s?.closeAll();
      // Sandboxed sessions' browsers (containers) stay; their CDP relays close with the gateway.
      await closeSandboxBrowsers(host.stateDir);
    },
    health: () => service?.health() ?? { enabled: config.browser?.enabled ?? true, loaded: false },
  };
}
