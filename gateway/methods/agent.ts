/**
 * `agent` and `agent.wait` (protocol.md §8.5). `agent` is two-phase: an `accepted` response as
 * soon as the run is queued, then the final response on the same request id. A replay of its
 * `idempotencyKey` within 5 minutes follows the same run (or returns its cached outcome) instead
 * of running the turn again.
 *
 * @module
 */
import { z } from "zod";
import type { AgentTurnResult } from "../../lib/agent/contract.ts";
import { buildMainSessionKey } from "../../lib/agent/session_key.ts";
import { dispatchTurn } from "../agent_runtime.ts";
import type { GatewayState } from "../state.ts";
import {
  IDEMPOTENCY_KEY_MAX,
  requiredString,
  resolveAgentId,
  runCaches,
  runtimeOf,
  SESSION_KEY_MAX,
  ThinkingParamSchema,
} from "./_common.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import { clearTimer, setTimer, type TimerHandle } from "../../lib/timers.ts";

/** Default wait of `agent.wait` when `timeoutMs` is not given. */
const AGENT_WAIT_DEFAULT_MS = 30_000;

/** The `status` a finished turn reports. */
export function runStatus(result: AgentTurnResult): "ok" | "error" | "timeout" {
  if (result.stopReason === "timeout") return "timeout";
  if (result.stopReason === "error" || result.stopReason === "aborted") return "error";
  return "ok";
}

/**
 * The final `agent` payload: `{runId, status, summary, result}` where `result` has the stock
 * `payloads` + `meta` shape (what `openclaw agent --json` prints).
 */
export function agentFinalPayload(
  result: AgentTurnResult,
  startedAt: number,
  now = Date.now(),
): Record<string, unknown> {
  const status = runStatus(result);
  const slash = result.model.indexOf("/");
  const summary = status === "ok"
    ? "completed"
    : result.stopReason === "aborted"
    ? "aborted"
    : result.error ?? result.stopReason;
  return {
    runId: result.runId,
    status,
    summary,
    result: {
      payloads: result.text ? [{ text: result.text, mediaUrl: null }] : [],
      meta: {
        durationMs: Math.max(0, now - startedAt),
        stopReason: result.stopReason,
        ...(result.stopReason === "aborted" ? { aborted: true } : {}),
        agentMeta: {
          agentId: result.agentId,
          sessionKey: result.sessionKey,
          sessionId: result.sessionId,
          provider: slash > 0 ? result.model.slice(0, slash) : undefined,
          model: slash > 0 ? result.model.slice(slash + 1) : result.model || undefined,
          usage: result.usage,
        },
        toolCalls: result.toolCalls.map((c) => ({
          id: c.id,
          name: c.name,
          ...(c.isError ? { isError: true } : {}),
        })),
        ...(result.error ? { error: result.error } : {}),
      },
    },
    ...(status !== "ok" && result.error ? { error: result.error } : {}),
  };
}

/** Looks up a finished or running run of this gateway start by id. */
function knownRun(state: GatewayState, runId: string) {
  const caches = runCaches(state);
  for (const cache of [caches.agent, caches.chat]) {
    const entry = cache.get(runId);
    if (entry) return entry;
  }
  return undefined;
}

/** The agent methods. */
export const agentMethods: MethodDefinition[] = [
  defineMethod({
    name: "agent",
    scope: "operator.write",
    params: z.looseObject({
      message: requiredString(),
      idempotencyKey: requiredString(IDEMPOTENCY_KEY_MAX),
      sessionKey: z.string().max(SESSION_KEY_MAX).optional(),
      sessionId: z.string().optional(),
      agentId: z.string().optional(),
      model: z.string().optional(),
      extraSystemPrompt: z.string().optional(),
      channel: z.string().optional(),
      to: z.string().optional(),
      thinking: ThinkingParamSchema,
      timeout: z.int().min(0).max(86_400).optional(),
    }),
    handler: async (call) => {
      const { params, state } = call;
      const { message, idempotencyKey: key, sessionId, model, extraSystemPrompt, thinking } =
        params;

      const cache = runCaches(state).agent;
      const follow = async (entry: NonNullable<ReturnType<typeof cache.get>>) => {
        if (entry.outcome) return entry.outcome;
        call.respondEarly(entry.ack);
        return await entry.done;
      };
      const seen = cache.get(key);
      if (seen) return await follow(seen);

      const runtime = await runtimeOf(state);
      const agentId = resolveAgentId("agent", runtime, params.agentId, params.sessionKey);
      // Another request with the same key may have started while the runtime loaded.
      const raced = cache.get(key);
      if (raced) return await follow(raced);

      // `--session-id` alone picks a transcript; the runtime knows which key it belongs to.
      const sessionKey = params.sessionKey ??
        (sessionId ? undefined : buildMainSessionKey(agentId, state.config.session?.mainKey));
      const acceptedAt = Date.now();
      const accepted = {
        runId: key,
        status: "accepted",
        ...(sessionKey ? { sessionKey } : {}),
        agentId,
        acceptedAt,
      };
      const done = dispatchTurn(state, runtime, {
        runId: key,
        agentId,
        sessionKey,
        sessionId,
        message,
        model,
        thinking,
        extraSystemPrompt,
        timeoutSeconds: params.timeout ? params.timeout : undefined,
        channel: params.channel ?? "cli",
      }).then((result) => agentFinalPayload(result, acceptedAt));
      cache.start(key, key, done, accepted);
      call.respondEarly(accepted);
      return await done;
    },
  }),

  defineMethod({
    name: "agent.wait",
    scope: "operator.write",
    params: z.looseObject({
      runId: requiredString(),
      timeoutMs: z.int().min(0).max(86_400_000).optional(),
    }),
    handler: async ({ params, state }) => {
      const { runId, timeoutMs = AGENT_WAIT_DEFAULT_MS } = params;
      const known = knownRun(state, runId);
      if (known) {
        let timer: TimerHandle | undefined;
        const outcome = known.outcome ?? await Promise.race([
          known.done,
          new Promise<undefined>((r) => timer = setTimer(() => r(undefined), timeoutMs)),
        ]).finally(() => clearTimer(timer));
        if (!outcome) return { runId, status: "timeout" };
        return {
          runId,
          status: outcome.status,
          startedAt: known.startedAt,
          ...(outcome.error ? { error: outcome.error } : {}),
        };
      }
      const runtime = await runtimeOf(state);
      const result = await runtime.waitForRun(runId, timeoutMs);
      if (!result) return { runId, status: "timeout" };
      return {
        runId,
        status: runStatus(result),
        ...(result.error ? { error: result.error } : {}),
      };
    },
  }),
];
