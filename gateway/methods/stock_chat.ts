/**
 * The chat methods stock's dashboard opens a chat pane with, besides chat.send/abort/history
 * (chat.ts): `chat.startup` (the first history page of a session -- the agent's main session by
 * default -- plus the agent roster), `chat.message.get` (one message by id) and `chat.inject`
 * (writing an assistant message into a transcript from outside a turn, which this gateway does
 * not do: only the agent runtime writes transcripts, so their entry chain stays whole).
 *
 * @module
 */
import { z } from "zod";
import { buildMainSessionKey } from "../../lib/agent/session_key.ts";
import { defaultAgentId } from "../../lib/agent/agents.ts";
import { ProtocolError } from "../../lib/protocol/error_map.ts";
import { featureUnavailableError } from "../../lib/protocol/feature_errors.ts";
import { requiredString, resolveAgentId, runtimeOf, SESSION_KEY_MAX } from "./_common.ts";
import { buildChatHistory, historyMessage } from "./chat.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import { buildAgentsList } from "./stock_agents.ts";

/** Most characters of text `chat.message.get` returns per block unless `maxChars` says less. */
const MESSAGE_MAX_CHARS = 1_000_000;

/** Cuts every text block of a history message to `max` characters. */
function clipMessage(message: Record<string, unknown>, max: number): Record<string, unknown> {
  const content = (message.content as Record<string, unknown>[]).map((b) =>
    typeof b.text === "string" && b.text.length > max ? { ...b, text: b.text.slice(0, max) } : b
  );
  return { ...message, content };
}

/** The stock chat methods that chat.ts does not define. */
export const stockChatMethods: MethodDefinition[] = [
  defineMethod({
    name: "chat.startup",
    scope: "operator.read",
    params: z.looseObject({
      sessionKey: z.string().max(SESSION_KEY_MAX).optional(),
      agentId: z.string().max(128).optional(),
      limit: z.int().min(1).max(1_000).optional(),
    }),
    handler: async ({ params, state }) => {
      const sessionKey = params.sessionKey?.trim() ||
        buildMainSessionKey(
          params.agentId?.trim().toLowerCase() || defaultAgentId(state.config),
          state.config.session?.mainKey,
        );
      const history = await buildChatHistory("chat.startup", state, {
        sessionKey,
        agentId: params.agentId,
        limit: params.limit ?? 80,
      });
      return { ...history, agentsList: buildAgentsList(state) };
    },
  }),

  defineMethod({
    name: "chat.message.get",
    scope: "operator.read",
    params: z.looseObject({
      sessionKey: requiredString(SESSION_KEY_MAX),
      messageId: requiredString(256),
      agentId: z.string().max(128).optional(),
      maxChars: z.int().min(1).max(MESSAGE_MAX_CHARS).optional(),
    }),
    handler: async ({ params, state }) => {
      const runtime = await runtimeOf(state);
      const { sessionKey, messageId } = params;
      const agentId = resolveAgentId("chat.message.get", runtime, params.agentId, sessionKey);
      const messages = await runtime.history({ sessionKey, agentId });
      const found = messages.find((m) => m.id === messageId);
      if (!found) return { ok: false, unavailableReason: "not_found" };
      return {
        ok: true,
        message: clipMessage(historyMessage(found), params.maxChars ?? MESSAGE_MAX_CHARS),
      };
    },
  }),

  defineMethod({
    name: "chat.inject",
    scope: "operator.admin",
    params: z.looseObject({
      sessionKey: requiredString(SESSION_KEY_MAX),
      message: z.string(),
      agentId: z.string().max(128).optional(),
      label: z.string().max(100).optional(),
    }),
    handler: () => {
      throw ProtocolError.of(featureUnavailableError(
        "chat.inject",
        "only agent turns write transcripts here; send the text with chat.send instead",
      ));
    },
  }),
];
