/**
 * The `sandbox` subsystem: checks every agent's effective docker sandbox settings at start and on
 * each reload of `agents.*`, so a dangerous or broken sandbox config shows up in `health` and
 * `status` at once instead of at a session's first command. Containers are created lazily by
 * the agent runtime and outlive restarts on purpose (config-hash labels decide reuse), so
 * stopping has nothing to tear down. Never loads the docker CLI wrapper.
 *
 * @module
 */
import { listAgents } from "../../lib/agent/agents.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { errorMessage } from "../../lib/errors.ts";
import { sandboxSummary } from "../../lib/sandbox/summary.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";

/** What the sandbox subsystem reads. */
export interface SandboxHost {
  readonly config: OpenClawConfig;
  readonly stateDir: string;
}

interface AgentSandbox {
  mode: string;
  scope: string;
  workspaceAccess: string;
  problem?: string;
}

/** Checks each agent's sandbox; returns the per-agent facts. */
async function inspect(
  config: OpenClawConfig,
  stateDir: string,
): Promise<Record<string, AgentSandbox>> {
  const out: Record<string, AgentSandbox> = {};
  // The sandbox settings' schema is a large part of the config schema: while every agent's
  // sandbox is off there is nothing to validate, and the schema stays off the gateway's start.
  const summaries = listAgents(config).map((agent) => ({
    id: agent.id,
    summary: sandboxSummary(config, agent.id),
  }));
  if (summaries.every((s) => s.summary?.mode === "off")) {
    for (const { id, summary } of summaries) out[id] = { ...summary! };
    return out;
  }
  const { resolveSandboxConfig } = await import("../../lib/sandbox/config.ts");
  const { validateSandboxSecurity } = await import("../../lib/sandbox/security.ts");
  for (const agent of listAgents(config)) {
    try {
      const effective = resolveSandboxConfig(config, agent.id, stateDir);
      const facts: AgentSandbox = {
        mode: effective.mode,
        scope: effective.scope,
        workspaceAccess: effective.workspaceAccess,
      };
      if (effective.mode !== "off") {
        try {
          validateSandboxSecurity(effective);
        } catch (err) {
          facts.problem = errorMessage(err);
        }
      }
      out[agent.id] = facts;
    } catch (err) {
      out[agent.id] = {
        mode: "unknown",
        scope: "unknown",
        workspaceAccess: "unknown",
        problem: errorMessage(err),
      };
    }
  }
  return out;
}

/** Creates the sandbox subsystem. */
export function sandboxSubsystem(host: SandboxHost): GatewaySubsystem {
  let agents: Record<string, AgentSandbox> = {};
  const check = async (config: OpenClawConfig) => {
    agents = await inspect(config, host.stateDir);
    const problems = Object.entries(agents).filter(([, a]) => a.problem);
    if (problems.length > 0) {
      // Refused sandboxes refuse their sessions' commands; the rest of the gateway works.
      throw new Error(problems.map(([id, a]) => `agent ${id}: ${a.problem}`).join("; "));
    }
  };
  return {
    id: "sandbox",
    required: false,
    configPaths: ["agents"],
    start: () => check(host.config),
    reload: ({ config }) => check(config),
    stop() {},
    health: () => ({ agents }),
  };
}
