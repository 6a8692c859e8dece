import assert from "node:assert/strict";
import { chatReducer, fromHistory, initialChatState } from "../../../ui/lib/chat_state.ts";

const KEY = "agent:main:main";

function chat(state: string, fields: Record<string, unknown> = {}, sessionKey = KEY) {
  return { type: "chat" as const, payload: { runId: "r1", sessionKey, seq: 1, state, ...fields } };
}

Deno.test("a reply streams in from chat deltas and ends with the final message", () => {
  let s = initialChatState(KEY);
  s = chatReducer(s, { type: "send", runId: "r1", text: "hi", ts: 1 });
  assert.equal(s.runId, "r1");
  s = chatReducer(s, chat("delta", { deltaText: "Hel" }));
  s = chatReducer(s, chat("delta", { deltaText: "lo" }));
  assert.deepEqual(s.messages.map((m) => [m.role, m.text, m.streaming ?? false]), [
    ["user", "hi", false],
    ["assistant", "Hello", true],
  ]);
  s = chatReducer(
    s,
    chat("final", { message: { content: [{ type: "text", text: "Hello!" }], timestamp: 5 } }),
  );
  assert.equal(s.runId, undefined);
  assert.deepEqual(s.messages[1], {
    id: "run:r1",
    role: "assistant",
    text: "Hello!",
    tools: [],
    streaming: false,
    timestamp: 5,
  });
});

Deno.test("a cumulative message snapshot wins over appended deltas", () => {
  let s = initialChatState(KEY);
  s = chatReducer(
    s,
    chat("delta", { deltaText: "x", message: { content: [{ type: "text", text: "full" }] } }),
  );
  assert.equal(s.messages[0].text, "full");
});

Deno.test("events of another session are ignored", () => {
  const s = chatReducer(
    initialChatState(KEY),
    chat("delta", { deltaText: "x" }, "agent:main:other"),
  );
  assert.deepEqual(s.messages, []);
});

Deno.test("an error or abort ends the run and says why", () => {
  let s = chatReducer(initialChatState(KEY), chat("delta", { deltaText: "part" }));
  s = chatReducer(s, chat("error", { errorMessage: "429 rate limited" }));
  assert.equal(s.messages[0].error, "429 rate limited");
  assert.equal(s.messages[0].streaming, false);
  let t = chatReducer(initialChatState(KEY), chat("delta", { deltaText: "part" }));
  t = chatReducer(t, chat("aborted", {}));
  assert.deepEqual([t.messages[0].text, t.messages[0].error], ["part", "aborted"]);
});

Deno.test("agent tool events show the call and its result under the running reply", () => {
  let s = chatReducer(initialChatState(KEY), { type: "send", runId: "r1", text: "ls", ts: 1 });
  const tool = (data: Record<string, unknown>) => ({
    type: "agent" as const,
    payload: { runId: "r1", sessionKey: KEY, stream: "tool", seq: 1, data },
  });
  s = chatReducer(s, tool({ phase: "start", toolCallId: "c1", name: "exec", args: { cmd: "ls" } }));
  assert.deepEqual(s.messages[1].tools, [{
    id: "c1",
    name: "exec",
    args: { cmd: "ls" },
    done: false,
  }]);
  s = chatReducer(s, tool({ phase: "result", toolCallId: "c1", result: "a.txt", isError: false }));
  assert.deepEqual(s.messages[1].tools[0], {
    id: "c1",
    name: "exec",
    args: { cmd: "ls" },
    result: "a.txt",
    isError: false,
    done: true,
  });
});

Deno.test("fromHistory() attaches tool results to their calls", () => {
  const messages = fromHistory([
    { id: "1", role: "user", content: [{ type: "text", text: "run it" }], timestamp: 1 },
    {
      id: "2",
      role: "assistant",
      content: [{ type: "text", text: "ok" }, {
        type: "toolCall",
        id: "t",
        name: "exec",
        arguments: { c: 1 },
      }],
    },
    { id: "3", role: "toolResult", toolCallId: "t", content: [{ type: "text", text: "done" }] },
    { id: "4", role: "assistant", content: [{ type: "text", text: "finished" }] },
  ]);
  assert.deepEqual(messages.map((m) => [m.role, m.text]), [
    ["user", "run it"],
    ["assistant", "ok"],
    ["assistant", "finished"],
  ]);
  assert.deepEqual(messages[1].tools, [{
    id: "t",
    name: "exec",
    args: { c: 1 },
    result: "done",
    done: true,
  }]);
});

Deno.test("a history reload keeps a reply that is still streaming", () => {
  let s = chatReducer(initialChatState(KEY), chat("delta", { deltaText: "typing" }));
  s = chatReducer(s, {
    type: "history",
    sessionKey: KEY,
    messages: [{ id: "1", role: "user", content: "q" }],
    hasMore: true,
    limit: 100,
  });
  assert.deepEqual(s.messages.map((m) => m.text), ["q", "typing"]);
  assert.equal(s.hasMore, true);
  assert.equal(s.historyLimit, 100);
});
