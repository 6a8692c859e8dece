/**
 * Cron end to end: a real gateway process, the real CLI, the fake model provider.
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox, runCli, type Sandbox, startGateway, waitUntil } from "../helpers.ts";
import { AGENT_TEST_TOKEN, agentConfig } from "./_agent_setup.ts";

const ENV = { OPENCLAW_GATEWAY_TOKEN: AGENT_TEST_TOKEN };

async function cli(sb: Sandbox, args: string[], env: Record<string, string> = {}) {
  return await runCli(sb, args, { env: { ...ENV, ...env } });
}

async function cliJson<T = Record<string, unknown>>(sb: Sandbox, args: string[]): Promise<T> {
  const r = await cli(sb, args);
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}

interface RunsPage {
  entries: { status: string; trigger?: string; errorReason?: string; runId?: string }[];
  total: number;
}

Deno.test({
  name: "cron add --every 1m --system-event, then cron run: cron runs --json shows the run",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({
      kind: "openai-completions",
      defaultTurn: { text: "HEARTBEAT_OK" },
    });
    await using _gw = await startGateway(sb, agentConfig(fake));

    const job = await cliJson<{ id: string; schedule: { everyMs: number; tz: string } }>(sb, [
      "cron",
      "add",
      "--name",
      "ping",
      "--every",
      "1m",
      "--system-event",
      "Check the build status",
    ]);
    assert.equal(job.schedule.everyMs, 60_000);
    assert.equal(job.schedule.tz, "UTC", "the host zone of the sandbox (TZ=UTC)");

    const run = await cliJson<{ ok: boolean; enqueued: boolean; runId: string }>(sb, [
      "cron",
      "run",
      job.id,
    ]);
    assert.deepEqual([run.ok, run.enqueued], [true, true]);

    const page = await waitUntil(async () => {
      const p = await cliJson<RunsPage>(sb, ["cron", "runs", "--id", job.id, "--json"]);
      return p.entries.length > 0 ? p : undefined;
    }, { message: "a run row" });
    assert.equal(page.entries[0].runId, run.runId);
    assert.deepEqual([page.entries[0].status, page.entries[0].trigger], ["ok", "manual"]);

    const human = await cli(sb, ["cron", "runs", "--id", job.id]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /ok\s+manual/);
  },
});

Deno.test({
  name: "cron list shows each job's time zone and its next run in that zone",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    await using _gw = await startGateway(sb, agentConfig(fake));
    await cliJson(sb, [
      "cron",
      "add",
      "--name",
      "standup",
      "--cron",
      "0 9 * * 1-5",
      "--tz",
      "America/New_York",
      "--system-event",
      "Stand-up",
      "--wake",
      "next-heartbeat",
    ]);
    const page = await cliJson<{ jobs: { tz: string; nextRunAt: string; nextRunAtMs: number }[] }>(
      sb,
      ["cron", "list", "--json"],
    );
    assert.equal(page.jobs.length, 1);
    assert.equal(page.jobs[0].tz, "America/New_York");
    assert.match(page.jobs[0].nextRunAt, /T09:00:00-0[45]:00$/);
    assert.equal(Date.parse(page.jobs[0].nextRunAt), page.jobs[0].nextRunAtMs);

    const human = await cli(sb, ["cron", "list"]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stdout,
      /standup\s+cron 0 9 \* \* 1-5\s+America\/New_York\s+\S+ 09:00 E[SD]T/,
    );
  },
});

Deno.test({
  name: "OPENCLAW_SKIP_CRON=1: cron status says the scheduler is disabled and cron run refuses",
  async fn() {
    await using sb = await makeSandbox({ env: { OPENCLAW_SKIP_CRON: "1" } });
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    await using _gw = await startGateway(sb, agentConfig(fake));
    const human = await cli(sb, ["cron", "status"]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^Scheduler: disabled \(OPENCLAW_SKIP_CRON=1\)$/m);
    const status = await cliJson(sb, ["cron", "status", "--json"]);
    assert.equal(status.enabled, false);

    const job = await cliJson<{ id: string }>(sb, [
      "cron",
      "add",
      "--every",
      "1h",
      "--system-event",
      "x",
    ]);
    const run = await cli(sb, ["cron", "run", job.id]);
    assert.equal(run.code, 1);
    assert.deepEqual(JSON.parse(run.stdout), { ok: true, ran: false, reason: "stopped" });
    const list = await cli(sb, ["cron", "list"]);
    assert.match(list.stdout, /Scheduler disabled \(OPENCLAW_SKIP_CRON=1\)/);

    const overallJson = await cliJson<
      { status: { subsystems: { cron: Record<string, unknown> } } }
    >(sb, ["status", "--json"]);
    assert.equal(overallJson.status.subsystems.cron.enabled, false);
    assert.equal(overallJson.status.subsystems.cron.disabledReason, "OPENCLAW_SKIP_CRON=1");
    const overall = await cli(sb, ["status"]);
    assert.match(
      overall.stdout,
      /Cron\s+scheduler disabled \(OPENCLAW_SKIP_CRON=1\); \d+ jobs kept/,
    );
  },
});

Deno.test({
  name: "kill -9 during a long agent turn, then restart: one interrupted row, no second run",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    fake.enqueue({ text: "the long report", delayMs: 60_000 });
    const config = agentConfig(fake);
    let gw = await startGateway(sb, config);
    try {
      const job = await cliJson<{ id: string }>(sb, [
        "cron",
        "add",
        "--name",
        "report",
        "--every",
        "1h",
        "--message",
        "Write the long report",
        "--session",
        "isolated",
      ]);
      const run = await cliJson<{ runId: string }>(sb, ["cron", "run", job.id]);
      await waitUntil(() => fake.requests.length === 1, { message: "the model call" });
      await gw.stop("SIGKILL");

      gw = await startGateway(sb, null);
      const page = await cliJson<RunsPage>(sb, ["cron", "runs", "--id", job.id, "--json"]);
      assert.equal(page.total, 1, JSON.stringify(page));
      assert.deepEqual(
        [page.entries[0].runId, page.entries[0].status, page.entries[0].errorReason],
        [run.runId, "error", "interrupted"],
      );
      const [listed] = (await cliJson<{ jobs: { id: string; status: string }[] }>(sb, [
        "cron",
        "list",
        "--json",
      ])).jobs;
      assert.deepEqual([listed.id, listed.status], [job.id, "error"]);
      // The restarted gateway does not run the slot again.
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(fake.requests.length, 1);
    } finally {
      await gw[Symbol.asyncDispose]();
    }
  },
});
