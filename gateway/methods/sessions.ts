/**
 * `sessions.list`, `sessions.preview`, `sessions.reset`, `sessions.delete` (protocol.md §8.4)
 * over the runtime's session stores. Changes are announced with `sessions.changed`.
 *
 * @module
 */
import { z } from "zod";
import type { AgentRuntime, SessionSummary } from "../../lib/agent/contract.ts";
import {
  buildMainSessionKey,
  canonicalSessionKey,
  sessionKind,
} from "../../lib/agent/session_key.ts";
import { sessionsDir } from "../../lib/agent/sessions/store.ts";
import { joinPath } from "../../lib/paths.ts";
import { invalidRequest } from "../../lib/protocol/error_map.ts";
import type { GatewayState } from "../state.ts";
import { resolveAgentId, runtimeOf, SESSION_KEY_MAX } from "./_common.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import { sessionDefaults, splitModelRef } from "./stock_shapes.ts";

const PREVIEW_MAX_KEYS = 64;

/** A `sessions.list` row (stock's GatewaySessionRow fields we know, plus `messageCount`). */
export function sessionRow(s: SessionSummary): Record<string, unknown> {
  return {
    key: s.key,
    kind: sessionKind(s.key),
    agentId: s.agentId,
    sessionId: s.sessionId,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    messageCount: s.messageCount,
    ...(s.label ? { label: s.label, displayName: s.label } : {}),
    ...modelFields(s.model),
    ...(s.totalTokens !== undefined ? { totalTokens: s.totalTokens } : {}),
    ...(s.lastMessagePreview ? { lastMessagePreview: s.lastMessagePreview } : {}),
  };
}

/** Stock rows carry the model id and its provider apart (`model`, `modelProvider`). */
function modelFields(ref: string | undefined): Record<string, string> {
  const { provider, model } = splitModelRef(ref);
  if (!model) return {};
  return provider ? { modelProvider: provider, model } : { model };
}

/** Every session of one agent, or of all agents. */
async function allSessions(runtime: AgentRuntime, agentId?: string): Promise<SessionSummary[]> {
  const ids = agentId ? [agentId] : runtime.agents().map((a) => a.id);
  const lists = await Promise.all(ids.map((id) => runtime.listSessions({ agentId: id })));
  const byKey = new Map<string, SessionSummary>();
  for (const s of lists.flat()) if (!byKey.has(s.key)) byKey.set(s.key, s);
  return [...byKey.values()];
}

/** `key` (stock) or `sessionKey` (what chat methods call it): one of them, not empty. */
const SessionTargetParams = {
  key: z.string().max(SESSION_KEY_MAX).optional(),
  sessionKey: z.string().max(SESSION_KEY_MAX).optional(),
  agentId: z.string().optional(),
};

function keyParam(method: string, params: { key?: string; sessionKey?: string }): string {
  const key = params.key ?? params.sessionKey;
  if (!key) throw invalidRequest(`invalid ${method} params: key (non-empty string) required`);
  return key;
}

function announce(state: GatewayState, sessionKey: string, agentId: string, reason: string) {
  state.broadcast("sessions.changed", { sessionKey, agentId, reason, ts: Date.now() });
}

/** Cuts `text` to `max` characters with an ellipsis. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

/** The sessions methods. */
export const sessionsMethods: MethodDefinition[] = [
  defineMethod({
    name: "sessions.list",
    scope: "operator.read",
    params: z.looseObject({
      limit: z.int().min(1).max(10_000).optional(),
      offset: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      activeMinutes: z.int().min(1).max(10_000_000).optional(),
      search: z.string().optional(),
      label: z.string().optional(),
      agentId: z.string().optional(),
    }),
    handler: async ({ params, state }) => {
      const { limit, offset = 0, activeMinutes, label } = params;
      const search = params.search?.toLowerCase();
      const runtime = await runtimeOf(state);
      const agentId = params.agentId
        ? resolveAgentId("sessions.list", runtime, params.agentId, undefined)
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
      // Stock's dashboard reads `path` and `defaults` unchecked: the store of the listed agent
      // (the default agent when the list spans all of them) and that agent's model defaults.
      const pathAgent = agentId ?? (runtime.agents().find((a) => a.isDefault)?.id ?? "main");
      return {
        ts: now,
        path: joinPath(sessionsDir(state.stateDir, pathAgent), "sessions.json"),
        defaults: sessionDefaults(state.config, pathAgent),
        count: page.length,
        sessions: page.map(sessionRow),
        totalCount: rows.length,
        limitApplied: limit ?? null,
        offset,
        hasMore,
        ...(hasMore ? { nextOffset: offset + page.length } : {}),
      };
    },
  }),

  defineMethod({
    name: "sessions.preview",
    scope: "operator.read",
    params: z.looseObject({
      keys: z.array(z.string().min(1)).min(1).max(PREVIEW_MAX_KEYS),
      limit: z.int().min(1).max(100).optional(),
      maxChars: z.int().min(20).max(100_000).optional(),
    }),
    handler: async ({ params, state }) => {
      const { keys, limit = 12, maxChars = 240 } = params;
      const runtime = await runtimeOf(state);
      const known = new Set((await allSessions(runtime)).map((s) => s.key));
      const previews = await Promise.all(keys.map(async (key) => {
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
  }),

  defineMethod({
    name: "sessions.reset",
    scope: "operator.admin",
    params: z.looseObject({
      ...SessionTargetParams,
      reason: z.enum(["new", "reset"]).optional(),
    }),
    handler: async ({ params, state }) => {
      const key = keyParam("sessions.reset", params);
      const reason = params.reason ?? "reset";
      const runtime = await runtimeOf(state);
      const agentId = resolveAgentId("sessions.reset", runtime, params.agentId, key);
      const { sessionId } = await runtime.resetSession({ sessionKey: key, agentId });
      announce(state, key, agentId, reason);
      return { ok: true, key, entry: { sessionId } };
    },
  }),

  defineMethod({
    name: "sessions.delete",
    // `{archivedOnly: true}` only touches archived transcripts, so operator.write is enough.
    scope: (params) => params.archivedOnly === true ? "operator.write" : "operator.admin",
    params: z.looseObject({
      ...SessionTargetParams,
      deleteTranscript: z.boolean().optional(),
      archivedOnly: z.boolean().optional(),
    }),
    handler: async ({ params, state }) => {
      const key = keyParam("sessions.delete", params);
      const runtime = await runtimeOf(state);
      const agentId = resolveAgentId("sessions.delete", runtime, params.agentId, key);
      // The runtime keeps no archived transcripts: an archive-only delete (the operator.write
      // scope) has nothing to remove and must never reach the live session.
      if (params.archivedOnly === true) return { ok: true, key, deleted: false, archived: [] };
      const mainKey = state.config.session?.mainKey;
      const canonical = canonicalSessionKey(key, agentId, mainKey).toLowerCase();
      if (canonical === buildMainSessionKey(agentId, mainKey)) {
        throw invalidRequest(
          `invalid sessions.delete params: cannot delete the main session "${key}"; use sessions.reset`,
        );
      }
      const { deleted } = await runtime.deleteSession({
        sessionKey: key,
        agentId,
        deleteTranscript: params.deleteTranscript,
      });
      if (deleted) announce(state, key, agentId, "delete");
      return { ok: true, key, deleted, archived: [] };
    },
  }),
];
