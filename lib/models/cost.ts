/**
 * Token usage and what it cost, from the catalog's per-million-token prices.
 *
 * @module
 */
import type { ModelCost } from "./types.ts";

/**
 * Token counts of one call. Structurally the AI SDK's `LanguageModelUsage`, so its usage objects
 * can be passed as they are; `inputTokens` includes cached tokens.
 */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  inputTokenDetails?: {
    noCacheTokens?: number;
    cacheReadTokens?: number;
    cacheWriteTokens?: number;
  };
  outputTokenDetails?: { reasoningTokens?: number };
}

/** Cost in USD, per kind of token and in total. */
export interface UsageCost {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  total: number;
}

const PER_TOKEN = 1 / 1_000_000;

/**
 * Computes the cost of `usage` at `model`'s prices.
 *
 * @example
 * ```ts
 * computeCost({ inputTokens: 1_000_000, outputTokens: 0 }, { cost: { input: 3, output: 15, cacheRead: 0, cacheWrite: 0 } }).total; // 3
 * ```
 */
export function computeCost(usage: TokenUsage, model: { cost: ModelCost }): UsageCost {
  const cacheRead = usage.inputTokenDetails?.cacheReadTokens ?? 0;
  const cacheWrite = usage.inputTokenDetails?.cacheWriteTokens ?? 0;
  const fresh = usage.inputTokenDetails?.noCacheTokens ??
    Math.max(0, (usage.inputTokens ?? 0) - cacheRead - cacheWrite);
  const c = model.cost;
  const parts = {
    input: fresh * c.input * PER_TOKEN,
    output: (usage.outputTokens ?? 0) * c.output * PER_TOKEN,
    cacheRead: cacheRead * c.cacheRead * PER_TOKEN,
    cacheWrite: cacheWrite * c.cacheWrite * PER_TOKEN,
  };
  return { ...parts, total: parts.input + parts.output + parts.cacheRead + parts.cacheWrite };
}

/** Adds two usages field by field (for a run made of several steps or attempts). */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum = (x?: number, y?: number) =>
    (x === undefined && y === undefined) ? undefined : (x ?? 0) + (y ?? 0);
  return {
    inputTokens: sum(a.inputTokens, b.inputTokens),
    outputTokens: sum(a.outputTokens, b.outputTokens),
    totalTokens: sum(a.totalTokens, b.totalTokens),
    inputTokenDetails: {
      noCacheTokens: sum(a.inputTokenDetails?.noCacheTokens, b.inputTokenDetails?.noCacheTokens),
      cacheReadTokens: sum(
        a.inputTokenDetails?.cacheReadTokens,
        b.inputTokenDetails?.cacheReadTokens,
      ),
      cacheWriteTokens: sum(
        a.inputTokenDetails?.cacheWriteTokens,
        b.inputTokenDetails?.cacheWriteTokens,
      ),
    },
    outputTokenDetails: {
      reasoningTokens: sum(
        a.outputTokenDetails?.reasoningTokens,
        b.outputTokenDetails?.reasoningTokens,
      ),
    },
  };
}
