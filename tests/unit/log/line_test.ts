import assert from "node:assert/strict";
import { formatLogLine, parseLogLine, toLogEntry } from "../../../lib/log/line.ts";
import { createRedactor } from "../../../lib/log/redact.ts";
import { makeRecord } from "./_helpers.ts";

// Shaped like a line from stock OpenClaw 2026.2 (tslog JSON transport).
const STOCK_LINE = JSON.stringify({
  "0": "webchat connected",
  "1": { connId: "c-1", client: "openclaw-control-ui" },
  _meta: {
    runtime: "node",
    runtimeVersion: "22.14.0",
    hostname: "unknown",
    name: '{"subsystem":"gateway/ws"}',
    parentNames: ["openclaw"],
    date: "2026-02-03T04:05:06.789Z",
    logLevelId: 3,
    logLevelName: "INFO",
    path: { fileName: "subsystem.js", fileLine: "120", method: "logToFile" },
  },
  time: "2026-02-03T05:05:06.789+01:00",
});

Deno.test("formatLogLine() writes the stock OpenClaw shape", () => {
  const record = makeRecord("listening on {url}", { url: "ws://127.0.0.1:18789", pid: 42 }, {
    subsystem: "gateway",
  });
  const line = JSON.parse(formatLogLine(record));
  assert.deepEqual(line, {
    "0": "listening on ws://127.0.0.1:18789",
    "1": { pid: 42 },
    _meta: {
      runtime: "deno",
      name: '{"subsystem":"gateway"}',
      date: "2026-01-02T03:04:05.678Z",
      logLevelId: 3,
      logLevelName: "INFO",
    },
    time: "2026-01-02T03:04:05.678Z",
    level: "info",
    subsystem: "gateway",
    message: "listening on ws://127.0.0.1:18789",
  });
});

Deno.test("formatLogLine() names the root logger openclaw and has no subsystem", () => {
  const line = JSON.parse(formatLogLine(makeRecord("hello")));
  assert.equal(line._meta.name, "openclaw");
  assert.equal("subsystem" in line, false);
  assert.equal("1" in line, false);
});

Deno.test("formatLogLine() writes the record's warning level as WARN / warn", () => {
  const line = JSON.parse(formatLogLine(makeRecord("careful", {}, { level: "warning" })));
  assert.equal(line._meta.logLevelName, "WARN");
  assert.equal(line._meta.logLevelId, 4);
  assert.equal(line.level, "warn");
});

Deno.test("formatLogLine() output round-trips through parseLogLine()", () => {
  const records = [
    makeRecord("plain"),
    makeRecord("with {x}", { x: { nested: [1, 2] } }, { subsystem: "gateway/ws", level: "debug" }),
    makeRecord("extra", { count: 3, ok: true }, { subsystem: "cron", level: "error" }),
    makeRecord('quotes " and \\ and\nnewline', {}, { level: "fatal" }),
    makeRecord("unicode ✓ 🦞", { s: "é" }, { subsystem: "telegram", level: "trace" }),
  ];
  for (const record of records) {
    const text = formatLogLine(record);
    assert.ok(!text.includes("\n"), "one physical line");
    const parsed = parseLogLine(text);
    assert.ok(parsed);
    const entry = toLogEntry(record);
    assert.equal(parsed.time, new Date(record.timestamp).toISOString());
    assert.equal(parsed.level, entry.level);
    assert.equal(parsed.subsystem, entry.subsystem);
    const extra = entry.extra ? " " + JSON.stringify(entry.extra) : "";
    assert.equal(parsed.message, entry.message + extra);
    assert.equal(parsed.raw, text);
  }
});

Deno.test("formatLogLine() does not repeat interpolated properties but keeps error stacks", () => {
  const error = new Error("disk on fire");
  const line = JSON.parse(formatLogLine(makeRecord("failed: {error}", { error, port: 1 })));
  assert.equal(line.message, "failed: Error: disk on fire");
  assert.equal(line["1"].port, 1);
  assert.equal(line["1"].error.message, "disk on fire");
  assert.match(line["1"].error.stack, /disk on fire/);
});

Deno.test("formatLogLine() redacts the message, the properties and their keys", () => {
  const redact = createRedactor({ secrets: ["my-configured-secret"] });
  const record = makeRecord("auth {header}", {
    header: "Bearer sk-abcdefghijklmnopqrstuvwx",
    password: "my-configured-secret",
    note: "prefix my-configured-secret suffix",
  });
  const text = formatLogLine(record, redact);
  assert.ok(!text.includes("my-configured-secret"));
  assert.ok(!text.includes("sk-abcdefghijklmnopqrstuvwx"));
  const line = JSON.parse(text);
  assert.equal(line.message, "auth Bearer sk-abc…uvwx");
  assert.equal(line["1"].note, "prefix *** suffix");
});

Deno.test("parseLogLine() reads a stock OpenClaw tslog line", () => {
  const parsed = parseLogLine(STOCK_LINE);
  assert.deepEqual(parsed, {
    time: "2026-02-03T05:05:06.789+01:00",
    level: "info",
    subsystem: "gateway/ws",
    message: 'webchat connected {"connId":"c-1","client":"openclaw-control-ui"}',
    raw: STOCK_LINE,
  });
});

Deno.test("parseLogLine() falls back to _meta.date and reads module and plain names", () => {
  const withModule = JSON.stringify({
    "0": "a",
    "1": "b",
    "2": 3,
    _meta: { name: '{"module":"agent"}', date: "2026-01-01T00:00:00.000Z", logLevelName: "DEBUG" },
  });
  assert.deepEqual(parseLogLine(withModule), {
    time: "2026-01-01T00:00:00.000Z",
    level: "debug",
    module: "agent",
    message: "a b 3",
    raw: withModule,
  });
  const plain = parseLogLine(JSON.stringify({ "0": "x", _meta: { name: "cron" } }));
  assert.equal(plain?.subsystem, "cron");
  const root = parseLogLine(JSON.stringify({ "0": "x", _meta: { name: "openclaw" } }));
  assert.equal(root?.subsystem, undefined);
});

Deno.test("parseLogLine() joins numbered arguments in numeric order", () => {
  const parsed = parseLogLine('{"10":"ten","2":"two","1":"one","0":"zero","1x":"no"}');
  assert.equal(parsed?.message, "zero one two ten");
});

Deno.test("parseLogLine() returns null for lines that are not JSON objects", () => {
  for (const line of ["", "plain text", '{"0":"torn', "[1,2]", "null", "42", '"str"']) {
    assert.equal(parseLogLine(line), null, line);
  }
});

Deno.test("parseLogLine() uses the top-level message when there are no numbered arguments", () => {
  const parsed = parseLogLine('{"time":"t","level":"warn","subsystem":"s","message":"m"}');
  assert.deepEqual(parsed, {
    time: "t",
    level: "warn",
    subsystem: "s",
    message: "m",
    raw: '{"time":"t","level":"warn","subsystem":"s","message":"m"}',
  });
});
