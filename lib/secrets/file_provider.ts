/**
 * The `file` provider: a JSON document whose values the ref ids point at (`mode: "json"`, ids are
 * absolute JSON pointers), or a file that is one secret (`mode: "singleValue"`, id `value`).
 *
 * @module
 */
import { expandHome, joinPath } from "../paths.ts";
import { readJsonPointer } from "./json_pointer.ts";
import { checkSecurePath } from "./_path_check.ts";
import { SecretProviderError } from "./_provider_error.ts";
import type { FileProviderConfig, IdOutcome, ProviderContext } from "./types.ts";

/** Largest secrets file read by default (1 MiB). */
export const DEFAULT_FILE_MAX_BYTES = 1024 * 1024;
/** How long a read may take by default. */
export const DEFAULT_FILE_TIMEOUT_MS = 5_000;
/** The only id a `singleValue` file provider answers. */
export const SINGLE_VALUE_ID = "value";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Returns the absolute path a file provider reads (`~` expanded, relative to `cwd`). */
export function fileProviderPath(
  config: Pick<FileProviderConfig, "path">,
  ctx: Pick<ProviderContext, "env" | "cwd">,
): string {
  const p = expandHome(config.path, ctx.env);
  return p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p) ? p : joinPath(ctx.cwd, p);
}

async function readPayload(path: string, config: FileProviderConfig): Promise<string> {
  const maxBytes = config.maxBytes ?? DEFAULT_FILE_MAX_BYTES;
  const timeoutMs = config.timeoutMs ?? DEFAULT_FILE_TIMEOUT_MS;
  let data: Uint8Array;
  try {
    if (Deno.statSync(path).size > maxBytes) {
      throw new SecretProviderError(`the file is larger than maxBytes (${maxBytes})`);
    }
    data = await Deno.readFile(path, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    if (err instanceof SecretProviderError) throw err;
    if (err instanceof DOMException && err.name === "TimeoutError") {
      throw new SecretProviderError(`reading the file timed out after ${timeoutMs} ms`);
    }
    throw new SecretProviderError(`cannot read the file: ${(err as Error).message}`);
  }
  if (data.byteLength > maxBytes) {
    throw new SecretProviderError(`the file is larger than maxBytes (${maxBytes})`);
  }
  return new TextDecoder().decode(data);
}

/**
 * Resolves file ids. Provider-wide problems (unsafe path, unreadable or malformed file) throw;
 * a pointer that finds nothing fails only its id.
 *
 * @throws {SecretProviderError} with the provider and file named.
 */
export async function resolveFileIds(
  ctx: ProviderContext,
  config: FileProviderConfig,
  ids: readonly string[],
): Promise<Map<string, IdOutcome>> {
  const path = fileProviderPath(config, ctx);
  const where = `file provider "${ctx.alias}" (${path})`;
  let text: string;
  try {
    const safePath = checkSecurePath({
      path,
      label: `secrets.providers.${ctx.alias}.path`,
      allowInsecurePath: config.allowInsecurePath,
      env: ctx.env,
    });
    text = await readPayload(safePath, config);
  } catch (err) {
    if (!(err instanceof SecretProviderError)) throw err;
    throw new SecretProviderError(`${where}: ${err.message}`, { hint: err.hint, cause: err });
  }
  const out = new Map<string, IdOutcome>();
  if (config.mode === "singleValue") {
    const value = text.replace(/\r?\n$/, "");
    for (const id of ids) {
      out.set(
        id,
        id === SINGLE_VALUE_ID ? { ok: true, value } : {
          ok: false,
          error: `${where} is a singleValue provider: the ref id must be "${SINGLE_VALUE_ID}"`,
          hint: `Set the ref's id to "${SINGLE_VALUE_ID}"`,
        },
      );
    }
    return out;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SecretProviderError(
      `${where}: the file is not valid JSON: ${(err as Error).message}`,
      {
        hint: 'Fix the JSON, or set mode: "singleValue" for a file holding one secret',
      },
    );
  }
  if (!isRecord(doc)) throw new SecretProviderError(`${where}: the file is not a JSON object`);
  for (const id of ids) {
    try {
      const hit = readJsonPointer(doc, id);
      out.set(
        id,
        hit.found ? { ok: true, value: hit.value } : {
          ok: false,
          error: `${where} has no value at "${id}"` +
            (hit.at === id ? "" : ` (nothing at "${hit.at}")`),
          hint: `Add the value at ${id} in ${path}`,
        },
      );
    } catch (err) {
      out.set(id, { ok: false, error: `${where}: ${(err as Error).message}` });
    }
  }
  return out;
}
