import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  configureLogging,
  getLogger,
  isLogLevel,
  LOG_LEVELS,
  type LoggingOptions,
  parseLogLine,
  resolveLogLevels,
} from "../../../lib/log/mod.ts";
import { readLines, withTempDir } from "./_helpers.ts";

/** Configures logging into `dir` with console lines captured; disposes afterwards. */
async function withLogging(
  dir: string,
  options: LoggingOptions,
  fn: (ctx: { console: string[]; file: string | undefined }) => void | Promise<void>,
): Promise<void> {
  const console: string[] = [];
  const handle = await configureLogging({
    dir,
    env: {},
    consoleStyle: "compact",
    writeConsole: (text) => void console.push(text),
    now: () => new Date(2026, 0, 2, 12, 0, 0),
    ...options,
  });
  try {
    await fn({ console, file: handle.file });
  } finally {
    await handle.dispose();
  }
}

function fileMessages(path: string | undefined): string[] {
  assert.ok(path, "a log file is open");
  return readLines(path).map((l) => parseLogLine(l)?.message ?? "<unparsable>");
}

Deno.test("LOG_LEVELS lists silent to trace and isLogLevel() checks membership", () => {
  assert.deepEqual(LOG_LEVELS, ["silent", "fatal", "error", "warn", "info", "debug", "trace"]);
  assert.ok(isLogLevel("warn"));
  assert.ok(!isLogLevel("warning"));
  assert.ok(!isLogLevel(3));
});

Deno.test("resolveLogLevels() defaults both levels to info", () => {
  assert.deepEqual(resolveLogLevels({}), { file: "info", console: "info", warnings: [] });
});

Deno.test("resolveLogLevels() lets OPENCLAW_LOG_LEVEL override both config levels", () => {
  const r = resolveLogLevels({ level: "warn", consoleLevel: "error", envLevel: "DEBUG" });
  assert.deepEqual(r, { file: "debug", console: "debug", warnings: [] });
});

Deno.test("resolveLogLevels() lets --log-level beat OPENCLAW_LOG_LEVEL", () => {
  const r = resolveLogLevels({ level: "warn", envLevel: "debug", cliLevel: "error" });
  assert.deepEqual(r, { file: "error", console: "error", warnings: [] });
});

Deno.test("resolveLogLevels() ignores an invalid OPENCLAW_LOG_LEVEL with one warning", () => {
  const r = resolveLogLevels({ level: "warn", envLevel: "loud" });
  assert.equal(r.file, "warn");
  assert.equal(r.console, "info");
  assert.deepEqual(r.warnings, [
    'Ignoring OPENCLAW_LOG_LEVEL="loud": expected one of silent, fatal, error, warn, info, debug, trace',
  ]);
});

Deno.test("resolveLogLevels() rejects an invalid --log-level as a usage error", () => {
  assert.throws(
    () => resolveLogLevels({ cliLevel: "loud" }),
    (err: unknown) =>
      err instanceof OpenClawError && err.code === "LOG_LEVEL_INVALID" && err.exitCode === 2 &&
      err.message.startsWith('Invalid --log-level "loud": expected one of silent'),
  );
});

Deno.test("resolveLogLevels() makes --verbose raise the console to debug, never the file", () => {
  assert.deepEqual(resolveLogLevels({ verbose: true }), {
    file: "info",
    console: "debug",
    warnings: [],
  });
  assert.equal(resolveLogLevels({ verbose: true, consoleLevel: "trace" }).console, "trace");
  assert.equal(resolveLogLevels({ verbose: true, cliLevel: "warn" }).file, "warn");
});

Deno.test("configureLogging() writes to the daily file and to the console", async () => {
  await withTempDir(async (dir) => {
    await withLogging(dir, {}, ({ console, file }) => {
      getLogger("gateway").info("listening on {url}", { url: "ws://127.0.0.1:18789" });
      assert.equal(file, `${dir}/openclaw-2026-01-02.log`);
      assert.deepEqual(fileMessages(file), ["listening on ws://127.0.0.1:18789"]);
      assert.deepEqual(console, ["[gateway] listening on ws://127.0.0.1:18789\n"]);
    });
  });
});

Deno.test("configureLogging() names a profile's file openclaw-<profile>-YYYY-MM-DD.log", async () => {
  await withTempDir(async (dir) => {
    await withLogging(dir, { profile: "dev" }, ({ file }) => {
      assert.equal(file, `${dir}/openclaw-dev-2026-01-02.log`);
    });
  });
});

Deno.test("configureLogging() with --verbose shows debug on the console but not in the file", async () => {
  await withTempDir(async (dir) => {
    await withLogging(dir, { verbose: true }, ({ console, file }) => {
      getLogger("agent").debug("thinking");
      getLogger("agent").info("done");
      assert.deepEqual(console, ["[agent] thinking\n", "[agent] done\n"]);
      assert.deepEqual(fileMessages(file), ["done"]);
    });
  });
});

Deno.test("configureLogging() lets OPENCLAW_LOG_LEVEL raise the file level", async () => {
  await withTempDir(async (dir) => {
    await withLogging(dir, { env: { OPENCLAW_LOG_LEVEL: "debug" } }, ({ file }) => {
      getLogger("agent").debug("visible");
      getLogger("agent").trace("hidden");
      assert.deepEqual(fileMessages(file), ["visible"]);
    });
  });
});

Deno.test("configureLogging() lets cliLevel beat OPENCLAW_LOG_LEVEL", async () => {
  await withTempDir(async (dir) => {
    const options = { env: { OPENCLAW_LOG_LEVEL: "debug" }, cliLevel: "warn" };
    await withLogging(dir, options, ({ console, file }) => {
      getLogger("agent").info("hidden");
      getLogger("agent").warn("shown");
      assert.deepEqual(fileMessages(file), ["shown"]);
      assert.deepEqual(console, ["[agent] shown\n"]);
    });
  });
});

Deno.test("configureLogging() rejects an invalid cliLevel", async () => {
  await assert.rejects(
    configureLogging({ cliLevel: "nope", env: {}, console: false, level: "silent" }),
    (err: unknown) => err instanceof OpenClawError && err.code === "LOG_LEVEL_INVALID",
  );
});

Deno.test("configureLogging() never lets a configured secret reach the file or console", async () => {
  for (const redactSensitive of ["tools", "off"] as const) {
    await withTempDir(async (dir) => {
      const secret = "gw-Secret-Token-42";
      const options = { redactSensitive, secrets: [secret], level: "trace" as const };
      await withLogging(dir, options, ({ console, file }) => {
        const log = getLogger("gateway/auth");
        log.info(`client sent ${secret}`);
        log.warn("token {token} rejected", { token: secret, header: `Bearer ${secret}` });
        log.error("failed", { error: new Error(`bad ${secret}`), nested: { deep: [secret] } });
        const text = Deno.readTextFileSync(file!);
        assert.ok(!text.includes(secret), `file, ${redactSensitive}`);
        assert.ok(!console.join("").includes(secret), `console, ${redactSensitive}`);
        assert.equal(readLines(file!).length, 3);
      });
    });
  }
});

Deno.test("configureLogging() masks tokens only while redactSensitive is tools", async () => {
  await withTempDir(async (dir) => {
    const token = "sk-abcdefghijklmnopqrstuvwx";
    await withLogging(dir, {}, ({ file }) => {
      getLogger("models").info(`key ${token}`);
      assert.deepEqual(fileMessages(file), ["key sk-abc…uvwx"]);
    });
  });
  await withTempDir(async (dir) => {
    const token = "sk-abcdefghijklmnopqrstuvwx";
    await withLogging(dir, { redactSensitive: "off" }, ({ file }) => {
      getLogger("models").info(`key ${token}`);
      assert.deepEqual(fileMessages(file), [`key ${token}`]);
    });
  });
});

Deno.test("configureLogging() reports an invalid redactPattern once and keeps logging", async () => {
  await withTempDir(async (dir) => {
    const console: string[] = [];
    await using handle = await configureLogging({
      dir,
      env: {},
      consoleStyle: "compact",
      redactPatterns: ["(oops", "secret-[0-9]+"],
      writeConsole: (t) => void console.push(t),
    });
    assert.equal(handle.warnings.length, 1);
    assert.match(handle.warnings[0], /^Ignoring logging\.redactPatterns entry "\(oops": /);
    getLogger("x").info("value secret-123");
    assert.equal(console.length, 2);
    assert.match(console[0], /^\[logging\] Ignoring logging\.redactPatterns entry/);
    assert.equal(console[1], "[x] value ***\n");
  });
});

Deno.test("configureLogging() warns once about an invalid OPENCLAW_LOG_LEVEL", async () => {
  await withTempDir(async (dir) => {
    await withLogging(dir, { env: { OPENCLAW_LOG_LEVEL: "chatty" } }, ({ console, file }) => {
      assert.equal(console.length, 1);
      assert.match(console[0], /Ignoring OPENCLAW_LOG_LEVEL="chatty"/);
      assert.equal(fileMessages(file).length, 1);
    });
  });
});

Deno.test("configureLogging() falls back to pretty for an unknown consoleStyle", async () => {
  await withTempDir(async (dir) => {
    // A value the config schema would reject, as if it slipped through.
    const consoleStyle = "fancy" as unknown as LoggingOptions["consoleStyle"];
    const options = { consoleStyle, level: "silent" as const };
    await withLogging(dir, options, ({ console }) => {
      assert.match(
        console[0],
        /^\d\d:\d\d:\d\d WARN {2}\[logging\] Ignoring logging\.consoleStyle="fancy": /,
      );
    });
  });
});

Deno.test("configureLogging() again replaces the sinks and the old handle stays inert", async () => {
  await withTempDir(async (dir) => {
    const first = await configureLogging({ file: `${dir}/a.log`, env: {}, console: false });
    getLogger("reload").info("to a");
    const second = await configureLogging({ file: `${dir}/b.log`, env: {}, console: false });
    try {
      getLogger("reload").info("to b");
      await first.dispose();
      getLogger("reload").info("still b");
      assert.deepEqual(fileMessages(`${dir}/a.log`), ["to a"]);
      assert.deepEqual(fileMessages(`${dir}/b.log`), ["to b", "still b"]);
    } finally {
      await second.dispose();
    }
    getLogger("reload").info("nowhere");
    assert.deepEqual(fileMessages(`${dir}/b.log`), ["to b", "still b"]);
  });
});

Deno.test("configureLogging() with level silent opens no file", async () => {
  await withTempDir(async (dir) => {
    await withLogging(dir, { level: "silent" }, ({ console, file }) => {
      getLogger("x").error("console only");
      assert.equal(file, undefined);
      assert.deepEqual([...Deno.readDirSync(dir)], []);
      assert.deepEqual(console, ["[x] console only\n"]);
    });
  });
});

Deno.test("configureLogging() keeps going on the console when the file cannot be opened", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/plain`, "");
    const options = { file: `${dir}/plain/x.log` };
    await withLogging(dir, options, ({ console, file }) => {
      assert.equal(file, undefined);
      assert.match(console[0], /^\[logging\] Cannot open log file ".*plain\/x\.log": /);
      assert.match(console[0], /\(Set logging\.file to a writable path\)/);
    });
  });
});

Deno.test("getLogger() puts a subsystem under the openclaw category", () => {
  assert.deepEqual(getLogger("gateway").category, ["openclaw", "gateway"]);
  assert.deepEqual(getLogger("gateway/ws").category, ["openclaw", "gateway", "ws"]);
  assert.deepEqual(getLogger().category, ["openclaw"]);
});
