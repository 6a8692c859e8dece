/**
 * The built-in provider catalog: base URLs, wire APIs, key variables and a few well-known models
 * per provider. This is data, not a contract: prices are list prices in USD per million tokens
 * as published by the providers in early 2026, and any model id not listed here still works
 * (it gets {@link UNKNOWN_MODEL_DEFAULTS}). `models.providers` in the config overrides or
 * extends all of it (`models.mode: "merge"`), or replaces it (`"replace"`).
 *
 * @module
 */
import type { ModelApi } from "./types.ts";

/** A built-in model as written here; missing fields get defaults when the catalog resolves. */
export interface BuiltinModel {
  id: string;
  name: string;
  reasoning?: boolean;
  input?: ("text" | "image")[];
  cost?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
  contextWindow: number;
  maxTokens: number;
}

/** A built-in provider. */
export interface BuiltinProvider {
  api: ModelApi;
  baseUrl: string;
  /** Environment variable holding the API key; absent for local servers that need none. */
  envVar?: string;
  models: BuiltinModel[];
}

/** What a model id missing from every catalog is assumed to offer. */
export const UNKNOWN_MODEL_DEFAULTS = {
  contextWindow: 128_000,
  maxTokens: 8_192,
} as const;

const FREE = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** Built-in providers by id. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, BuiltinProvider>> = {
  anthropic: {
    api: "anthropic-messages",
    baseUrl: "https://api.anthropic.com/v1",
    envVar: "ANTHROPIC_API_KEY",
    models: [
      {
        id: "claude-opus-4-6",
        name: "Claude Opus 4.6",
        reasoning: true,
        input: ["text", "image"],
        cost: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
        contextWindow: 200_000,
        maxTokens: 128_000,
      },
      {
        id: "claude-opus-4-5",
        name: "Claude Opus 4.5",
        reasoning: true,
        input: ["text", "image"],
        cost: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
        contextWindow: 200_000,
        maxTokens: 64_000,
      },
      {
        id: "claude-sonnet-4-5",
        name: "Claude Sonnet 4.5",
        reasoning: true,
        input: ["text", "image"],
        cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
        contextWindow: 200_000,
        maxTokens: 64_000,
      },
      {
        id: "claude-haiku-4-5",
        name: "Claude Haiku 4.5",
        reasoning: true,
        input: ["text", "image"],
        cost: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
        contextWindow: 200_000,
        maxTokens: 64_000,
      },
    ],
  },
  openai: {
    api: "openai-responses",
    baseUrl: "https://api.openai.com/v1",
    envVar: "OPENAI_API_KEY",
    models: [
      {
        id: "gpt-5",
        name: "GPT-5",
        reasoning: true,
        input: ["text", "image"],
        cost: { input: 1.25, output: 10, cacheRead: 0.125 },
        contextWindow: 400_000,
        maxTokens: 128_000,
      },
      {
        id: "gpt-5-mini",
        name: "GPT-5 mini",
        reasoning: true,
        input: ["text", "image"],
        cost: { input: 0.25, output: 2, cacheRead: 0.025 },
        contextWindow: 400_000,
        maxTokens: 128_000,
      },
      {
        id: "gpt-4.1",
        name: "GPT-4.1",
        input: ["text", "image"],
        cost: { input: 2, output: 8, cacheRead: 0.5 },
        contextWindow: 1_047_576,
        maxTokens: 32_768,
      },
      {
        id: "gpt-4o-mini",
        name: "GPT-4o mini",
        input: ["text", "image"],
        cost: { input: 0.15, output: 0.6, cacheRead: 0.075 },
        contextWindow: 128_000,
        maxTokens: 16_384,
      },
    ],
  },
  openrouter: {
    api: "openai-completions",
    baseUrl: "https://openrouter.ai/api/v1",
    envVar: "OPENROUTER_API_KEY",
    models: [
      {
        id: "anthropic/claude-sonnet-4.5",
        name: "Claude Sonnet 4.5 (OpenRouter)",
        reasoning: true,
        input: ["text", "image"],
        cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
        contextWindow: 200_000,
        maxTokens: 64_000,
      },
      {
        id: "openai/gpt-4o-mini",
        name: "GPT-4o mini (OpenRouter)",
        input: ["text", "image"],
        cost: { input: 0.15, output: 0.6, cacheRead: 0.075 },
        contextWindow: 128_000,
        maxTokens: 16_384,
      },
    ],
  },
  groq: {
    api: "openai-completions",
    baseUrl: "https://api.groq.com/openai/v1",
    envVar: "GROQ_API_KEY",
    models: [
      {
        id: "llama-3.3-70b-versatile",
        name: "Llama 3.3 70B Versatile",
        cost: { input: 0.59, output: 0.79 },
        contextWindow: 131_072,
        maxTokens: 32_768,
      },
      {
        id: "llama-3.1-8b-instant",
        name: "Llama 3.1 8B Instant",
        cost: { input: 0.05, output: 0.08 },
        contextWindow: 131_072,
        maxTokens: 131_072,
      },
      {
        id: "openai/gpt-oss-120b",
        name: "GPT-OSS 120B",
        reasoning: true,
        cost: { input: 0.15, output: 0.75 },
        contextWindow: 131_072,
        maxTokens: 65_536,
      },
    ],
  },
  lmstudio: {
    api: "openai-completions",
    baseUrl: "http://127.0.0.1:1234/v1",
    models: [
      {
        id: "openai/gpt-oss-20b",
        name: "GPT-OSS 20B (LM Studio)",
        reasoning: true,
        cost: FREE,
        contextWindow: 131_072,
        maxTokens: 8_192,
      },
    ],
  },
  ollama: {
    api: "openai-completions",
    baseUrl: "http://127.0.0.1:11434/v1",
    models: [
      {
        id: "llama3.3",
        name: "Llama 3.3 (Ollama)",
        cost: FREE,
        contextWindow: 131_072,
        maxTokens: 8_192,
      },
      {
        id: "qwen3",
        name: "Qwen3 (Ollama)",
        reasoning: true,
        cost: FREE,
        contextWindow: 40_960,
        maxTokens: 8_192,
      },
    ],
  },
};

/** The model used when no agent, default or legacy model is configured (as stock). */
export const DEFAULT_MODEL_REF = "anthropic/claude-opus-4-6";
