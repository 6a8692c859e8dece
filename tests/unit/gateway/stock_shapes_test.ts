/**
 * The pure builders of stock's shapes (gateway/methods/stock_shapes.ts): session defaults, status
 * rows and sections, heartbeat rows, channel lines, and the session patch rules.
 */
import assert from "node:assert/strict";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import type { AnyFrame } from "../../fixtures/ws_client.ts";
import {
  channelSummaryLines,
  contextWindowOf,
  mergeHeartbeatRows,
  sessionDefaults,
  splitModelRef,
  statusSessionRow,
  stockStatusSections,
} from "../../../gateway/methods/stock_shapes.ts";
import { applySessionPatch, sessionsPatchScope } from "../../../gateway/methods/stock_sessions.ts";

const CONFIG = {
  models: { providers: { Fake: { models: [{ id: "m1", contextWindow: 32_000 }] } } },
  agents: { defaults: { model: "fake/m1", thinkingDefault: "low" } },
} as unknown as OpenClawConfig;

Deno.test("splitModelRef() splits at the first slash and keeps aliases whole", () => {
  assert.deepEqual(splitModelRef("openrouter/meta/llama"), {
    provider: "openrouter",
    model: "meta/llama",
  });
  assert.deepEqual(splitModelRef("opus"), { provider: null, model: "opus" });
  assert.deepEqual(splitModelRef(undefined), { provider: null, model: null });
});

Deno.test("contextWindowOf() reads the config, then the built-in catalog, else null", () => {
  assert.equal(contextWindowOf(CONFIG, "fake", "m1"), 32_000);
  assert.equal(contextWindowOf(CONFIG, "anthropic", "claude-opus-4-6"), 200_000);
  assert.equal(contextWindowOf(CONFIG, "fake", "m9"), null);
  assert.equal(contextWindowOf(CONFIG, "__proto__", "x"), null);
});

Deno.test("sessionDefaults() has every key of stock's GatewaySessionsDefaults", () => {
  assert.deepEqual(sessionDefaults(CONFIG), {
    modelProvider: "fake",
    model: "m1",
    contextTokens: 32_000,
    thinkingDefault: "low",
  });
  // An agent the config does not list falls back to the default chain instead of throwing.
  assert.equal(sessionDefaults({} as OpenClawConfig, "ghost").modelProvider, "anthropic");
});

Deno.test("statusSessionRow() fills stock's SessionStatus with nulls where unknown", () => {
  const defaults = sessionDefaults(CONFIG);
  const row = statusSessionRow({
    agentId: "main",
    key: "agent:main:telegram:group:42",
    entry: {
      sessionId: "s1",
      updatedAt: 1_000,
      totalTokens: 8_000,
      model: "m1",
      modelProvider: "fake",
    },
    now: 4_000,
    defaults,
    config: CONFIG,
  });
  assert.equal(row.kind, "group");
  assert.equal(row.age, 3_000);
  assert.equal(row.contextTokens, 32_000);
  assert.equal(row.remainingTokens, 24_000);
  assert.equal(row.percentUsed, 25);
  assert.equal(row.selectedModel, "m1");
  assert.deepEqual(row.flags, []);
  const bare = statusSessionRow({
    agentId: "main",
    key: "agent:main:main",
    entry: { sessionId: "s2", updatedAt: 5, abortedLastRun: true },
    now: 5,
    defaults: { modelProvider: null, model: null, contextTokens: null },
    config: {} as OpenClawConfig,
  });
  assert.equal(bare.totalTokens, null);
  assert.equal(bare.totalTokensFresh, false);
  assert.equal(bare.percentUsed, null);
  assert.deepEqual(bare.flags, ["aborted"]);
});

Deno.test("stockStatusSections() lists byAgent with paths, counts and the ten most recent", () => {
  const entries = Array.from(
    { length: 12 },
    (_, i) =>
      [`agent:main:s${i}`, { sessionId: `id${i}`, updatedAt: i }] as [
        string,
        { sessionId: string; updatedAt: number },
      ],
  );
  const out = stockStatusSections({
    config: CONFIG,
    version: "1.2.3",
    now: 100,
    defaultAgentId: "main",
    heartbeats: [{ agentId: "main", enabled: true, every: "30m", everyMs: 1_800_000 }],
    heartbeatExtras: { enabled: true },
    stores: [
      { agentId: "main", path: "/s/main.json", entries },
      { agentId: "ops", path: "/s/ops.json", entries: [] },
    ],
    channelSummary: ["Telegram: running"],
  }) as AnyFrame;
  assert.equal(out.runtimeVersion, "1.2.3");
  assert.deepEqual(out.heartbeat, {
    enabled: true,
    defaultAgentId: "main",
    agents: [{ agentId: "main", enabled: true, every: "30m", everyMs: 1_800_000 }],
  });
  assert.equal(out.sessions.count, 12);
  assert.deepEqual(out.sessions.paths, ["/s/main.json", "/s/ops.json"]);
  assert.deepEqual(out.sessions.defaults, { model: "m1", contextTokens: 32_000 });
  assert.equal(out.sessions.recent.length, 10);
  assert.equal(out.sessions.recent[0].key, "agent:main:s11");
  assert.deepEqual(out.sessions.byAgent.map((a: { count: number }) => a.count), [12, 0]);
  assert.deepEqual(out.sessions.byAgent[1].recent, []);
  assert.equal(out.tasks.byStatus.running, 0);
  assert.equal(out.taskAudit.byCode.lost, 0);
});

Deno.test("mergeHeartbeatRows() keeps every configured agent and adds our counters", () => {
  const rows = mergeHeartbeatRows(
    [
      { agentId: "main", enabled: true, every: "30m", everyMs: 1_800_000 },
      { agentId: "ops", enabled: false, every: "0", everyMs: 0 },
    ],
    [{ agentId: "main", scheduled: true, every: "ignored", today: { runs: 2 } } as never],
  );
  assert.deepEqual(rows[0], {
    agentId: "main",
    scheduled: true,
    every: "30m",
    today: { runs: 2 },
    enabled: true,
    everyMs: 1_800_000,
  });
  assert.deepEqual(rows[1], { agentId: "ops", enabled: false, every: "0", everyMs: 0 });
});

Deno.test("channelSummaryLines() says per channel whether it runs and why not", () => {
  assert.deepEqual(
    channelSummaryLines(
      {
        telegram: { connected: true },
        discord: { running: false, lastError: "token invalid" },
        qqbot: { enabled: false, lastError: "disabled" },
      },
      ["telegram", "discord", "qqbot"],
      { telegram: "Telegram", discord: "Discord" },
    ),
    ["Telegram: connected", "Discord: not running (token invalid)", "qqbot: disabled"],
  );
});

Deno.test("sessionsPatchScope() asks admin only for settings, write for organisation fields", () => {
  assert.equal(sessionsPatchScope({ key: "k", label: "x", pinned: true }), "operator.write");
  assert.equal(sessionsPatchScope({ key: "k", thinkingLevel: "high" }), "operator.admin");
  assert.equal(sessionsPatchScope({ key: "k", model: "a/b" }), "operator.admin");
});

Deno.test("applySessionPatch() sets values, removes nulls and keeps unknown fields", () => {
  const entry = { sessionId: "s", updatedAt: 1, label: "old", origin: { x: 1 } };
  assert.deepEqual(
    applySessionPatch(entry, { key: "k", label: null, pinned: true, thinkingLevel: "high" }),
    { sessionId: "s", updatedAt: 1, origin: { x: 1 }, pinned: true, thinkingLevel: "high" },
  );
  assert.equal(entry.label, "old", "the input entry is not changed");
});
