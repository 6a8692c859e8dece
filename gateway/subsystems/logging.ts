/**
 * The `logging` subsystem: console and file sinks from `logging.*`, reconfigured live when that
 * section changes or when new secret values must be masked, and flushed last on stop.
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { collectSecretStrings } from "../../lib/config/schema/secret_strings.ts";
import { configureLogging, type LoggingHandle } from "../../lib/log/mod.ts";
import { loggingOptionsFromConfig } from "../../lib/log/from_config.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";

/** What the logging subsystem reads and writes. */
export interface LoggingHost {
  readonly config: OpenClawConfig;
  logFile: string | undefined;
}

/** The logging subsystem plus what other subsystems ask of it. */
export interface LoggingSubsystem extends GatewaySubsystem {
  /**
   * Masks these values from now on (secrets resolved at start or by `secrets.reload`). Values
   * are never forgotten during a start, so rotated-out secrets stay masked too.
   */
  maskValues(values: Iterable<string>): Promise<void>;
}

/** Creates the logging subsystem; `verbose` is `gateway --verbose`. */
export function loggingSubsystem(host: LoggingHost, verbose?: boolean): LoggingSubsystem {
  const masked = new Set<string>();
  let handle: LoggingHandle | undefined;
  const configure = async (config: OpenClawConfig) => {
    handle = await configureLogging(
      loggingOptionsFromConfig(config, {
        verbose,
        secrets: [...collectSecretStrings(config), ...masked],
      }),
    );
    host.logFile = handle.file;
  };
  return {
    id: "logging",
    required: true,
    configPaths: ["logging"],
    start: () => configure(host.config),
    reload: ({ config }) => configure(config),
    async maskValues(values) {
      const before = masked.size;
      for (const v of values) masked.add(v);
      if (masked.size > before && handle) await configure(host.config);
    },
    async stop() {
      await handle?.dispose();
    },
    health: () => ({ file: handle?.file ?? null, level: handle?.level ?? null }),
  };
}
