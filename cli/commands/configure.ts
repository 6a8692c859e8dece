/**
 * `openclaw configure [--section <s>]...`: the onboarding wizard on an existing setup, limited to
 * the sections named (workspace, model, gateway, channels, heartbeat, daemon, health; all when
 * none is). Same steps, diff and write as `onboard`; recorded as `wizard.lastRunCommand:
 * "configure"`. It needs a terminal; scripts use `onboard --non-interactive` or `config set`.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { ONBOARD_SECTIONS, type OnboardSection } from "../../lib/onboard/answers.ts";
import { act } from "../program.ts";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Returns the sections named by `--section` (repeatable, or comma-separated). */
export function parseSections(
  values: readonly string[] | undefined,
): Set<OnboardSection> | undefined {
  if (!values?.length) return undefined;
  const out = new Set<OnboardSection>();
  for (const raw of values.flatMap((v) => v.split(","))) {
    const name = raw.trim().toLowerCase();
    const known = ONBOARD_SECTIONS.find((s) => s === name);
    if (!known) {
      throw new OpenClawError("USAGE", `Invalid --section "${raw.trim()}"`, {
        exitCode: ExitCode.usage,
        hint: `Use one of: ${ONBOARD_SECTIONS.join(", ")}`,
      });
    }
    out.add(known);
  }
  return out;
}

/** Registers `configure`. */
export function register(program: CommandUnknownOpts): void {
  program.command("configure")
    .description(
      "Change parts of the setup with the wizard: workspace, model, gateway, channels, " +
        "heartbeat, daemon, health",
    )
    .option(
      "--section <section>",
      `Only this part (repeatable): ${ONBOARD_SECTIONS.join(", ")}`,
      collect,
    )
    .action(act(async (flags: { section?: string[] }) => {
      const sections = parseSections(flags.section);
      if (!Deno.stdin.isTerminal()) {
        throw new OpenClawError("USAGE", "configure needs an interactive terminal", {
          exitCode: ExitCode.usage,
          hint: "Script changes with: openclaw config set <path> <value>, or " +
            "openclaw onboard --non-interactive --accept-risk \u2026",
        });
      }
      const { runPrompts } = await import("./onboard_prompts.ts");
      return await runPrompts({ command: "configure", ...(sections ? { sections } : {}) });
    }));
}
