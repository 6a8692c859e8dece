/**
 * The child side of lib/config/schema_isolated.ts: main.ts imports this for
 * `__config-schema-child`. Reads one request as JSON from stdin -- validate a resolved config, or
 * give the config's JSON Schema -- and writes the answer as JSON to stdout. It is given no
 * permission but reading the program's own files.
 *
 * @module
 */
import { validateConfigObject } from "./load.ts";
import { configJsonSchema, configUiHints } from "./schema.ts";

/** Refuses input larger than any config the parent would send. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Reads stdin to its end; undefined when it exceeds `max` bytes. */
async function readStdin(max: number): Promise<Uint8Array | undefined> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of Deno.stdin.readable) {
    size += chunk.byteLength;
    if (size > max) return undefined;
    parts.push(chunk);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return all;
}

/** Answers the request on stdin; returns the exit code (0 when an answer was written). */
export async function serveSchemaChild(): Promise<number> {
  const input = await readStdin(MAX_INPUT_BYTES);
  if (input === undefined) return 2;
  const request = JSON.parse(new TextDecoder().decode(input)) as { op?: unknown; config?: unknown };
  let answer: unknown;
  if (request.op === "validate") answer = validateConfigObject(request.config);
  else if (request.op === "json-schema") {
    answer = { schema: configJsonSchema(), uiHints: configUiHints() };
  } else return 2;
  const bytes = new TextEncoder().encode(JSON.stringify(answer));
  for (let at = 0; at < bytes.byteLength;) at += await Deno.stdout.write(bytes.subarray(at));
  return 0;
}
