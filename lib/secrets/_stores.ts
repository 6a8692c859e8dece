/**
 * Writing a secret into a provider's store for `secrets configure`: a variable in a `.env` file
 * (env provider) or a value at a JSON pointer in a secrets file (file provider). Both files are
 * written atomically with mode 0600; an existing, different value is never overwritten.
 *
 * @module
 */
import { parseEnvFile } from "../env.ts";
import { OpenClawError } from "../errors.ts";
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { dirname } from "../paths.ts";
import { readJsonPointer, setJsonPointer } from "./json_pointer.ts";

function readOptional(path: string): string | undefined {
  try {
    if (Deno.lstatSync(path).isSymlink) {
      throw new OpenClawError("SECRET_STORE_UNSAFE", `Cannot write ${path}: it is a symlink`, {
        hint: "Replace the symlink with a regular file",
      });
    }
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

function quoteEnvValue(value: string): string | undefined {
  if (value.includes("\n") || value.includes("\r")) return undefined;
  for (const q of ["'", '"', "`"]) if (!value.includes(q)) return `${q}${value}${q}`;
  return undefined;
}

/**
 * Adds `NAME=value` to a `.env` file (created 0600). Returns false when it already holds exactly
 * that value.
 *
 * @throws {OpenClawError} `SECRET_STORE_CONFLICT` when the file sets NAME to something else;
 *   `SECRET_VALUE_UNSUPPORTED` for a value a `.env` file cannot hold exactly.
 */
export function addEnvFileVar(path: string, name: string, value: string): boolean {
  const text = readOptional(path) ?? "";
  const existing = parseEnvFile(text)[name];
  if (existing === value) return false;
  if (existing !== undefined) {
    throw new OpenClawError(
      "SECRET_STORE_CONFLICT",
      `Cannot store the secret as ${name}: ${path} already sets ${name} to another value`,
      { hint: "Pick another variable name (--id), or remove the old line first" },
    );
  }
  const quoted = quoteEnvValue(value);
  const next = (text === "" || text.endsWith("\n") ? text : text + "\n") + `${name}=${quoted}\n`;
  if (quoted === undefined || parseEnvFile(next)[name] !== value) {
    throw new OpenClawError(
      "SECRET_VALUE_UNSUPPORTED",
      `Cannot store this value in ${path}: a .env file cannot hold it exactly`,
      { hint: "Use the file provider instead (--provider file)" },
    );
  }
  ensureDir(dirname(path));
  writeFileAtomic(path, next, { mode: 0o600 });
  return true;
}

/**
 * Stores `value` at `pointer` in a JSON secrets file (created 0600, directory 0700). Returns
 * false when it already holds exactly that value.
 *
 * @throws {OpenClawError} `SECRET_STORE_CONFLICT` when the pointer holds another value;
 *   `SECRET_STORE_INVALID` when the file is not a JSON object.
 */
export function addJsonFileSecret(path: string, pointer: string, value: string): boolean {
  const text = readOptional(path);
  let doc: unknown = {};
  if (text !== undefined && text.trim() !== "") {
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new OpenClawError(
        "SECRET_STORE_INVALID",
        `Cannot update ${path}: it is not valid JSON (${(err as Error).message})`,
        { hint: "Fix the file, or choose another one with --file" },
      );
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
      throw new OpenClawError("SECRET_STORE_INVALID", `Cannot update ${path}: not a JSON object`);
    }
  }
  const hit = readJsonPointer(doc, pointer);
  if (hit.found && hit.value === value) return false;
  if (hit.found) {
    throw new OpenClawError(
      "SECRET_STORE_CONFLICT",
      `Cannot store the secret at ${pointer} in ${path}: it already holds another value`,
      { hint: "Pick another pointer (--pointer)" },
    );
  }
  const next = setJsonPointer(doc, pointer, value);
  ensureDir(dirname(path));
  writeFileAtomic(path, JSON.stringify(next, null, 2) + "\n", { mode: 0o600 });
  return true;
}
