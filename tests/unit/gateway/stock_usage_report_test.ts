/**
 * Usage reports from transcript entries (gateway/methods/stock_usage_report.ts): samples, day
 * ranges, the daily cost summary, per-session summaries, time series, logs and aggregates.
 */
import assert from "node:assert/strict";
import type { TranscriptEntry } from "../../../lib/agent/sessions/transcript.ts";
import {
  costSummary,
  type DayRange,
  parseUtcOffset,
  resolveDayRange,
  sessionCostSummary,
  sessionLogs,
  usageAggregates,
  usageSamples,
  usageTimeSeries,
} from "../../../gateway/methods/stock_usage_report.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-10T12:00:00Z");

function msg(id: string, message: Record<string, unknown>): TranscriptEntry {
  return {
    type: "message",
    id,
    parentId: null,
    timestamp: new Date(message.timestamp as number).toISOString(),
    message,
  } as TranscriptEntry;
}

function assistant(id: string, ts: number, tokens: number, cost?: number, extra = {}) {
  return msg(id, {
    role: "assistant",
    content: [{ type: "text", text: `answer ${id}` }],
    provider: "fake",
    model: "m1",
    usage: {
      input: tokens,
      output: 1,
      cacheRead: 0,
      cacheWrite: 0,
      totalTokens: tokens + 1,
      ...(cost === undefined
        ? {}
        : { cost: { input: cost, output: 0, cacheRead: 0, cacheWrite: 0, total: cost } }),
    },
    stopReason: "stop",
    timestamp: ts,
    ...extra,
  });
}

const ENTRIES: TranscriptEntry[] = [
  msg("u1", { role: "user", content: "first", timestamp: T0 - DAY }),
  assistant("a1", T0 - DAY, 10, 0.5),
  msg("u2", { role: "user", content: [{ type: "text", text: "second" }], timestamp: T0 }),
  assistant("a2", T0, 20, undefined, {
    content: [{ type: "toolCall", id: "c1", name: "exec", arguments: {} }],
  }),
  msg("t1", {
    role: "toolResult",
    toolCallId: "c1",
    toolName: "exec",
    content: [],
    isError: true,
    timestamp: T0,
  }),
];

function range(params = {}): DayRange {
  const r = resolveDayRange(params, T0);
  if ("error" in r) throw new Error(r.error);
  return r;
}

Deno.test("usageSamples() takes one sample per assistant message with usage", () => {
  const samples = usageSamples(ENTRIES);
  assert.equal(samples.length, 2);
  assert.deepEqual(samples[0], {
    timestamp: T0 - DAY,
    provider: "fake",
    model: "m1",
    input: 10,
    output: 1,
    cacheRead: 0,
    cacheWrite: 0,
    totalTokens: 11,
    cost: { input: 0.5, output: 0, cacheRead: 0, cacheWrite: 0, total: 0.5 },
  });
  assert.equal(samples[1].cost, undefined);
});

Deno.test("resolveDayRange() defaults to the last 30 days and refuses bad dates", () => {
  assert.deepEqual(range(), {
    startMs: Date.parse("2026-02-09T00:00:00Z"),
    endMs: Date.parse("2026-03-11T00:00:00Z"),
    startDate: "2026-02-09",
    endDate: "2026-03-10",
    days: 30,
    offsetMinutes: 0,
  });
  assert.equal(range({ startDate: "2026-03-09", endDate: "2026-03-10" }).days, 2);
  assert.deepEqual(resolveDayRange({ startDate: "9.3.2026" }, T0), {
    error: "startDate: expected YYYY-MM-DD",
  });
  assert.deepEqual(resolveDayRange({ startDate: "2026-03-11", endDate: "2026-03-10" }, T0), {
    error: "startDate: must not be after endDate",
  });
  assert.deepEqual(resolveDayRange({ startDate: "2020-01-01" }, T0), {
    error: "range: at most 366 days",
  });
});

Deno.test("parseUtcOffset() reads UTC±H[H][:MM] and refuses anything else", () => {
  assert.equal(parseUtcOffset("UTC+2"), 120);
  assert.equal(parseUtcOffset("-05:30"), -330);
  assert.equal(parseUtcOffset("Z"), 0);
  assert.equal(parseUtcOffset("UTC+15"), undefined);
  assert.equal(parseUtcOffset("Europe/Paris"), undefined);
});

Deno.test("costSummary() sums per day and counts messages without a recorded cost", () => {
  const out = costSummary(usageSamples(ENTRIES), range({ days: 7 }), 99) as {
    updatedAt: number;
    days: number;
    daily: { date: string; totalTokens: number; totalCost: number }[];
    totals: Record<string, number>;
  };
  assert.equal(out.updatedAt, 99);
  assert.equal(out.days, 7);
  assert.deepEqual(out.daily.map((d) => [d.date, d.totalTokens, d.totalCost]), [
    ["2026-03-09", 11, 0.5],
    ["2026-03-10", 21, 0],
  ]);
  assert.equal(out.totals.totalTokens, 32);
  assert.equal(out.totals.totalCost, 0.5);
  assert.equal(out.totals.missingCostEntries, 1);
  const today = costSummary(usageSamples(ENTRIES), range({ days: 1 }), 99) as {
    totals: { totalTokens: number };
  };
  assert.equal(today.totals.totalTokens, 21, "yesterday's message is outside a 1-day range");
});

Deno.test("sessionCostSummary() reports activity, days and models, or null without usage", () => {
  const out = sessionCostSummary(usageSamples(ENTRIES), range(), "s1") as Record<string, unknown>;
  assert.equal(out.sessionId, "s1");
  assert.equal(out.firstActivity, T0 - DAY);
  assert.equal(out.durationMs, DAY);
  assert.deepEqual(out.activityDates, ["2026-03-09", "2026-03-10"]);
  assert.equal((out.modelUsage as { count: number }[])[0].count, 2);
  assert.equal(out.totalTokens, 32);
  assert.equal(sessionCostSummary([], range(), "s1"), null);
});

Deno.test("usageTimeSeries() keeps running totals and the latest points", () => {
  const series = usageTimeSeries(usageSamples(ENTRIES), "s1", 1);
  assert.equal(series.sessionId, "s1");
  assert.equal(series.points.length, 1);
  assert.equal(series.points[0].cumulativeTokens, 32);
  assert.equal(series.points[0].cumulativeCost, 0.5);
});

Deno.test("sessionLogs() lists user, assistant and tool results with tokens and cost", () => {
  const { logs } = sessionLogs(ENTRIES, 10);
  assert.deepEqual(logs.map((l) => l.role), [
    "user",
    "assistant",
    "user",
    "assistant",
    "toolResult",
  ]);
  assert.deepEqual(logs[1], {
    timestamp: T0 - DAY,
    role: "assistant",
    content: "answer a1",
    tokens: 11,
    cost: 0.5,
  });
  assert.equal(sessionLogs(ENTRIES, 2).logs.length, 2);
});

Deno.test("usageAggregates() counts messages, tools and errors per day and per model", () => {
  const agg = usageAggregates(
    [{ agentId: "main", entries: ENTRIES, samples: usageSamples(ENTRIES) }],
    range(),
  ) as Record<string, unknown>;
  assert.deepEqual(agg.messages, {
    total: 5,
    user: 2,
    assistant: 2,
    toolCalls: 1,
    toolResults: 1,
    errors: 1,
  });
  assert.deepEqual(agg.tools, {
    totalCalls: 1,
    uniqueTools: 1,
    tools: [{ name: "exec", count: 1 }],
  });
  assert.equal((agg.byModel as { count: number }[])[0].count, 2);
  assert.deepEqual((agg.byAgent as { agentId: string }[]).map((a) => a.agentId), ["main"]);
  assert.deepEqual(agg.daily, [
    { date: "2026-03-09", tokens: 11, cost: 0.5, messages: 2, toolCalls: 0, errors: 0 },
    { date: "2026-03-10", tokens: 21, cost: 0, messages: 3, toolCalls: 1, errors: 1 },
  ]);
});
