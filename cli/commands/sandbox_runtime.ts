/**
 * `openclaw sandbox list` and `openclaw sandbox recreate` (§2.15): the Docker containers of this
 * state directory, and removing them so they are recreated on next use.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { SandboxListEntry } from "../../lib/sandbox/manage.ts";
import { formatTable, printErr, printJson, printLine, style } from "../output.ts";
import { act } from "../program.ts";

interface ListFlags {
  browser?: boolean;
  json?: boolean;
}

interface RecreateFlags {
  all?: boolean;
  session?: string;
  agent?: string;
  browser?: boolean;
  force?: boolean;
  json?: boolean;
}

/** Registers `sandbox list` and `sandbox recreate` on the `sandbox` command. */
export function registerSandboxRuntimeCommands(sandbox: CommandUnknownOpts): void {
  sandbox
    .command("list")
    .description("List sandbox containers: status, config match, age, idle, session/agent")
    .option("--browser", "List the sandbox browser containers instead")
    .option("--json", "Print JSON")
    .action(act(async (flags: ListFlags) => {
      const [{ checkConfig }, { listSandboxes }, { resolveStateDir }] = await Promise.all([
        import("../../lib/config/load.ts"),
        import("../../lib/sandbox/manage.ts"),
        import("../../lib/paths.ts"),
      ]);
      // An invalid config must not hide the containers; it only makes "config match" unknown.
      const check = await checkConfig({ applyEnv: false });
      const scope = { stateDir: resolveStateDir(), config: check.valid ? check.config : undefined };
      const containers = flags.browser ? [] : await listSandboxes(scope);
      const browsers = flags.browser
        ? await (await import("../../lib/sandbox/browser_manage.ts")).listSandboxBrowsers(scope)
        : [];
      if (flags.json) {
        printJson({ containers, browsers });
        return;
      }
      if (!check.valid) printErr("warning: the config is invalid; config match is unknown");
      renderList(flags.browser ? browsers : containers);
    }));

  sandbox
    .command("recreate")
    .description("Remove sandbox containers; they are recreated on next use")
    .option("--all", "Every sandbox of this state directory")
    .option("--session <key>", "The sandbox of one session (session scope)")
    .option("--agent <id>", "The sandboxes of one agent")
    .option("--browser", "The sandbox browser containers instead")
    .option("--force", "Do not ask for confirmation")
    .option("--json", "Print JSON")
    .action(act(async (flags: RecreateFlags) => {
      const [{ recreateSandboxes }, { resolveStateDir }] = await Promise.all([
        import("../../lib/sandbox/manage.ts"),
        import("../../lib/paths.ts"),
      ]);
      const selector = { all: flags.all, session: flags.session, agent: flags.agent };
      const what = flags.all
        ? "every sandbox container"
        : flags.session !== undefined
        ? `the sandbox of session "${flags.session}"`
        : `the sandboxes of agent "${flags.agent}"`;
      if (!flags.force && !flags.json && Deno.stdin.isTerminal()) {
        if (!confirm(`Remove ${what}? Running commands in it are killed.`)) {
          printErr("Cancelled");
          return 1;
        }
      }
      const { removed } = flags.browser
        ? await (await import("../../lib/sandbox/browser_manage.ts")).recreateSandboxBrowsers(
          selector,
          { stateDir: resolveStateDir() },
        )
        : await recreateSandboxes(selector, { stateDir: resolveStateDir() });
      if (flags.json) {
        printJson({ ok: true, removed });
        return;
      }
      if (!removed.length) {
        printLine(`No sandbox container matched (${what}).`);
        return;
      }
      printLine(`Removed ${removed.length} container(s): ${removed.join(", ")}`);
      printLine(style.dim("They are recreated on next use."));
    }));
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return "-";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function renderList(rows: SandboxListEntry[]): void {
  if (!rows.length) {
    printLine("No sandbox containers.");
    return;
  }
  const table = [["CONTAINER", "STATUS", "CONFIG", "AGE", "IDLE", "SCOPE", "SESSION/AGENT"]];
  for (const r of rows) {
    const config = r.configMatch === undefined ? "?" : r.configMatch ? "match" : "stale";
    table.push([
      r.containerName,
      r.status,
      config,
      duration(r.ageMs),
      duration(r.idleMs),
      r.scope ?? "-",
      r.sessionKey ?? r.scopeKey ?? r.agentId ?? "-",
    ]);
  }
  printLine(formatTable(table));
  if (rows.some((r) => r.configMatch === false)) {
    printLine(style.dim("stale: the config changed; `openclaw sandbox recreate` applies it."));
  }
}
