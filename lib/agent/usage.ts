/**
 * Usage bookkeeping between three shapes: the AI SDK's per-call usage (input includes cached
 * tokens), the contract's {@linkcode AgentUsage}, and stock's transcript usage (input excludes
 * cached tokens, cost broken down).
 *
 * @module
 */
import type { TokenUsage, UsageCost } from "../models/cost.ts";
import type { AgentUsage } from "./contract.ts";
import type { StoredUsage } from "./sessions/transcript.ts";

/** No tokens, no cost. */
export function zeroUsage(): AgentUsage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };
}

/** A zero cost breakdown. */
export const ZERO_COST: UsageCost = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 };

/** Converts one call's SDK usage (and its cost) to the contract's shape. */
export function toAgentUsage(u: TokenUsage, cost: UsageCost): AgentUsage {
  const input = u.inputTokens ?? 0;
  const output = u.outputTokens ?? 0;
  const cacheRead = u.inputTokenDetails?.cacheReadTokens ?? 0;
  const cacheWrite = u.inputTokenDetails?.cacheWriteTokens ?? 0;
  return {
    inputTokens: input,
    outputTokens: output,
    ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
    totalTokens: u.totalTokens ?? input + output,
    costUsd: cost.total,
  };
}

/** Adds two usages. */
export function addAgentUsage(a: AgentUsage, b: AgentUsage): AgentUsage {
  const cacheRead = (a.cacheReadTokens ?? 0) + (b.cacheReadTokens ?? 0);
  const cacheWrite = (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
    totalTokens: a.totalTokens + b.totalTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}

/** Converts one call's SDK usage (and its cost) to stock's transcript shape. */
export function toStoredUsage(u: TokenUsage, cost: UsageCost): StoredUsage {
  const cacheRead = u.inputTokenDetails?.cacheReadTokens ?? 0;
  const cacheWrite = u.inputTokenDetails?.cacheWriteTokens ?? 0;
  const input = u.inputTokenDetails?.noCacheTokens ??
    Math.max(0, (u.inputTokens ?? 0) - cacheRead - cacheWrite);
  const output = u.outputTokens ?? 0;
  return {
    input,
    output,
    cacheRead,
    cacheWrite,
    totalTokens: u.totalTokens ?? input + cacheRead + cacheWrite + output,
    cost: { ...cost },
  };
}
