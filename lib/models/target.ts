/**
 * One thing a fallback attempt can run: an API model (an AI SDK language model plus its catalog
 * entry) or a CLI backend (a text-only `complete()`), so both can sit in the same chain.
 *
 * @module
 */
import { findCatalogModel } from "./catalog.ts";
import { type CliRunInput, type CliRunResult, runCliBackend } from "./cli_backend.ts";
import {
  type AiLanguageModel,
  createLanguageModel,
  type CreateLanguageModelOptions,
} from "./language_model.ts";
import { formatModelRef, isCliModelRef } from "./refs.ts";
import type {
  CatalogModel,
  CatalogProvider,
  CliBackendConfig,
  ModelCatalog,
  ModelRef,
} from "./types.ts";

/** An API model ready for `streamText` / `generateText`. */
export interface ApiModelTarget {
  kind: "api";
  ref: ModelRef;
  provider: CatalogProvider;
  /** Catalog entry: limits, capabilities, prices. */
  info: CatalogModel;
  model: AiLanguageModel;
}

/** A CLI backend: no tools, no streaming; one prompt in, text out. */
export interface CliModelTarget {
  kind: "cli";
  ref: ModelRef;
  backend: CliBackendConfig;
  complete(input: Omit<CliRunInput, "model">): Promise<CliRunResult>;
}

/** What {@linkcode runWithFallbacks} hands each attempt by default. */
export type ModelTarget = ApiModelTarget | CliModelTarget;

/**
 * Builds the target for `ref`: a CLI backend when its provider is one, else an API model.
 *
 * @throws {OpenClawError} as {@linkcode createLanguageModel}.
 */
export async function createModelTarget(
  ref: ModelRef,
  catalog: ModelCatalog,
  options: CreateLanguageModelOptions = {},
): Promise<ModelTarget> {
  if (isCliModelRef(ref, catalog)) {
    const backend = catalog.cliBackends.get(ref.provider)!;
    return {
      kind: "cli",
      ref,
      backend,
      complete: (input) => runCliBackend(ref.provider, backend, { ...input, model: ref.model }),
    };
  }
  const { provider, model: info } = findCatalogModel(catalog, ref);
  const model = await createLanguageModel(ref, catalog, options);
  return { kind: "api", ref, provider, info, model };
}

/** Returns the label of a target for logs (`provider/model`). */
export function targetLabel(target: ModelTarget): string {
  return formatModelRef(target.ref);
}
