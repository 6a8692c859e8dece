/**
 * The model catalog: the built-in providers merged with (or replaced by) `models.providers`,
 * with each provider's credential resolved from the config, a SecretRef or its environment
 * variable. Aliases (`agents.defaults.models[ref].alias`) and CLI backends come along so a single
 * object answers "what does this ref mean?".
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import type { Env } from "../paths.ts";
import { isSecretRef, type SecretRef } from "../config/secret_ref.ts";
import { BUILTIN_PROVIDERS, type BuiltinModel, UNKNOWN_MODEL_DEFAULTS } from "./builtin_catalog.ts";
import { resolveCliBackends } from "./cli_backend_config.ts";
import type {
  CatalogModel,
  CatalogProvider,
  ModelCatalog,
  ModelRef,
  ProviderAuth,
} from "./types.ts";

type SecretInput = string | SecretRef;

/** A model entry as written under `models.providers.<id>.models[]`. */
export interface ModelEntryInput {
  id: string;
  name?: string;
  api?: string;
  reasoning?: boolean;
  input?: ("text" | "image")[];
  cost?: { input?: number; output?: number; cacheRead?: number; cacheWrite?: number };
  contextWindow?: number;
  maxTokens?: number;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  compat?: Record<string, unknown>;
}

/** A provider as written under `models.providers.<id>`. */
export interface ProviderEntryInput {
  baseUrl?: string;
  apiKey?: SecretInput;
  auth?: string;
  api?: string;
  headers?: Record<string, SecretInput>;
  authHeader?: boolean;
  models?: ModelEntryInput[];
}

/** `provider/model` string or `{ primary, fallbacks }` as the config writes it. */
export type ModelSettingInput = string | { primary?: string; fallbacks?: string[] };

/** The parts of `openclaw.json` the model code reads; a validated config satisfies it. */
export interface ModelConfigView {
  models?: { mode?: "merge" | "replace"; providers?: Record<string, ProviderEntryInput> };
  agents?: {
    defaults?: {
      model?: ModelSettingInput;
      models?: Record<string, { alias?: string }>;
      cliBackends?: Record<string, Record<string, unknown>>;
    };
    list?: { id: string; default?: boolean; model?: ModelSettingInput }[];
  };
  agent?: { model?: ModelSettingInput };
}

/** Resolves a SecretRef to its value; `undefined` when it has none. */
export type SecretResolver = (ref: SecretRef) => string | undefined | Promise<string | undefined>;

/** Options for {@linkcode resolveCatalog}. */
export interface ResolveCatalogOptions {
  /**
   * Resolves SecretRefs in `apiKey` and `headers`. Without it, refs stay unresolved and
   * requests to that provider fail with `MODEL_AUTH_UNRESOLVED`.
   */
  resolveSecret?: SecretResolver;
}

/** Normalises a provider id the way refs and config keys are compared. */
export function normalizeProviderId(id: string): string {
  return id.trim().toLowerCase();
}

/** Returns a resolver for `source: "env"` SecretRefs that reads `env`; other sources stay unresolved. */
export function envSecretResolver(env: Env): SecretResolver {
  return (ref) => (ref.source === "env" ? env[ref.id] || undefined : undefined);
}

function fillModel(
  entry: BuiltinModel | ModelEntryInput,
  providerApi: string,
  known: boolean,
  configured: boolean,
): CatalogModel {
  const e = entry as ModelEntryInput;
  return {
    id: e.id,
    name: e.name ?? e.id,
    api: e.api ?? providerApi,
    reasoning: e.reasoning ?? false,
    input: e.input ?? ["text"],
    cost: {
      input: e.cost?.input ?? 0,
      output: e.cost?.output ?? 0,
      cacheRead: e.cost?.cacheRead ?? 0,
      cacheWrite: e.cost?.cacheWrite ?? 0,
    },
    contextWindow: e.contextWindow ?? UNKNOWN_MODEL_DEFAULTS.contextWindow,
    maxTokens: e.maxTokens ?? UNKNOWN_MODEL_DEFAULTS.maxTokens,
    ...(e.headers ? { headers: e.headers } : {}),
    ...(e.params ? { params: e.params } : {}),
    ...(e.compat ? { compat: e.compat } : {}),
    known,
    configured,
  };
}

function mergeModelEntry(
  base: ModelEntryInput | undefined,
  over: ModelEntryInput,
): ModelEntryInput {
  if (!base) return over;
  return { ...base, ...over, cost: { ...base.cost, ...over.cost } };
}

async function resolveSecretInput(
  input: SecretInput,
  resolveSecret: SecretResolver | undefined,
): Promise<{ value?: string; error?: string }> {
  if (typeof input === "string") return { value: input };
  // Without a resolver the ref is simply not resolved here (e.g. `models status` without
  // --probe); that is not an error of the ref.
  if (!resolveSecret) return {};
  try {
    const value = await resolveSecret(input);
    return value ? { value } : { error: `SecretRef ${input.source}:${input.id} has no value` };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function resolveAuth(
  id: string,
  entry: ProviderEntryInput | undefined,
  env: Env,
  resolveSecret: SecretResolver | undefined,
): Promise<ProviderAuth> {
  const envVar = BUILTIN_PROVIDERS[id]?.envVar;
  const bearer = entry?.authHeader === true || entry?.auth === "token" || entry?.auth === "oauth";
  const base = { bearer, ...(envVar ? { envVar } : {}) };
  const key = entry?.apiKey;
  if (typeof key === "string" && key !== "") {
    return { ...base, source: "config", resolved: true, apiKey: key };
  }
  if (isSecretRef(key)) {
    const r = await resolveSecretInput(key, resolveSecret);
    return r.value ? { ...base, source: "ref", ref: key, resolved: true, apiKey: r.value } : {
      ...base,
      source: "ref",
      ref: key,
      resolved: false,
      ...(r.error ? { error: r.error } : {}),
    };
  }
  const fromEnv = envVar ? env[envVar] : undefined;
  if (fromEnv) return { ...base, source: "env", resolved: true, apiKey: fromEnv };
  // Built-in providers without a key variable are local servers; custom providers without an
  // apiKey are taken at their word (a local vLLM, a proxy that adds auth itself).
  if (envVar === undefined) return { ...base, source: "none", resolved: true };
  return { ...base, source: "missing", resolved: false };
}

async function resolveHeaders(
  id: string,
  headers: Record<string, SecretInput> | undefined,
  resolveSecret: SecretResolver | undefined,
  warnings: string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, input] of Object.entries(headers ?? {})) {
    const r = await resolveSecretInput(input, resolveSecret);
    if (r.value !== undefined) out[name] = r.value;
    else {
      warnings.push(
        `models.providers.${id}.headers.${name}: not sent (${r.error ?? "SecretRef not resolved"})`,
      );
    }
  }
  return out;
}

/**
 * Builds the catalog from the built-in providers and the config.
 *
 * In `merge` mode (the default) a configured provider overrides the built-in one field by field
 * and its models override built-in models of the same id; in `replace` mode only configured
 * providers exist. Keys resolve in the order config `apiKey` > SecretRef > environment variable.
 *
 * @param config The config (a validated `OpenClawConfig` fits).
 * @param env Environment used for provider key variables.
 * @param options SecretRef resolution.
 * @returns The catalog; its `warnings` list headers that could not be resolved.
 * @throws {OpenClawError} `MODEL_PROVIDER_INVALID` when a provider has no `baseUrl`.
 */
export async function resolveCatalog(
  config: ModelConfigView,
  env: Env,
  options: ResolveCatalogOptions = {},
): Promise<ModelCatalog> {
  const mode = config.models?.mode ?? "merge";
  const configured: Record<string, ProviderEntryInput> = {};
  for (const [rawId, entry] of Object.entries(config.models?.providers ?? {})) {
    configured[normalizeProviderId(rawId)] = entry;
  }
  const ids = new Set<string>(mode === "merge" ? Object.keys(BUILTIN_PROVIDERS) : []);
  for (const id of Object.keys(configured)) ids.add(id);

  const warnings: string[] = [];
  const providers = new Map<string, CatalogProvider>();
  for (const id of ids) {
    const entry = configured[id];
    const builtin = mode === "merge" ? BUILTIN_PROVIDERS[id] : undefined;
    const baseUrl = entry?.baseUrl || builtin?.baseUrl;
    if (!baseUrl) {
      throw new OpenClawError(
        "MODEL_PROVIDER_INVALID",
        `Cannot use model provider "${id}": models.providers.${id}.baseUrl is missing`,
        { hint: `Set it, e.g. openclaw config set models.providers.${id}.baseUrl <url>` },
      );
    }
    const api = entry?.api ?? builtin?.api ?? "openai-completions";
    const byId = new Map<string, { entry: ModelEntryInput; configured: boolean }>();
    for (const m of builtin?.models ?? []) byId.set(m.id, { entry: m, configured: false });
    for (const m of entry?.models ?? []) {
      byId.set(m.id, { entry: mergeModelEntry(byId.get(m.id)?.entry, m), configured: true });
    }
    providers.set(id, {
      id,
      api,
      baseUrl: baseUrl.replace(/\/+$/, ""),
      auth: await resolveAuth(id, entry, env, options.resolveSecret),
      headers: await resolveHeaders(id, entry?.headers, options.resolveSecret, warnings),
      models: [...byId.values()].map((m) => fillModel(m.entry, api, true, m.configured)),
      origin: entry ? (builtin ? "merged" : "config") : "builtin",
    });
  }

  const aliases = new Map<string, string>();
  for (const [ref, entry] of Object.entries(config.agents?.defaults?.models ?? {})) {
    const alias = entry?.alias?.trim();
    if (alias) aliases.set(alias.toLowerCase(), ref);
  }
  return {
    mode,
    providers,
    aliases,
    cliBackends: resolveCliBackends(config.agents?.defaults?.cliBackends),
    warnings,
  };
}

/**
 * Returns the catalog entry for `ref`; a model id the provider does not list gets defaults.
 *
 * @throws {OpenClawError} `MODEL_PROVIDER_UNKNOWN` when no such provider exists.
 */
export function findCatalogModel(
  catalog: ModelCatalog,
  ref: ModelRef,
): { provider: CatalogProvider; model: CatalogModel } {
  const provider = catalog.providers.get(ref.provider);
  if (!provider) {
    const known = [...catalog.providers.keys(), ...catalog.cliBackends.keys()].join(", ");
    throw new OpenClawError(
      "MODEL_PROVIDER_UNKNOWN",
      `Unknown model provider "${ref.provider}" in "${ref.provider}/${ref.model}": ` +
        `known providers are ${known || "(none)"}`,
      { hint: `Add models.providers.${ref.provider} (baseUrl, api, apiKey) to the config` },
    );
  }
  const model = provider.models.find((m) => m.id === ref.model) ??
    fillModel({ id: ref.model }, provider.api, false, false);
  return { provider, model };
}
