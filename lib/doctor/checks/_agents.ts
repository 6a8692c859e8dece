/**
 * The agents doctor looks at: their ids, workspaces and skill allowlists, from the validated
 * config when there is one and from the loose view otherwise.
 *
 * @module
 */
import { listAgents, resolveAgent } from "../../agent/agents.ts";
import { DEFAULT_AGENT_ID, normalizeAgentId } from "../../agent/session_key.ts";
import type { OpenClawConfig } from "../../config/schema.ts";
import { joinPath } from "../../paths.ts";
import type { DoctorContext } from "../types.ts";

/** One configured agent as doctor needs it. */
export interface DoctorAgent {
  id: string;
  isDefault: boolean;
  workspace: string;
  /** `agents.list[].skills`: the only skills this agent may use, when set. */
  skills?: string[];
}

function configOf(ctx: DoctorContext): OpenClawConfig {
  // An invalid config is read as far as it goes; every field below is checked before use.
  return (ctx.config.check?.config ?? ctx.config.audit.config) as OpenClawConfig;
}

/** Lists the agents (`main` alone when none are configured), never throwing. */
export function doctorAgents(ctx: DoctorContext): DoctorAgent[] {
  const config = configOf(ctx);
  let listed: { id: string; isDefault: boolean }[];
  try {
    listed = listAgents(config);
  } catch {
    listed = [{ id: DEFAULT_AGENT_ID, isDefault: true }];
  }
  const entries = Array.isArray(config.agents?.list) ? config.agents.list : [];
  return listed.map(({ id, isDefault }) => {
    let workspace: string;
    try {
      workspace = resolveAgent(config, id, { stateDir: ctx.stateDir, env: ctx.env }).workspace;
    } catch {
      workspace = joinPath(ctx.stateDir, isDefault ? "workspace" : `workspace-${id}`);
    }
    const entry = entries.find((e) => typeof e?.id === "string" && normalizeAgentId(e.id) === id);
    const skills = Array.isArray(entry?.skills)
      ? entry.skills.filter((s): s is string => typeof s === "string")
      : undefined;
    return { id, isDefault, workspace, ...(skills ? { skills } : {}) };
  });
}
