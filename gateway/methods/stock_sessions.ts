/**
 * The session methods stock's dashboard uses besides list/preview/reset/delete (sessions.ts):
 * subscriptions (every operator.read connection already receives `sessions.changed` and `chat`,
 * so subscribing only acknowledges), `sessions.patch` (label, thinking level and the dashboard's
 * organisation fields, written to the session store), `sessions.create` (a new empty session,
 * optionally with a first turn), and `sessions.compact`, which this gateway does not do.
 *
 * @module
 */
import { z } from "zod";
import { canonicalSessionKey } from "../../lib/agent/session_key.ts";
import { type SessionEntry, sessionsDir, SessionStore } from "../../lib/agent/sessions/store.ts";
import { normalizeThinkingLevel } from "../../lib/agent/agents.ts";
import { joinPath } from "../../lib/paths.ts";
import { invalidRequest, ProtocolError } from "../../lib/protocol/error_map.ts";
import { featureUnavailableError } from "../../lib/protocol/feature_errors.ts";
import type { OperatorScope } from "../../lib/protocol/scopes.ts";
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
import { runStatus } from "./agent.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import { sessionsMethods } from "./sessions.ts";

/** Longest label or category. */
const LABEL_MAX = 100;

/** Patch fields the `operator.write` scope may change (stock: chat organisation). */
const ORGANISATION_FIELDS = ["label", "category", "pinned", "archived", "unread"] as const;
/** Patch fields that also need `operator.admin`. */
const SETTING_FIELDS = ["thinkingLevel", "verboseLevel", "reasoningLevel"] as const;
/** Stock patch fields this gateway has no behaviour for: refused by name, never dropped. */
const UNSUPPORTED_FIELDS = [
  "model",
  "fastMode",
  "sendPolicy",
  "groupActivation",
  "elevatedLevel",
  "responseUsage",
  "execHost",
  "execSecurity",
  "execAsk",
  "execNode",
  "spawnedBy",
] as const;

const nullableText = z.string().max(LABEL_MAX).nullable().optional();
const nullableLevel = z.string().max(32).nullable().optional();

const PatchParams = z.looseObject({
  key: requiredString(SESSION_KEY_MAX),
  agentId: z.string().max(128).optional(),
  label: nullableText,
  category: nullableText,
  pinned: z.boolean().optional(),
  archived: z.boolean().optional(),
  unread: z.boolean().optional(),
  thinkingLevel: nullableLevel,
  verboseLevel: nullableLevel,
  reasoningLevel: nullableLevel,
});
type PatchInput = z.output<typeof PatchParams>;

/**
 * The scope a `sessions.patch` needs: `operator.write` when it only touches organisation fields,
 * `operator.admin` otherwise.
 */
export function sessionsPatchScope(params: Record<string, unknown>): OperatorScope {
  const settings = [...SETTING_FIELDS, ...UNSUPPORTED_FIELDS];
  return settings.some((f) => Object.hasOwn(params, f) && params[f] !== undefined)
    ? "operator.admin"
    : "operator.write";
}

/**
 * Applies a patch to a store entry: `null` removes a field, a value sets it. Pure (the store may
 * run it again on a newer file).
 */
export function applySessionPatch(entry: SessionEntry, patch: PatchInput): SessionEntry {
  // Entries keep unknown fields (stock writes many), so the patch writes through a plain view.
  const next: Record<string, unknown> = { ...entry };
  for (const f of [...ORGANISATION_FIELDS, ...SETTING_FIELDS]) {
    const value = patch[f];
    if (value === undefined) continue;
    if (value === null) delete next[f];
    else next[f] = value;
  }
  return next as SessionEntry;
}

function checkPatch(patch: PatchInput): void {
  for (const f of UNSUPPORTED_FIELDS) {
    if (Object.hasOwn(patch, f) && patch[f] !== undefined) {
      throw invalidRequest(
        `invalid sessions.patch params: ${f}: not supported by this gateway` +
          (f === "model" ? " (set agents.list[].model in the config)" : ""),
      );
    }
  }
  const thinking = patch.thinkingLevel;
  if (typeof thinking === "string" && !normalizeThinkingLevel(thinking)) {
    throw invalidRequest(
      `invalid sessions.patch params: thinkingLevel: expected off, minimal, low, medium, high or xhigh`,
    );
  }
}

/** Runs `fn` on a store of this agent opened for one write, flushed before returning. */
async function withStore<T>(
  state: GatewayState,
  agentId: string,
  fn: (store: SessionStore) => Promise<T>,
): Promise<T> {
  const store = new SessionStore(sessionsDir(state.stateDir, agentId));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function announce(state: GatewayState, sessionKey: string, agentId: string, reason: string) {
  state.broadcast("sessions.changed", { sessionKey, agentId, reason, ts: state.clock.now() });
}

const LIST_KEYS = ["limit", "offset", "activeMinutes", "search", "label", "agentId"];

/** The session subscription, patch, create and compact methods. */
export const stockSessionsMethods: MethodDefinition[] = [
  defineMethod({
    name: "sessions.subscribe",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: async (call) => {
      // Stock answers with the first list page when list params come along.
      if (!LIST_KEYS.some((k) => Object.hasOwn(call.params, k))) return { subscribed: true };
      const list = sessionsMethods.find((m) => m.name === "sessions.list")!;
      const parsed = list.params.safeParse(call.params);
      if (!parsed.success) throw invalidRequest("invalid sessions.subscribe params: list params");
      return { subscribed: true, list: await list.run({ ...call, params: parsed.data }) };
    },
  }),
  defineMethod({
    name: "sessions.unsubscribe",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: () => ({ subscribed: false }),
  }),
  defineMethod({
    name: "sessions.messages.subscribe",
    scope: "operator.read",
    params: z.looseObject({
      key: requiredString(SESSION_KEY_MAX),
      agentId: z.string().max(128).optional(),
    }),
    handler: ({ params }) => ({ subscribed: true, key: params.key }),
  }),
  defineMethod({
    name: "sessions.messages.unsubscribe",
    scope: "operator.read",
    params: z.looseObject({
      key: requiredString(SESSION_KEY_MAX),
      agentId: z.string().max(128).optional(),
    }),
    handler: ({ params }) => ({ subscribed: false, key: params.key }),
  }),
  defineMethod({
    name: "sessions.observer.visibility",
    scope: "operator.read",
    params: z.looseObject({}),
    // Observer streams are not separate here: every operator.read socket sees every session.
    handler: () => ({ ok: true }),
  }),

  defineMethod({
    name: "sessions.patch",
    scope: sessionsPatchScope,
    params: PatchParams,
    handler: async ({ params, state }) => {
      checkPatch(params);
      const runtime = await runtimeOf(state);
      const agentId = resolveAgentId("sessions.patch", runtime, params.agentId, params.key);
      const key = canonicalSessionKey(params.key, agentId, state.config.session?.mainKey);
      const entry = await withStore(
        state,
        agentId,
        (store) =>
          store.patch(key, (cur) => cur && applySessionPatch(cur, params), { flush: true }),
      );
      if (!entry) throw invalidRequest(`invalid sessions.patch params: key: no session "${key}"`);
      announce(state, key, agentId, "patch");
      return {
        ok: true,
        path: joinPath(sessionsDir(state.stateDir, agentId), "sessions.json"),
        key,
        entry,
      };
    },
  }),

  defineMethod({
    name: "sessions.create",
    scope: "operator.write",
    params: z.looseObject({
      key: z.string().max(SESSION_KEY_MAX).optional(),
      agentId: z.string().max(128).optional(),
      label: z.string().max(LABEL_MAX).optional(),
      parentSessionKey: z.string().max(SESSION_KEY_MAX).optional(),
      fork: z.boolean().optional(),
      message: z.string().optional(),
      idempotencyKey: z.string().max(IDEMPOTENCY_KEY_MAX).optional(),
      thinking: ThinkingParamSchema,
    }),
    handler: async ({ params, state }) => {
      if (params.fork === true) {
        throw ProtocolError.of(featureUnavailableError(
          "sessions.create",
          "forking a session's transcript is not supported; create an empty session instead",
        ));
      }
      const runtime = await runtimeOf(state);
      const agentId = resolveAgentId(
        "sessions.create",
        runtime,
        params.agentId,
        params.key ?? params.parentSessionKey,
      );
      const key = canonicalSessionKey(
        params.key?.trim() || `dashboard:${crypto.randomUUID()}`,
        agentId,
        state.config.session?.mainKey,
      );
      const existing = await runtime.listSessions({ agentId });
      if (existing.some((s) => s.key === key)) {
        throw invalidRequest(`invalid sessions.create params: key: session "${key}" exists`);
      }
      const { sessionId } = await runtime.resetSession({ sessionKey: key, agentId });
      let entry: SessionEntry | undefined;
      if (params.label) {
        entry = await withStore(
          state,
          agentId,
          (store) =>
            store.patch(key, (cur) => cur && { ...cur, label: params.label }, { flush: true }),
        );
      }
      announce(state, key, agentId, "create");
      const message = params.message?.trim();
      if (!message) {
        return { ok: true, key, sessionId, entry: entry ?? { sessionId }, runStarted: false };
      }
      const runId = params.idempotencyKey ?? crypto.randomUUID();
      const done = dispatchTurn(state, runtime, {
        runId,
        agentId,
        sessionKey: key,
        message,
        thinking: params.thinking,
        channel: "webchat",
      }).then((result) => ({
        runId,
        status: runStatus(result),
        ...(result.error ? { error: result.error } : {}),
      }));
      runCaches(state).chat.start(runId, runId, done);
      return { ok: true, key, sessionId, entry: entry ?? { sessionId }, runStarted: true, runId };
    },
  }),

  defineMethod({
    name: "sessions.compact",
    scope: "operator.admin",
    params: z.looseObject({
      key: requiredString(SESSION_KEY_MAX),
      agentId: z.string().max(128).optional(),
      maxLines: z.int().min(1).max(1_000_000).optional(),
    }),
    handler: () => {
      throw ProtocolError.of(featureUnavailableError(
        "sessions.compact",
        "transcripts are kept whole; start a fresh transcript with sessions.reset",
      ));
    },
  }),
];
