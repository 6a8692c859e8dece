/**
 * Agents and model auth in stock's shapes: `agents.list` (the roster with each agent's
 * workspace, identity and models), `agent.identity.get`, `agents.files.list|get|set` (the
 * workspace bootstrap files the system prompt is built from), `models.authStatus` (whether each
 * provider in use has a credential -- never the credential). Creating, renaming and deleting
 * agents goes through the config (`config.patch` on `agents.list`), so those methods say so.
 *
 * @module
 */
import { z } from "zod";
import {
  defaultAgentId,
  hasAgent,
  listAgents,
  resolveAgent,
  type ResolvedAgent,
} from "../../lib/agent/agents.ts";
import { BOOTSTRAP_FILES } from "../../lib/agent/prompt.ts";
import { agentIdFromSessionKey, normalizeMainKey } from "../../lib/agent/session_key.ts";
import { writeFileAtomic } from "../../lib/fs/atomic.ts";
import { joinPath, processEnv } from "../../lib/paths.ts";
import { invalidRequest, ProtocolError } from "../../lib/protocol/error_map.ts";
import { featureUnavailableError } from "../../lib/protocol/feature_errors.ts";
import type { GatewayState } from "../state.ts";
import { SESSION_KEY_MAX } from "./_common.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

/** Workspace files the dashboard may open: the bootstrap files plus HEARTBEAT.md and MEMORY.md. */
export const AGENT_FILES: readonly string[] = [...BOOTSTRAP_FILES, "HEARTBEAT.md", "MEMORY.md"];
/** Largest workspace file `agents.files.get` returns or `agents.files.set` writes. */
const AGENT_FILE_MAX_BYTES = 1_048_576;

const IDENTITY_FIELDS = ["name", "theme", "emoji", "avatar", "avatarUrl"] as const;

function resolved(state: GatewayState, agentId: string): ResolvedAgent {
  return resolveAgent(state.config, agentId, { stateDir: state.stateDir, env: processEnv() });
}

/** The identity block of a roster row: non-empty strings only (stock's schema is closed). */
function identityOf(agent: ResolvedAgent): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const identity = (agent.identity ?? {}) as Record<string, unknown>;
  for (const f of IDENTITY_FIELDS) {
    const v = identity[f];
    if (typeof v === "string" && v.trim()) out[f] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The `agents.list` result (also `chat.startup`'s `agentsList`).
 *
 * @param state The running gateway.
 * @returns `{defaultId, mainKey, scope, agents[]}`.
 */
export function buildAgentsList(state: GatewayState): Record<string, unknown> {
  const config = state.config;
  const agents = listAgents(config).map((a) => {
    const r = resolved(state, a.id);
    const identity = identityOf(r);
    return {
      id: r.id,
      ...(r.name ? { name: r.name } : {}),
      ...(identity ? { identity } : {}),
      workspace: r.workspace,
      model: { primary: r.chain.primary, fallbacks: r.chain.fallbacks },
      ...(r.thinkingDefault ? { thinkingDefault: r.thinkingDefault } : {}),
    };
  });
  return {
    defaultId: defaultAgentId(config),
    mainKey: normalizeMainKey(config.session?.mainKey),
    scope: config.session?.scope === "global" ? "global" : "per-sender",
    agents,
  };
}

/** The configured agent `agentId` names, or INVALID_REQUEST with `UNKNOWN_AGENT_ID`. */
function knownAgent(method: string, state: GatewayState, agentId: string | undefined): string {
  const id = agentId?.trim().toLowerCase() || defaultAgentId(state.config);
  if (!hasAgent(state.config, id)) {
    throw invalidRequest(`invalid ${method} params: unknown agent "${id}"`, {
      code: "UNKNOWN_AGENT_ID",
      agentId: id,
    });
  }
  return id;
}

/** One workspace file's entry (stock's AgentsFileEntry), with its content when asked. */
async function fileEntry(
  workspace: string,
  name: string,
  withContent: boolean,
): Promise<Record<string, unknown>> {
  const path = joinPath(workspace, name);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    return { name, path, missing: true };
  }
  if (!info.isFile) return { name, path, missing: true };
  const entry: Record<string, unknown> = {
    name,
    path,
    missing: false,
    size: info.size,
    ...(info.mtime ? { updatedAtMs: info.mtime.getTime() } : {}),
  };
  if (!withContent) return entry;
  if (info.size > AGENT_FILE_MAX_BYTES) {
    throw invalidRequest(`${name} is larger than ${AGENT_FILE_MAX_BYTES} bytes`);
  }
  return { ...entry, content: await Deno.readTextFile(path) };
}

function fileName(method: string, name: string): string {
  if (!AGENT_FILES.includes(name)) {
    throw invalidRequest(
      `invalid ${method} params: name: expected one of ${AGENT_FILES.join(", ")}`,
    );
  }
  return name;
}

const DISPLAY_NAMES = new Map([
  ["anthropic", "Anthropic"],
  ["openai", "OpenAI"],
  ["openrouter", "OpenRouter"],
  ["google", "Google"],
  ["ollama", "Ollama"],
  ["deepseek", "DeepSeek"],
  ["xai", "xAI"],
  ["mistral", "Mistral"],
  ["groq", "Groq"],
]);

/** Builds `models.authStatus`: one row per provider an agent uses or the config defines. */
async function modelAuthStatus(state: GatewayState, agentId: string) {
  const m = await import("../../lib/models/mod.ts");
  const catalog = await m.resolveCatalog(state.config, processEnv(), {
    resolveSecret: (ref) => state.secrets.get(ref),
  });
  const used = new Set<string>();
  for (const ref of m.chainRefs(resolved(state, agentId).chain)) {
    const slash = ref.indexOf("/");
    if (slash > 0) used.add(m.normalizeProviderId(ref.slice(0, slash)));
  }
  const providers = [...catalog.providers.values()].filter((p) =>
    used.has(p.id) || p.origin !== "builtin" ||
    (p.auth.source !== "missing" && p.auth.source !== "none")
  );
  return {
    ts: state.clock.now(),
    providers: providers.map((p) => {
      const missing = p.auth.source === "missing" || !p.auth.resolved;
      return {
        provider: p.id,
        displayName: DISPLAY_NAMES.get(p.id) ?? p.id,
        status: missing ? "missing" : p.auth.source === "none" ? "ok" : "static",
        profiles: [],
        ...(p.auth.source === "env"
          ? { apiKey: { source: "env", ...(p.auth.envVar ? { envVar: p.auth.envVar } : {}) } }
          : p.auth.source === "config" || p.auth.source === "ref"
          ? { apiKey: { source: "config" } }
          : {}),
      };
    }),
  };
}

function viaConfig(method: string): never {
  throw ProtocolError.of(featureUnavailableError(
    method,
    "agents are defined in the config; edit agents.list with config.patch (or openclaw config set)",
  ));
}

const agentIdParam = z.string().max(128);

/** The agent roster, identity, workspace file and model auth methods. */
export const stockAgentsMethods: MethodDefinition[] = [
  defineMethod({
    name: "agents.list",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: ({ state }) => buildAgentsList(state),
  }),
  defineMethod({
    name: "agents.create",
    scope: "operator.admin",
    params: z.looseObject({}),
    handler: () => viaConfig("agents.create"),
  }),
  defineMethod({
    name: "agents.update",
    scope: "operator.admin",
    params: z.looseObject({}),
    handler: () => viaConfig("agents.update"),
  }),
  defineMethod({
    name: "agents.delete",
    scope: "operator.admin",
    params: z.looseObject({}),
    handler: () => viaConfig("agents.delete"),
  }),

  defineMethod({
    name: "agent.identity.get",
    scope: "operator.read",
    params: z.looseObject({
      agentId: agentIdParam.optional(),
      sessionKey: z.string().max(SESSION_KEY_MAX).optional(),
    }),
    handler: ({ params, state }) => {
      const id = knownAgent(
        "agent.identity.get",
        state,
        params.agentId ?? agentIdFromSessionKey(params.sessionKey),
      );
      const agent = resolved(state, id);
      const identity = identityOf(agent) ?? {};
      return {
        agentId: id,
        name: identity.name ?? agent.name ?? id,
        avatar: identity.avatar ?? identity.avatarUrl ?? "",
        ...(identity.emoji ? { emoji: identity.emoji } : {}),
      };
    },
  }),

  defineMethod({
    name: "agents.files.list",
    scope: "operator.read",
    params: z.looseObject({ agentId: agentIdParam.optional() }),
    handler: async ({ params, state }) => {
      const id = knownAgent("agents.files.list", state, params.agentId);
      const { workspace } = resolved(state, id);
      const files = await Promise.all(AGENT_FILES.map((n) => fileEntry(workspace, n, false)));
      return { agentId: id, workspace, files };
    },
  }),
  defineMethod({
    name: "agents.files.get",
    scope: "operator.read",
    params: z.looseObject({ agentId: agentIdParam.optional(), name: z.string().max(64) }),
    handler: async ({ params, state }) => {
      const id = knownAgent("agents.files.get", state, params.agentId);
      const { workspace } = resolved(state, id);
      const file = await fileEntry(workspace, fileName("agents.files.get", params.name), true);
      return { agentId: id, workspace, file };
    },
  }),
  defineMethod({
    name: "agents.files.set",
    scope: "operator.admin",
    params: z.looseObject({
      agentId: agentIdParam.optional(),
      name: z.string().max(64),
      content: z.string().max(AGENT_FILE_MAX_BYTES),
    }),
    handler: async ({ params, state }) => {
      const id = knownAgent("agents.files.set", state, params.agentId);
      const { workspace } = resolved(state, id);
      const name = fileName("agents.files.set", params.name);
      await Deno.mkdir(workspace, { recursive: true, mode: 0o700 });
      writeFileAtomic(joinPath(workspace, name), params.content, { mode: 0o600 });
      return { ok: true, agentId: id, workspace, file: await fileEntry(workspace, name, false) };
    },
  }),

  defineMethod({
    name: "models.authStatus",
    scope: "operator.read",
    params: z.looseObject({
      agentId: z.string().max(128).optional(),
      sessionKey: z.string().max(SESSION_KEY_MAX).optional(),
      refresh: z.boolean().optional(),
    }),
    handler: ({ params, state }) =>
      modelAuthStatus(
        state,
        knownAgent(
          "models.authStatus",
          state,
          params.agentId || agentIdFromSessionKey(params.sessionKey),
        ),
      ),
  }),
];
