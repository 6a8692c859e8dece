import assert from "node:assert/strict";
import { writeFileAtomic } from "../../../lib/fs/atomic.ts";
import type { CatchUpPolicy } from "../../../lib/cron/types.ts";
import { makeHarness, slots } from "./_harness.ts";

const H = 3_600_000;
const at = (h: number, m = 0) => new Date(Date.UTC(2026, 0, 5, h, m)).toISOString();

Deno.test("kill -9 during a run, then restart: the slot is recorded as interrupted and never run again", async () => {
  await using h = await makeHarness();
  h.runner.script.push("hang");
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: H },
    payload: { kind: "agentTurn", message: "long report" },
  });
  await h.advance(H);
  assert.equal(h.runner.calls.length, 1);
  const claim = h.store().jobs[0].state.running;
  assert.equal(claim?.slotMs, Date.UTC(2026, 0, 5, 1), "the claim is on disk before the run");
  assert.deepEqual(h.rows(job.id), []);

  const h2 = h.restart(10 * 60_000); // killed; back ten minutes later
  assert.equal(h2.runner.calls.length, 0, "the interrupted slot is not run again");
  const [row] = h2.rows(job.id);
  assert.deepEqual(
    [row.status, row.errorReason, row.runId, row.runAtMs],
    ["error", "interrupted", claim?.runId, claim?.slotMs],
  );
  assert.match(row.error ?? "", /not retried/);
  const view = h2.engine.jobs.view(job.id);
  assert.equal(view.state.running, undefined);
  assert.equal(view.lastRunStatus, "error");
  assert.equal(view.nextRunAt, "2026-01-05T02:00:00+00:00");

  await h2.advance(H);
  assert.deepEqual(h2.runner.calls.map((c) => new Date(c.at).toISOString()), [at(2)]);
  const rows = h2.rows(job.id);
  assert.deepEqual(slots(rows), [at(1), at(2)], "each slot has exactly one row");
  assert.deepEqual(rows.map((r) => r.status), ["error", "ok"]);
});

Deno.test("a crash after the run's row but before the claim was cleared keeps that row", async () => {
  await using h = await makeHarness();
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: H },
    payload: { kind: "systemEvent", text: "ping" },
  });
  await h.advance(H);
  const [done] = h.rows(job.id);
  assert.equal(done.status, "ok");
  // Put the claim back, as if the store write after the row never happened.
  const store = h.store();
  store.jobs[0].state.running = {
    runId: done.runId!,
    slotMs: done.runAtMs!,
    trigger: "schedule",
    attempt: 1,
    startedAtMs: done.startedAtMs!,
  };
  writeFileAtomic(h.settings.storePath, JSON.stringify(store));

  const h2 = h.restart();
  assert.equal(h2.runner.calls.length, 0);
  assert.deepEqual(h2.rows(job.id).map((r) => r.status), ["ok"], "no interrupted row added");
  assert.equal(h2.store().jobs[0].state.running, undefined);
});

Deno.test("a slot queued behind another run survives a kill -9 and runs once after the restart", async () => {
  await using h = await makeHarness({ cron: { maxConcurrentRuns: 1 } });
  h.runner.script.push("hang");
  const first = h.engine.add({
    name: "first",
    schedule: { kind: "at", at: at(1) },
    payload: { kind: "agentTurn", message: "slow" },
  });
  const second = h.engine.add({
    name: "second",
    schedule: { kind: "at", at: at(1) },
    payload: { kind: "systemEvent", text: "quick" },
  });
  await h.advance(H);
  assert.deepEqual(h.runner.calls.map((c) => c.jobId), [first.id]);
  assert.equal(h.store().jobs[1].state.queued?.length, 1, "the waiting slot is on disk");

  const h2 = h.restart(60_000);
  await h2.advance(60_000);
  assert.deepEqual(h2.runner.calls.map((c) => c.jobId), [second.id]);
  assert.deepEqual(h2.rows(first.id).map((r) => r.errorReason), ["interrupted"]);
  assert.deepEqual(h2.rows(second.id).map((r) => [r.status, r.runAtMs]), [
    ["ok", Date.UTC(2026, 0, 5, 1)],
  ]);
  assert.equal(h2.engine.jobs.find(second.id), undefined, "the one-shot was deleted");
  const stale = h2.engine.jobs.view(first.id);
  assert.equal(stale.enabled, false, "an interrupted one-shot stays, disabled, for cron run");
});

async function catchUp(policy: CatchUpPolicy) {
  const h = await makeHarness();
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: H },
    catchUp: policy,
    payload: { kind: "systemEvent", text: "hourly" },
  });
  await h.advance(H); // 01:00 runs
  const h2 = h.restart(5.5 * H); // down from 01:00 to 06:30: 02:00 … 06:00 missed
  await h2.advance(60_000, 60_000);
  const rows = h2.rows(job.id).slice(1);
  return { h, h2, job, rows };
}

Deno.test("catch-up none: every missed slot gets a skipped row and nothing runs", async () => {
  const { h, h2, job, rows } = await catchUp("none");
  await using _ = h;
  assert.equal(h2.runner.calls.length, 0);
  assert.deepEqual(slots(rows), [at(2), at(3), at(4), at(5), at(6)]);
  assert.ok(rows.every((r) => r.status === "skipped" && r.errorReason === "missed"));
  assert.equal(h2.engine.jobs.view(job.id).nextRunAt, "2026-01-05T07:00:00+00:00");
});

Deno.test("catch-up latest: the newest missed slot runs, the older ones are skipped", async () => {
  const { h, h2, rows } = await catchUp("latest");
  await using _ = h;
  assert.equal(h2.runner.calls.length, 1);
  assert.equal(h2.runner.calls[0].ctx.slotMs, Date.UTC(2026, 0, 5, 6));
  assert.deepEqual(rows.map((r) => [new Date(r.runAtMs!).toISOString(), r.status, r.trigger]), [
    [at(2), "skipped", "schedule"],
    [at(3), "skipped", "schedule"],
    [at(4), "skipped", "schedule"],
    [at(5), "skipped", "schedule"],
    [at(6), "ok", "catch-up"],
  ]);
});

Deno.test("catch-up all: every missed slot runs, oldest first, one at a time", async () => {
  const { h, h2, rows } = await catchUp("all");
  await using _ = h;
  assert.deepEqual(
    h2.runner.calls.map((c) => new Date(c.ctx.slotMs).toISOString()),
    [at(2), at(3), at(4), at(5), at(6)],
  );
  assert.ok(rows.every((r) => r.status === "ok" && r.trigger === "catch-up"));
});

Deno.test("a failed run is retried with backoff (30 s, then 60 s) until it succeeds", async () => {
  await using h = await makeHarness();
  h.runner.script.push({ error: "fetch failed" }, { error: "HTTP 503 overloaded" });
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: H },
    payload: { kind: "agentTurn", message: "report" },
  });
  await h.advance(H + 3 * 60_000, 10_000);
  assert.deepEqual(h.runner.calls.map((c) => [new Date(c.at).toISOString(), c.ctx.attempt]), [
    ["2026-01-05T01:00:00.000Z", 1],
    ["2026-01-05T01:00:30.000Z", 2],
    ["2026-01-05T01:01:30.000Z", 3],
  ]);
  const rows = h.rows(job.id);
  assert.deepEqual(rows.map((r) => [r.status, r.trigger, r.attempt, r.errorReason]), [
    ["error", "schedule", 1, "network"],
    ["error", "retry", 2, "overloaded"],
    ["ok", "retry", 3, undefined],
  ]);
  assert.equal(rows[0].retryAtMs, Date.UTC(2026, 0, 5, 1, 0, 30));
  assert.ok(rows.every((r) => r.runAtMs === Date.UTC(2026, 0, 5, 1)), "all for the 01:00 slot");
  assert.equal(h.engine.jobs.view(job.id).state.consecutiveErrors, 0);
});

Deno.test("a one-shot that keeps failing is retried, then kept disabled with its error", async () => {
  await using h = await makeHarness({ cron: { retry: { maxAttempts: 2, backoffMs: [1_000] } } });
  h.runner.script.push({ error: "boom" }, { error: "boom" }, { error: "boom" });
  const job = h.engine.add({
    schedule: { kind: "at", at: at(0, 5) },
    payload: { kind: "systemEvent", text: "x" },
  });
  await h.advance(10 * 60_000, 1_000);
  assert.equal(h.runner.calls.length, 3);
  const view = h.engine.jobs.view(job.id);
  assert.deepEqual([view.enabled, view.lastRunStatus, view.lastRunError], [false, "error", "boom"]);
});

Deno.test("cron.retry.retryOn limits retries to the named error classes", async () => {
  await using h = await makeHarness({ cron: { retry: { retryOn: ["rate_limit"] } } });
  h.runner.script.push({ error: "model not found" });
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: H },
    payload: { kind: "systemEvent", text: "x" },
  });
  await h.advance(H + 5 * 60_000, 30_000);
  assert.equal(h.runner.calls.length, 1);
  assert.equal(h.rows(job.id)[0].retryAtMs, undefined);
});

Deno.test("a stop during a run records it as interrupted at once", async () => {
  await using h = await makeHarness();
  h.runner.script.push("hang");
  const job = h.engine.add({
    schedule: { kind: "at", at: at(0, 1) },
    payload: { kind: "agentTurn", message: "slow" },
  });
  await h.advance(60_000);
  h.engine.stop();
  assert.deepEqual(h.rows(job.id).map((r) => r.errorReason), ["interrupted"]);
  assert.equal(h.store().jobs[0].state.running, undefined);
});

Deno.test("a per-second job down for a day writes a bounded number of rows, one summarising the rest", async () => {
  await using h = await makeHarness();
  const job = h.engine.add({
    schedule: { kind: "every", everyMs: 1_000 },
    payload: { kind: "systemEvent", text: "tick" },
  });
  const h2 = h.restart(24 * H + 500);
  await h2.advance(0);
  const rows = h2.rows(job.id);
  assert.ok(rows.length <= 52, `${rows.length} rows`);
  assert.match(rows[0].summary ?? "", /^at least \d+ more slots from .* skipped \(missed\)$/);
  const ran = rows.filter((r) => r.status === "ok");
  assert.deepEqual(ran.map((r) => [r.trigger, r.runAtMs]), [["catch-up", Date.UTC(2026, 0, 6)]]);
});
