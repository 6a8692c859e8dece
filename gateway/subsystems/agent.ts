/**
 * The `agent` subsystem: the agent runtime of this start, created on first use (a gateway that
 * never runs a turn never loads the AI SDK), handed every hot-reloaded config, and closed on
 * stop after its running turns are aborted, so their transcripts end before the sockets go.
 *
 * @module
 */
import type { AgentRuntime } from "../../lib/agent/contract.ts";
import type { Logger } from "../../lib/log/mod.ts";
import { createGatewayAgentRuntime, LazyAgentRuntime } from "../agent_runtime.ts";
import type { GatewayState } from "../state.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";
import type { ProcessesSubsystem } from "./processes.ts";

/** How long a stop waits for the runtime to abort its turns and close. */
const CLOSE_BUDGET_MS = 5_000;

/** The agent subsystem plus the runtime getter methods and HTTP surfaces use. */
export interface AgentSubsystem extends GatewaySubsystem {
  /** The runtime, created now if needed; rejects when it cannot be created or after stop. */
  runtime(): Promise<AgentRuntime>;
}

/** Creates the agent subsystem. */
export function agentSubsystem(
  state: Pick<GatewayState, "config" | "stateDir" | "secrets" | "log" | "systemEvents">,
  processes: ProcessesSubsystem,
): AgentSubsystem {
  let log: Logger | undefined;
  let loaded = false;
  const lazy = new LazyAgentRuntime(
    async () => {
      const rt = await createGatewayAgentRuntime(state, processes.manager);
      loaded = true;
      return rt;
    },
    (message) => log?.warn(message),
  );
  return {
    id: "agent",
    required: true,
    after: ["secrets", "processes"],
    start(ctx) {
      log = ctx.log;
    },
    reload: ({ config }) => lazy.updateConfig(config),
    runtime: () => lazy.get(),
    stop: () => lazy.close(CLOSE_BUDGET_MS),
    health: () => ({ loaded }),
  };
}
