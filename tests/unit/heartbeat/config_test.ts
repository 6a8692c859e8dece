import assert from "node:assert/strict";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { parseDurationMs, resolveHeartbeatConfig } from "../../../lib/heartbeat/config.ts";

Deno.test("parseDurationMs() reads every unit, compounds, and bare numbers as minutes", () => {
  assert.equal(parseDurationMs("500ms"), 500);
  assert.equal(parseDurationMs("45s"), 45_000);
  assert.equal(parseDurationMs("30m"), 1_800_000);
  assert.equal(parseDurationMs("1h"), 3_600_000);
  assert.equal(parseDurationMs("1d"), 86_400_000);
  assert.equal(parseDurationMs("1.5h"), 5_400_000);
  assert.equal(parseDurationMs("1h30m"), 5_400_000);
  assert.equal(parseDurationMs(" 10 "), 600_000);
  assert.equal(parseDurationMs(5), 300_000);
  assert.equal(parseDurationMs("0m"), 0);
  assert.equal(parseDurationMs(2, "s"), 2_000);
  assert.equal(parseDurationMs("2", "ms"), 2);
});

Deno.test("parseDurationMs() gives null for anything that is not a duration", () => {
  for (const value of ["", "soon", "m", "1hh", "-5m", "1 h", "1H", null, undefined, {}, -1, NaN]) {
    assert.equal(parseDurationMs(value), null, JSON.stringify(value));
  }
});

Deno.test("resolveHeartbeatConfig() fills in defaults when nothing is configured", () => {
  const config = OpenClawConfigSchema.parse({});
  assert.deepEqual(resolveHeartbeatConfig(config, "main"), {
    enabled: true,
    every: "30m",
    everyMs: 1_800_000,
    target: "last",
    ackMaxChars: 300,
  });
});

Deno.test("resolveHeartbeatConfig() merges the agent's own block over agents.defaults", () => {
  const config = OpenClawConfigSchema.parse({
    agents: {
      defaults: { heartbeat: { every: "1h", prompt: "check in", target: "none" } },
      list: [{ id: "main" }, { id: "Ops", heartbeat: { every: "15m", ackMaxChars: 50 } }],
    },
  });
  assert.deepEqual(resolveHeartbeatConfig(config, "ops"), {
    enabled: true,
    every: "15m",
    everyMs: 900_000,
    prompt: "check in",
    target: "none",
    ackMaxChars: 50,
  });
  // Another agent sets its own heartbeat, so "main" (with none of its own) does not heartbeat.
  const main = resolveHeartbeatConfig(config, "main");
  assert.equal(main.enabled, false);
  assert.equal(main.every, "1h");
  assert.equal(main.everyMs, 3_600_000);
});

Deno.test("resolveHeartbeatConfig() reads the legacy agent block and bare-number intervals", () => {
  const config = OpenClawConfigSchema.parse({ agent: { heartbeat: { every: 45 } } });
  const hb = resolveHeartbeatConfig(config, "main");
  assert.equal(hb.every, "45m");
  assert.equal(hb.everyMs, 2_700_000);
  assert.equal(hb.enabled, true);
});

Deno.test("resolveHeartbeatConfig() disables a zero interval", () => {
  const config = OpenClawConfigSchema.parse({
    agents: { defaults: { heartbeat: { every: "0m" } } },
  });
  const hb = resolveHeartbeatConfig(config, "main");
  assert.equal(hb.enabled, false);
  assert.equal(hb.everyMs, 0);
  assert.equal(hb.every, "0m");
});
