/**
 * `openclaw secrets` (being built; see issue 4).
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { act } from "../program.ts";

/** Registers `secrets`. */
export function register(program: CommandUnknownOpts): void {
  program.command("secrets").description("Not available yet").action(act(() => {
    throw new OpenClawError(
      "NOT_IMPLEMENTED",
      "openclaw secrets is not available in this build yet",
      {
        exitCode: ExitCode.failed,
      },
    );
  }));
}
