import assert from "node:assert/strict";
import {
  CURRENT_MESSAGE_MARKER,
  formatWithHistory,
  GroupHistory,
  HISTORY_CONTEXT_MARKER,
  historyKey,
  MAX_HISTORY_TEXT,
} from "../../../lib/channels/group_history.ts";

const key = historyKey({ channel: "telegram", accountId: "default", chatId: "-100" });
const entry = (text: string, senderName = "Ann") => ({
  senderId: "1",
  senderName,
  text,
  timestamp: 0,
});

Deno.test("GroupHistory keeps the last historyLimit messages and take() clears them", () => {
  const h = new GroupHistory();
  for (let i = 0; i < 5; i++) h.record(key, entry(`m${i}`), 3);
  assert.deepEqual(h.peek(key).map((e) => e.text), ["m2", "m3", "m4"]);
  assert.deepEqual(h.take(key).map((e) => e.text), ["m2", "m3", "m4"]);
  assert.deepEqual(h.take(key), []);
});

Deno.test("GroupHistory keeps nothing with historyLimit 0 and at most 200 otherwise", () => {
  const h = new GroupHistory();
  h.record(key, entry("x"), 0);
  assert.equal(h.size, 0);
  for (let i = 0; i < 250; i++) h.record(key, entry(`m${i}`), 1000);
  assert.equal(h.peek(key).length, 200);
});

Deno.test("GroupHistory forgets the least recently used chat beyond maxChats", () => {
  const h = new GroupHistory({ maxChats: 2 });
  const k = (id: string) => historyKey({ channel: "telegram", accountId: "default", chatId: id });
  h.record(k("a"), entry("1"), 10);
  h.record(k("b"), entry("2"), 10);
  h.record(k("a"), entry("3"), 10);
  h.record(k("c"), entry("4"), 10);
  assert.deepEqual(h.peek(k("b")), []);
  assert.equal(h.peek(k("a")).length, 2);
  assert.throws(() => new GroupHistory({ maxChats: 0 }), RangeError);
});

Deno.test("GroupHistory cuts long texts and separates topics and accounts", () => {
  const h = new GroupHistory();
  h.record(key, entry("y".repeat(MAX_HISTORY_TEXT + 10)), 5);
  assert.equal(h.peek(key)[0].text.length, MAX_HISTORY_TEXT);
  const topic = historyKey({
    channel: "telegram",
    accountId: "default",
    chatId: "-100",
    threadId: "7",
  });
  assert.deepEqual(h.peek(topic), []);
  h.record(topic, entry("t"), 5);
  h.clearAccount("telegram", "default");
  assert.equal(h.size, 0);
});

Deno.test("formatWithHistory() puts the kept messages and the current one under markers", () => {
  assert.equal(formatWithHistory([], entry("just me")), "just me");
  assert.equal(
    formatWithHistory(
      [entry("lunch?"), { senderId: "9", text: "yes", timestamp: 1 }],
      entry("@bot book it", "Bo"),
    ),
    [
      HISTORY_CONTEXT_MARKER,
      "Ann: lunch?",
      "9: yes",
      "",
      CURRENT_MESSAGE_MARKER,
      "Bo: @bot book it",
    ].join("\n"),
  );
});
