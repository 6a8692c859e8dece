/**
 * `openclaw setup`: create the state directory, config and workspace.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { openclawCommand, shortenHome } from "../../lib/paths.ts";
import { runSetup } from "../../lib/setup/first_run.ts";
import { printJson, printLine } from "../output.ts";
import { act } from "../program.ts";

/** Registers `setup`. */
export function register(program: CommandUnknownOpts): void {
  program.command("setup")
    .description("Create the state directory (0700), the config (0600) and the agent workspace")
    .option("--workspace <dir>", "Agent workspace directory")
    .option("--non-interactive", "Never prompt (setup never prompts; accepted for scripts)")
    .option("--json", "Print the result as JSON")
    .action(act(async (opts: { workspace?: string; json?: boolean }) => {
      const result = await runSetup({ workspace: opts.workspace });
      if (opts.json) {
        printJson({ ok: true, ...result });
        return;
      }
      printLine(`State dir: ${shortenHome(result.stateDir)}`);
      printLine(`Config:    ${shortenHome(result.configPath)}`);
      printLine(`Workspace: ${shortenHome(result.workspace)}`);
      if (result.created.length === 0 && result.configured.length === 0) {
        printLine("Nothing to do: everything was already set up.");
      }
      for (const p of result.created) printLine(`Created ${shortenHome(p)}`);
      for (const k of result.configured) printLine(`Set ${k}`);
      printLine(
        `Next: ${openclawCommand("gateway")}   (or install it as a service: ${
          openclawCommand("gateway install")
        })`,
      );
    }));
}
