import assert from "node:assert/strict";
import {
  entriesToHistory,
  entriesToModelMessages,
  storedUsageToAgentUsage,
  transcriptStats,
} from "../../../lib/agent/sessions/history.ts";
import type { TranscriptEntry } from "../../../lib/agent/sessions/transcript.ts";

let n = 0;
function msg(message: Record<string, unknown>): TranscriptEntry {
  n++;
  return {
    type: "message",
    id: `e${n}`,
    parentId: null,
    timestamp: "2026-01-01T00:00:00.000Z",
    message: { timestamp: n, ...message },
  } as TranscriptEntry;
}

const usage = {
  input: 10,
  output: 5,
  cacheRead: 2,
  cacheWrite: 0,
  totalTokens: 17,
  cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0.5 },
};

const entries: TranscriptEntry[] = [
  msg({ role: "user", content: [{ type: "text", text: "hi" }] }),
  msg({
    role: "assistant",
    content: [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "let me look" }, {
      type: "toolCall",
      id: "c1",
      name: "memory_get",
      arguments: { path: "MEMORY.md" },
    }],
    provider: "p",
    model: "m",
    usage,
    stopReason: "toolUse",
  }),
  msg({
    role: "toolResult",
    toolCallId: "c1",
    toolName: "memory_get",
    content: [{ type: "text", text: "notes" }],
    isError: false,
  }),
  msg({
    role: "assistant",
    content: [{ type: "text", text: "done" }],
    provider: "p",
    model: "m",
    usage,
    stopReason: "stop",
  }),
  msg({ role: "user", content: "killed mid-tool" }),
  // The process died while this tool ran: a call without a result.
  msg({
    role: "assistant",
    content: [{ type: "toolCall", id: "c2", name: "memory_search", arguments: { query: "x" } }],
    provider: "p",
    model: "m",
    stopReason: "toolUse",
  }),
  msg({
    role: "assistant",
    content: [],
    provider: "p",
    model: "m",
    stopReason: "error",
    errorMessage: "boom",
  }),
  msg({
    role: "toolResult",
    toolCallId: "zz",
    toolName: "x",
    content: [{ type: "text", text: "orphan" }],
    isError: true,
  }),
  msg({ role: "user", content: [{ type: "text", text: "next" }] }),
];

Deno.test("entriesToModelMessages() pairs tool calls with results and drops the rest", () => {
  const out = entriesToModelMessages(entries);
  assert.deepEqual(out.map((m) => m.role), [
    "user",
    "assistant",
    "tool",
    "assistant",
    "user",
    "user",
  ]);
  assert.deepEqual(out[1], {
    role: "assistant",
    content: [
      { type: "text", text: "let me look" },
      { type: "tool-call", toolCallId: "c1", toolName: "memory_get", input: { path: "MEMORY.md" } },
    ],
  });
  assert.deepEqual(out[2], {
    role: "tool",
    content: [{
      type: "tool-result",
      toolCallId: "c1",
      toolName: "memory_get",
      output: { type: "text", value: "notes" },
    }],
  });
  assert.equal(JSON.stringify(out).includes("c2"), false);
  assert.equal(JSON.stringify(out).includes("orphan"), false);
});

Deno.test("entriesToHistory() shows messages with models, tool calls and results", () => {
  const history = entriesToHistory(entries);
  assert.deepEqual(history.map((m) => m.role), [
    "user",
    "assistant",
    "tool",
    "assistant",
    "user",
    "assistant",
    "tool",
    "user",
  ]);
  assert.equal(history[1].model, "p/m");
  assert.deepEqual(history[1].toolCalls, [{
    id: "c1",
    name: "memory_get",
    args: { path: "MEMORY.md" },
    result: "notes",
  }]);
  assert.equal(history[1].usage?.inputTokens, 12);
  assert.equal(history[1].usage?.costUsd, 0.5);
  assert.equal(history[2].toolCallId, "c1");
  assert.deepEqual(entriesToHistory(entries, 2).map((m) => m.text), ["orphan", "next"]);
});

Deno.test("transcriptStats() counts messages and previews the last text", () => {
  const stats = transcriptStats(entries);
  assert.equal(stats.messageCount, entries.length);
  assert.equal(stats.lastMessagePreview, "next");
  assert.deepEqual(transcriptStats([]), { messageCount: 0 });
});

Deno.test("storedUsageToAgentUsage() adds cached tokens back into input", () => {
  assert.deepEqual(storedUsageToAgentUsage(usage), {
    inputTokens: 12,
    outputTokens: 5,
    cacheReadTokens: 2,
    totalTokens: 17,
    costUsd: 0.5,
  });
});
