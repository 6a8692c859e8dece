/**
 * What the agent, chat, sessions and tools methods share: parameter checks that answer
 * "invalid <method> params: …", the runtime getter, agent/session resolution and the per-start
 * idempotency caches.
 *
 * @module
 */
import type { AgentRuntime, ThinkingLevel } from "../../lib/agent/contract.ts";
import { agentIdFromSessionKey } from "../agent_runtime.ts";
import { IdempotencyCache } from "../idempotency.ts";
import { invalidRequest, RpcError } from "../rpc_error.ts";
import type { GatewayState } from "../state.ts";

/** Accepted `thinking` values. */
export const THINKING_LEVELS: readonly ThinkingLevel[] = [
  "off",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
];

type Params = Record<string, unknown>;

/** Reads an optional string param (`required` makes it mandatory and non-empty). */
export function stringParam(
  method: string,
  params: Params,
  key: string,
  options: { required?: boolean; max?: number } = {},
): string | undefined {
  const v = params[key];
  if (v === undefined || v === null) {
    if (options.required) {
      throw invalidRequest(`invalid ${method} params: ${key} (non-empty string) required`);
    }
    return undefined;
  }
  if (typeof v !== "string" || (options.required && v.trim() === "")) {
    throw invalidRequest(`invalid ${method} params: ${key} must be a non-empty string`);
  }
  if (options.max !== undefined && v.length > options.max) {
    throw invalidRequest(
      `invalid ${method} params: ${key} must be at most ${options.max} characters`,
    );
  }
  return v;
}

/** Reads an optional integer param within `[min, max]`. */
export function intParam(
  method: string,
  params: Params,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalidRequest(
      `invalid ${method} params: ${key} must be an integer between ${min} and ${max}`,
    );
  }
  return v;
}

/** Reads an optional boolean param. */
export function boolParam(method: string, params: Params, key: string): boolean | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") {
    throw invalidRequest(`invalid ${method} params: ${key} must be a boolean`);
  }
  return v;
}

/** Reads an optional `thinking` level. */
export function thinkingParam(method: string, params: Params): ThinkingLevel | undefined {
  const v = stringParam(method, params, "thinking");
  if (v === undefined) return undefined;
  const level = v.toLowerCase() as ThinkingLevel;
  if (!THINKING_LEVELS.includes(level)) {
    throw invalidRequest(
      `invalid ${method} params: thinking must be one of ${THINKING_LEVELS.join(", ")}`,
    );
  }
  return level;
}

/** The runtime, or `UNAVAILABLE` when it cannot be created. */
export async function runtimeOf(state: GatewayState): Promise<AgentRuntime> {
  try {
    return await state.agent();
  } catch (err) {
    throw new RpcError({
      code: "UNAVAILABLE",
      message: err instanceof Error ? err.message : String(err),
      retryable: true,
    });
  }
}

/** The main session key of an agent (`agent:<id>:<session.mainKey>`). */
export function mainSessionKey(state: GatewayState, agentId: string): string {
  const mainKey = (state.config.session as { mainKey?: string } | undefined)?.mainKey?.trim()
    .toLowerCase() || "main";
  return `agent:${agentId}:${mainKey}`;
}

/**
 * Resolves the agent of a request: `agentId`, else the one the session key names, else the
 * default agent. Unknown agents and a key of another agent are refused.
 */
export function resolveAgentId(
  method: string,
  runtime: AgentRuntime,
  agentIdParam: string | undefined,
  sessionKey: string | undefined,
): string {
  const agents = runtime.agents();
  const fromKey = agentIdFromSessionKey(sessionKey);
  const wanted = agentIdParam?.trim().toLowerCase();
  if (wanted && fromKey && wanted !== fromKey) {
    throw invalidRequest(
      `invalid ${method} params: agentId "${wanted}" does not match sessionKey "${sessionKey}"`,
    );
  }
  const id = wanted ?? fromKey ?? (agents.find((a) => a.isDefault) ?? agents[0])?.id ?? "main";
  const match = agents.find((a) => a.id.toLowerCase() === id);
  if (!match) throw invalidRequest(`invalid ${method} params: unknown agent "${id}"`);
  return match.id;
}

/** The per-start dedupe caches (one gateway start = one state object). */
export interface RunCaches {
  agent: IdempotencyCache<Record<string, unknown>>;
  chat: IdempotencyCache<Record<string, unknown>>;
}

const CACHES = new WeakMap<GatewayState, RunCaches>();

/** Returns the dedupe caches of this gateway start. */
export function runCaches(state: GatewayState): RunCaches {
  let caches = CACHES.get(state);
  if (!caches) {
    caches = { agent: new IdempotencyCache(), chat: new IdempotencyCache() };
    CACHES.set(state, caches);
  }
  return caches;
}
