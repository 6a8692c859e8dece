/**
 * Thinking levels -> provider request options. Only models the catalog marks `reasoning: true`
 * get any; `off` sends nothing (the provider's own default applies).
 *
 * | api                  | option                                                         |
 * |----------------------|----------------------------------------------------------------|
 * | `anthropic-messages` | `thinking: {type: "enabled", budget_tokens}` (below max_tokens) |
 * | `openai-responses`   | `reasoning.effort` (`minimal`...`xhigh`)                         |
 * | `openai-completions` | `reasoning_effort` (`low`/`medium`/`high`: what compatible servers accept) |
 *
 * @module
 */
import type { ThinkingLevel } from "./contract.ts";

/** Every thinking level, lowest first (what `thinking` params and config values may say). */
export const THINKING_LEVELS: readonly [ThinkingLevel, ...ThinkingLevel[]] = [
  "off",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
];

/** Anthropic thinking budgets per level (tokens). */
export const ANTHROPIC_THINKING_BUDGETS: Readonly<Record<Exclude<ThinkingLevel, "off">, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
};

/** Anthropic rejects smaller budgets. */
const ANTHROPIC_MIN_BUDGET = 1024;

const COMPAT_EFFORT: Record<Exclude<ThinkingLevel, "off">, string> = {
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
};

/** Provider options for the AI SDK (`providerOptions`), by provider namespace. */
export type ThinkingProviderOptions = Record<string, Record<string, unknown>>;

/**
 * Returns the `providerOptions` that ask `api` for `level` of thinking, or `undefined` when
 * nothing should be sent.
 *
 * @param level The turn's level.
 * @param model The catalog entry: its wire API, `reasoning` flag and output limit.
 */
export function thinkingProviderOptions(
  level: ThinkingLevel | undefined,
  model: { api: string; reasoning: boolean; maxTokens: number },
): ThinkingProviderOptions | undefined {
  if (!level || level === "off" || !model.reasoning) return undefined;
  switch (model.api) {
    case "anthropic-messages": {
      const budget = Math.min(ANTHROPIC_THINKING_BUDGETS[level], model.maxTokens - 1);
      if (budget < ANTHROPIC_MIN_BUDGET) return undefined;
      return { anthropic: { thinking: { type: "enabled", budgetTokens: budget } } };
    }
    case "openai-responses":
      // The SDK recognises reasoning models by id; the catalog's `reasoning` flag is ours to trust
      // (proxies and custom ids), so force it.
      return { openai: { reasoningEffort: level, forceReasoning: true } };
    case "openai-completions":
    case "ollama":
      return { openaiCompatible: { reasoningEffort: COMPAT_EFFORT[level] } };
    default:
      return undefined;
  }
}
