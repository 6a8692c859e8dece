import assert from "node:assert/strict";
import { appendLogLines, filterLogRows, MAX_LOG_LINES } from "../../../ui/lib/log_buffer.ts";

const line = (level: string, message: string, subsystem = "gateway") =>
  JSON.stringify({ "0": message, time: "2026-12-01T10:00:00.000Z", level, subsystem, message });

Deno.test("log lines are parsed with the gateway's reader and filtered by level and text", () => {
  const rows = appendLogLines([], [
    line("debug", "tick"),
    line("info", "listening"),
    line("error", "boom", "gateway/ws"),
    "plain text",
  ], 0);
  assert.deepEqual(rows.map((r) => [r.seq, r.level, r.message]), [
    [0, "debug", "tick"],
    [1, "info", "listening"],
    [2, "error", "boom"],
    [3, "info", "plain text"],
  ]);
  assert.deepEqual(filterLogRows(rows, "warn", "").map((r) => r.message), ["boom"]);
  assert.deepEqual(filterLogRows(rows, "trace", "WS").map((r) => r.message), ["boom"]);
});

Deno.test("the buffer keeps only the newest lines", () => {
  const lines = Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => line("info", `m${i}`));
  const rows = appendLogLines([], lines, 0);
  assert.equal(rows.length, MAX_LOG_LINES);
  assert.equal(rows[0].message, "m5");
});
