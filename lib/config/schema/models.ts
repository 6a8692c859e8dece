/**
 * `models.*` (§3.7): custom providers and the model catalog merged into `models.json`.
 *
 * @module
 */

import { z } from "zod";
import { oneOf, SecretInputSchema } from "./_common.ts";

/** Wire APIs a provider or model can speak. */
export const MODEL_APIS = [
  "openai-completions",
  "openai-responses",
  "anthropic-messages",
  "google-generative-ai",
  "github-copilot",
  "bedrock-converse-stream",
  "ollama",
  "openai-chatgpt-responses",
] as const;

const ModelApiSchema = oneOf(MODEL_APIS).describe("Wire protocol");

const ModelDefinitionSchema = z
  .strictObject({
    id: z.string().min(1).describe("Model id sent to the provider"),
    name: z.string().min(1).optional().describe("Display name"),
    api: ModelApiSchema.optional(),
    reasoning: z.boolean().optional().describe("Supports reasoning / thinking"),
    input: z.array(oneOf(["text", "image"])).optional().describe("Accepted input kinds"),
    cost: z
      .strictObject({
        input: z.number().optional(),
        output: z.number().optional(),
        cacheRead: z.number().optional(),
        cacheWrite: z.number().optional(),
      })
      .optional()
      .describe("USD per million tokens"),
    contextWindow: z.number().positive().optional(),
    maxTokens: z.number().positive().optional().describe("Max output tokens"),
    contextTokens: z.number().positive().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    compat: z
      .looseObject({
        supportsStore: z.boolean().optional(),
        supportsDeveloperRole: z.boolean().optional(),
        supportsReasoningEffort: z.boolean().optional(),
        maxTokensField: oneOf(["max_completion_tokens", "max_tokens"]).optional(),
      })
      .optional()
      .describe("Quirks of OpenAI-compatible servers"),
  })
  .describe("A model offered by the provider");

const ModelProviderSchema = z
  .strictObject({
    baseUrl: z.string().min(1).describe("API base URL, e.g. http://127.0.0.1:1234/v1"),
    apiKey: SecretInputSchema.optional().describe("API key (string, ${VAR} or SecretRef)"),
    auth: oneOf(["api-key", "aws-sdk", "oauth", "token"]).optional(),
    api: ModelApiSchema.optional(),
    headers: z.record(z.string(), SecretInputSchema).optional().describe("Extra request headers"),
    authHeader: z.boolean().optional().describe("Send the key as Authorization: Bearer"),
    injectNumCtxForOpenAICompat: z.boolean().optional(),
    request: z.looseObject({}).optional(),
    models: z.array(ModelDefinitionSchema).optional(),
  })
  .describe("A model provider");

/** `models`. */
export const ModelsSchema = z
  .strictObject({
    mode: oneOf(["merge", "replace"])
      .default("merge")
      .describe("merge with the built-in catalog, or replace it"),
    providers: z.record(z.string(), ModelProviderSchema).optional().describe(
      "Keyed by provider id",
    ),
    bedrockDiscovery: z.looseObject({}).optional(),
    proxy: z.string().optional(),
  })
  .describe("Model providers and catalog");
