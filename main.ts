/**
 * openclaw: the CLI and the Gateway in one program.
 *
 * `--version` is answered before anything else is imported, so it costs only Deno's start-up.
 *
 * @module
 */
import { VERSION } from "./lib/version.ts";

const VERSION_FLAGS = new Set(["-V", "-v", "--version"]);
const args = Deno.args;
if (
  args.some((a) => VERSION_FLAGS.has(a)) &&
  args.every((a) => VERSION_FLAGS.has(a) || a === "--no-color" || a === "--dev")
) {
  console.log(VERSION);
  Deno.exit(0);
}

const { run } = await import("./cli/program.ts");
Deno.exit(await run(args));
