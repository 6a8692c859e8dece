/**
 * Turning a catalog entry into an AI SDK language model. The provider packages are imported
 * here, lazily, so nothing else in the program pays for them.
 *
 * | api                  | AI SDK                                              |
 * |----------------------|-----------------------------------------------------|
 * | `anthropic-messages` | `createAnthropic({ baseURL, apiKey \| authToken })` |
 * | `openai-responses`   | `createOpenAI({ baseURL, apiKey }).responses(id)`   |
 * | `openai-completions` | `createOpenAICompatible({ name, baseURL }).chatModel(id)` |
 * | `ollama`             | as `openai-completions`, against `<baseUrl>/v1`     |
 *
 * `openai-completions` uses the compatible provider rather than `createOpenAI().chat()` because
 * that one sends OpenAI-only fields (e.g. `max_completion_tokens`, developer role for reasoning
 * model ids) that Groq, OpenRouter, Ollama and LM Studio may reject.
 *
 * @module
 */
import type { LanguageModel } from "ai";
import { OpenClawError } from "../errors.ts";
import { findCatalogModel } from "./catalog.ts";
import { formatModelRef, isCliModelRef, parseModelRef } from "./refs.ts";
import type { CatalogModel, CatalogProvider, ModelCatalog, ModelRef } from "./types.ts";

/** An AI SDK language model object (never a gateway model-id string). */
export type AiLanguageModel = Exclude<LanguageModel, string>;

/** Options for {@linkcode createLanguageModel}. */
export interface CreateLanguageModelOptions {
  /** Replaces `fetch` for the provider's requests (tests, instrumentation). */
  fetch?: typeof fetch;
}

/**
 * Anthropic's SDKs append `/v1/messages` to the base URL while the AI SDK appends `/messages`;
 * stock configs write Anthropic-compatible base URLs without `/v1`, so add it when missing.
 */
function anthropicBaseUrl(baseUrl: string): string {
  return /\/v1$/.test(baseUrl) ? baseUrl : `${baseUrl}/v1`;
}

function ollamaBaseUrl(baseUrl: string): string {
  return /\/v1$/.test(baseUrl) ? baseUrl : `${baseUrl}/v1`;
}

/**
 * The SDKs always send an auth header; a keyless local server gets an empty one, which some
 * servers reject. Drop empty auth headers on the way out.
 */
function withoutEmptyAuth(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (headers.get("authorization")?.trim() === "Bearer") headers.delete("authorization");
    if (headers.get("x-api-key") === "") headers.delete("x-api-key");
    return inner(input, { ...init, headers });
  };
}

function requireKey(provider: CatalogProvider, ref: string): string | undefined {
  const auth = provider.auth;
  if (auth.source === "none") return undefined;
  if (auth.source === "missing") {
    throw new OpenClawError(
      "MODEL_AUTH_MISSING",
      `No API key for model provider "${provider.id}" (${ref})`,
      {
        hint: auth.envVar
          ? `Set ${auth.envVar} (e.g. in ~/.openclaw/.env) or models.providers.${provider.id}.apiKey`
          : `Set models.providers.${provider.id}.apiKey`,
      },
    );
  }
  if (!auth.resolved || !auth.apiKey) {
    throw new OpenClawError(
      "MODEL_AUTH_UNRESOLVED",
      `Cannot resolve the API key of model provider "${provider.id}" (${ref}): ${
        auth.error ?? "the SecretRef was not resolved"
      }`,
      { hint: `Check the SecretRef at models.providers.${provider.id}.apiKey` },
    );
  }
  return auth.apiKey;
}

async function build(
  provider: CatalogProvider,
  model: CatalogModel,
  key: string | undefined,
  fetchImpl: typeof fetch,
): Promise<AiLanguageModel> {
  const headers = { ...provider.headers, ...model.headers };
  switch (model.api) {
    case "anthropic-messages": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      const auth = provider.auth.bearer && key ? { authToken: key } : { apiKey: key ?? "" };
      return createAnthropic({
        baseURL: anthropicBaseUrl(provider.baseUrl),
        headers,
        fetch: fetchImpl,
        ...auth,
      }).languageModel(model.id);
    }
    case "openai-responses": {
      const [{ createOpenAI }, { wrapLanguageModel }] = await Promise.all([
        import("@ai-sdk/openai"),
        import("ai"),
      ]);
      const base = createOpenAI({
        baseURL: provider.baseUrl,
        apiKey: key ?? "",
        headers,
        fetch: fetchImpl,
      }).responses(model.id);
      // The SDK defaults to `store: true` and then refers to earlier turns by server-side item
      // ids, which only OpenAI itself keeps; send full history instead (as stock does).
      return wrapLanguageModel({
        model: base,
        middleware: {
          transformParams: ({ params }) =>
            Promise.resolve({
              ...params,
              providerOptions: {
                ...params.providerOptions,
                openai: { store: false, ...params.providerOptions?.openai },
              },
            }),
        },
      });
    }
    case "openai-completions":
    case "ollama": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      return createOpenAICompatible({
        name: provider.id,
        baseURL: model.api === "ollama" ? ollamaBaseUrl(provider.baseUrl) : provider.baseUrl,
        ...(key ? { apiKey: key } : {}),
        headers,
        fetch: fetchImpl,
        includeUsage: true,
      }).chatModel(model.id);
    }
    default:
      throw new OpenClawError(
        "MODEL_API_UNSUPPORTED",
        `Cannot use model "${provider.id}/${model.id}": api "${model.api}" is not supported`,
        {
          hint: `Use api "openai-completions", "openai-responses" or "anthropic-messages" ` +
            `in models.providers.${provider.id}`,
        },
      );
  }
}

/**
 * Creates the AI SDK language model for `ref`.
 *
 * @param ref `provider/model`, an alias or a unique bare id, or a parsed ref.
 * @param catalog From {@linkcode resolveCatalog}.
 * @param options Custom `fetch`.
 * @returns A model for `generateText` / `streamText`. Pass `maxRetries: 0` to those when running
 *   under {@linkcode runWithFallbacks}, so a failure moves to the next model at once.
 * @throws {OpenClawError} `MODEL_PROVIDER_UNKNOWN`, `MODEL_AUTH_MISSING`,
 *   `MODEL_AUTH_UNRESOLVED`, `MODEL_API_UNSUPPORTED`; `MODEL_CLI_BACKEND` for a CLI ref (use
 *   `createModelTarget`).
 */
export async function createLanguageModel(
  ref: ModelRef | string,
  catalog: ModelCatalog,
  options: CreateLanguageModelOptions = {},
): Promise<AiLanguageModel> {
  const parsed = typeof ref === "string" ? parseModelRef(ref, catalog) : ref;
  const label = formatModelRef(parsed);
  if (isCliModelRef(parsed, catalog)) {
    throw new OpenClawError(
      "MODEL_CLI_BACKEND",
      `Model "${label}" is a CLI backend, not an API model`,
      { hint: "Run it with createModelTarget() / runCliBackend()" },
    );
  }
  const { provider, model } = findCatalogModel(catalog, parsed);
  const key = requireKey(provider, label);
  const baseFetch = options.fetch ?? globalThis.fetch;
  let byShape = builtModels.get(baseFetch);
  if (!byShape) builtModels.set(baseFetch, byShape = new Map());
  const shape = modelShape(provider, model, key);
  const cached = byShape.get(shape);
  if (cached) {
    // Most recently used last, so the oldest goes first when the map is full.
    byShape.delete(shape);
    byShape.set(shape, cached);
    return await cached;
  }
  const made = build(provider, model, key, key ? baseFetch : withoutEmptyAuth(baseFetch));
  byShape.set(shape, made);
  if (byShape.size > MAX_BUILT_MODELS) byShape.delete(byShape.keys().next().value!);
  // A failed build (a provider package that cannot load) is tried again next time.
  made.catch(() => {
    if (byShape.get(shape) === made) byShape.delete(shape);
  });
  return await made;
}

/**
 * Models already built, by the `fetch` they use and then by {@linkcode modelShape}. A model object
 * holds no per-request state, and building one costs milliseconds per turn (the provider package
 * builds its response schemas, and zod compiles a schema on its first use), so turns share them.
 * A hot reload or `secrets.reload` that changes anything the model is built from changes the
 * shape, so the next turn builds a new one; stale ones age out of the bounded map.
 */
const builtModels = new WeakMap<typeof fetch, Map<string, Promise<AiLanguageModel>>>();

/** Most models kept per `fetch` (configs name a handful; probes may try more). */
const MAX_BUILT_MODELS = 32;

/** Everything {@linkcode build} reads, as one string (held in memory only, never logged). */
function modelShape(provider: CatalogProvider, model: CatalogModel, key: string | undefined) {
  return JSON.stringify([
    model.api,
    provider.id,
    provider.baseUrl,
    provider.auth.bearer === true,
    key ?? null,
    provider.headers ?? null,
    model.headers ?? null,
    model.id,
  ]);
}
