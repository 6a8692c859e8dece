/**
 * What the agent, chat, sessions and tools methods share: param schema pieces, the runtime
 * getter, agent resolution and the per-start idempotency caches.
 *
 * @module
 */
import { z } from "zod";
import type { AgentRuntime } from "../../lib/agent/contract.ts";
import { agentIdFromSessionKey } from "../../lib/agent/session_key.ts";
import { THINKING_LEVELS } from "../../lib/agent/thinking.ts";
import { invalidRequest, ProtocolError } from "../../lib/protocol/error_map.ts";
import { ErrorCode } from "../../lib/protocol/error_shape.ts";
import { IdempotencyCache } from "../idempotency.ts";
import type { GatewayState } from "../state.ts";

/** Longest session key a method accepts (what the session store accepts). */
export const SESSION_KEY_MAX = 512;
/** Longest idempotency key. */
export const IDEMPOTENCY_KEY_MAX = 256;

/**
 * A mandatory string that is not blank ("required" when missing, "must not be empty" when it is
 * only whitespace); `max` caps its length.
 */
export function requiredString(max?: number): z.ZodType<string> {
  const base = max === undefined ? z.string() : z.string().max(max);
  return base.refine((s) => s.trim() !== "", { message: "must not be empty" });
}

/** An optional `thinking` level, matched case-insensitively (`"HIGH"` is `high`). */
export const ThinkingParamSchema = z.string().transform((s) => s.toLowerCase()).pipe(
  z.enum(THINKING_LEVELS),
).optional();

/** The runtime, or a retryable `UNAVAILABLE` when it cannot be created. */
export async function runtimeOf(state: GatewayState): Promise<AgentRuntime> {
  try {
    return await state.agent();
  } catch (err) {
    throw new ProtocolError(
      ErrorCode.UNAVAILABLE,
      err instanceof Error ? err.message : String(err),
      {
        retryable: true,
      },
    );
  }
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
