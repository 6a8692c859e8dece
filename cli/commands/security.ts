/**
 * `openclaw security` (being built; see issue 4).
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { act } from "../program.ts";

/** Registers `security`. */
export function register(program: CommandUnknownOpts): void {
  program.command("security").description("Not available yet").action(act(() => {
    throw new OpenClawError(
      "NOT_IMPLEMENTED",
      "openclaw security is not available in this build yet",
      {
        exitCode: ExitCode.failed,
      },
    );
  }));
}
