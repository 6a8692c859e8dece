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
// The gateway's short-lived config schema child (lib/config/schema_isolated.ts), run as this very
// program so it works from source, from the bundle and from a compiled binary alike.
if (args.length === 1 && args[0] === "__config-schema-child") {
  const { serveSchemaChild } = await import("./lib/config/schema_child.ts");
  Deno.exit(await serveSchemaChild());
}
if (
  args.some((a) => VERSION_FLAGS.has(a)) &&
  args.every((a) => VERSION_FLAGS.has(a) || a === "--no-color" || a === "--dev")
) {
  console.log(VERSION);
  Deno.exit(0);
}

const { run } = await import("./cli/program.ts");
Deno.exit(await run(args));
