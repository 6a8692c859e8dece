/**
 * `chat.send`, `chat.abort`, `chat.history` (protocol.md §8.4): the chat surface of the dashboard
 * and apps. `chat.send` acknowledges at once with `{runId, status:"started"}` (the run id is the
 * idempotency key, so clients match the `chat` events they get); the answer streams as `chat` and
 * `agent` events. A replay answers `in_flight` while the run goes on, then its cached outcome.
 *
 * @module
 */
import { z } from "zod";
import type { TranscriptMessage } from "../../lib/agent/contract.ts";
import { sessionKind } from "../../lib/agent/session_key.ts";
import type { GatewayState } from "../state.ts";
import { dispatchTurn } from "../agent_runtime.ts";
import {
  IDEMPOTENCY_KEY_MAX,
  requiredString,
  resolveAgentId,
  runCaches,
  runtimeOf,
  SESSION_KEY_MAX,
  ThinkingParamSchema,
} from "./_common.ts";
import { runStatus } from "./agent.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import { sessionRow } from "./sessions.ts";
import { sessionDefaults } from "./stock_shapes.ts";

/** Messages `chat.history` returns when no `limit` is given. */
const HISTORY_DEFAULT_LIMIT = 200;

/** A transcript message in the shape stock clients render (`content` blocks). */
export function historyMessage(m: TranscriptMessage): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (m.text) content.push({ type: "text", text: m.text });
  for (const c of m.toolCalls ?? []) {
    content.push({ type: "toolCall", id: c.id, name: c.name, arguments: c.args });
  }
  return {
    id: m.id,
    role: m.role === "tool" ? "toolResult" : m.role,
    content,
    timestamp: m.timestamp,
    ...(m.model ? { model: m.model } : {}),
    ...(m.usage ? { usage: m.usage } : {}),
    ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
  };
}

/** The chat methods. */
export const chatMethods: MethodDefinition[] = [
  defineMethod({
    name: "chat.send",
    scope: "operator.write",
    params: z.looseObject({
      sessionKey: requiredString(SESSION_KEY_MAX),
      message: requiredString(),
      idempotencyKey: requiredString(IDEMPOTENCY_KEY_MAX),
      agentId: z.string().optional(),
      sessionId: z.string().optional(),
      thinking: ThinkingParamSchema,
      timeoutMs: z.int().min(1).max(86_400_000).optional(),
      deliver: z.boolean().optional(),
    }),
    handler: async ({ params, state }) => {
      const { sessionKey, message, idempotencyKey: key, sessionId, thinking, timeoutMs } = params;
      const cache = runCaches(state).chat;
      const replay = () => {
        const seen = cache.get(key);
        if (!seen) return undefined;
        return seen.outcome ?? { runId: seen.runId, status: "in_flight" };
      };
      const early = replay();
      if (early) return early;
      const runtime = await runtimeOf(state);
      const agentId = resolveAgentId("chat.send", runtime, params.agentId, sessionKey);
      const raced = replay();
      if (raced) return raced;

      const done = dispatchTurn(state, runtime, {
        runId: key,
        agentId,
        sessionKey,
        sessionId,
        message,
        thinking,
        timeoutSeconds: timeoutMs ? Math.ceil(timeoutMs / 1000) : undefined,
        channel: "webchat",
      }).then((result) => ({
        runId: key,
        status: runStatus(result),
        ...(result.error ? { error: result.error } : {}),
      }));
      cache.start(key, key, done);
      return { runId: key, status: "started" };
    },
  }),

  defineMethod({
    name: "chat.abort",
    scope: "operator.write",
    params: z.looseObject({
      sessionKey: requiredString(),
      runId: z.string().optional(),
      agentId: z.string().optional(),
    }),
    handler: async ({ params, state }) => {
      const { sessionKey, runId, agentId } = params;
      const runtime = await runtimeOf(state);
      const runIds = runtime.abort({ sessionKey, runId, agentId });
      return { ok: true, aborted: runIds.length > 0, runIds };
    },
  }),

  defineMethod({
    name: "chat.history",
    scope: "operator.read",
    params: z.looseObject({
      sessionKey: requiredString(),
      agentId: z.string().optional(),
      limit: z.int().min(1).max(5000).optional(),
    }),
    handler: ({ params, state }) => buildChatHistory("chat.history", state, params),
  }),
];

/**
 * The `chat.history` payload (also the body of `chat.startup`): the last `limit` messages plus
 * the session's row (`sessionInfo`) and model `defaults`, which stock's dashboard reads
 * unchecked.
 */
export async function buildChatHistory(
  method: string,
  state: GatewayState,
  params: { sessionKey: string; agentId?: string; limit?: number },
): Promise<Record<string, unknown>> {
  const { sessionKey, limit = HISTORY_DEFAULT_LIMIT } = params;
  const runtime = await runtimeOf(state);
  // A key the session store refuses throws SESSION_KEY_INVALID: the connection answers it
  // as INVALID_REQUEST (lib/protocol/error_map.ts).
  const agentId = resolveAgentId(method, runtime, params.agentId, sessionKey);
  const [messages, sessions] = await Promise.all([
    runtime.history({ sessionKey, agentId, limit }),
    runtime.listSessions({ agentId }),
  ]);
  const row = sessions.find((s) => s.key === sessionKey);
  const defaults = state.config.agents?.defaults as { thinkingDefault?: string } | undefined;
  return {
    sessionKey,
    sessionId: row?.sessionId ?? null,
    messages: messages.map(historyMessage),
    pendingInputs: [],
    totalMessages: row?.messageCount ?? messages.length,
    hasMore: (row?.messageCount ?? 0) > messages.length,
    defaults: sessionDefaults(state.config, agentId),
    sessionInfo: row
      ? sessionRow(row)
      : { key: sessionKey, kind: sessionKind(sessionKey), agentId, updatedAt: null },
    thinkingLevel: defaults?.thinkingDefault ?? "off",
    verboseLevel: "off",
  };
}
