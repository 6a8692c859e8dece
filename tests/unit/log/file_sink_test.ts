import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { createFileSink, pruneOldLogs } from "../../../lib/log/file_sink.ts";
import { parseLogLine } from "../../../lib/log/line.ts";
import { createRedactor } from "../../../lib/log/redact.ts";
import { ageFile, makeRecord, readLines, withTempDir } from "./_helpers.ts";

const HOUR = 60 * 60 * 1000;
const posix = Deno.build.os !== "windows";

/** A settable clock starting at 23:59 local time on 2 Jan 2026. */
function fakeClock() {
  const clock = { t: new Date(2026, 0, 2, 23, 59, 0), now: () => clock.t };
  return clock;
}

Deno.test("createFileSink() creates the directory 0700 and the file 0600", {
  ignore: !posix,
}, async () => {
  await withTempDir((tmp) => {
    const dir = `${tmp}/openclaw`;
    using sink = createFileSink({ dir, now: fakeClock().now });
    assert.equal(sink.path, `${dir}/openclaw-2026-01-02.log`);
    assert.equal(Deno.statSync(dir).mode! & 0o777, 0o700);
    assert.equal(Deno.statSync(sink.path).mode! & 0o777, 0o600);
  });
});

Deno.test("createFileSink() writes one JSON line per record that parseLogLine() reads back", async () => {
  await withTempDir((dir) => {
    using sink = createFileSink({ dir, now: fakeClock().now, level: "trace" });
    sink(makeRecord("one"));
    sink(makeRecord("two {n}", { n: 2 }, { subsystem: "gateway", level: "warning" }));
    sink(makeRecord("three", { extra: "x y" }, { subsystem: "cron/run", level: "trace" }));
    const lines = readLines(sink.path);
    assert.equal(lines.length, 3);
    const parsed = lines.map((l) => {
      JSON.parse(l);
      return parseLogLine(l);
    });
    assert.deepEqual(parsed.map((p) => [p?.level, p?.subsystem, p?.message]), [
      ["info", undefined, "one"],
      ["warn", "gateway", "two 2"],
      ["trace", "cron/run", 'three {"extra":"x y"}'],
    ]);
  });
});

Deno.test("createFileSink() drops records below its level", async () => {
  await withTempDir((dir) => {
    using sink = createFileSink({ dir, now: fakeClock().now, level: "warn" });
    sink(makeRecord("quiet", {}, { level: "info" }));
    sink(makeRecord("loud", {}, { level: "error" }));
    assert.deepEqual(readLines(sink.path).map((l) => parseLogLine(l)?.message), ["loud"]);
  });
});

Deno.test("createFileSink() never writes a configured secret", async () => {
  await withTempDir((dir) => {
    const redact = createRedactor({ mode: "off", secrets: ["gw-token-123456"] });
    using sink = createFileSink({ dir, now: fakeClock().now, redact });
    sink(makeRecord("token is {t}", { t: "gw-token-123456", again: "gw-token-123456" }));
    const text = Deno.readTextFileSync(sink.path);
    assert.ok(!text.includes("gw-token-123456"));
    assert.match(text, /token is \*\*\*/);
  });
});

Deno.test("createFileSink() switches to the new day's file at local midnight", async () => {
  await withTempDir((dir) => {
    const clock = fakeClock();
    using sink = createFileSink({ dir, now: clock.now });
    sink(makeRecord("before midnight"));
    const first = sink.path;
    clock.t = new Date(2026, 0, 3, 0, 0, 1);
    sink(makeRecord("after midnight"));
    assert.equal(first, `${dir}/openclaw-2026-01-02.log`);
    assert.equal(sink.path, `${dir}/openclaw-2026-01-03.log`);
    assert.deepEqual(readLines(first).map((l) => parseLogLine(l)?.message), ["before midnight"]);
    assert.deepEqual(readLines(sink.path).map((l) => parseLogLine(l)?.message), [
      "after midnight",
    ]);
  });
});

Deno.test("createFileSink() uses the profile's file name", async () => {
  await withTempDir((dir) => {
    using sink = createFileSink({ dir, profile: "work", now: fakeClock().now });
    assert.equal(sink.path, `${dir}/openclaw-work-2026-01-02.log`);
  });
});

Deno.test("createFileSink() deletes openclaw-*.log files older than 24 h and keeps the rest", async () => {
  await withTempDir((dir) => {
    const clock = fakeClock();
    const nowMs = clock.t.getTime();
    const files = {
      old: `${dir}/openclaw-2025-12-30.log`,
      oldProfile: `${dir}/openclaw-dev-2025-12-30.log`,
      recent: `${dir}/openclaw-2026-01-01.log`,
      otherName: `${dir}/notes.log`,
      legacy: `${dir}/openclaw.log`,
    };
    for (const path of Object.values(files)) Deno.writeTextFileSync(path, "x\n");
    ageFile(files.old, nowMs, 25 * HOUR);
    ageFile(files.oldProfile, nowMs, 72 * HOUR);
    ageFile(files.recent, nowMs, 23 * HOUR);
    ageFile(files.otherName, nowMs, 99 * HOUR);
    ageFile(files.legacy, nowMs, 99 * HOUR);
    using _sink = createFileSink({ dir, now: clock.now });
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, [
      "notes.log",
      "openclaw-2026-01-01.log",
      "openclaw-2026-01-02.log",
      "openclaw.log",
    ]);
  });
});

Deno.test("pruneOldLogs() never deletes the file being written", async () => {
  await withTempDir((dir) => {
    const keep = `${dir}/openclaw-2026-01-02.log`;
    Deno.writeTextFileSync(keep, "x\n");
    ageFile(keep, Date.now(), 48 * HOUR);
    assert.deepEqual(pruneOldLogs(dir, keep, Date.now()), []);
    assert.ok(Deno.statSync(keep).isFile);
  });
});

Deno.test("createFileSink() stops at maxFileBytes after one notice line", async () => {
  await withTempDir((dir) => {
    const clock = fakeClock();
    using sink = createFileSink({ dir, now: clock.now, maxFileBytes: 1000 });
    for (let i = 0; i < 50; i++) sink(makeRecord("line {i} padding padding padding", { i }));
    const lines = readLines(sink.path);
    const size = Deno.statSync(sink.path).size;
    const parsed = lines.map((l) => parseLogLine(l));
    const notices = parsed.filter((p) => p?.subsystem === "logging");
    assert.equal(notices.length, 1);
    assert.equal(parsed.at(-1), notices[0], "the notice is the last line");
    assert.equal(notices[0]?.level, "warn");
    assert.match(notices[0]!.message, /suppressed until the next day/);
    const noticeBytes = new TextEncoder().encode(lines.at(-1) + "\n").length;
    assert.ok(size - noticeBytes <= 1000, "the lines before the notice fit the cap");
    assert.ok(size > 1000 - 300, "lines were written up to the cap");
    // The next day starts a fresh file and writing resumes.
    clock.t = new Date(2026, 0, 3, 0, 0, 1);
    sink(makeRecord("new day"));
    assert.deepEqual(readLines(sink.path).map((l) => parseLogLine(l)?.message), ["new day"]);
  });
});

Deno.test("createFileSink() adds no second notice to a file already over the cap", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/openclaw-2026-01-02.log`;
    Deno.writeTextFileSync(path, "x".repeat(2000) + "\n");
    using sink = createFileSink({ dir, now: fakeClock().now, maxFileBytes: 1000 });
    sink(makeRecord("dropped"));
    assert.equal(Deno.statSync(path).size, 2001);
  });
});

Deno.test("createFileSink() writes logging.file as given and prunes nothing beside it", async () => {
  await withTempDir((dir) => {
    const stale = `${dir}/openclaw-2020-01-01.log`;
    Deno.writeTextFileSync(stale, "x\n");
    ageFile(stale, Date.now(), 99 * HOUR);
    using sink = createFileSink({ file: `${dir}/custom/gateway.log`, now: fakeClock().now });
    sink(makeRecord("hello"));
    assert.equal(sink.path, `${dir}/custom/gateway.log`);
    assert.equal(readLines(sink.path).length, 1);
    assert.ok(Deno.statSync(stale).isFile);
  });
});

Deno.test("createFileSink() throws LOG_FILE_UNWRITABLE naming the path it cannot open", async () => {
  await withTempDir((dir) => {
    Deno.writeTextFileSync(`${dir}/not-a-dir`, "");
    assert.throws(
      () => createFileSink({ file: `${dir}/not-a-dir/x.log` }),
      (err: unknown) =>
        err instanceof OpenClawError && err.code === "LOG_FILE_UNWRITABLE" &&
        err.message.startsWith(`Cannot open log file "${dir}/not-a-dir/x.log": `),
    );
  });
});

Deno.test("createFileSink() closes its file on dispose and ignores a second dispose", async () => {
  await withTempDir((dir) => {
    const clock = fakeClock();
    const sink = createFileSink({ dir, now: clock.now });
    sink[Symbol.dispose]();
    sink[Symbol.dispose]();
    // A late record on a new day must not reopen a file; the sanitizer catches a leaked handle.
    clock.t = new Date(2026, 0, 3, 1, 0, 0);
    sink(makeRecord("late"));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["openclaw-2026-01-02.log"]);
  });
});
