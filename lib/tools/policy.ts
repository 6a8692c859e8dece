/**
 * Which tools a call may use. The policy is a chain of layers and a tool must pass every one:
 *
 * 1. the profile (`tools.profile`, or the agent's own `agents.list[].tools.profile`) plus
 *    `alsoAllow`; then the provider profile (`tools.byProvider.<provider>.profile`);
 * 2. `tools.allow` / `tools.deny`, then `tools.byProvider.<provider|provider/model>`;
 * 3. `agents.list[].tools.allow` / `deny`, then the agent's `byProvider` (these can only narrow);
 * 4. when the session is sandboxed, the sandbox policy (`agents.list[].tools.sandbox.tools`, else
 *    `tools.sandbox.tools`, else the built-in defaults of §8.4);
 * 5. on `POST /tools/invoke`, the HTTP deny list adjusted by `gateway.tools.allow` / `deny`.
 *
 * In every layer deny wins over allow, an empty or missing allowlist allows everything, names are
 * case-insensitive, `*` is a wildcard and `group:*` entries expand through {@link TOOL_GROUPS}.
 * Every refusal carries the reason and the config key to change (`openclaw sandbox explain`).
 *
 * @module
 */
import { normalizeToolName } from "./groups.ts";
import { agentEntryOf, sandboxModeFor, type ToolPolicyConfigView } from "./policy_config.ts";
import {
  type CompiledList,
  firstMatch,
  httpLayer,
  type Layer,
  policyLayer,
  type PolicyLayerInfo,
  type PolicyListInfo,
  profileLayer,
  providerEntry,
  sandboxLayer,
} from "./policy_layers.ts";
import type { ToolSurface } from "./types.ts";

export {
  agentEntryOf,
  type ElevatedInfo,
  mainSessionKeyOf,
  resolveElevated,
  sandboxModeFor,
  type SandboxModeInfo,
  type ToolPolicyConfigView,
} from "./policy_config.ts";
export {
  HTTP_DEFAULT_DENY,
  type PolicyLayerInfo,
  type PolicyListInfo,
  SANDBOX_DEFAULT_ALLOW,
  SANDBOX_DEFAULT_DENY,
} from "./policy_layers.ts";

/** The outcome for one tool. */
export interface ToolDecision {
  allowed: boolean;
  /** Why, e.g. `denied by tools.deny ("group:runtime")` or `not in agents.list[1].tools.allow`. */
  reason: string;
  /** The config key to change to flip the decision (absent when allowed). */
  configKey?: string;
}

/** Inputs of {@linkcode resolveToolPolicy}. */
export interface ToolPolicyInput {
  config: ToolPolicyConfigView;
  agentId: string;
  sessionKey: string;
  surface: ToolSurface;
  /** Whether the session runs sandboxed. @default sandboxModeFor(config, agentId, sessionKey) */
  sandboxed?: boolean;
  /** Model provider id, for `tools.byProvider`. */
  provider?: string;
  /** Model id (with or without the `provider/` prefix), for `tools.byProvider["provider/model"]`. */
  model?: string;
}

/** The effective policy of one agent / session / surface. */
export interface ToolPolicy {
  sandboxed: boolean;
  layers: PolicyLayerInfo[];
  allowed(name: string): boolean;
  decide(name: string): ToolDecision;
  /** The names of `all` that are allowed, in their order. */
  allowedTools(all: Iterable<string | { name: string }>): string[];
}

function buildLayers(input: ToolPolicyInput, sandboxed: boolean): Layer[] {
  const { config } = input;
  const global = config.tools;
  const { entry: agent, index } = agentEntryOf(config, input.agentId);
  const agentTools = agent?.tools;
  const agentKey = `agents.list[${index}].tools`;
  const globalProv = providerEntry(global, input.provider, input.model);
  const agentProv = providerEntry(agentTools, input.provider, input.model);
  const layers: (Layer | undefined)[] = [];

  // The agent's own profile is its base allowlist (stock semantics); the lists below only narrow.
  const profileFromAgent = agentTools?.profile !== undefined;
  const alsoFromAgent = agentTools?.alsoAllow !== undefined;
  layers.push(profileLayer(
    "profile",
    profileFromAgent ? `${agentKey}.profile` : "tools.profile",
    agentTools?.profile ?? global?.profile,
    agentTools?.alsoAllow ?? global?.alsoAllow,
    alsoFromAgent ? `${agentKey}.alsoAllow` : "tools.alsoAllow",
  ));
  const provProfile = agentProv?.value.profile !== undefined
    ? { key: `${agentKey}.byProvider["${agentProv.key}"].profile`, p: agentProv.value }
    : globalProv?.value.profile !== undefined
    ? { key: `tools.byProvider["${globalProv.key}"].profile`, p: globalProv.value }
    : undefined;
  if (provProfile) {
    layers.push(profileLayer(
      "providerProfile",
      provProfile.key,
      provProfile.p.profile,
      provProfile.p.alsoAllow,
      provProfile.key.replace(/\.profile$/, ".alsoAllow"),
    ));
  }
  layers.push(policyLayer("global", "tools", global));
  if (globalProv) {
    layers.push(policyLayer("provider", `tools.byProvider["${globalProv.key}"]`, globalProv.value));
  }
  if (agent) layers.push(policyLayer("agent", agentKey, agentTools));
  if (agentProv) {
    layers.push(
      policyLayer("agentProvider", `${agentKey}.byProvider["${agentProv.key}"]`, agentProv.value),
    );
  }
  if (sandboxed) layers.push(sandboxLayer(config, index, agentTools));
  if (input.surface === "http") layers.push(httpLayer(config));
  return layers.filter((l): l is Layer => l !== undefined);
}

function decideWith(layers: Layer[], rawName: string): ToolDecision {
  const name = normalizeToolName(rawName);
  for (const layer of layers) {
    for (const deny of layer.deny) {
      const entry = deny.matchers.find((m) => m.test(name))?.entry;
      if (entry !== undefined) {
        return {
          allowed: false,
          reason: `denied by ${deny.label} ("${entry}")`,
          configKey: deny.key,
        };
      }
    }
  }
  for (const layer of layers) {
    if (layer.allow && firstMatch(layer.allow, name) === undefined) {
      const hint = layer.allow.hint ? ` (${layer.allow.hint})` : "";
      return {
        allowed: false,
        reason: `not in ${layer.allow.label}${hint}`,
        configKey: layer.allow.key,
      };
    }
  }
  return { allowed: true, reason: "allowed" };
}

/**
 * Resolves the tool policy of one agent, session and surface.
 *
 * @example
 * ```ts
 * const policy = resolveToolPolicy({ config, agentId: "main", sessionKey: "agent:main:main", surface: "agent" });
 * policy.decide("exec"); // { allowed: false, reason: 'denied by tools.deny ("group:runtime")', configKey: "tools.deny" }
 * ```
 */
export function resolveToolPolicy(input: ToolPolicyInput): ToolPolicy {
  const sandboxed = input.sandboxed ??
    sandboxModeFor(input.config, input.agentId, input.sessionKey).sandboxed;
  const layers = buildLayers(input, sandboxed);
  const cache = new Map<string, ToolDecision>();
  const decide = (name: string): ToolDecision => {
    const key = normalizeToolName(name);
    let d = cache.get(key);
    if (!d) cache.set(key, d = decideWith(layers, key));
    return d;
  };
  return {
    sandboxed,
    layers: layers.map(({ id, allow, deny }) => ({
      id,
      ...(allow ? { allow: publicList(allow) } : {}),
      ...(deny.length > 0 ? { deny: deny.map(publicList) } : {}),
    })),
    decide,
    allowed: (name) => decide(name).allowed,
    allowedTools(all) {
      const out: string[] = [];
      for (const t of all) {
        const name = typeof t === "string" ? t : t.name;
        if (decide(name).allowed) out.push(name);
      }
      return out;
    },
  };
}

function publicList({ key, label, entries, source }: CompiledList): PolicyListInfo {
  return { key, label, entries, source };
}
