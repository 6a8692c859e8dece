/**
 * The small parts of heartbeats: active-hours windows, the "effectively empty" rule, the system
 * event queue, settings resolution.
 */
import assert from "node:assert/strict";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import {
  isWithinActiveHours,
  nextWindowStart,
  parseActiveHours,
} from "../../../lib/heartbeat/active_hours.ts";
import { isHeartbeatContentEffectivelyEmpty } from "../../../lib/heartbeat/heartbeat_file.ts";
import { resolveHeartbeatSettings, resolveVisibility } from "../../../lib/heartbeat/settings.ts";
import {
  MAX_EVENTS_PER_SESSION,
  SystemEventQueue,
  withSystemLines,
} from "../../../lib/heartbeat/system_events.ts";

Deno.test("parseActiveHours() resolves user, local, IANA and invalid zones", () => {
  const hours = (timezone?: string) =>
    parseActiveHours({ start: "09:00", end: "24:00", timezone }, "Asia/Shanghai");
  assert.deepEqual(hours("Europe/Berlin"), {
    startMin: 540,
    endMin: 1440,
    timezone: "Europe/Berlin",
  });
  assert.equal(hours(undefined)?.timezone, "Asia/Shanghai");
  assert.equal(hours("user")?.timezone, "Asia/Shanghai");
  assert.equal(hours("Mars/Olympus")?.timezone, "Asia/Shanghai");
  assert.equal(parseActiveHours({ start: "24:00", end: "24:00" }, "UTC"), undefined);
});

Deno.test("isWithinActiveHours(): start inclusive, end exclusive, overnight, zero-width", () => {
  const day = { startMin: 540, endMin: 1320, timezone: "UTC" };
  assert.equal(isWithinActiveHours(Date.UTC(2026, 0, 1, 9, 0), day), true);
  assert.equal(isWithinActiveHours(Date.UTC(2026, 0, 1, 22, 0), day), false);
  const night = { startMin: 1320, endMin: 360, timezone: "UTC" };
  assert.equal(isWithinActiveHours(Date.UTC(2026, 0, 1, 23, 30), night), true);
  assert.equal(isWithinActiveHours(Date.UTC(2026, 0, 1, 5, 59), night), true);
  assert.equal(isWithinActiveHours(Date.UTC(2026, 0, 1, 6, 0), night), false);
  const empty = { startMin: 600, endMin: 600, timezone: "UTC" };
  assert.equal(isWithinActiveHours(Date.UTC(2026, 0, 1, 10, 0), empty), false);
  assert.equal(nextWindowStart(Date.UTC(2026, 0, 1), empty), null);
});

Deno.test("nextWindowStart() lands on the local start, after a DST gap on its first minute", () => {
  const berlin = { startMin: 9 * 60, endMin: 17 * 60, timezone: "Europe/Berlin" };
  // Summer: 09:00 CEST = 07:00 UTC.
  assert.equal(
    nextWindowStart(Date.UTC(2026, 5, 1, 20, 0), berlin),
    Date.UTC(2026, 5, 2, 7, 0),
  );
  // 02:30 does not exist in Berlin on 2026-03-29: the window opens at 03:00 CEST (01:00 UTC).
  const gap = { startMin: 150, endMin: 300, timezone: "Europe/Berlin" };
  assert.equal(nextWindowStart(Date.UTC(2026, 2, 28, 22, 0), gap), Date.UTC(2026, 2, 29, 1, 0));
});

Deno.test("isHeartbeatContentEffectivelyEmpty() ignores headings, comments, stubs and fences", () => {
  assert.equal(isHeartbeatContentEffectivelyEmpty(""), true);
  assert.equal(
    isHeartbeatContentEffectivelyEmpty(
      "# HEARTBEAT.md\n\n<!-- keep it short\n -->\n-\n* [x]\n```md\n```\n",
    ),
    true,
  );
  assert.equal(isHeartbeatContentEffectivelyEmpty("# Checklist\n- Quick scan: inbox"), false);
  assert.equal(isHeartbeatContentEffectivelyEmpty("PAUSED"), false);
});

Deno.test("SystemEventQueue keeps lines per session, bounded, and drains them once", () => {
  const q = new SystemEventQueue();
  for (let i = 0; i < MAX_EVENTS_PER_SESSION + 5; i++) {
    q.push({ ts: i, text: `event ${i}`, sessionKey: "agent:main:main", source: "test" });
  }
  q.push({ ts: 0, text: "same", sessionKey: "agent:ops:main", source: "test" });
  q.push({ ts: 1, text: "same", sessionKey: "agent:ops:main", source: "test" });
  assert.equal(q.count("agent:main:main"), MAX_EVENTS_PER_SESSION);
  assert.equal(q.count("agent:ops:main"), 1);
  const drained = q.drain("agent:main:main");
  assert.equal(drained[0].text, "event 5");
  assert.equal(q.count("agent:main:main"), 0);
  assert.equal(q.length, 1);
  assert.equal(
    withSystemLines([{ ts: 0, text: "Deploy\ndone", sessionKey: "k", source: "cron" }], "hi"),
    "System: Deploy done\n\nhi",
  );
});

Deno.test("resolveHeartbeatSettings() merges per-agent blocks; visibility overrides go account → channel", () => {
  const config = OpenClawConfigSchema.parse({
    agents: {
      defaults: { heartbeat: { every: "30m", target: "last", showOk: true } },
      list: [{ id: "main", default: true }, {
        id: "ops",
        heartbeat: { every: "1h", target: "telegram", to: "12345678" },
      }],
    },
    channels: {
      telegram: {
        heartbeat: { showOk: false },
        accounts: { work: { heartbeat: { showAlerts: false } } },
      },
    },
  });
  const ops = resolveHeartbeatSettings(config, "ops");
  assert.equal(ops.scheduled, true);
  assert.equal(ops.everyMs, 3_600_000);
  assert.deepEqual(ops.target, { channel: "telegram", to: "12345678" });
  assert.equal(resolveHeartbeatSettings(config, "main").scheduled, false);
  assert.deepEqual(resolveVisibility(config, ops), {
    showOk: true,
    showAlerts: true,
    useIndicator: true,
  });
  assert.deepEqual(resolveVisibility(config, ops, "telegram", "work"), {
    showOk: false,
    showAlerts: false,
    useIndicator: true,
  });
});
