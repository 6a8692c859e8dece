/**
 * Token and cost reports in stock's shapes (`usage.cost`, `sessions.usage`,
 * `sessions.usage.timeseries`, `sessions.usage.logs`), built from the usage samples of
 * stock_usage_samples.ts. Pure: callers read the files.
 *
 * @module
 */
import { contentText } from "../../lib/agent/sessions/history.ts";
import type { MessageEntry, TranscriptEntry } from "../../lib/agent/sessions/transcript.ts";
import {
  addSample,
  dayKey,
  type DayRange,
  emptyTotals,
  inRange,
  n,
  timestampOf,
  type UsageSample,
  type UsageTotals,
} from "./stock_usage_samples.ts";

export {
  addSample,
  addTotals,
  dayKey,
  type DayRange,
  emptyTotals,
  MAX_REPORT_DAYS,
  parseUtcOffset,
  resolveDayRange,
  type UsageSample,
  usageSamples,
  type UsageTotals,
} from "./stock_usage_samples.ts";

/**
 * Stock's CostUsageSummary: totals and one entry per day that had usage.
 *
 * @param samples Samples of every transcript in scope.
 * @param range The day range.
 * @param now The report time.
 * @returns `{updatedAt, days, daily[], totals}`.
 */
export function costSummary(
  samples: readonly UsageSample[],
  range: DayRange,
  now: number,
): Record<string, unknown> {
  const totals = emptyTotals();
  const daily = new Map<string, UsageTotals>();
  for (const s of samples) {
    if (!inRange(s, range)) continue;
    addSample(totals, s);
    const key = dayKey(s.timestamp, range.offsetMinutes);
    let day = daily.get(key);
    if (!day) daily.set(key, day = emptyTotals());
    addSample(day, s);
  }
  return {
    updatedAt: now,
    days: range.days,
    daily: [...daily.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([date, t]) => ({ date, ...t })),
    totals,
  };
}

/** Message counts of a transcript (stock's SessionMessageCounts). */
export function messageCounts(entries: readonly TranscriptEntry[]): Record<string, number> {
  const c = { total: 0, user: 0, assistant: 0, toolCalls: 0, toolResults: 0, errors: 0 };
  for (const e of entries) {
    if (e.type !== "message") continue;
    const m = (e as MessageEntry).message as Record<string, unknown>;
    c.total++;
    if (m.role === "user") c.user++;
    if (m.role === "assistant") {
      c.assistant++;
      if (Array.isArray(m.content)) {
        c.toolCalls += m.content.filter((b) => b?.type === "toolCall").length;
      }
      if (m.stopReason === "error") c.errors++;
    }
    if (m.role === "toolResult") {
      c.toolResults++;
      if (m.isError === true) c.errors++;
    }
  }
  return c;
}

/**
 * One session's usage in the range (stock's SessionCostSummary): totals, first and last
 * activity, active days, a per-day breakdown and per-model totals; `null` without usage.
 */
export function sessionCostSummary(
  samples: readonly UsageSample[],
  range: DayRange,
  sessionId: string,
): Record<string, unknown> | null {
  const inside = samples.filter((s) => inRange(s, range));
  if (inside.length === 0) return null;
  const totals = emptyTotals();
  const days = new Map<string, { tokens: number; cost: number }>();
  const models = new Map<
    string,
    { provider?: string; model?: string; count: number; totals: UsageTotals }
  >();
  for (const s of inside) {
    addSample(totals, s);
    const key = dayKey(s.timestamp, range.offsetMinutes);
    const day = days.get(key) ?? { tokens: 0, cost: 0 };
    day.tokens += s.totalTokens;
    day.cost += s.cost?.total ?? 0;
    days.set(key, day);
    const modelKey = `${s.provider ?? ""}/${s.model ?? ""}`;
    let m = models.get(modelKey);
    if (!m) {
      models.set(
        modelKey,
        m = { provider: s.provider, model: s.model, count: 0, totals: emptyTotals() },
      );
    }
    m.count++;
    addSample(m.totals, s);
  }
  const first = Math.min(...inside.map((s) => s.timestamp));
  const last = Math.max(...inside.map((s) => s.timestamp));
  const dates = [...days.keys()].sort();
  return {
    sessionId,
    firstActivity: first,
    lastActivity: last,
    durationMs: Math.max(0, last - first),
    activityDates: dates,
    dailyBreakdown: dates.map((date) => ({ date, ...days.get(date)! })),
    modelUsage: [...models.values()],
    ...totals,
  };
}

/**
 * A session's usage over time (stock's SessionUsageTimeSeries): one point per assistant message
 * with running totals, at most `maxPoints` (the latest).
 */
export function usageTimeSeries(
  samples: readonly UsageSample[],
  sessionId: string | undefined,
  maxPoints = 500,
): { sessionId?: string; points: Record<string, number>[] } {
  let tokens = 0;
  let cost = 0;
  const points = samples.map((s) => {
    tokens += s.totalTokens;
    cost += s.cost?.total ?? 0;
    return {
      timestamp: s.timestamp,
      input: s.input,
      output: s.output,
      cacheRead: s.cacheRead,
      cacheWrite: s.cacheWrite,
      totalTokens: s.totalTokens,
      cost: s.cost?.total ?? 0,
      cumulativeTokens: tokens,
      cumulativeCost: cost,
    };
  });
  return { ...(sessionId ? { sessionId } : {}), points: points.slice(-maxPoints) };
}

/** Longest `content` of one log entry. */
const LOG_CONTENT_MAX = 2_000;

/**
 * A session's message log (stock's SessionLogEntry list): the last `limit` messages with their
 * text cut to 2,000 characters and, for assistant messages, tokens and cost.
 */
export function sessionLogs(
  entries: readonly TranscriptEntry[],
  limit: number,
): { logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  for (const e of entries) {
    if (e.type !== "message") continue;
    const entry = e as MessageEntry;
    const m = entry.message as Record<string, unknown>;
    const role = m.role;
    if (role !== "user" && role !== "assistant" && role !== "toolResult") continue;
    const text = contentText(m.content);
    const usage = role === "assistant" && typeof m.usage === "object" && m.usage !== null
      ? m.usage as Record<string, unknown>
      : undefined;
    logs.push({
      timestamp: timestampOf(entry),
      role,
      content: text.length > LOG_CONTENT_MAX ? `${text.slice(0, LOG_CONTENT_MAX - 1)}\u2026` : text,
      ...(usage ? { tokens: n(usage.totalTokens) } : {}),
      ...(usage && typeof usage.cost === "object" && usage.cost !== null
        ? { cost: n((usage.cost as Record<string, unknown>).total) }
        : {}),
    });
  }
  return { logs: logs.slice(-limit) };
}

/** One session's material for {@linkcode usageAggregates}. */
export interface SessionMaterial {
  agentId: string;
  entries: readonly TranscriptEntry[];
  samples: readonly UsageSample[];
}

/**
 * The `aggregates` of `sessions.usage`: message and tool counts, totals by model, provider and
 * agent, and one row per active day, over the sessions listed.
 */
export function usageAggregates(
  sessions: readonly SessionMaterial[],
  range: DayRange,
): Record<string, unknown> {
  const messages = { total: 0, user: 0, assistant: 0, toolCalls: 0, toolResults: 0, errors: 0 };
  const tools = new Map<string, number>();
  const byModel = new Map<
    string,
    { provider?: string; model?: string; count: number; totals: UsageTotals }
  >();
  const byProvider = new Map<string, { provider?: string; count: number; totals: UsageTotals }>();
  const byAgent = new Map<string, UsageTotals>();
  const daily = new Map<
    string,
    { tokens: number; cost: number; messages: number; toolCalls: number; errors: number }
  >();
  const dayOf = (ms: number) => {
    const key = dayKey(ms, range.offsetMinutes);
    let d = daily.get(key);
    if (!d) daily.set(key, d = { tokens: 0, cost: 0, messages: 0, toolCalls: 0, errors: 0 });
    return d;
  };
  for (const s of sessions) {
    for (const e of s.entries) {
      if (e.type !== "message") continue;
      const entry = e as MessageEntry;
      const ts = timestampOf(entry);
      if (ts < range.startMs || ts >= range.endMs) continue;
      const m = entry.message as Record<string, unknown>;
      const day = dayOf(ts);
      messages.total++;
      day.messages++;
      if (m.role === "user") messages.user++;
      if (m.role === "toolResult") {
        messages.toolResults++;
        if (m.isError === true) {
          messages.errors++;
          day.errors++;
        }
      }
      if (m.role !== "assistant") continue;
      messages.assistant++;
      if (m.stopReason === "error") {
        messages.errors++;
        day.errors++;
      }
      for (const b of Array.isArray(m.content) ? m.content : []) {
        if (b?.type !== "toolCall" || typeof b.name !== "string") continue;
        messages.toolCalls++;
        day.toolCalls++;
        tools.set(b.name, (tools.get(b.name) ?? 0) + 1);
      }
    }
    let agent = byAgent.get(s.agentId);
    if (!agent) byAgent.set(s.agentId, agent = emptyTotals());
    for (const sample of s.samples) {
      if (!inRange(sample, range)) continue;
      addSample(agent, sample);
      const day = dayOf(sample.timestamp);
      day.tokens += sample.totalTokens;
      day.cost += sample.cost?.total ?? 0;
      const mk = `${sample.provider ?? ""}/${sample.model ?? ""}`;
      let model = byModel.get(mk);
      if (!model) {
        byModel.set(
          mk,
          model = {
            provider: sample.provider,
            model: sample.model,
            count: 0,
            totals: emptyTotals(),
          },
        );
      }
      model.count++;
      addSample(model.totals, sample);
      const pk = sample.provider ?? "";
      let provider = byProvider.get(pk);
      if (!provider) {
        byProvider.set(
          pk,
          provider = { provider: sample.provider, count: 0, totals: emptyTotals() },
        );
      }
      provider.count++;
      addSample(provider.totals, sample);
    }
  }
  return {
    messages,
    tools: {
      totalCalls: messages.toolCalls,
      uniqueTools: tools.size,
      tools: [...tools.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([name, count]) => ({ name, count })),
    },
    byModel: [...byModel.values()],
    byProvider: [...byProvider.values()],
    byAgent: [...byAgent.entries()].map(([agentId, totals]) => ({ agentId, totals })),
    byChannel: [],
    daily: [...daily.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([date, d]) => ({ date, ...d })),
  };
}
