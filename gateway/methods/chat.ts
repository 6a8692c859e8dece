/**
 * `chat.send`, `chat.abort`, `chat.history` (protocol.md §8.4): the chat surface of the dashboard
 * and apps. `chat.send` acknowledges at once with `{runId, status:"started"}` (the run id is the
 * idempotency key, so clients match the `chat` events they get); the answer streams as `chat` and
 * `agent` events. A replay answers `in_flight` while the run goes on, then its cached outcome.
 *
 * @module
 */
import type { TranscriptMessage } from "../../lib/agent/contract.ts";
import { dispatchTurn } from "../agent_runtime.ts";
import { invalidRequest } from "../rpc_error.ts";
import {
  boolParam,
  intParam,
  resolveAgentId,
  runCaches,
  runtimeOf,
  stringParam,
  thinkingParam,
} from "./_common.ts";
import { runStatus } from "./agent.ts";
import type { MethodTable } from "./types.ts";

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
export const chatMethods: MethodTable = {
  "chat.send": async ({ params, state }) => {
    const sessionKey = stringParam("chat.send", params, "sessionKey", {
      required: true,
      max: 512,
    })!;
    if (typeof params.message !== "string") {
      throw invalidRequest("invalid chat.send params: message (string) required");
    }
    const message = params.message;
    if (message.trim() === "") {
      throw invalidRequest("invalid chat.send params: message must not be empty");
    }
    const key = stringParam("chat.send", params, "idempotencyKey", { required: true, max: 256 })!;
    const agentIdParam = stringParam("chat.send", params, "agentId");
    const sessionId = stringParam("chat.send", params, "sessionId");
    const thinking = thinkingParam("chat.send", params);
    const timeoutMs = intParam("chat.send", params, "timeoutMs", 1, 86_400_000);
    boolParam("chat.send", params, "deliver");

    const cache = runCaches(state).chat;
    const replay = () => {
      const seen = cache.get(key);
      if (!seen) return undefined;
      return seen.outcome ?? { runId: seen.runId, status: "in_flight" };
    };
    const early = replay();
    if (early) return early;
    const runtime = await runtimeOf(state);
    const agentId = resolveAgentId("chat.send", runtime, agentIdParam, sessionKey);
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

  "chat.abort": async ({ params, state }) => {
    const sessionKey = stringParam("chat.abort", params, "sessionKey", { required: true })!;
    const runId = stringParam("chat.abort", params, "runId");
    const agentId = stringParam("chat.abort", params, "agentId");
    const runtime = await runtimeOf(state);
    const runIds = runtime.abort({ sessionKey, runId, agentId });
    return { ok: true, aborted: runIds.length > 0, runIds };
  },

  "chat.history": async ({ params, state }) => {
    const sessionKey = stringParam("chat.history", params, "sessionKey", { required: true })!;
    const agentIdParam = stringParam("chat.history", params, "agentId");
    const limit = intParam("chat.history", params, "limit", 1, 5000) ?? HISTORY_DEFAULT_LIMIT;
    const runtime = await runtimeOf(state);
    const agentId = resolveAgentId("chat.history", runtime, agentIdParam, sessionKey);
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
      thinkingLevel: defaults?.thinkingDefault ?? "off",
      verboseLevel: "off",
    };
  },
};
