import assert from "node:assert/strict";
import type { Logger } from "../../../lib/log/mod.ts";
import {
  configureLogging,
  elapsedMs,
  getLogger,
  isLogEnabled,
  LevelGate,
} from "../../../lib/log/mod.ts";
import { withTempDir } from "./_helpers.ts";

Deno.test("isLogEnabled() treats a stand-in logger without isEnabledFor as off", () => {
  const standIn = { info() {}, warn() {} } as unknown as Logger;
  assert.equal(isLogEnabled(standIn, "debug"), false);
  assert.equal(isLogEnabled(undefined, "debug"), false);
});

Deno.test("LevelGate follows each configureLogging() and the dispose that ends it", async () => {
  await withTempDir(async (dir) => {
    const gate = new LevelGate(getLogger("gateway/rpc"));
    const options = { dir, env: {}, console: false } as const;
    const info = await configureLogging({ ...options, level: "info" });
    assert.deepEqual([gate.debug, gate.trace], [false, false]);
    // A hot reload of logging.level reconfigures; the same gate sees it.
    const debug = await configureLogging({ ...options, level: "debug" });
    assert.deepEqual([gate.debug, gate.trace], [true, false]);
    const trace = await configureLogging({ ...options, level: "trace" });
    assert.deepEqual([gate.debug, gate.trace], [true, true]);
    await trace.dispose();
    assert.deepEqual([gate.debug, gate.trace], [false, false]);
    await debug.dispose();
    await info.dispose();
  });
});

Deno.test("elapsedMs() returns the time since a performance.now() reading to 0.01 ms", () => {
  const ms = elapsedMs(performance.now() - 12.3456);
  assert.ok(ms >= 12.34 && ms < 1000, String(ms));
  assert.equal(Math.round(ms * 100) / 100, ms);
});
