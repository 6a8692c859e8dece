/**
 * `sessions_list`, `sessions_history` and `session_status` (stock's `group:sessions` read tools).
 *
 * @module
 */
import { z } from "zod";
import { canonicalSessionKey, parseAgentSessionKey } from "../session_key.ts";
import type { AgentToolContext, ToolDefinition } from "./registry.ts";

const ListArgs = z.strictObject({
  limit: z.number().int().min(1).max(200).optional().describe("At most this many (default 50)"),
});

const HistoryArgs = z.strictObject({
  sessionKey: z.string().min(1).describe('Session key, e.g. "agent:main:main"'),
  limit: z.number().int().min(1).max(500).optional().describe("Last N messages (default 50)"),
});

const StatusArgs = z.strictObject({
  sessionKey: z.string().min(1).optional().describe("Another session; default the current one"),
});

function scoped(raw: string, ctx: AgentToolContext): { sessionKey: string; agentId: string } {
  const sessionKey = canonicalSessionKey(raw, ctx.agentId);
  return { sessionKey, agentId: parseAgentSessionKey(sessionKey)?.agentId ?? ctx.agentId };
}

/** `sessions_list`: the agent's sessions, most recent first. */
export const sessionsListTool: ToolDefinition<z.infer<typeof ListArgs>> = {
  name: "sessions_list",
  description: "List conversation sessions of this agent, most recently active first.",
  group: "sessions",
  inputSchema: ListArgs,
  async execute(args, ctx: AgentToolContext) {
    const sessions = await ctx.sessions.list({ agentId: ctx.agentId, limit: args.limit ?? 50 });
    return { count: sessions.length, sessions };
  },
};

/** `sessions_history`: the messages of one session. */
export const sessionsHistoryTool: ToolDefinition<z.infer<typeof HistoryArgs>> = {
  name: "sessions_history",
  description: "Read the recent messages of a session (by session key).",
  group: "sessions",
  inputSchema: HistoryArgs,
  async execute(args, ctx: AgentToolContext) {
    const { sessionKey, agentId } = scoped(args.sessionKey, ctx);
    const messages = await ctx.sessions.history({ sessionKey, agentId, limit: args.limit ?? 50 });
    return { sessionKey, messages };
  },
};

/** `session_status`: metadata of the current (or a named) session. */
export const sessionStatusTool: ToolDefinition<z.infer<typeof StatusArgs>> = {
  name: "session_status",
  description: "Show the status of the current session: id, model, token counts, last activity.",
  group: "sessions",
  inputSchema: StatusArgs,
  async execute(args, ctx: AgentToolContext) {
    const { sessionKey, agentId } = args.sessionKey
      ? scoped(args.sessionKey, ctx)
      : { sessionKey: ctx.sessionKey, agentId: ctx.agentId };
    const entry = await ctx.sessions.entry({ sessionKey, agentId });
    if (!entry) return { sessionKey, agentId, exists: false };
    const model = entry.modelProvider && entry.model
      ? `${entry.modelProvider}/${entry.model}`
      : entry.model;
    return {
      sessionKey,
      agentId,
      exists: true,
      sessionId: entry.sessionId,
      ...(model ? { model } : {}),
      updatedAt: entry.updatedAt,
      inputTokens: entry.inputTokens ?? 0,
      outputTokens: entry.outputTokens ?? 0,
      totalTokens: entry.totalTokens ?? 0,
      estimatedCostUsd: entry.estimatedCostUsd ?? 0,
      ...(entry.thinkingLevel ? { thinkingLevel: entry.thinkingLevel } : {}),
      ...(entry.label ? { label: entry.label } : {}),
    };
  },
};
