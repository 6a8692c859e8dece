/**
 * Agents from the config: `agents.list[]` over `agents.defaults`, with the legacy single-agent
 * `agent` block and top-level `identity` counting as defaults. Answers "which agents exist, which
 * is the default, and what are this agent's workspace, identity, models and limits".
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { OpenClawError } from "../errors.ts";
import { type Env, expandHome, joinPath } from "../paths.ts";
import { type ModelChain, resolveModelChain } from "../models/refs.ts";
import type { ThinkingLevel } from "./contract.ts";
import { DEFAULT_AGENT_ID, normalizeAgentId, normalizeMainKey } from "./session_key.ts";
import { THINKING_LEVELS } from "./thinking.ts";

/** Default of `agents.defaults.bootstrapMaxChars` (stock: 12000 per file). */
export const DEFAULT_BOOTSTRAP_MAX_CHARS = 12_000;
/** Default of `agents.defaults.bootstrapTotalMaxChars` (stock: 60000 across files). */
export const DEFAULT_BOOTSTRAP_TOTAL_MAX_CHARS = 60_000;
/** Default of `agents.defaults.timeoutSeconds`. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

/** Who the assistant is (`agents.list[].identity`, legacy top-level `identity`). */
export interface AgentIdentity {
  name?: string;
  theme?: string;
  emoji?: string;
  avatar?: string;
}

/** An agent with every setting the runtime needs resolved. */
export interface ResolvedAgent {
  id: string;
  name?: string;
  isDefault: boolean;
  /** Absolute workspace directory (need not exist). */
  workspace: string;
  identity?: AgentIdentity;
  chain: ModelChain;
  timeoutSeconds: number;
  thinkingDefault?: ThinkingLevel;
  bootstrapMaxChars: number;
  bootstrapTotalMaxChars: number;
  userTimezone?: string;
  /** The agent's `tools` block, for policies that plug into the tool registry. */
  tools?: Record<string, unknown>;
  /** `session.mainKey`, normalised. */
  mainKey: string;
}

type AgentEntry = NonNullable<NonNullable<OpenClawConfig["agents"]>["list"]>[number];

function entries(config: OpenClawConfig): AgentEntry[] {
  return config.agents?.list ?? [];
}

/** Returns the default agent's id: the first `default: true`, else the first entry, else `main`. */
export function defaultAgentId(config: OpenClawConfig): string {
  const list = entries(config);
  const id = (list.find((a) => a.default) ?? list[0])?.id;
  return id ? normalizeAgentId(id) : DEFAULT_AGENT_ID;
}

/** Lists the configured agents (`main` alone when `agents.list` is empty). */
export function listAgents(
  config: OpenClawConfig,
): { id: string; name?: string; isDefault: boolean }[] {
  const def = defaultAgentId(config);
  const list = entries(config);
  if (list.length === 0) {
    const name = config.identity?.name;
    return [{ id: DEFAULT_AGENT_ID, ...(name ? { name } : {}), isDefault: true }];
  }
  const seen = new Set<string>();
  const out: { id: string; name?: string; isDefault: boolean }[] = [];
  for (const entry of list) {
    const id = normalizeAgentId(entry.id);
    if (seen.has(id)) continue;
    seen.add(id);
    const name = entry.name ?? entry.identity?.name;
    out.push({ id, ...(name ? { name } : {}), isDefault: id === def });
  }
  return out;
}

/** Returns true when `agentId` is one of the configured agents. */
export function hasAgent(config: OpenClawConfig, agentId: string): boolean {
  const id = normalizeAgentId(agentId);
  return listAgents(config).some((a) => a.id === id);
}

function findEntry(config: OpenClawConfig, agentId: string): AgentEntry | undefined {
  return entries(config).find((a) => normalizeAgentId(a.id) === agentId);
}

/** Maps a configured thinking level onto ours (`adaptive`/`max`/`ultra` -> nearest). */
export function normalizeThinkingLevel(value: string | undefined): ThinkingLevel | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if ((THINKING_LEVELS as readonly string[]).includes(v)) return v as ThinkingLevel;
  if (v === "adaptive") return "medium";
  if (v === "max" || v === "ultra") return "xhigh";
  return undefined;
}

/** Options for {@linkcode resolveAgent}. */
export interface ResolveAgentOptions {
  stateDir: string;
  env?: Env;
}

/**
 * Resolves one agent. The workspace is the agent's own, else (for the default agent)
 * `agents.defaults.workspace`, the legacy `agent.workspace`, `OPENCLAW_WORKSPACE_DIR` or
 * `<stateDir>/workspace`; other agents without one get `<stateDir>/workspace-<id>` so two agents
 * never share bootstrap files by accident.
 *
 * @throws {OpenClawError} `AGENT_UNKNOWN` when the agent is not configured.
 */
export function resolveAgent(
  config: OpenClawConfig,
  agentId: string | undefined,
  options: ResolveAgentOptions,
): ResolvedAgent {
  const def = defaultAgentId(config);
  const id = agentId === undefined ? def : normalizeAgentId(agentId);
  if (!hasAgent(config, id)) {
    const known = listAgents(config).map((a) => a.id).join(", ");
    throw new OpenClawError("AGENT_UNKNOWN", `Unknown agent "${id}": known agents are ${known}`, {
      hint: "Add it to agents.list, or pass one of the known ids with --agent",
    });
  }
  const env = options.env ?? {};
  const entry = findEntry(config, id);
  const defaults = config.agents?.defaults;
  const legacy = config.agent;
  const isDefault = id === def;
  const configured = entry?.workspace ??
    (isDefault
      ? defaults?.workspace ?? legacy?.workspace ?? env.OPENCLAW_WORKSPACE_DIR
      : undefined);
  const workspace = configured
    ? expandHome(configured, options.env)
    : joinPath(options.stateDir, isDefault ? "workspace" : `workspace-${id}`);
  const identity = entry?.identity ??
    (isDefault || entries(config).length === 0 ? config.identity : undefined);
  const name = entry?.name ?? identity?.name;
  // The schema fills in defaults.timeoutSeconds, so the legacy value wins over that default only.
  const fromDefaults = defaults?.timeoutSeconds;
  const timeout = fromDefaults !== undefined && fromDefaults !== DEFAULT_TIMEOUT_SECONDS
    ? fromDefaults
    : legacy?.timeoutSeconds ?? fromDefaults ?? DEFAULT_TIMEOUT_SECONDS;
  const thinking = normalizeThinkingLevel(
    entry?.thinkingDefault ?? defaults?.thinkingDefault ?? legacy?.thinkingDefault,
  );
  const userTimezone = defaults?.userTimezone;
  return {
    id,
    ...(name ? { name } : {}),
    isDefault,
    workspace,
    ...(identity ? { identity } : {}),
    chain: resolveModelChain(config, entry ? entry.id : undefined),
    timeoutSeconds: timeout,
    ...(thinking ? { thinkingDefault: thinking } : {}),
    bootstrapMaxChars: entry?.bootstrapMaxChars ?? defaults?.bootstrapMaxChars ??
      DEFAULT_BOOTSTRAP_MAX_CHARS,
    bootstrapTotalMaxChars: entry?.bootstrapTotalMaxChars ?? defaults?.bootstrapTotalMaxChars ??
      DEFAULT_BOOTSTRAP_TOTAL_MAX_CHARS,
    ...(userTimezone ? { userTimezone } : {}),
    ...(entry?.tools ? { tools: entry.tools as Record<string, unknown> } : {}),
    mainKey: normalizeMainKey(config.session?.mainKey),
  };
}
