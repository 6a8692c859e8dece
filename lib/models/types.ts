/**
 * Shapes shared by the model modules: references, the resolved catalog, provider auth.
 *
 * Nothing here imports the AI SDK, so code that only inspects the catalog (`models list`,
 * `config get`) stays light.
 *
 * @module
 */
import type { SecretRef } from "../config/secret_ref.ts";

/** Wire APIs we can talk to. Other `api` values in the config are reported as unsupported. */
export const SUPPORTED_MODEL_APIS = [
  "openai-completions",
  "openai-responses",
  "anthropic-messages",
  "ollama",
] as const;

/** A wire API named in the config (any of the schema's `MODEL_APIS`). */
export type ModelApi = string;

/** `provider/model`, split. Model ids may themselves contain `/` (OpenRouter style). */
export interface ModelRef {
  provider: string;
  model: string;
}

/** USD per million tokens. */
export interface ModelCost {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** One model of a provider, with every field filled in. */
export interface CatalogModel {
  id: string;
  name: string;
  /** Wire API for this model (the model's own `api`, else the provider's). */
  api: ModelApi;
  reasoning: boolean;
  input: ("text" | "image")[];
  cost: ModelCost;
  contextWindow: number;
  maxTokens: number;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  compat?: Record<string, unknown>;
  /** False for a model id the catalog does not list (allowed: catalogs are never complete). */
  known: boolean;
  /** Declared (or overridden) under `models.providers.<id>.models`. */
  configured: boolean;
}

/** Where a provider's credential comes from. The key itself is never part of this. */
export type AuthSource =
  | "config" // plaintext (or `${VAR}`-substituted) `models.providers.<id>.apiKey`
  | "ref" // a SecretRef in the config
  | "env" // the provider's environment variable
  | "none" // a local provider that needs no key
  | "missing"; // a key is needed and none was found

/** A provider's resolved credential. `apiKey` is in memory only, never printed. */
export interface ProviderAuth {
  source: AuthSource;
  /** The environment variable that holds (or would hold) the key. */
  envVar?: string;
  /** The SecretRef, when `source` is `ref`. */
  ref?: SecretRef;
  /** False when a SecretRef could not be resolved (no resolver, or it failed). */
  resolved: boolean;
  /** Why a SecretRef is unresolved. */
  error?: string;
  apiKey?: string;
  /** Send the key as `Authorization: Bearer` (Anthropic otherwise uses `x-api-key`). */
  bearer: boolean;
}

/** Where a provider's definition came from. */
export type ProviderOrigin = "builtin" | "config" | "merged";

/** A provider after merging the built-in catalog with `models.providers`. */
export interface CatalogProvider {
  id: string;
  api: ModelApi;
  baseUrl: string;
  auth: ProviderAuth;
  headers: Record<string, string>;
  models: CatalogModel[];
  origin: ProviderOrigin;
}

/** A CLI backend (`claude-cli`, `codex-cli`, or one from `agents.defaults.cliBackends`). */
export interface CliBackendConfig {
  command: string;
  args: string[];
  output: "json" | "jsonl" | "text";
  input: "arg" | "stdin";
  modelArg?: string;
  modelAliases: Record<string, string>;
  systemPromptArg?: string;
  /** Variables removed from the child's environment (e.g. an API key that would bypass login). */
  clearEnv: string[];
  env: Record<string, string>;
}

/** Everything needed to turn a model ref into a request: providers, aliases, CLI backends. */
export interface ModelCatalog {
  mode: "merge" | "replace";
  providers: Map<string, CatalogProvider>;
  /** `agents.defaults.models[ref].alias` -> ref. */
  aliases: Map<string, string>;
  cliBackends: Map<string, CliBackendConfig>;
  /** Problems that did not stop resolution (e.g. a header SecretRef without a value). */
  warnings: string[];
}
