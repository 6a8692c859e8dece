/**
 * `sessions.list`, `sessions.preview`, `sessions.reset`, `sessions.delete` (protocol.md §8.4)
 * over the runtime's session stores. Changes are announced with `sessions.changed`.
 *
 * @module
 */
import type { AgentRuntime, SessionSummary } from "../../lib/agent/contract.ts";
import { invalidRequest } from "../rpc_error.ts";
import type { GatewayState } from "../state.ts";
import {
  boolParam,
  intParam,
  mainSessionKey,
  resolveAgentId,
  runtimeOf,
  stringParam,
} from "./_common.ts";
import type { MethodCall, MethodTable } from "./types.ts";

const PREVIEW_MAX_KEYS = 64;

/** What kind of conversation a key is (stock `kind`). */
export function sessionKind(key: string): "direct" | "group" | "global" | "unknown" {
  if (key === "global") return "global";
  if (key === "unknown") return "unknown";
  return /:(group|channel):/.test(key) ? "group" : "direct";
}

function sessionRow(s: SessionSummary): Record<string, unknown> {
  return {
    key: s.key,
    kind: sessionKind(s.key),
    agentId: s.agentId,
    sessionId: s.sessionId,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    messageCount: s.messageCount,
    ...(s.label ? { label: s.label, displayName: s.label } : {}),
    ...(s.model ? { model: s.model } : {}),
    ...(s.totalTokens !== undefined ? { totalTokens: s.totalTokens } : {}),
    ...(s.lastMessagePreview ? { lastMessagePreview: s.lastMessagePreview } : {}),
  };
}

/** Every session of one agent, or of all agents. */
async function allSessions(runtime: AgentRuntime, agentId?: string): Promise<SessionSummary[]> {
  const ids = agentId ? [agentId] : runtime.agents().map((a) => a.id);
  const lists = await Promise.all(ids.map((id) => runtime.listSessions({ agentId: id })));
  const byKey = new Map<string, SessionSummary>();
  for (const s of lists.flat()) if (!byKey.has(s.key)) byKey.set(s.key, s);
  return [...byKey.values()];
}

/** `key` (stock) or `sessionKey` (what chat methods call it). */
function keyParam(method: string, params: Record<string, unknown>): string {
  const key = stringParam(method, params, "key", { max: 512 }) ??
    stringParam(method, params, "sessionKey", { max: 512 });
  if (!key) throw invalidRequest(`invalid ${method} params: key (non-empty string) required`);
  return key;
}

function announce(state: GatewayState, sessionKey: string, agentId: string, reason: string) {
  state.broadcast("sessions.changed", { sessionKey, agentId, reason, ts: Date.now() });
}

/** Cuts `text` to `max` characters with an ellipsis. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The sessions methods. */
export const sessionsMethods: MethodTable = {
  "sessions.list": async ({ params, state }) => {
    const limit = intParam("sessions.list", params, "limit", 1, 10_000);
    const offset = intParam("sessions.list", params, "offset", 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const activeMinutes = intParam("sessions.list", params, "activeMinutes", 1, 10_000_000);
    const search = stringParam("sessions.list", params, "search")?.toLowerCase();
    const label = stringParam("sessions.list", params, "label");
    const agentIdParam = stringParam("sessions.list", params, "agentId");
    const runtime = await runtimeOf(state);
    const agentId = agentIdParam
      ? resolveAgentId("sessions.list", runtime, agentIdParam, undefined)
      : undefined;
    const now = Date.now();
    const rows = (await allSessions(runtime, agentId))
      .filter((s) => !activeMinutes || now - s.updatedAt <= activeMinutes * 60_000)
      .filter((s) => !label || s.label === label)
      .filter((s) =>
        !search || s.key.toLowerCase().includes(search) ||
        (s.label ?? "").toLowerCase().includes(search)
      )
      .sort((a, b) => b.updatedAt - a.updatedAt);
    const page = rows.slice(offset, limit === undefined ? undefined : offset + limit);
    const hasMore = offset + page.length < rows.length;
    return {
      ts: now,
      count: page.length,
      sessions: page.map(sessionRow),
      totalCount: rows.length,
      limitApplied: limit ?? null,
      offset,
      hasMore,
      ...(hasMore ? { nextOffset: offset + page.length } : {}),
    };
  },

  "sessions.preview": async ({ params, state }) => {
    const keys = params.keys;
    if (
      !Array.isArray(keys) || keys.length === 0 || keys.length > PREVIEW_MAX_KEYS ||
      !keys.every((k) => typeof k === "string" && k !== "")
    ) {
      throw invalidRequest(
        `invalid sessions.preview params: keys must be 1–${PREVIEW_MAX_KEYS} non-empty strings`,
      );
    }
    const limit = intParam("sessions.preview", params, "limit", 1, 100) ?? 12;
    const maxChars = intParam("sessions.preview", params, "maxChars", 20, 100_000) ?? 240;
    const runtime = await runtimeOf(state);
    const known = new Set((await allSessions(runtime)).map((s) => s.key));
    const previews = await Promise.all((keys as string[]).map(async (key) => {
      if (!known.has(key)) return { key, status: "missing", items: [] };
      const messages = await runtime.history({ sessionKey: key, limit }).catch(() => undefined);
      if (!messages) return { key, status: "error", items: [] };
      const items = messages
        .filter((m) => m.text)
        .map((m) => ({
          role: m.role === "tool" ? "toolResult" : m.role,
          text: clip(m.text, maxChars),
        }));
      return { key, status: items.length ? "ok" : "empty", items };
    }));
    return { ts: Date.now(), previews };
  },

  "sessions.reset": async ({ params, state }: MethodCall) => {
    const key = keyParam("sessions.reset", params);
    const agentIdParam = stringParam("sessions.reset", params, "agentId");
    const reason = stringParam("sessions.reset", params, "reason") ?? "reset";
    if (reason !== "new" && reason !== "reset") {
      throw invalidRequest('invalid sessions.reset params: reason must be "new" or "reset"');
    }
    const runtime = await runtimeOf(state);
    const agentId = resolveAgentId("sessions.reset", runtime, agentIdParam, key);
    const { sessionId } = await runtime.resetSession({ sessionKey: key, agentId });
    announce(state, key, agentId, reason);
    return { ok: true, key, entry: { sessionId } };
  },

  "sessions.delete": async ({ params, state }: MethodCall) => {
    const key = keyParam("sessions.delete", params);
    const agentIdParam = stringParam("sessions.delete", params, "agentId");
    const deleteTranscript = boolParam("sessions.delete", params, "deleteTranscript");
    const runtime = await runtimeOf(state);
    const agentId = resolveAgentId("sessions.delete", runtime, agentIdParam, key);
    if (key === mainSessionKey(state, agentId)) {
      throw invalidRequest(
        `invalid sessions.delete params: cannot delete the main session "${key}"; use sessions.reset`,
      );
    }
    const { deleted } = await runtime.deleteSession({
      sessionKey: key,
      agentId,
      deleteTranscript,
    });
    if (deleted) announce(state, key, agentId, "delete");
    return { ok: true, key, deleted, archived: [] };
  },
};
