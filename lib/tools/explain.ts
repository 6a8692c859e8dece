/**
 * The report behind `openclaw sandbox explain`: where a session's tools run, which tools it
 * may use (and why not the others), the elevated gate, and the config keys that change each.
 *
 * @module
 */
import { toolCatalog } from "../agent/tools/runtime_tools.ts";
import { OpenClawError } from "../errors.ts";
import { BUILTIN_TOOLS, normalizeToolName } from "./groups.ts";
import { type PolicyListInfo, resolveToolPolicy } from "./policy.ts";
import {
  agentEntryOf,
  type ElevatedInfo,
  mainSessionKeyOf,
  resolveElevated,
  sandboxModeFor,
  type ToolPolicyConfigView,
} from "./policy_config.ts";

/** `sandbox explain --json`. */
export interface SandboxExplanation {
  agentId: string;
  sessionKey: string;
  mainSessionKey: string;
  sandbox: {
    mode: "off" | "non-main" | "all";
    scope: "agent" | "session" | "shared";
    workspaceAccess: "none" | "ro" | "rw";
    sessionIsSandboxed: boolean;
    reason: string;
    configKey: string;
    /** The sandbox tool policy (applies only while sandboxed). */
    tools: { allow?: PolicyListInfo; deny?: PolicyListInfo[] };
  };
  tools: {
    /** Tools an agent actually gets: registered by the runtime and allowed by the policy. */
    allowed: string[];
    /** Tools (registered or only catalogued) the policy denies, with the key that denies them. */
    denied: { tool: string; reason: string; configKey: string }[];
    /** Catalogued tools the policy would allow but this runtime does not implement. */
    unavailable: string[];
  };
  elevated: ElevatedInfo;
  /** Config keys to change, each with what changing it does. */
  fixIt: { key: string; effect: string }[];
}

/** Options of {@linkcode explainSandbox}. */
export interface ExplainOptions {
  /** @default the agent named by `sessionKey`, else the default agent */
  agentId?: string;
  /** @default the agent's main session */
  sessionKey?: string;
}

/**
 * The names of the tools an agent runtime registers, in registration order: read from the same
 * {@linkcode createRuntimeTools} the runtime uses, so the two cannot drift apart.
 */
export function runtimeToolNames(): string[] {
  return toolCatalog().list().map((t) => normalizeToolName(t.name));
}

function defaultAgentId(config: ToolPolicyConfigView): string {
  const list = config.agents?.list ?? [];
  return ((list.find((a) => a.default) ?? list[0])?.id ?? "main").toLowerCase();
}

/**
 * Builds the explanation for one agent and session.
 *
 * @throws {OpenClawError} `AGENT_UNKNOWN` when `agentId` is not in `agents.list`.
 */
export function explainSandbox(
  config: ToolPolicyConfigView,
  options: ExplainOptions = {},
): SandboxExplanation {
  const fromKey = /^agent:([^:]+):/i.exec(options.sessionKey?.trim() ?? "")?.[1];
  const agentId = (options.agentId ?? fromKey ?? defaultAgentId(config)).trim().toLowerCase();
  const list = config.agents?.list ?? [];
  if (agentEntryOf(config, agentId).index < 0 && (list.length > 0 || agentId !== "main")) {
    const known = list.map((a) => a.id).join(", ") || "main";
    throw new OpenClawError(
      "AGENT_UNKNOWN",
      `Unknown agent "${agentId}": known agents are ${known}`,
      {
        hint: "Pass one of the known ids with --agent, or add the agent to agents.list",
      },
    );
  }
  const mainSessionKey = mainSessionKeyOf(config, agentId);
  const sessionKey = options.sessionKey?.trim() || mainSessionKey;
  const mode = sandboxModeFor(config, agentId, sessionKey);
  const policy = resolveToolPolicy({
    config,
    agentId,
    sessionKey,
    surface: "agent",
    sandboxed: mode.sandboxed,
  });
  // Show the sandbox policy even for a host session: it is what a sandboxed one would get.
  const sandboxLayer = resolveToolPolicy({
    config,
    agentId,
    sessionKey,
    surface: "agent",
    sandboxed: true,
  }).layers.find((l) => l.id === "sandbox") ?? { id: "sandbox" };
  const allowed: string[] = [];
  const denied: SandboxExplanation["tools"]["denied"] = [];
  const unavailable: string[] = [];
  const registered = new Set(runtimeToolNames());
  // Catalogue order first, then any registered tool the catalogue does not know.
  const names = [...new Set([...Object.keys(BUILTIN_TOOLS), ...registered])];
  for (const tool of names) {
    const d = policy.decide(tool);
    if (!d.allowed) denied.push({ tool, reason: d.reason, configKey: d.configKey ?? "" });
    else if (registered.has(tool)) allowed.push(tool);
    else unavailable.push(tool);
  }
  const elevated = resolveElevated(config, agentId);
  const fixIt: SandboxExplanation["fixIt"] = [];
  if (mode.sandboxed) {
    fixIt.push({ key: mode.configKey, effect: 'set to "off" to run this session on the host' });
  } else if (mode.mode === "off") {
    fixIt.push({ key: mode.configKey, effect: 'set to "non-main" or "all" to sandbox sessions' });
  }
  const seen = new Set<string>();
  for (const d of denied) {
    if (seen.has(d.configKey)) continue;
    seen.add(d.configKey);
    const tools = denied.filter((x) => x.configKey === d.configKey).map((x) => x.tool);
    fixIt.push({ key: d.configKey, effect: `change to allow ${tools.join(", ")}` });
  }
  if (!elevated.enabled) {
    fixIt.push({ key: elevated.configKey, effect: "set to true to allow elevated exec" });
  }
  return {
    agentId,
    sessionKey,
    mainSessionKey,
    sandbox: {
      mode: mode.mode,
      scope: mode.scope,
      workspaceAccess: mode.workspaceAccess,
      sessionIsSandboxed: mode.sandboxed,
      reason: mode.reason,
      configKey: mode.configKey,
      tools: {
        ...(sandboxLayer.allow ? { allow: sandboxLayer.allow } : {}),
        ...(sandboxLayer.deny ? { deny: sandboxLayer.deny } : {}),
      },
    },
    tools: { allowed, denied, unavailable },
    elevated,
    fixIt,
  };
}
