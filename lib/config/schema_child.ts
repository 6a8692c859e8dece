/**
 * The child side of lib/config/schema_isolated.ts: main.ts imports this for
 * `__config-schema-child`. Reads one request as JSON from stdin -- validate a resolved config, or
 * give the config's JSON Schema -- and writes the answer as JSON to stdout. It is given no
 * permission but reading the program's own files.
 *
 * @module
 */
import { readBoundedText } from "../net/bounded_body.ts";
import { validateConfigObject } from "./load.ts";
import { configJsonSchema, configUiHints } from "./schema.ts";

/** Refuses input larger than any config the parent would send. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Answers the request on stdin; returns the exit code (0 when an answer was written). */
export async function serveSchemaChild(): Promise<number> {
  let request: { op?: unknown; config?: unknown };
  try {
    request = JSON.parse(await readBoundedText({ body: Deno.stdin.readable }, MAX_INPUT_BYTES));
  } catch {
    return 2;
  }
  if (typeof request !== "object" || request === null) return 2;
  let answer: unknown;
  if (request.op === "validate") answer = validateConfigObject(request.config);
  else if (request.op === "json-schema") {
    answer = { schema: configJsonSchema(), uiHints: configUiHints() };
  } else return 2;
  const bytes = new TextEncoder().encode(JSON.stringify(answer));
  for (let at = 0; at < bytes.byteLength;) at += await Deno.stdout.write(bytes.subarray(at));
  return 0;
}
