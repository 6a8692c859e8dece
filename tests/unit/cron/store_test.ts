import assert from "node:assert/strict";
import { isOpenClawError } from "../../../lib/errors.ts";
import { CronRunLog, parseRunLog } from "../../../lib/cron/run_log.ts";
import { loadJobs, saveJobs } from "../../../lib/cron/store.ts";
import type { CronRunLogEntry } from "../../../lib/cron/types.ts";
import { tempDir } from "../../helpers.ts";

const defaults = { defaultTimeZone: "Asia/Tokyo", defaultCatchUp: "latest" as const, now: 1_000 };

const row = (n: number): CronRunLogEntry => ({
  ts: n,
  jobId: "job-1",
  action: "finished",
  status: "ok",
  runAtMs: n,
});

Deno.test("loadJobs() reads stock's legacy rows, filling in the zone, and quarantines bad ones", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/cron/jobs.json`;
  await Deno.mkdir(`${dir.path}/cron`);
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      version: 1,
      jobs: [
        {
          id: "a",
          name: "legacy",
          schedule: { kind: "cron", expr: "0 9 * * *" },
          payload: { kind: "systemEvent", text: "hi" },
        },
        { id: "b", name: "broken", schedule: { kind: "weekly" }, payload: {} },
      ],
    }),
  );
  const loaded = loadJobs(path, defaults);
  assert.equal(loaded.jobs.length, 1);
  assert.equal(loaded.jobs[0].schedule.tz, "Asia/Tokyo");
  assert.equal(loaded.jobs[0].catchUp, "latest");
  assert.deepEqual(loaded.quarantined.map((q) => q.id), ["b"]);
  assert.equal(loaded.changed, true);
  const q = JSON.parse(await Deno.readTextFile(`${dir.path}/cron/jobs-quarantine.json`));
  assert.equal(q.rows[0].row.name, "broken");
});

Deno.test("loadJobs() refuses a store that is not JSON, naming the file, and changes nothing", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/jobs.json`;
  await Deno.writeTextFile(path, "{ jobs: [");
  assert.throws(() => loadJobs(path, defaults), (err) => {
    assert.ok(isOpenClawError(err, "CRON_STORE_INVALID"));
    assert.match((err as Error).message, /jobs\.json": not valid JSON/);
    return true;
  });
  assert.equal(await Deno.readTextFile(path), "{ jobs: [");
});

Deno.test("saveJobs() writes the store 0600 in a 0700 directory", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/cron/jobs.json`;
  saveJobs(path, []);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { version: 1, jobs: [] });
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(`${dir.path}/cron`)).mode! & 0o777, 0o700);
});

Deno.test("the run log skips a torn last line, and the next row is not swallowed by it", async () => {
  await using dir = await tempDir();
  const log = new CronRunLog(dir.path, { keepLines: 100, maxBytes: 1_000_000 });
  log.append(row(1));
  await Deno.writeTextFile(`${dir.path}/job-1.jsonl`, '{"ts":2,"jobId":"job-1","sta', {
    append: true,
  });
  const fresh = new CronRunLog(dir.path, { keepLines: 100, maxBytes: 1_000_000 });
  assert.deepEqual(fresh.read("job-1").map((r) => r.ts), [1]);
  fresh.append(row(3));
  assert.deepEqual(fresh.read("job-1").map((r) => r.ts), [1, 3]);
});

Deno.test("the run log is bounded by rows and bytes, keeping the newest", async () => {
  await using dir = await tempDir();
  const log = new CronRunLog(dir.path, { keepLines: 20, maxBytes: 1_000_000 });
  for (let i = 1; i <= 50; i++) log.append(row(i));
  const rows = log.read("job-1");
  assert.ok(rows.length <= 20);
  assert.equal(rows.at(-1)?.ts, 50);
  const small = new CronRunLog(`${dir.path}/b`, { keepLines: 1_000, maxBytes: 2_048 });
  for (let i = 1; i <= 200; i++) small.append({ ...row(i), summary: "x".repeat(50) });
  assert.ok((await Deno.stat(`${dir.path}/b/job-1.jsonl`)).size <= 2_048);
  assert.equal(small.read("job-1").at(-1)?.ts, 200);
});

Deno.test("parseRunLog() ignores lines that are not rows", () => {
  assert.deepEqual(parseRunLog('{"x":1}\nnot json\n{"ts":1,"jobId":"j","status":"ok"}\n'), [
    { ts: 1, jobId: "j", status: "ok" },
  ]);
});
