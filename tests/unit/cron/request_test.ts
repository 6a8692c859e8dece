import assert from "node:assert/strict";
import { buildCreateParams, buildPatch } from "../../../lib/cron/request.ts";

const NOW = Date.UTC(2026, 0, 5, 12);

Deno.test("cron add flags become stock's cron.add params", () => {
  assert.deepEqual(buildCreateParams({ every: "1m", systemEvent: "ping" }, NOW), {
    schedule: { kind: "every", everyMs: 60_000 },
    payload: { kind: "systemEvent", text: "ping" },
  });
  assert.deepEqual(
    buildCreateParams({
      name: "report",
      cron: "0 9 * * 1-5",
      tz: "America/New_York",
      message: "Write it",
      session: "isolated",
      deliver: true,
      channel: "telegram",
      to: "123",
      agent: "ops",
      catchUp: "all",
    }, NOW),
    {
      name: "report",
      schedule: { kind: "cron", expr: "0 9 * * 1-5", tz: "America/New_York" },
      payload: { kind: "agentTurn", message: "Write it" },
      agentId: "ops",
      sessionTarget: "isolated",
      delivery: { mode: "announce", channel: "telegram", to: "123" },
      catchUp: "all",
    },
  );
});

Deno.test("cron add --at takes an ISO time as is and a delay from now", () => {
  const iso = buildCreateParams(
    { at: "2026-03-09T09:00", tz: "Europe/Berlin", systemEvent: "x" },
    NOW,
  );
  assert.deepEqual(iso.schedule, { kind: "at", at: "2026-03-09T09:00", tz: "Europe/Berlin" });
  const delay = buildCreateParams({ at: "20m", systemEvent: "x" }, NOW);
  assert.deepEqual(delay.schedule, { kind: "at", at: "2026-01-05T12:20:00.000Z" });
});

Deno.test("cron add without a schedule or payload, or with two, is a usage error (exit 2)", () => {
  const usage = (flags: Parameters<typeof buildCreateParams>[0], pattern: RegExp) =>
    assert.throws(() => buildCreateParams(flags, NOW), (err) => {
      assert.match((err as Error).message, pattern);
      assert.equal((err as { exitCode?: number }).exitCode, 2);
      return true;
    });
  usage({ systemEvent: "x" }, /A schedule is required/);
  usage({ every: "1m" }, /A payload is required/);
  usage({ every: "1m", cron: "* * * * *", systemEvent: "x" }, /one of --at, --every or --cron/);
  usage({ every: "1m", message: "a", systemEvent: "b" }, /either --message or --system-event/);
  usage({ every: "1m", systemEvent: "x", catchUp: "some" }, /--catch-up must be one of/);
});

Deno.test("cron edit flags become a patch; --tz alone re-zones the current schedule", () => {
  assert.deepEqual(buildPatch({ disable: true }, NOW), { enabled: false });
  assert.deepEqual(
    buildPatch({ tz: "Asia/Tokyo" }, NOW, { kind: "cron", expr: "0 9 * * *", tz: "UTC" }),
    { schedule: { kind: "cron", expr: "0 9 * * *", tz: "Asia/Tokyo" } },
  );
  assert.deepEqual(buildPatch({ message: "new", deliver: false }, NOW), {
    payload: { kind: "agentTurn", message: "new" },
    delivery: { mode: "none" },
  });
  assert.throws(() => buildPatch({}, NOW), /Nothing to change/);
});
