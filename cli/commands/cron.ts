/**
 * `openclaw cron`: scheduled jobs on the running gateway (RPC `cron.*`, stock's flags).
 *
 * - `cron list [--all] [--agent ID] [--json]` -- jobs with their schedule, time zone and next run
 *   in that zone; says so when the scheduler is disabled.
 * - `cron add --name N (--at T | --every D | --cron EXPR) [--tz ZONE] (--message M |
 *   --system-event T) [--session main|isolated] [--deliver --channel C --to X] [--agent ID]
 *   [--catch-up none|latest|all]` -- prints the job (JSON, as stock does).
 * - `cron edit <id> ...`, `cron rm <id>`, `cron enable|disable <id>`, `cron run <id> [--due]`
 *   -- print the gateway's answer (JSON).
 * - `cron runs --id <id> [--limit N] [--status S] [--json]` -- the job's run log, newest first.
 * - `cron status [--json]` -- the scheduler: on or off (and why), jobs, next wake.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { CronJobView } from "../../lib/cron/jobs.ts";
import type { CronJobFlags } from "../../lib/cron/request.ts";
import type { CronRunLogEntry } from "../../lib/cron/types.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import type { GatewayClient } from "../../lib/rpc/client.ts";
import { formatTable, printJson, printLine } from "../output.ts";
import { act } from "../program.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";

interface CronStatus {
  enabled: boolean;
  disabledReason?: string;
  jobs: number;
  enabledJobs?: number;
  running?: number;
  nextWakeAtMs: number | null;
  storePath?: string;
}

/** Runs `fn` on a connection to the running gateway as the CLI operator. */
async function session<T>(flags: RpcFlags, fn: (client: GatewayClient) => Promise<T>): Promise<T> {
  const { CLI_CLIENT, withGateway } = await import("../../lib/rpc/session.ts");
  return await withGateway(flags, CLI_CLIENT, timeoutMs(flags), (client) => fn(client));
}

function call<T>(flags: RpcFlags, method: string, params: unknown): Promise<T> {
  return session(flags, (client) => client.call<T>(method, params));
}

async function zones() {
  return await import("../../lib/cron/timezone.ts");
}

function disabledLine(status: CronStatus): string | undefined {
  return status.enabled
    ? undefined
    : `Scheduler disabled (${
      status.disabledReason ?? "unknown reason"
    }): jobs are kept but do not run.`;
}

async function listJobs(flags: RpcFlags & { all?: boolean; agent?: string }) {
  const [status, page] = await session(flags, async (client) =>
    [
      await client.call<CronStatus>("cron.status", {}),
      await client.call<{ jobs: CronJobView[]; total: number }>("cron.list", {
        includeDisabled: flags.all === true,
        ...(flags.agent ? { agentId: flags.agent } : {}),
        limit: 200,
      }),
    ] as const);
  if (flags.json) return printJson(page);
  const note = disabledLine(status);
  if (note) printLine(note);
  if (page.jobs.length === 0) {
    printLine(flags.all ? "No cron jobs." : "No enabled cron jobs (--all shows disabled ones).");
    return;
  }
  const { formatInZone } = await zones();
  const { describeSchedule } = await import("../../lib/cron/schedule.ts");
  const rows = page.jobs.map((j) => [
    j.id,
    j.name,
    describeSchedule(j.schedule),
    j.tz,
    j.nextRunAtMs !== undefined ? formatInZone(j.nextRunAtMs, j.tz) : "-",
    j.lastRunStatus ?? "-",
    j.status,
  ]);
  printLine(formatTable([["ID", "NAME", "SCHEDULE", "TZ", "NEXT RUN", "LAST", "STATUS"], ...rows]));
  if (page.total > page.jobs.length) printLine(`(${page.jobs.length} of ${page.total} shown)`);
}

/** Adds the flags `cron add` and `cron edit` share. */
function jobOptions<C extends CommandUnknownOpts>(cmd: C): C {
  cmd.option("--name <name>", "Job name")
    .option("--description <text>", "What the job is for")
    .option("--at <when>", "Run once: ISO time (2026-03-09T09:00) or a delay (20m)")
    .option("--every <duration>", "Run every interval (90s, 1h, 1d)")
    .option("--cron <expr>", 'Cron expression, 5 or 6 fields ("0 9 * * 1-5")')
    .option("--tz <zone>", "IANA time zone (default: agents.defaults.userTimezone, else host)")
    .option("--message <text>", "Payload: an agent turn with this message")
    .option("--system-event <text>", "Payload: a System: line for the main session")
    .option("--session <target>", "main | isolated (agent turns default to isolated)")
    .option("--agent <id>", "Agent that runs the job (default agent when absent)")
    .option("--wake <mode>", "System events: now | next-heartbeat (default now)")
    .option("--deliver", "Deliver the agent's reply (to --channel/--to, default last)")
    .option("--announce", "Same as --deliver")
    .option("--no-deliver", "Do not deliver the reply")
    .option("--channel <id>", "Delivery channel (last or a channel id)")
    .option("--to <dest>", "Delivery recipient")
    .option("--account <id>", "Delivery account")
    .option("--catch-up <policy>", "Slots missed while down: none | latest | all (default latest)")
    .option("--delete-after-run", "Delete a one-shot after it succeeds (default for --at)")
    .option("--keep-after-run", "Keep a one-shot (disabled) after it succeeds")
    .option("--model <ref>", "provider/model for the agent turn")
    .option("--thinking <level>", "Thinking level for the agent turn")
    .option("--timeout-seconds <n>", "Scheduler ceiling of an agent turn (0 = none)")
    .option("--light-context", "Agent turn without workspace bootstrap files");
  return cmd;
}

/** Prints a mutation's answer as JSON (stock) and maps "did nothing" to exit 1. */
function printResult(result: unknown, failed = false): number {
  printJson(result);
  return failed ? ExitCode.failed : ExitCode.ok;
}

async function addJob(flags: RpcFlags & CronJobFlags) {
  const { buildCreateParams } = await import("../../lib/cron/request.ts");
  const params = buildCreateParams(flags, Date.now());
  return printResult(await call<unknown>(flags, "cron.add", params));
}

type EditFlags = RpcFlags & CronJobFlags & {
  enable?: boolean;
  disable?: boolean;
  clearAgent?: boolean;
};

async function editJob(id: string, flags: EditFlags) {
  const { buildPatch } = await import("../../lib/cron/request.ts");
  const result = await session(flags, async (client) => {
    const needsSchedule = flags.tz && !flags.at && !flags.every && !flags.cron;
    const current = needsSchedule
      ? (await client.call<CronJobView>("cron.get", { id })).schedule
      : undefined;
    return await client.call<unknown>("cron.update", {
      id,
      patch: buildPatch(flags, Date.now(), current),
    });
  });
  return printResult(result);
}

function formatRow(r: CronRunLogEntry, tz: string, fmt: (ms: number, tz: string) => string) {
  const detail = r.status === "ok"
    ? [r.summary?.split("\n")[0].slice(0, 60), r.deliveryError && `delivery: ${r.deliveryError}`]
      .filter(Boolean).join(" · ")
    : `${r.errorReason ?? ""}${r.error ? `: ${r.error.split("\n")[0].slice(0, 80)}` : ""}${
      r.summary && r.status === "skipped" ? ` ${r.summary}` : ""
    }`;
  return [
    r.runAtMs !== undefined ? fmt(r.runAtMs, tz) : "-",
    r.status,
    r.trigger ?? "-",
    r.durationMs !== undefined ? `${r.durationMs} ms` : "-",
    detail || "-",
  ];
}

async function listRuns(
  flags: RpcFlags & {
    id?: string;
    limit?: string;
    offset?: string;
    status?: string;
    sort?: string;
  },
  positional?: string,
) {
  const id = flags.id ?? positional;
  if (!id) {
    throw new OpenClawError("USAGE", "A job id is required: cron runs --id <jobId>", {
      exitCode: ExitCode.usage,
    });
  }
  const limit = Number(flags.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new OpenClawError("USAGE", "--limit must be a whole number from 1 to 200", {
      exitCode: ExitCode.usage,
    });
  }
  const [page, job] = await session(flags, async (client) => {
    const p = await client.call<{ entries: CronRunLogEntry[]; total: number }>("cron.runs", {
      id,
      limit,
      ...(flags.offset ? { offset: Number(flags.offset) } : {}),
      ...(flags.status && flags.status !== "all" ? { status: flags.status } : {}),
      ...(flags.sort ? { sortDir: flags.sort } : {}),
    });
    // The job may be gone (a one-shot deleted after success); its runs are still shown.
    const j = await client.call<CronJobView>("cron.get", { id }).catch(() => undefined);
    return [p, j] as const;
  });
  if (flags.json) return printJson(page);
  const { formatInZone, hostTimeZone } = await zones();
  const tz = job?.tz ?? hostTimeZone();
  if (page.entries.length === 0) return printLine(`No runs recorded for job ${id}.`);
  printLine(
    formatTable([
      [`SLOT (${tz})`, "STATUS", "TRIGGER", "DURATION", "DETAIL"],
      ...page.entries.map((r) => formatRow(r, tz, formatInZone)),
    ]),
  );
  if (page.total > page.entries.length) {
    printLine(`(${page.entries.length} of ${page.total} shown; --limit and --offset page)`);
  }
}

async function showStatus(flags: RpcFlags) {
  const status = await call<CronStatus>(flags, "cron.status", {});
  if (flags.json) return printJson(status);
  const { hostTimeZone, formatInZone } = await zones();
  printLine(
    `Scheduler: ${
      status.enabled ? "enabled" : `disabled (${status.disabledReason ?? "unknown reason"})`
    }`,
  );
  printLine(
    `Jobs: ${status.jobs} (${status.enabledJobs ?? status.jobs} enabled), running: ${
      status.running ?? 0
    }`,
  );
  printLine(
    `Next wake: ${
      status.nextWakeAtMs === null ? "none" : formatInZone(status.nextWakeAtMs, hostTimeZone())
    }`,
  );
  if (status.storePath) printLine(`Store: ${status.storePath}`);
}

/** Registers `cron`. */
export function register(program: CommandUnknownOpts): void {
  const cron = program.command("cron").description("Scheduled jobs: list, add, edit, run, runs");

  addRpcOptions(
    cron.command("list").description("List jobs with their time zone and next run")
      .option("--all", "Include disabled jobs")
      .option("--agent <id>", "Only this agent's jobs"),
  ).action(act((flags: RpcFlags & { all?: boolean; agent?: string }) => listJobs(flags)));

  addRpcOptions(jobOptions(
    cron.command("add").alias("create").description("Add a job")
      .option("--disabled", "Create it disabled"),
  )).action(act((flags: RpcFlags & CronJobFlags) => addJob(flags)));

  addRpcOptions(jobOptions(
    cron.command("edit").argument("<id>").description("Change a job")
      .option("--enable", "Enable the job")
      .option("--disable", "Disable the job")
      .option("--clear-agent", "Run as the default agent"),
  )).action(act((id: string, flags: EditFlags) => editJob(id, flags)));

  addRpcOptions(cron.command("rm").alias("remove").argument("<id>").description("Remove a job"))
    .action(act(async (id: string, flags: RpcFlags) => {
      const result = await call<{ removed: boolean }>(flags, "cron.remove", { id });
      return printResult(result, !result.removed);
    }));

  for (const enabled of [true, false]) {
    addRpcOptions(
      cron.command(enabled ? "enable" : "disable").argument("<id>")
        .description(enabled ? "Enable a job (clears an auto-disable)" : "Disable a job"),
    ).action(
      act(async (id: string, flags: RpcFlags) =>
        printResult(await call<unknown>(flags, "cron.update", { id, patch: { enabled } }))
      ),
    );
  }

  addRpcOptions(
    cron.command("run").argument("<id>").description("Run a job now")
      .option("--due", "Only when it is due"),
  ).action(act(async (id: string, flags: RpcFlags & { due?: boolean }) => {
    const result = await call<{ enqueued?: boolean }>(flags, "cron.run", {
      id,
      mode: flags.due ? "due" : "force",
    });
    return printResult(result, result.enqueued !== true);
  }));

  addRpcOptions(
    cron.command("runs").argument("[id]").description("A job's run history, newest first")
      .option("--id <id>", "The job")
      .option("--limit <n>", "Rows (1-200)", "50")
      .option("--offset <n>", "Skip this many rows")
      .option("--status <status>", "all | ok | error | skipped")
      .option("--sort <dir>", "asc | desc (default desc)"),
  ).action(act((id: string | undefined, flags: RpcFlags & { id?: string }) => listRuns(flags, id)));

  addRpcOptions(cron.command("status").description("The scheduler: on or off, jobs, next wake"))
    .action(act((flags: RpcFlags) => showStatus(flags)));
}
