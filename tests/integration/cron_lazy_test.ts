/**
 * A real gateway started without cron jobs (its engine not loaded yet) and the real CLI: health
 * shows the idle scheduler, and the first `cron add` loads the engine and schedules the job.
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox, runCli, type Sandbox, startGateway, waitUntil } from "../helpers.ts";
import { AGENT_TEST_TOKEN, agentConfig } from "./_agent_setup.ts";

async function cliJson<T = Record<string, unknown>>(sb: Sandbox, args: string[]): Promise<T> {
  const r = await runCli(sb, args, { env: { OPENCLAW_GATEWAY_TOKEN: AGENT_TEST_TOKEN } });
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}

Deno.test({
  name: "cron add against a gateway started with no jobs: the job runs on its schedule",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({
      kind: "openai-completions",
      defaultTurn: { text: "HEARTBEAT_OK" },
    });
    await using _gw = await startGateway(sb, agentConfig(fake));

    const before = await cliJson<{ status: { subsystems: { cron: Record<string, unknown> } } }>(
      sb,
      ["status", "--json"],
    );
    const { status, enabled, jobs, running, nextWakeAtMs } = before.status.subsystems.cron;
    assert.deepEqual({ status, enabled, jobs, running, nextWakeAtMs }, {
      status: "running",
      enabled: true,
      jobs: 0,
      running: 0,
      nextWakeAtMs: null,
    });

    const job = await cliJson<{ id: string }>(sb, [
      "cron",
      "add",
      "--name",
      "tick",
      "--every",
      "1s",
      "--system-event",
      "Tick",
    ]);
    const page = await waitUntil(async () => {
      const p = await cliJson<{ entries: { status: string; trigger: string }[] }>(sb, [
        "cron",
        "runs",
        "--id",
        job.id,
        "--json",
      ]);
      return p.entries.length > 0 ? p : undefined;
    }, { message: "a scheduled run", timeoutMs: 20_000 });
    assert.deepEqual([page.entries[0].status, page.entries[0].trigger], ["ok", "schedule"]);
  },
});
