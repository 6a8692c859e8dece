/**
 * What one heartbeat does, on a fake clock: HEARTBEAT.md, acks and alerts, visibility,
 * reasoning, the per-agent rule and wakes. Deliveries go through the real outbound to a fake
 * Telegram transport, so "never delivered" means zero platform sends.
 */
import assert from "node:assert/strict";
import { heartbeatHarness } from "./_harness.ts";

const MIN = 60_000;
const START = Date.UTC(2026, 0, 1, 12, 0);

/** A config with one heartbeat block on the defaults. */
function withHeartbeat(heartbeat: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { agents: { defaults: { heartbeat: { every: "30m", ...heartbeat } } }, ...extra };
}

const TELEGRAM = { target: "telegram", to: "12345678" };

Deno.test("an effectively empty HEARTBEAT.md skips every heartbeat without a model call", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat({ target: "none" }),
    heartbeatMd: "# Heartbeat Checklist\n\n<!-- nothing yet -->\n- \n* [ ]\n",
  });
  await h.advance(2 * 60 * MIN);
  assert.equal(h.turns.length, 0);
  assert.deepEqual(h.outcomes(), Array(4).fill("skipped:empty-heartbeat-file"));
});

Deno.test("a missing HEARTBEAT.md still runs the heartbeat (the model decides)", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat({ target: "none" }),
    heartbeatMd: null,
  });
  await h.advance(30 * MIN);
  assert.equal(h.turns.length, 1);
  assert.equal(h.turns[0].sessionKey, "agent:main:main");
  assert.match(h.turns[0].message, /HEARTBEAT_OK/);
  assert.deepEqual(h.outcomes(), ["ok-token"]);
});

Deno.test("HEARTBEAT.md goes to the turn; lightContext asks for no other bootstrap files", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat({ target: "none", lightContext: true }),
    heartbeatMd: "- check the backups\n",
  });
  await h.advance(30 * MIN);
  assert.equal(h.turns[0].lightContext, true);
  assert.match(h.turns[0].extraSystemPrompt ?? "", /HEARTBEAT\.md[\s\S]*check the backups/);
});

Deno.test("HEARTBEAT_OK is never delivered with showOk false, whatever its markup", async () => {
  const replies = ["HEARTBEAT_OK", "**HEARTBEAT_OK**", "All quiet. HEARTBEAT_OK", "NO_REPLY"];
  let i = 0;
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat(TELEGRAM),
    reply: () => replies[i++],
  });
  await h.advance(4 * 30 * MIN);
  assert.equal(h.turns.length, 4);
  assert.deepEqual(h.sends, []);
  assert.deepEqual(h.chats, []);
  assert.ok(h.events.every((e) => e.status === "ok-token" && e.silent === true));
  assert.ok(h.events.every((e) => e.indicatorType === "ok"));
});

Deno.test("HEARTBEAT_OK is delivered with showOk true (heartbeat block or channel override)", async () => {
  for (
    const config of [
      withHeartbeat({ ...TELEGRAM, showOk: true }),
      withHeartbeat(TELEGRAM, { channels: { telegram: { heartbeat: { showOk: true } } } }),
    ]
  ) {
    await using h = await heartbeatHarness({ start: START, config });
    await h.advance(30 * MIN);
    assert.deepEqual(h.sends.map((m) => [m.to, m.text]), [["12345678", "HEARTBEAT_OK"]]);
    assert.equal(h.events[0].status, "ok-token");
    assert.equal(h.events[0].silent, false);
  }
});

Deno.test("an alert is delivered to the target; a long one loses its trailing token", async () => {
  const long = `Disk /var is 97% full. ${"Details follow. ".repeat(25)}`.trim();
  const replies = ["Disk /var is 97% full.", `${long} HEARTBEAT_OK`];
  let i = 0;
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat(TELEGRAM),
    reply: () => replies[i++],
  });
  await h.advance(2 * 30 * MIN);
  assert.deepEqual(h.sends.map((m) => m.text), ["Disk /var is 97% full.", long]);
  assert.equal(h.events[0].status, "sent");
  assert.equal(h.events[0].indicatorType, "alert");
  assert.equal(h.events[0].channel, "telegram");
});

Deno.test("a short reply around HEARTBEAT_OK is an ack (within the 300-character budget)", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat(TELEGRAM),
    reply: () => "Checked the inbox, nothing urgent. HEARTBEAT_OK",
  });
  await h.advance(30 * MIN);
  assert.deepEqual(h.sends, []);
  assert.equal(h.events[0].status, "ok-token");
});

Deno.test("includeReasoning sends an extra message prefixed Reasoning:", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat({ ...TELEGRAM, includeReasoning: true }),
    reply: () => ({ text: "Your 3pm meeting moved.", reasoning: "The calendar changed." }),
  });
  await h.advance(30 * MIN);
  assert.deepEqual(h.sends.map((m) => m.text), [
    "Your 3pm meeting moved.",
    "Reasoning: The calendar changed.",
  ]);
});

Deno.test("without includeReasoning the reasoning stays private", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat(TELEGRAM),
    reply: () => ({ text: "Your 3pm meeting moved.", reasoning: "The calendar changed." }),
  });
  await h.advance(30 * MIN);
  assert.deepEqual(h.sends.map((m) => m.text), ["Your 3pm meeting moved."]);
});

Deno.test("target none runs the turn internally and delivers nothing", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat({ target: "none" }),
    reply: () => "Something needs attention",
  });
  await h.advance(30 * MIN);
  assert.equal(h.turns.length, 1);
  assert.deepEqual(h.sends, []);
  assert.equal(h.events[0].status, "skipped");
  assert.equal(h.events[0].reason, "target-none");
});

Deno.test("unreachable targets and all-off visibility skip before any model call", async () => {
  const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
    [{ target: "discord", to: "42" }, {}, "channel-not-connected"],
    [{ target: "last" }, {}, "no-last-target"],
    [
      TELEGRAM,
      {
        channels: {
          defaults: { heartbeat: { showOk: false, showAlerts: false, useIndicator: false } },
        },
      },
      "alerts-disabled",
    ],
  ];
  for (const [heartbeat, extra, reason] of cases) {
    await using h = await heartbeatHarness({
      start: START,
      config: withHeartbeat(heartbeat, extra),
    });
    await h.advance(30 * MIN);
    assert.equal(h.turns.length, 0, reason);
    assert.deepEqual(h.outcomes(), [`skipped:${reason}`]);
  }
});

Deno.test("showAlerts false still runs the turn but suppresses the alert", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat({ ...TELEGRAM, showAlerts: false }),
    reply: () => "Alert!",
  });
  await h.advance(30 * MIN);
  assert.equal(h.turns.length, 1);
  assert.deepEqual(h.sends, []);
  assert.deepEqual(h.outcomes(), ["skipped:alerts-hidden"]);
});

Deno.test("per-agent rule: once an agent has a heartbeat block, only those agents heartbeat", async () => {
  await using h = await heartbeatHarness({
    start: START,
    config: {
      agents: {
        defaults: { heartbeat: { every: "30m", target: "none" } },
        list: [
          { id: "main", default: true },
          { id: "ops", heartbeat: { every: "1h", prompt: "Check server status." } },
        ],
      },
    },
  });
  await h.advance(2 * 60 * MIN);
  assert.deepEqual(h.turns.map((t) => [t.agentId, t.message]), [
    ["ops", "Check server status."],
    ["ops", "Check server status."],
  ]);
});

Deno.test("a wake runs at once, outside active hours too, and concurrent wakes do not overlap", async () => {
  await using h = await heartbeatHarness({
    start: Date.UTC(2026, 0, 1, 3, 0),
    config: withHeartbeat({
      target: "none",
      activeHours: { start: "09:00", end: "17:00", timezone: "UTC" },
    }),
  });
  const [a, b] = await Promise.all([
    h.runner.wake({ reason: "wake" }),
    h.runner.wake({ reason: "wake" }),
  ]);
  assert.equal(a[0].status, "ok-token");
  assert.equal(b[0].status, "ok-token");
  assert.equal(h.turns.length, 2);
  assert.equal(h.events[0].trigger, "wake");
});

Deno.test("queued system events make a heartbeat run even with an empty HEARTBEAT.md", async () => {
  let pending = 0;
  await using h = await heartbeatHarness({
    start: START,
    config: withHeartbeat({ target: "none" }),
    heartbeatMd: "# nothing\n",
    pendingSystemEvents: () => pending,
  });
  await h.runner.wake({ reason: "wake" });
  assert.equal(h.turns.length, 0);
  pending = 1;
  await h.runner.wake({ reason: "wake" });
  assert.equal(h.turns.length, 1);
});
