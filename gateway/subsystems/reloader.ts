/**
 * The `reloader` subsystem: watches the config file and applies edits per
 * `gateway.reload.mode` (see gateway/reload.ts). Without a file watcher it stays up but reports
 * itself degraded: RPC writes still reload, hand edits wait for a restart.
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import type { ReloadPlan } from "../../lib/config/reload_rules.ts";
import { type ConfigReloader, type DirWatcher, startConfigReloader } from "../reload.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";

/** What the reloader changes in the running gateway. */
export interface ReloaderHost {
  readonly configPath: string;
  /** Where the validation cache lives (lib/config/check_cached.ts). */
  readonly stateDir?: string;
  current(): { config: OpenClawConfig; hash: string | null };
  applyHot(config: OpenClawConfig, hash: string | null, plan: ReloadPlan): Promise<void>;
  restart(reason: string, hash: string | null): void;
}

/** The reloader subsystem plus the reload RPC writes trigger. */
export interface ReloaderSubsystem extends GatewaySubsystem {
  reloadFile(reason: string): Promise<ReloadPlan["decision"]>;
}

/** Creates the reloader subsystem. `watch` replaces Deno.watchFs in tests. */
export function reloaderSubsystem(
  host: ReloaderHost,
  watch?: (dir: string) => DirWatcher,
): ReloaderSubsystem {
  let reloader: ConfigReloader | undefined;
  return {
    id: "reloader",
    required: false,
    after: ["logging"],
    start(ctx) {
      reloader = startConfigReloader({ ...host, log: ctx.log, clock: ctx.clock, watch });
    },
    reloadFile: (reason) => reloader ? reloader.reload(reason) : Promise.resolve("noop"),
    stop() {
      reloader?.stop();
    },
    health() {
      const stats = reloader?.stats();
      const mode = host.current().config.gateway?.reload?.mode ?? "hybrid";
      return {
        mode,
        ...stats,
        ...(stats && !stats.watching
          ? { degraded: `config watcher unavailable: ${stats.watchError ?? "closed"}` }
          : {}),
      };
    },
  };
}
