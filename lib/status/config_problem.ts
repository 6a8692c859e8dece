/**
 * How query commands word a config that does not parse while they still reach the gateway.
 *
 * @module
 */
import type { ConfigReadProblem } from "../config/read.ts";

/**
 * Returns the warning a command prints (to stderr) when it reached the gateway although the
 * config does not parse: what is wrong, that the gateway runs on its last good config, the fix.
 *
 * @param problem Why the config could not be read.
 * @returns One line for people.
 */
export function configProblemWarning(problem: ConfigReadProblem): string {
  return `config ${problem.file}: ${problem.summary} ` +
    `(the running gateway keeps its last good config). ${problem.fix}`;
}
