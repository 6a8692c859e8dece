/**
 * Usage methods in stock's shapes: `usage.status` (provider quota windows -- none are tracked
 * here, so the list is empty), `usage.cost` (daily tokens and USD from every transcript of the
 * agent), and `sessions.usage`, `sessions.usage.timeseries`, `sessions.usage.logs` (per session).
 * The numbers come from the usage each assistant message recorded in its transcript.
 *
 * @module
 */
import { z } from "zod";
import { defaultAgentId, listAgents } from "../../lib/agent/agents.ts";
import { canonicalSessionKey, isValidSessionId } from "../../lib/agent/session_key.ts";
import { sessionsDir } from "../../lib/agent/sessions/store.ts";
import { readTranscript, type TranscriptEntry } from "../../lib/agent/sessions/transcript.ts";
import { joinPath } from "../../lib/paths.ts";
import { invalidRequest } from "../../lib/protocol/error_map.ts";
import type { GatewayState } from "../state.ts";
import { SESSION_KEY_MAX } from "./_common.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import { readStoreSnapshot } from "./stock_status.ts";
import {
  addTotals,
  costSummary,
  type DayRange,
  emptyTotals,
  MAX_REPORT_DAYS,
  resolveDayRange,
  sessionCostSummary,
  sessionLogs,
  usageAggregates,
  type UsageSample,
  usageSamples,
  usageTimeSeries,
} from "./stock_usage_report.ts";

/** Most transcript files one `usage.cost` reads (the newest first). */
const MAX_TRANSCRIPTS = 2_000;

const RangeParams = {
  startDate: z.string().max(10).optional(),
  endDate: z.string().max(10).optional(),
  days: z.int().min(1).max(MAX_REPORT_DAYS).optional(),
  mode: z.string().max(32).optional(),
  utcOffset: z.string().max(16).optional(),
};

function rangeOf(method: string, params: Parameters<typeof resolveDayRange>[0], now: number) {
  const range = resolveDayRange(params, now);
  if ("error" in range) throw invalidRequest(`invalid ${method} params: ${range.error}`);
  return range;
}

/** The agents a report covers: one (`agentId`, else the default), or all (`agentScope:"all"`). */
function agentsInScope(
  method: string,
  state: GatewayState,
  agentId: string | undefined,
  all: boolean,
): string[] {
  const known = listAgents(state.config).map((a) => a.id);
  if (all) return known;
  const wanted = agentId?.trim().toLowerCase() || defaultAgentId(state.config);
  if (!known.includes(wanted)) {
    throw invalidRequest(`invalid ${method} params: unknown agent "${wanted}"`);
  }
  return [wanted];
}

/** Transcript files of the agents touched since `sinceMs`, newest first, at most 2,000. */
async function transcriptFiles(
  stateDir: string,
  agentIds: string[],
  sinceMs: number,
): Promise<string[]> {
  const found: { path: string; mtime: number }[] = [];
  for (const agentId of agentIds) {
    const dir = sessionsDir(stateDir, agentId);
    try {
      for await (const e of Deno.readDir(dir)) {
        if (!e.isFile || !e.name.endsWith(".jsonl")) continue;
        const path = joinPath(dir, e.name);
        const mtime = (await Deno.stat(path).catch(() => undefined))?.mtime?.getTime() ?? 0;
        // A file last written before the range cannot hold a message inside it.
        if (mtime >= sinceMs) found.push({ path, mtime });
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return found.sort((a, b) => b.mtime - a.mtime).slice(0, MAX_TRANSCRIPTS).map((f) => f.path);
}

/** One stored session with its current transcript read. */
interface LoadedSession {
  agentId: string;
  key: string;
  sessionId: string;
  entry: Record<string, unknown>;
  entries: TranscriptEntry[];
  samples: UsageSample[];
}

async function loadSession(
  stateDir: string,
  agentId: string,
  key: string,
  entry: { sessionId: string; [k: string]: unknown },
): Promise<LoadedSession> {
  // A hand-edited store could name any file: only well-formed ids are read.
  const entries = isValidSessionId(entry.sessionId)
    ? (await readTranscript(
      joinPath(sessionsDir(stateDir, agentId), `${entry.sessionId}.jsonl`),
    ).catch(() => ({ entries: [] as TranscriptEntry[] }))).entries
    : [];
  return {
    agentId,
    key,
    sessionId: entry.sessionId,
    entry,
    entries,
    samples: usageSamples(entries),
  };
}

/** Finds one session by key across the agents in scope (canonical keys, as the store has). */
async function findSession(
  state: GatewayState,
  method: string,
  key: string,
  agentId: string | undefined,
): Promise<LoadedSession | undefined> {
  const agents = agentsInScope(method, state, agentId, agentId === undefined);
  for (const id of agents) {
    let canonical: string;
    try {
      canonical = canonicalSessionKey(key, id, state.config.session?.mainKey);
    } catch {
      throw invalidRequest(`invalid ${method} params: key: not a session key`);
    }
    const store = readStoreSnapshot(state.stateDir, id);
    const hit = store.entries.find(([k]) => k === canonical);
    if (hit) return await loadSession(state.stateDir, id, hit[0], hit[1]);
  }
  return undefined;
}

function usageRow(s: LoadedSession, range: DayRange): Record<string, unknown> {
  const e = s.entry;
  return {
    key: s.key,
    ...(typeof e.label === "string" ? { label: e.label } : {}),
    sessionId: s.sessionId,
    ...(typeof e.updatedAt === "number" ? { updatedAt: e.updatedAt } : {}),
    agentId: s.agentId,
    ...(typeof e.lastChannel === "string" ? { channel: e.lastChannel } : {}),
    ...(typeof e.modelProvider === "string" ? { modelProvider: e.modelProvider } : {}),
    ...(typeof e.model === "string" ? { model: e.model } : {}),
    usage: sessionCostSummary(s.samples, range, s.sessionId),
  };
}

/** The usage methods. */
export const stockUsageMethods: MethodDefinition[] = [
  defineMethod({
    name: "usage.status",
    scope: "operator.read",
    params: z.looseObject({ sessionKey: z.string().max(SESSION_KEY_MAX).optional() }),
    // Provider quota windows (plan limits, reset times) come from provider-specific account
    // APIs this gateway does not call: an empty, well-formed summary.
    handler: ({ state }) => ({ updatedAt: state.clock.now(), providers: [] }),
  }),

  defineMethod({
    name: "usage.cost",
    scope: "operator.read",
    params: z.looseObject({
      ...RangeParams,
      agentId: z.string().max(128).optional(),
      agentScope: z.literal("all").optional(),
    }),
    handler: async ({ params, state }) => {
      const now = state.clock.now();
      const range = rangeOf("usage.cost", params, now);
      if (params.agentScope === "all" && params.agentId) {
        throw invalidRequest("agentScope=all cannot be combined with agentId");
      }
      const agents = agentsInScope("usage.cost", state, params.agentId, !!params.agentScope);
      const samples: UsageSample[] = [];
      for (const path of await transcriptFiles(state.stateDir, agents, range.startMs)) {
        const { entries } = await readTranscript(path).catch(() => ({ entries: [] }));
        samples.push(...usageSamples(entries));
      }
      return costSummary(samples, range, now);
    },
  }),

  defineMethod({
    name: "sessions.usage",
    scope: "operator.read",
    params: z.looseObject({
      ...RangeParams,
      key: z.string().max(SESSION_KEY_MAX).optional(),
      agentId: z.string().max(128).optional(),
      limit: z.int().min(1).max(1_000).optional(),
      includeContextWeight: z.boolean().optional(),
    }),
    handler: async ({ params, state }) => {
      const now = state.clock.now();
      const range = rangeOf("sessions.usage", params, now);
      let sessions: LoadedSession[];
      if (params.key) {
        const one = await findSession(state, "sessions.usage", params.key, params.agentId);
        sessions = one ? [one] : [];
      } else {
        const agents = agentsInScope("sessions.usage", state, params.agentId, !params.agentId);
        const stored = agents.flatMap((id) =>
          readStoreSnapshot(state.stateDir, id).entries.map(([key, entry]) => ({
            id,
            key,
            entry,
          }))
        );
        stored.sort((a, b) => (b.entry.updatedAt ?? 0) - (a.entry.updatedAt ?? 0));
        sessions = await Promise.all(
          stored.slice(0, params.limit ?? 50).map((s) =>
            loadSession(state.stateDir, s.id, s.key, s.entry)
          ),
        );
      }
      const rows = sessions.map((s) => usageRow(s, range));
      const totals = emptyTotals();
      for (const row of rows) {
        const usage = row.usage as Record<string, number> | null;
        if (!usage) continue;
        const part = emptyTotals();
        for (const k of Object.keys(part) as (keyof typeof part)[]) part[k] = usage[k] ?? 0;
        addTotals(totals, part);
      }
      return {
        updatedAt: now,
        startDate: range.startDate,
        endDate: range.endDate,
        sessions: rows,
        totals,
        aggregates: usageAggregates(sessions, range),
      };
    },
  }),

  defineMethod({
    name: "sessions.usage.timeseries",
    scope: "operator.read",
    params: z.looseObject({
      key: z.string().max(SESSION_KEY_MAX).optional(),
      agentId: z.string().max(128).optional(),
      maxPoints: z.int().min(1).max(5_000).optional(),
    }),
    handler: async ({ params, state }) => {
      // Without a key (stock's capability probe sends only `limit`) the series is empty.
      if (!params.key) return { points: [] };
      const s = await findSession(state, "sessions.usage.timeseries", params.key, params.agentId);
      if (!s) return { points: [] };
      return usageTimeSeries(s.samples, s.sessionId, params.maxPoints);
    },
  }),

  defineMethod({
    name: "sessions.usage.logs",
    scope: "operator.read",
    params: z.looseObject({
      key: z.string().max(SESSION_KEY_MAX).optional(),
      agentId: z.string().max(128).optional(),
      limit: z.int().min(1).max(1_000).optional(),
    }),
    handler: async ({ params, state }) => {
      if (!params.key) return { logs: [] };
      const s = await findSession(state, "sessions.usage.logs", params.key, params.agentId);
      if (!s) return { logs: [] };
      return sessionLogs(s.entries, params.limit ?? 200);
    },
  }),
];
