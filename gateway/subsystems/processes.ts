/**
 * The `processes` subsystem: owns the commands the exec tool starts (and their process groups),
 * so they are killed when the gateway stops, whatever the agent runtime is doing.
 *
 * @module
 */
import { ProcessManager } from "../../lib/tools/process_manager.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";

/** The processes subsystem and the manager the agent runtime starts commands with. */
export interface ProcessesSubsystem extends GatewaySubsystem {
  readonly manager: ProcessManager;
}

/** Creates the processes subsystem. */
export function processesSubsystem(): ProcessesSubsystem {
  const manager = new ProcessManager();
  return {
    id: "processes",
    required: true,
    manager,
    start() {},
    stop: () => manager.closeAll(),
    health: () => ({
      running: manager.list().filter((p) => p.status === "running").length,
      tracked: manager.list().length,
    }),
  };
}
