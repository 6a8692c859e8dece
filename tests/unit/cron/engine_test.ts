import assert from "node:assert/strict";
import { makeHarness, slots } from "./_harness.ts";

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

Deno.test("a weekday 09:00 job in America/New_York runs at 09:00 local through a DST change", async () => {
  // Friday 6 March 2026, 00:00 UTC; US clocks go forward on Sunday 8 March.
  await using h = await makeHarness({ start: Date.UTC(2026, 2, 6) });
  const job = h.engine.add({
    name: "standup",
    schedule: { kind: "cron", expr: "0 9 * * 1-5", tz: "America/New_York" },
    payload: { kind: "systemEvent", text: "Stand-up in 5 minutes" },
  });
  assert.equal(job.tz, "America/New_York");
  assert.equal(job.nextRunAt, "2026-03-06T09:00:00-05:00");

  await h.advance(8 * 24 * H, H);

  assert.deepEqual(h.runner.calls.map((c) => iso(c.at)), [
    "2026-03-06T14:00:00.000Z", // Fri, EST (UTC-5)
    "2026-03-09T13:00:00.000Z", // Mon, EDT (UTC-4)
    "2026-03-10T13:00:00.000Z",
    "2026-03-11T13:00:00.000Z",
    "2026-03-12T13:00:00.000Z",
    "2026-03-13T13:00:00.000Z",
  ]);
  const rows = h.rows(job.id);
  assert.deepEqual(rows.map((r) => r.status), ["ok", "ok", "ok", "ok", "ok", "ok"]);
  assert.deepEqual(slots(rows), h.runner.calls.map((c) => iso(c.at)));
  assert.equal(h.engine.jobs.view(job.id).nextRunAt, "2026-03-16T09:00:00-04:00");
});

Deno.test("an at job in Asia/Tokyo runs once at its local time and is deleted after success", async () => {
  await using h = await makeHarness({ start: Date.UTC(2026, 0, 5) });
  const job = h.engine.add({
    schedule: { kind: "at", at: "2026-01-05T09:30", tz: "Asia/Tokyo" },
    payload: { kind: "systemEvent", text: "Take the medicine" },
  });
  assert.equal(job.deleteAfterRun, true);
  assert.equal(job.name, "Take the medicine");
  assert.equal(job.nextRunAt, "2026-01-05T09:30:00+09:00");

  await h.advance(2 * H);

  assert.deepEqual(h.runner.calls.map((c) => iso(c.at)), ["2026-01-05T00:30:00.000Z"]);
  assert.deepEqual(h.rows(job.id).map((r) => [r.status, r.trigger]), [["ok", "schedule"]]);
  assert.equal(h.engine.jobs.find(job.id), undefined);
  assert.deepEqual(h.store().jobs, []);
  assert.deepEqual(h.events.map((e) => e.action), ["added", "started", "finished", "removed"]);
});

Deno.test("an at job with deleteAfterRun false is kept, disabled, after it ran", async () => {
  await using h = await makeHarness();
  const job = h.engine.add({
    deleteAfterRun: false,
    schedule: { kind: "at", at: "2026-01-05T01:00:00Z" },
    payload: { kind: "systemEvent", text: "once" },
  });
  await h.advance(2 * H);
  const after = h.engine.jobs.view(job.id);
  assert.equal(after.enabled, false);
  assert.equal(after.lastRunStatus, "ok");
  assert.equal(after.nextRunAt, undefined);
});

Deno.test("an every job in Europe/Berlin runs on its grid and lists its next run in Berlin time", async () => {
  await using h = await makeHarness({ start: Date.UTC(2026, 6, 1, 10, 0) });
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: H, tz: "Europe/Berlin" },
    sessionTarget: "isolated",
    payload: { kind: "agentTurn", message: "Check the inbox" },
  });
  assert.equal(job.nextRunAt, "2026-07-01T13:00:00+02:00");
  assert.equal(job.sessionTarget, "isolated");
  await h.advance(3 * H + 1);
  assert.deepEqual(h.runner.calls.map((c) => [c.kind, iso(c.at)]), [
    ["agentTurn", "2026-07-01T11:00:00.000Z"],
    ["agentTurn", "2026-07-01T12:00:00.000Z"],
    ["agentTurn", "2026-07-01T13:00:00.000Z"],
  ]);
});

Deno.test("a job without a zone gets the configured user time zone, written into the store", async () => {
  await using h = await makeHarness({ userTimezone: "Asia/Shanghai" });
  const job = h.engine.add({
    schedule: { kind: "cron", expr: "30 8 * * *" },
    payload: { kind: "systemEvent", text: "morning" },
  });
  assert.equal(job.schedule.tz, "Asia/Shanghai");
  assert.equal(h.store().jobs[0].schedule.tz, "Asia/Shanghai");
  assert.equal(job.nextRunAt, "2026-01-05T08:30:00+08:00");
});

Deno.test("a slot that comes due while the job still runs is recorded as skipped", async () => {
  await using h = await makeHarness();
  h.runner.script.push("hang");
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: 60_000 },
    payload: { kind: "agentTurn", message: "slow" },
  });
  await h.advance(3 * 60_000, 60_000);
  assert.equal(h.runner.calls.length, 1);
  const rows = h.rows(job.id);
  assert.deepEqual(rows.map((r) => [r.status, r.errorReason]), [
    ["skipped", "already-running"],
    ["skipped", "already-running"],
  ]);
  assert.equal(h.engine.jobs.view(job.id).status, "running");
});

Deno.test("an agent turn past its timeoutSeconds ends as an error with reason timeout", async () => {
  await using h = await makeHarness();
  h.runner.script.push("hang");
  const job = h.engine.add({
    schedule: { kind: "at", at: "2026-01-05T00:01:00Z" },
    payload: { kind: "agentTurn", message: "slow", timeoutSeconds: 30 },
  });
  await h.advance(2 * 60_000, 10_000);
  const [row] = h.rows(job.id);
  assert.equal(row.status, "error");
  assert.equal(row.errorReason, "timeout");
  assert.match(row.error ?? "", /longer than 30 s/);
});

Deno.test("cron run runs a job now, outside its schedule, and the row says manual", async () => {
  await using h = await makeHarness();
  const job = h.engine.add({
    schedule: { kind: "cron", expr: "0 9 * * *", tz: "UTC" },
    payload: { kind: "systemEvent", text: "now please" },
  });
  const res = h.engine.run(job.id);
  assert.ok("enqueued" in res && res.enqueued);
  await h.advance(1_000, 1_000);
  const [row] = h.rows(job.id);
  assert.equal(row.runId, (res as { runId: string }).runId);
  assert.deepEqual([row.status, row.trigger], ["ok", "manual"]);
  assert.equal(h.engine.jobs.view(job.id).nextRunAt, "2026-01-05T09:00:00+00:00");
  assert.deepEqual(h.engine.run(job.id, "due"), { ok: true, ran: false, reason: "not-due" });
});

Deno.test("OPENCLAW_SKIP_CRON=1 disables the scheduler: status says why and nothing runs", async () => {
  await using h = await makeHarness({ env: { OPENCLAW_SKIP_CRON: "1" } });
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: 60_000 },
    payload: { kind: "systemEvent", text: "tick" },
  });
  await h.advance(5 * 60_000);
  assert.equal(h.runner.calls.length, 0);
  const status = h.engine.status();
  assert.equal(status.enabled, false);
  assert.equal(status.disabledReason, "OPENCLAW_SKIP_CRON=1");
  assert.deepEqual(h.engine.run(job.id), { ok: true, ran: false, reason: "stopped" });
});

Deno.test("cron.enabled false disables the scheduler and says so", async () => {
  await using h = await makeHarness({ cron: { enabled: false } });
  assert.equal(h.engine.status().disabledReason, "cron.enabled=false");
});

Deno.test("invalid jobs are refused with the rule they break", async () => {
  await using h = await makeHarness();
  assert.throws(
    () =>
      h.engine.add({
        schedule: { kind: "every", everyMs: 60_000 },
        sessionTarget: "isolated",
        payload: { kind: "systemEvent", text: "x" },
      }),
    /Cannot run a system event in an isolated session/,
  );
  assert.throws(
    () =>
      h.engine.add({
        schedule: { kind: "every", everyMs: 60_000 },
        sessionTarget: "main",
        payload: { kind: "agentTurn", message: "x" },
        delivery: { channel: "telegram", to: "123" },
      }),
    /Cannot deliver from a main-session job/,
  );
  assert.throws(
    () =>
      h.engine.add({
        schedule: { kind: "at", at: "2025-01-01T00:00:00Z" },
        payload: { kind: "systemEvent", text: "x" },
      }),
    /that time has passed/,
  );
});

Deno.test("cron.maxJobs bounds the store", async () => {
  await using h = await makeHarness({ cron: { maxJobs: 2 } });
  const add = () =>
    h.engine.add({
      schedule: { kind: "every", everyMs: 60_000 },
      payload: { kind: "systemEvent", text: "x" },
    });
  add();
  add();
  assert.throws(add, /the store holds 2 \(cron.maxJobs is 2\)/);
});

Deno.test("the run log keeps only the newest rows", async () => {
  await using h = await makeHarness({ cron: { runLog: { keepLines: 10 } } });
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: 60_000 },
    payload: { kind: "systemEvent", text: "x" },
  });
  await h.advance(30 * 60_000);
  const rows = h.rows(job.id);
  assert.ok(rows.length <= 10, `${rows.length} rows`);
  assert.equal(rows.at(-1)?.runAtMs, Date.UTC(2026, 0, 5, 0, 30));
});
