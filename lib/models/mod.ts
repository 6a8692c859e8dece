/**
 * Models: the provider catalog, model refs and chains, AI SDK language models, fallbacks with
 * cooldowns, CLI backends, probes and cost.
 *
 * Importing this module does not load the AI SDK; `createLanguageModel` (and everything that
 * calls it) imports the provider package it needs when it runs.
 *
 * @example Run a prompt over an agent's chain
 * ```ts
 * import { generateText } from "ai";
 * import { ModelCooldowns, resolveCatalog, resolveModelChain, runWithFallbacks } from "./mod.ts";
 *
 * const catalog = await resolveCatalog(config, Deno.env.toObject());
 * const chain = resolveModelChain(config);
 * const result = await runWithFallbacks(chain, async (target, _ref, signal) => {
 *   if (target.kind === "cli") return (await target.complete({ prompt: "hi", signal })).text;
 *   return (await generateText({ model: target.model, prompt: "hi", maxRetries: 0, abortSignal: signal })).text;
 * }, { catalog, cooldowns: new ModelCooldowns() });
 * result.ref; // the model that answered
 * ```
 *
 * @module
 */
export * from "./types.ts";
export { BUILTIN_PROVIDERS, DEFAULT_MODEL_REF, UNKNOWN_MODEL_DEFAULTS } from "./builtin_catalog.ts";
export {
  envSecretResolver,
  findCatalogModel,
  type ModelConfigView,
  type ModelEntryInput,
  type ModelSettingInput,
  normalizeProviderId,
  type ProviderEntryInput,
  resolveCatalog,
  type ResolveCatalogOptions,
  type SecretResolver,
} from "./catalog.ts";
export {
  chainRefs,
  formatModelRef,
  isCliModelRef,
  type ModelChain,
  parseModelRef,
  resolveDefaultAgentId,
  resolveModelChain,
} from "./refs.ts";
export {
  type ClassifiedError,
  classifyModelError,
  type ClassifyOptions,
  type FailureReason,
} from "./classify.ts";
export { type CooldownEntry, type ModelCooldownOptions, ModelCooldowns } from "./cooldowns.ts";
export {
  type FallbackAttempt,
  type FallbackOptions,
  type FallbackResult,
  runWithFallbacks,
} from "./fallback.ts";
export {
  type AiLanguageModel,
  createLanguageModel,
  type CreateLanguageModelOptions,
} from "./language_model.ts";
export {
  type ApiModelTarget,
  type CliModelTarget,
  createModelTarget,
  type ModelTarget,
  targetLabel,
} from "./target.ts";
export { BUILTIN_CLI_BACKENDS, resolveCliBackends } from "./cli_backend_config.ts";
export { type CliRunInput, type CliRunResult, runCliBackend } from "./cli_backend.ts";
export {
  type AuthOverview,
  authOverview,
  listModelRows,
  type ModelListRow,
  type ProviderAuthOverview,
} from "./report.ts";
export { addUsage, computeCost, type TokenUsage, type UsageCost } from "./cost.ts";
export {
  probeBucket,
  probeModel,
  type ProbeOptions,
  type ProbeResult,
  type ProbeStatus,
} from "./probe.ts";
