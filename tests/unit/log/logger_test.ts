import assert from "node:assert/strict";
import {
  configure,
  getLogger,
  isConfigured,
  type LoggingConfig,
  META_CATEGORY,
  reset,
} from "../../../lib/log/logger.ts";
import type { LogRecord, Sink } from "../../../lib/log/record.ts";

/** A sink that keeps what it gets, as `sink:category:level:message`. */
function collector(name: string, into: string[]): Sink {
  return (record) => {
    into.push(`${name}:${record.category.join(".")}:${record.level}:${record.message.join("")}`);
  };
}

/** Runs `fn` under `config`, then removes every configuration whatever happens. */
async function withConfig(config: LoggingConfig, fn: () => void | Promise<void>): Promise<void> {
  await configure({ ...config, reset: true });
  try {
    await fn();
  } finally {
    await reset();
  }
}

Deno.test("getLogger() handles obtained before configure() log once it is configured", async () => {
  const log = getLogger(["openclaw", "early"]);
  const seen: string[] = [];
  log.info("while unconfigured");
  await withConfig({
    sinks: { s: collector("s", seen) },
    loggers: [{ category: "openclaw", sinks: ["s"] }],
  }, () => {
    log.info("configured");
  });
  log.info("after reset");
  assert.deepEqual(seen, ["s:openclaw.early:info:configured"]);
  assert.equal(isConfigured(), false);
});

Deno.test("getLogger() returns one handle per category", () => {
  assert.equal(getLogger(["openclaw", "gateway"]), getLogger(["openclaw", "gateway"]));
  assert.equal(getLogger("solo"), getLogger(["solo"]));
});

Deno.test("a record reaches its category's and ancestors' sinks, ancestors first", async () => {
  const seen: string[] = [];
  await withConfig({
    sinks: { root: collector("root", seen), gw: collector("gw", seen) },
    loggers: [
      { category: "openclaw", sinks: ["root"] },
      { category: ["openclaw", "gateway"], sinks: ["gw"] },
    ],
  }, () => {
    getLogger(["openclaw", "gateway", "ws"]).info("frame");
    getLogger(["openclaw", "cron"]).info("tick");
    getLogger(["other"]).info("unrouted");
  });
  assert.deepEqual(seen, [
    "root:openclaw.gateway.ws:info:frame",
    "gw:openclaw.gateway.ws:info:frame",
    "root:openclaw.cron:info:tick",
  ]);
});

Deno.test("a category's lowest level stops records below it, for its ancestors too", async () => {
  const seen: string[] = [];
  await withConfig({
    sinks: { root: collector("root", seen), gw: collector("gw", seen) },
    loggers: [
      { category: "openclaw", sinks: ["root"], lowestLevel: "debug" },
      { category: ["openclaw", "gateway"], sinks: ["gw"], lowestLevel: "warning" },
      { category: ["openclaw", "quiet"], lowestLevel: null },
    ],
  }, () => {
    const gw = getLogger(["openclaw", "gateway"]);
    gw.info("stopped at gateway");
    gw.warn("passes both");
    getLogger(["openclaw", "cron"]).trace("below openclaw's level");
    getLogger(["openclaw", "cron"]).debug("at openclaw's level");
    getLogger(["openclaw", "quiet"]).fatal("null lets nothing through");
  });
  assert.deepEqual(seen, [
    "root:openclaw.gateway:warning:passes both",
    "gw:openclaw.gateway:warning:passes both",
    "root:openclaw.cron:debug:at openclaw's level",
  ]);
});

Deno.test("isEnabledFor() says whether a level reaches a sink", async () => {
  const log = getLogger(["openclaw", "enabled"]);
  assert.equal(log.isEnabledFor("fatal"), false);
  await withConfig({
    sinks: { s: () => {} },
    loggers: [{ category: "openclaw", sinks: ["s"], lowestLevel: "info" }],
  }, () => {
    assert.equal(log.isEnabledFor("debug"), false);
    assert.equal(log.isEnabledFor("info"), true);
    assert.equal(log.isEnabledFor("fatal"), true);
  });
  assert.equal(log.isEnabledFor("fatal"), false);
});

Deno.test("a record carries category, level, message parts, template, time and properties", async () => {
  const records: LogRecord[] = [];
  const props = { id: "cron", durationMs: 4, extra: true };
  const before = Date.now();
  await withConfig({
    sinks: { s: (r) => void records.push(r) },
    loggers: [{ category: "openclaw", sinks: ["s"] }],
  }, () => {
    getLogger(["openclaw", "sub"]).debug("subsystem {id} started in {durationMs} ms", props);
    getLogger(["openclaw"]).info("plain");
  });
  const [r, plain] = records;
  assert.deepEqual(r.category, ["openclaw", "sub"]);
  assert.equal(r.level, "debug");
  assert.deepEqual(r.message, ["subsystem ", "cron", " started in ", 4, " ms"]);
  assert.equal(r.rawMessage, "subsystem {id} started in {durationMs} ms");
  assert.deepEqual(r.properties, props);
  assert.notEqual(r.properties, props, "the record keeps a copy");
  assert.ok(r.timestamp >= before && r.timestamp <= Date.now());
  assert.deepEqual({ ...plain, timestamp: 0 }, {
    category: ["openclaw"],
    level: "info",
    message: ["plain"],
    rawMessage: "plain",
    timestamp: 0,
    properties: {},
  });
});

Deno.test("logging methods take an error, an error after the message, or properties alone", async () => {
  const records: LogRecord[] = [];
  const boom = new Error("boom");
  await withConfig({
    sinks: { s: (r) => void records.push(r) },
    loggers: [{ category: "t", sinks: ["s"] }],
  }, () => {
    const log = getLogger("t");
    log.warn(boom);
    log.error(boom, { port: 1 });
    log.error("bind failed", boom);
    log.info({ a: 1 });
    log.debug("lazy {v}", () => ({ v: 42 }));
  });
  const shapes = records.map((r) => [r.level, r.rawMessage, r.message, r.properties]);
  assert.deepEqual(shapes, [
    ["warning", "{error.message}", ["", "boom", ""], { error: boom }],
    ["error", "{error.message}", ["", "boom", ""], { port: 1, error: boom }],
    ["error", "bind failed", ["bind failed"], { error: boom }],
    ["info", "{*}", ["", { a: 1 }, ""], { a: 1 }],
    ["debug", "lazy {v}", ["lazy ", 42, ""], { v: 42 }],
  ]);
});

Deno.test("a disabled level builds nothing: lazy properties and getters are not touched", async () => {
  let built = 0;
  const touchy = {
    get secret(): string {
      built++;
      return "x";
    },
  };
  const seen: string[] = [];
  await withConfig({
    sinks: { s: collector("s", seen) },
    loggers: [{ category: "openclaw", sinks: ["s"], lowestLevel: "info" }],
  }, () => {
    const log = getLogger(["openclaw", "hot"]);
    for (let i = 0; i < 3; i++) {
      log.debug("frame {n}", () => {
        built++;
        return { n: i };
      });
      log.trace("frame {secret}", touchy);
    }
  });
  getLogger(["openclaw", "hot"]).fatal("unconfigured {secret}", touchy);
  assert.equal(built, 0);
  assert.deepEqual(seen, []);
});

Deno.test("configure() refuses to replace a configuration without reset", async () => {
  await withConfig({ sinks: {}, loggers: [] }, async () => {
    await assert.rejects(
      configure({ sinks: {}, loggers: [] }),
      /Cannot configure logging: it is already configured \(pass reset: true\)/,
    );
  });
});

Deno.test("configure() rejects an unknown sink or a repeated category and keeps the old one", async () => {
  const seen: string[] = [];
  await withConfig({
    sinks: { s: collector("s", seen) },
    loggers: [{ category: "t", sinks: ["s"] }],
  }, async () => {
    await assert.rejects(
      configure({ reset: true, sinks: {}, loggers: [{ category: "t", sinks: ["nope"] }] }),
      /Cannot configure logging: no sink named "nope"/,
    );
    await assert.rejects(
      configure({ reset: true, sinks: {}, loggers: [{ category: "t" }, { category: ["t"] }] }),
      /Cannot configure logging: category \["t"\] is configured twice/,
    );
    getLogger("t").info("still routed");
  });
  assert.deepEqual(seen, ["s:t:info:still routed"]);
});

Deno.test("configure() disposes the replaced sinks it does not reuse; reset() the rest", async () => {
  const disposed: string[] = [];
  const syncSink = Object.assign(() => {}, {
    [Symbol.dispose]: () => void disposed.push("sync"),
  });
  const asyncSink = Object.assign(() => {}, {
    [Symbol.asyncDispose]: async () => {
      await Promise.resolve();
      disposed.push("async");
    },
  });
  const kept = Object.assign(() => {}, { [Symbol.dispose]: () => void disposed.push("kept") });
  await configure({
    reset: true,
    sinks: { a: syncSink, b: asyncSink, k: kept },
    loggers: [{ category: "t", sinks: ["a", "b", "k"] }],
  });
  await configure({ reset: true, sinks: { k: kept }, loggers: [{ category: "t", sinks: ["k"] }] });
  assert.deepEqual(disposed, ["sync", "async"]);
  await reset();
  assert.deepEqual(disposed, ["sync", "async", "kept"]);
});

Deno.test("reset() throws what a sink's dispose threw, after disposing the others", async () => {
  const disposed: string[] = [];
  const failing = Object.assign(() => {}, {
    [Symbol.dispose]: () => {
      throw new Error("cannot close");
    },
  });
  const fine = Object.assign(() => {}, { [Symbol.dispose]: () => void disposed.push("fine") });
  await configure({ reset: true, sinks: { failing, fine }, loggers: [] });
  await assert.rejects(reset(), /cannot close/);
  assert.deepEqual(disposed, ["fine"]);
  assert.equal(isConfigured(), false);
});

Deno.test("a sink that throws is reported to the meta logger; other sinks still get the record", async () => {
  const seen: string[] = [];
  const meta: LogRecord[] = [];
  const broken: Sink = () => {
    throw new Error("disk on fire");
  };
  await withConfig({
    sinks: { broken, good: collector("good", seen), meta: (r) => void meta.push(r) },
    loggers: [
      { category: "openclaw", sinks: ["broken", "good"] },
      { category: META_CATEGORY, sinks: ["meta"], lowestLevel: "warning" },
    ],
  }, () => {
    getLogger(["openclaw"]).info("hello");
  });
  assert.deepEqual(seen, ["good:openclaw:info:hello"]);
  assert.equal(meta.length, 1);
  assert.equal(meta[0].level, "fatal");
  assert.deepEqual(meta[0].category, META_CATEGORY);
  assert.match(String(meta[0].message.join("")), /^Failed to emit a log record to sink broken: /);
});
