/**
 * Pure builders for the shapes stock OpenClaw clients read: the session `defaults` block of
 * `sessions.list` / `chat.history`, the `status` summary's `heartbeat`, `sessions` (with
 * `byAgent`), `tasks` and `channelSummary` sections, and session rows. Stock's CLI and dashboard
 * dereference these without checks, so each builder always returns every key, with `null` or an
 * empty list where this gateway has nothing to say.
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { sessionKind } from "../../lib/agent/session_key.ts";
import type { SessionEntry } from "../../lib/agent/sessions/store.ts";
import { BUILTIN_PROVIDERS } from "../../lib/models/builtin_catalog.ts";
import { resolveModelChain } from "../../lib/models/refs.ts";

/** How many sessions each `recent` list of the status summary holds (stock shows ten). */
export const STATUS_RECENT_SESSIONS = 10;

/** The `defaults` of `sessions.list` and `chat.history` (stock's GatewaySessionsDefaults). */
export interface SessionDefaults {
  modelProvider: string | null;
  model: string | null;
  contextTokens: number | null;
  thinkingDefault?: string;
}

/**
 * Splits `provider/model` at the first slash; a ref without one (an alias) has no provider.
 *
 * @param ref The model ref, or nothing.
 * @returns Provider and model id, `null` where absent.
 */
export function splitModelRef(
  ref: string | undefined | null,
): { provider: string | null; model: string | null } {
  const text = ref?.trim();
  if (!text) return { provider: null, model: null };
  const slash = text.indexOf("/");
  if (slash <= 0) return { provider: null, model: text };
  return { provider: text.slice(0, slash).toLowerCase(), model: text.slice(slash + 1) };
}

interface ModelWindow {
  id?: unknown;
  contextWindow?: unknown;
}

function windowIn(models: unknown, model: string): number | null {
  if (!Array.isArray(models)) return null;
  const found = (models as ModelWindow[]).find((m) => m?.id === model);
  return typeof found?.contextWindow === "number" ? found.contextWindow : null;
}

/**
 * The context window of a model from `models.providers.<p>.models[]`, else the built-in catalog;
 * `null` when neither lists it (cheap: no catalog resolution, no secrets).
 *
 * @param config The running config.
 * @param provider Provider id (lower case).
 * @param model Model id.
 * @returns Tokens, or null.
 */
export function contextWindowOf(
  config: OpenClawConfig,
  provider: string | null,
  model: string | null,
): number | null {
  if (!provider || !model) return null;
  const providers = config.models?.providers as Record<string, { models?: unknown }> | undefined;
  if (providers) {
    for (const [id, entry] of Object.entries(providers)) {
      if (id.trim().toLowerCase() !== provider) continue;
      const found = windowIn(entry?.models, model);
      if (found !== null) return found;
    }
  }
  if (!Object.hasOwn(BUILTIN_PROVIDERS, provider)) return null;
  return windowIn(BUILTIN_PROVIDERS[provider].models, model);
}

/**
 * The session defaults of an agent (the default agent when none is given): its primary model,
 * that model's context window and the configured thinking default.
 *
 * @param config The running config.
 * @param agentId The agent, already resolved.
 * @returns Stock's GatewaySessionsDefaults.
 */
export function sessionDefaults(config: OpenClawConfig, agentId?: string): SessionDefaults {
  let primary: string | undefined;
  try {
    primary = resolveModelChain(config, agentId).primary;
  } catch {
    // An agent the config no longer lists: fall back to the default agent's chain.
    primary = resolveModelChain(config).primary;
  }
  const { provider, model } = splitModelRef(primary);
  const thinking = (config.agents?.defaults as { thinkingDefault?: unknown } | undefined)
    ?.thinkingDefault;
  return {
    modelProvider: provider,
    model,
    contextTokens: contextWindowOf(config, provider, model),
    ...(typeof thinking === "string" ? { thinkingDefault: thinking } : {}),
  };
}

/** One session of the status summary (stock's SessionStatus). */
export interface StatusSessionRow {
  agentId: string;
  key: string;
  kind: string;
  sessionId: string;
  updatedAt: number | null;
  age: number | null;
  thinkingLevel?: string;
  abortedLastRun?: boolean;
  inputTokens?: number;
  outputTokens?: number;
  cacheRead?: number;
  cacheWrite?: number;
  totalTokens: number | null;
  totalTokensFresh: boolean;
  remainingTokens: number | null;
  percentUsed: number | null;
  model: string | null;
  configuredModel: string | null;
  selectedModel: string | null;
  modelSelectionReason: string | null;
  contextTokens: number | null;
  flags: string[];
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Builds the status row of one session-store entry.
 *
 * @param input The agent, key, entry, the current time, the agent's defaults and the config
 *   (for the context window of the model the entry used).
 * @returns The row, every stock key present.
 */
export function statusSessionRow(input: {
  agentId: string;
  key: string;
  entry: SessionEntry;
  now: number;
  defaults: SessionDefaults;
  config: OpenClawConfig;
}): StatusSessionRow {
  const { agentId, key, entry, now, defaults, config } = input;
  const updatedAt = num(entry.updatedAt) ?? null;
  const selected = typeof entry.model === "string" ? entry.model : null;
  const selectedProvider = typeof entry.modelProvider === "string"
    ? entry.modelProvider.toLowerCase()
    : null;
  const contextTokens = contextWindowOf(config, selectedProvider, selected) ??
    defaults.contextTokens;
  const total = num(entry.totalTokens) ?? null;
  const remaining = contextTokens !== null && total !== null
    ? Math.max(0, contextTokens - total)
    : null;
  const percent = contextTokens && total !== null
    ? Math.min(100, Math.round((total / contextTokens) * 100))
    : null;
  const optional: Partial<StatusSessionRow> = {};
  if (typeof entry.thinkingLevel === "string") optional.thinkingLevel = entry.thinkingLevel;
  if (typeof entry.abortedLastRun === "boolean") optional.abortedLastRun = entry.abortedLastRun;
  for (const f of ["inputTokens", "outputTokens", "cacheRead", "cacheWrite"] as const) {
    const v = num(entry[f]);
    if (v !== undefined) optional[f] = v;
  }
  return {
    agentId,
    key,
    kind: sessionKind(key),
    sessionId: entry.sessionId,
    updatedAt,
    age: updatedAt === null ? null : Math.max(0, now - updatedAt),
    ...optional,
    totalTokens: total,
    totalTokensFresh: total !== null,
    remainingTokens: remaining,
    percentUsed: percent,
    model: selected ?? defaults.model,
    configuredModel: defaults.model,
    selectedModel: selected,
    modelSelectionReason: null,
    contextTokens,
    flags: entry.abortedLastRun === true ? ["aborted"] : [],
  };
}

/** One agent's session store as read for the status summary. */
export interface AgentStoreSnapshot {
  agentId: string;
  /** `<stateDir>/agents/<id>/sessions/sessions.json`. */
  path: string;
  entries: [string, SessionEntry][];
}

/** One agent's heartbeat schedule (stock's HeartbeatStatus) plus whatever we add. */
export interface HeartbeatStatusRow {
  agentId: string;
  enabled: boolean;
  every: string;
  everyMs: number | null;
  [extra: string]: unknown;
}

/**
 * Merges the configured heartbeat of every agent (stock's fields) with our runtime counters for
 * the agents the scheduler knows (today's runs and skips, next due time).
 *
 * @param configured One row per configured agent, in config order.
 * @param runtime Our per-agent rows, matched by `agentId`.
 * @returns One row per configured agent.
 */
export function mergeHeartbeatRows(
  configured: HeartbeatStatusRow[],
  runtime: readonly { agentId: string }[],
): HeartbeatStatusRow[] {
  const byId = new Map(runtime.map((r) => [r.agentId, r]));
  return configured.map((row) => ({ ...(byId.get(row.agentId) ?? {}), ...row }));
}

/** One line per channel, as stock's `channelSummary` lists them. */
export function channelSummaryLines(
  channels: Record<string, unknown>,
  order: readonly string[],
  labels: Record<string, string>,
): string[] {
  return order.map((id) => {
    const c = (Object.hasOwn(channels, id) ? channels[id] : {}) as Record<string, unknown>;
    const label = Object.hasOwn(labels, id) ? labels[id] : id;
    const state = c.enabled === false
      ? "disabled"
      : c.connected === true
      ? "connected"
      : c.running === true
      ? "running"
      : "not running";
    const error = typeof c.lastError === "string" && c.enabled !== false ? ` (${c.lastError})` : "";
    return `${label}: ${state}${error}`;
  });
}

/** Stock's task registry summary with every counter at zero (this gateway has no task queue). */
export function emptyTaskSummary(): Record<string, unknown> {
  return {
    total: 0,
    active: 0,
    terminal: 0,
    failures: 0,
    byStatus: {
      queued: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      timed_out: 0,
      cancelled: 0,
      lost: 0,
    },
    byRuntime: { subagent: 0, acp: 0, cli: 0, cron: 0 },
  };
}

/** Stock's task audit summary with every counter at zero. */
export function emptyTaskAudit(): Record<string, unknown> {
  return {
    total: 0,
    warnings: 0,
    errors: 0,
    byCode: {
      stale_queued: 0,
      stale_running: 0,
      lost: 0,
      delivery_failed: 0,
      missing_cleanup: 0,
      inconsistent_timestamps: 0,
    },
  };
}

function recentRows(rows: StatusSessionRow[]): StatusSessionRow[] {
  return [...rows]
    .sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0))
    .slice(0, STATUS_RECENT_SESSIONS);
}

/** What {@linkcode stockStatusSections} needs. */
export interface StockStatusInput {
  config: OpenClawConfig;
  version: string;
  now: number;
  defaultAgentId: string;
  /** One row per configured agent, already merged with our counters. */
  heartbeats: HeartbeatStatusRow[];
  /** Ours, kept beside stock's keys: the persisted switch and the last event. */
  heartbeatExtras: Record<string, unknown>;
  stores: AgentStoreSnapshot[];
  channelSummary: string[];
}

/**
 * The sections of stock's status summary that stock's CLI reads (`runtimeVersion`,
 * `heartbeat.{defaultAgentId,agents}`, `channelSummary`, `tasks`, `taskAudit`,
 * `sessions.{paths,count,defaults,recent,byAgent}`).
 *
 * @param input Config, time, heartbeat rows, session stores and channel lines.
 * @returns The sections, to spread into the `status` payload.
 */
export function stockStatusSections(input: StockStatusInput): Record<string, unknown> {
  const { config, now, stores } = input;
  const byAgent = stores.map((store) => {
    const defaults = sessionDefaults(config, store.agentId);
    const rows = store.entries.map(([key, entry]) =>
      statusSessionRow({ agentId: store.agentId, key, entry, now, defaults, config })
    );
    return { agentId: store.agentId, path: store.path, count: rows.length, rows };
  });
  const defaults = sessionDefaults(config, input.defaultAgentId);
  return {
    runtimeVersion: input.version,
    heartbeat: {
      ...input.heartbeatExtras,
      defaultAgentId: input.defaultAgentId,
      agents: input.heartbeats,
    },
    channelSummary: input.channelSummary,
    tasks: emptyTaskSummary(),
    taskAudit: emptyTaskAudit(),
    sessions: {
      paths: byAgent.map((a) => a.path),
      count: byAgent.reduce((n, a) => n + a.count, 0),
      defaults: { model: defaults.model, contextTokens: defaults.contextTokens },
      recent: recentRows(byAgent.flatMap((a) => a.rows)),
      byAgent: byAgent.map((a) => ({
        agentId: a.agentId,
        path: a.path,
        count: a.count,
        recent: recentRows(a.rows),
      })),
    },
  };
}
