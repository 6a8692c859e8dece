import assert from "node:assert/strict";
import { createConsoleSink, shouldUseColor } from "../../../lib/log/console_sink.ts";
import { parseLogLine } from "../../../lib/log/line.ts";
import { createRedactor } from "../../../lib/log/redact.ts";
import { makeRecord } from "./_helpers.ts";

const ESC = "\x1b[";

function capture() {
  const out: string[] = [];
  return { out, write: (text: string) => void out.push(text) };
}

Deno.test("createConsoleSink() pretty style shows time, level, [subsystem] and message", () => {
  const c = capture();
  const sink = createConsoleSink({ style: "pretty", write: c.write });
  const record = makeRecord("listening on {url}", { url: "ws://127.0.0.1:18789", pid: 7 }, {
    subsystem: "gateway",
    timestamp: new Date(2026, 0, 2, 14, 3, 22).getTime(),
  });
  sink(record);
  assert.deepEqual(c.out, ["14:03:22 INFO  [gateway] listening on ws://127.0.0.1:18789 pid=7\n"]);
});

Deno.test("createConsoleSink() compact style prints [subsystem] message", () => {
  const c = capture();
  const sink = createConsoleSink({ style: "compact", write: c.write });
  sink(makeRecord("hello", {}, { subsystem: "cron" }));
  sink(makeRecord("root line"));
  assert.deepEqual(c.out, ["[cron] hello\n", "root line\n"]);
});

Deno.test("createConsoleSink() json style prints the file line format", () => {
  const c = capture();
  const sink = createConsoleSink({ style: "json", write: c.write });
  sink(makeRecord("hi", {}, { subsystem: "gateway", level: "warning" }));
  const parsed = parseLogLine(c.out[0].trimEnd());
  assert.equal(parsed?.message, "hi");
  assert.equal(parsed?.level, "warn");
  assert.equal(parsed?.subsystem, "gateway");
});

Deno.test("createConsoleSink() colours only when asked to", () => {
  const plain = capture();
  createConsoleSink({ write: plain.write })(
    makeRecord("x", {}, { subsystem: "a", level: "error" }),
  );
  assert.ok(!plain.out[0].includes(ESC));
  const coloured = capture();
  createConsoleSink({ color: true, write: coloured.write })(
    makeRecord("x", {}, { subsystem: "a", level: "error" }),
  );
  assert.ok(coloured.out[0].includes(`${ESC}31mERROR`));
});

Deno.test("createConsoleSink() drops records below its level", () => {
  const c = capture();
  const sink = createConsoleSink({ level: "warn", style: "compact", write: c.write });
  sink(makeRecord("info", {}, { level: "info" }));
  sink(makeRecord("debug", {}, { level: "debug" }));
  sink(makeRecord("warn", {}, { level: "warning" }));
  assert.deepEqual(c.out, ["warn\n"]);
});

Deno.test("createConsoleSink() masks configured secrets and tokens", () => {
  const c = capture();
  const redact = createRedactor({ secrets: ["console-secret-1"] });
  const sink = createConsoleSink({ style: "compact", redact, write: c.write });
  sink(makeRecord("a {s} b", { s: "console-secret-1", k: "sk-abcdefghijklmnopqrstuvwx" }));
  assert.deepEqual(c.out, ["a *** b k=sk-abc…uvwx\n"]);
});

Deno.test("createConsoleSink() shows an error's message once, without its stack", () => {
  const c = capture();
  const sink = createConsoleSink({ style: "compact", write: c.write });
  sink(makeRecord("failed: {error}", { error: new Error("boom") }));
  sink(makeRecord("failed", { error: new Error("bang") }));
  assert.deepEqual(c.out, ["failed: Error: boom\n", 'failed error="bang"\n']);
});

Deno.test("shouldUseColor() needs a terminal, no NO_COLOR and no --no-color", () => {
  const tty = () => true;
  assert.equal(shouldUseColor(undefined, "", tty), true);
  assert.equal(shouldUseColor(true, "", tty), true);
  assert.equal(shouldUseColor(false, "", tty), false);
  assert.equal(shouldUseColor(undefined, "1", tty), false);
  assert.equal(shouldUseColor(undefined, "", () => false), false);
});
