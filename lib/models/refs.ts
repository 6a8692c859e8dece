/**
 * Model references (`provider/model`) and the chain of models an agent uses: its primary and
 * fallbacks from `agents.list[].model` > `agents.defaults.model` > the legacy `agent.model`.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { DEFAULT_MODEL_REF } from "./builtin_catalog.ts";
import { type ModelConfigView, type ModelSettingInput, normalizeProviderId } from "./catalog.ts";
import type { ModelCatalog, ModelRef } from "./types.ts";

const REF_HINT = 'Write models as "provider/model", e.g. "anthropic/claude-sonnet-4-5"';

/** Formats a ref as `provider/model`. */
export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}

function splitRef(raw: string): ModelRef {
  const slash = raw.indexOf("/");
  const provider = normalizeProviderId(raw.slice(0, slash));
  const model = raw.slice(slash + 1).trim();
  if (!provider || !model) {
    throw new OpenClawError(
      "MODEL_REF_INVALID",
      `Cannot parse model ref "${raw}": expected "provider/model"`,
      { hint: REF_HINT },
    );
  }
  return { provider, model };
}

function isCliProvider(catalog: ModelCatalog, provider: string): boolean {
  return catalog.cliBackends.has(provider);
}

/**
 * Parses a model ref. `provider/model` splits at the first `/` (so
 * `openrouter/anthropic/claude-sonnet-4.5` is provider `openrouter`). With a catalog, an alias
 * from `agents.defaults.models` resolves to its target, and a bare model id resolves to the one
 * provider that offers it (configured providers first).
 *
 * @param raw The ref as written.
 * @param catalog Resolves aliases and bare ids; without it only `provider/model` parses.
 * @throws {OpenClawError} `MODEL_REF_INVALID` (empty or malformed), `MODEL_REF_UNKNOWN` (a bare
 *   id no provider offers), `MODEL_REF_AMBIGUOUS` (a bare id several providers offer).
 */
export function parseModelRef(raw: string, catalog?: ModelCatalog): ModelRef {
  const text = raw.trim();
  if (!text) {
    throw new OpenClawError("MODEL_REF_INVALID", "Cannot parse model ref: it is empty", {
      hint: REF_HINT,
    });
  }
  const aliased = catalog?.aliases.get(text.toLowerCase());
  if (aliased && aliased.trim().toLowerCase() !== text.toLowerCase()) {
    return parseModelRef(aliased, undefined);
  }
  if (text.includes("/")) return splitRef(text);
  if (!catalog) {
    throw new OpenClawError(
      "MODEL_REF_INVALID",
      `Cannot parse model ref "${text}": expected "provider/model"`,
      { hint: REF_HINT },
    );
  }
  const matches: { ref: ModelRef; configured: boolean }[] = [];
  for (const p of catalog.providers.values()) {
    for (const m of p.models) {
      if (m.id === text) {
        matches.push({ ref: { provider: p.id, model: m.id }, configured: m.configured });
      }
    }
  }
  const configured = matches.filter((m) => m.configured);
  if (configured.length === 1) return configured[0].ref;
  if (matches.length === 1) return matches[0].ref;
  if (matches.length === 0) {
    throw new OpenClawError(
      "MODEL_REF_UNKNOWN",
      `Unknown model "${text}": no provider in the catalog offers it`,
      { hint: `${REF_HINT}; "openclaw models list" shows the catalog` },
    );
  }
  const refs = (configured.length > 1 ? configured : matches).map((m) => formatModelRef(m.ref));
  throw new OpenClawError(
    "MODEL_REF_AMBIGUOUS",
    `Ambiguous model "${text}": offered by ${refs.join(", ")}`,
    { hint: `Name the provider, e.g. "${refs[0]}"` },
  );
}

/** Returns true when `ref` runs a local CLI (`claude-cli/...`, `codex-cli/...`, custom backends). */
export function isCliModelRef(ref: ModelRef, catalog: ModelCatalog): boolean {
  return isCliProvider(catalog, ref.provider);
}

/** An agent's models: the primary, then the fallbacks tried in order on a retryable failure. */
export interface ModelChain {
  agentId: string;
  primary: string;
  fallbacks: string[];
  /** Where the primary came from. */
  source: "agent" | "defaults" | "legacy" | "builtin";
}

function normalizeSetting(
  setting: ModelSettingInput | undefined,
): { primary?: string; fallbacks?: string[] } {
  if (setting === undefined) return {};
  if (typeof setting === "string") return setting.trim() ? { primary: setting.trim() } : {};
  return {
    primary: setting.primary?.trim() || undefined,
    fallbacks: setting.fallbacks?.map((f) => f.trim()).filter(Boolean),
  };
}

/** Returns the default agent's id: the first `default: true`, else the first entry, else `main`. */
export function resolveDefaultAgentId(config: ModelConfigView): string {
  const list = config.agents?.list ?? [];
  return (list.find((a) => a.default) ?? list[0])?.id ?? "main";
}

/**
 * Resolves the model chain of an agent. The primary comes from the agent's `model`, else
 * `agents.defaults.model`, else the legacy `agent.model`, else {@link DEFAULT_MODEL_REF}; the
 * fallbacks from the first of those that lists any (an agent that sets only a primary keeps the
 * default fallbacks).
 *
 * @param config The config.
 * @param agentId The agent; defaults to the default agent.
 * @throws {OpenClawError} `AGENT_UNKNOWN` when `agentId` is not in `agents.list`.
 */
export function resolveModelChain(config: ModelConfigView, agentId?: string): ModelChain {
  const list = config.agents?.list ?? [];
  const id = agentId ?? resolveDefaultAgentId(config);
  const entry = list.find((a) => a.id === id);
  if (!entry && agentId !== undefined && (list.length > 0 || agentId !== "main")) {
    const known = list.map((a) => a.id).join(", ") || "main";
    throw new OpenClawError(
      "AGENT_UNKNOWN",
      `Unknown agent "${agentId}": known agents are ${known}`,
      {
        hint: "Add it to agents.list, or pass one of the known ids with --agent",
      },
    );
  }
  const layers = [
    { source: "agent" as const, ...normalizeSetting(entry?.model) },
    { source: "defaults" as const, ...normalizeSetting(config.agents?.defaults?.model) },
    { source: "legacy" as const, ...normalizeSetting(config.agent?.model) },
  ];
  const withPrimary = layers.find((l) => l.primary);
  const fallbacks = layers.find((l) => l.fallbacks !== undefined)?.fallbacks ?? [];
  return {
    agentId: id,
    primary: withPrimary?.primary ?? DEFAULT_MODEL_REF,
    fallbacks,
    source: withPrimary?.source ?? "builtin",
  };
}

/** Returns the chain as one list, primary first, without repeats. */
export function chainRefs(chain: Pick<ModelChain, "primary" | "fallbacks">): string[] {
  return [...new Set([chain.primary, ...chain.fallbacks])];
}
