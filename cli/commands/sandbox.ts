/**
 * `openclaw sandbox`: the sandbox runtimes and the effective tool policy.
 *
 * `explain` is registered here; the runtime sub-commands (`list`, `recreate`) are registered by
 * their own functions next to it so each stays independent.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { formatTable, printJson, printLine, style } from "../output.ts";
import { act } from "../program.ts";
import { registerSandboxRuntimeCommands } from "./sandbox_runtime.ts";

interface ExplainFlags {
  agent?: string;
  session?: string;
  json?: boolean;
}

/** Registers `sandbox` and its sub-commands. */
export function register(program: CommandUnknownOpts): void {
  const sandbox = program
    .command("sandbox")
    .description("Sandbox runtimes and the effective tool policy");
  registerExplain(sandbox);
  registerSandboxRuntimeCommands(sandbox);
}

/** Registers `sandbox explain`. */
export function registerExplain(sandbox: CommandUnknownOpts): void {
  sandbox
    .command("explain")
    .description("Show where a session's tools run, which tools it may use, and what to change")
    .option("--agent <id>", "Agent id (default: the default agent)")
    .option("--session <key>", "Session key (default: the agent's main session)")
    .option("--json", "Print JSON")
    .action(act(async (flags: ExplainFlags) => {
      const [{ loadConfig }, { explainSandbox }] = await Promise.all([
        import("../../lib/config/load.ts"),
        import("../../lib/tools/explain.ts"),
      ]);
      const { config } = await loadConfig();
      const report = explainSandbox(config, { agentId: flags.agent, sessionKey: flags.session });
      if (flags.json) {
        printJson(report);
        return;
      }
      renderExplain(report);
    }));
}

type Report = ReturnType<typeof import("../../lib/tools/explain.ts").explainSandbox>;

function renderExplain(r: Report): void {
  const sb = r.sandbox;
  const main = r.sessionKey.toLowerCase() === r.mainSessionKey ? " (main session)" : "";
  printLine(`${style.bold("Agent:")} ${r.agentId}`);
  printLine(`${style.bold("Session:")} ${r.sessionKey}${main}`);
  printLine(
    `${
      style.bold("Sandbox:")
    } mode ${sb.mode}, scope ${sb.scope}, workspace access ${sb.workspaceAccess}`,
  );
  const where = sb.sessionIsSandboxed ? style.yellow("sandboxed") : style.green("host");
  printLine(`  This session runs: ${where} (${sb.reason})`);
  const allow = sb.tools.allow;
  if (allow) {
    printLine(
      `  Sandbox allow (${allow.key}${allow.source === "default" ? ", default" : ""}): ${
        allow.entries.join(", ")
      }`,
    );
  }
  for (const deny of sb.tools.deny ?? []) {
    printLine(
      `  Sandbox deny (${deny.key}${deny.source === "default" ? ", default" : ""}): ${
        deny.entries.join(", ")
      }`,
    );
  }
  printLine();
  printLine(
    `${style.bold(`Tools allowed (${r.tools.allowed.length}):`)} ${
      r.tools.allowed.join(", ") || "none"
    }`,
  );
  if (r.tools.unavailable.length > 0) {
    printLine(
      `${style.bold(`Not in this runtime (${r.tools.unavailable.length}):`)} ${
        r.tools.unavailable.join(", ")
      }`,
    );
  }
  if (r.tools.denied.length > 0) {
    printLine(style.bold(`Tools denied (${r.tools.denied.length}):`));
    printLine(
      formatTable(r.tools.denied.map((d) => [`  ${d.tool}`, d.reason, `\u2192 ${d.configKey}`])),
    );
  }
  printLine();
  const e = r.elevated;
  printLine(
    `${style.bold("Elevated exec:")} ${
      e.enabled ? style.green("enabled") : "disabled"
    } (${e.reason})`,
  );
  if (r.fixIt.length > 0) {
    printLine();
    printLine(style.bold("Config keys to change:"));
    for (const f of r.fixIt) printLine(`  ${f.key}: ${f.effect}`);
  }
}
