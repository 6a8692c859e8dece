/**
 * Storing the wizard's secrets in `<stateDir>/.env`: add a variable, or replace its value when
 * the user entered a new key. The file is written atomically with mode 0600, every other line
 * stays as it was, and the result is read back before it replaces the old file.
 *
 * @module
 */
import { parseEnvFile } from "../env.ts";
import { OpenClawError } from "../errors.ts";
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { dirname } from "../paths.ts";

/** One variable to store. */
export interface EnvFileVar {
  name: string;
  value: string;
}

function readOptional(path: string): string {
  try {
    if (Deno.lstatSync(path).isSymlink) {
      throw new OpenClawError("SECRET_STORE_UNSAFE", `Cannot write ${path}: it is a symlink`, {
        hint: "Replace the symlink with a regular file",
      });
    }
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "";
    throw err;
  }
}

function quote(value: string): string | undefined {
  if (value.includes("\n") || value.includes("\r")) return undefined;
  for (const q of ["'", '"', "`"]) if (!value.includes(q)) return `${q}${value}${q}`;
  return undefined;
}

function definesName(line: string, name: string): boolean {
  const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
  return m !== null && m[1] === name;
}

/**
 * Returns `text` with each variable set: a new one is appended, an existing one has its line
 * replaced (later duplicates removed). Pure; {@linkcode writeEnvFileVars} checks the result.
 *
 * @example
 * ```ts
 * setEnvVars("A=1\n", [{ name: "B", value: "x" }]); // "A=1\nB='x'\n"
 * ```
 */
export function setEnvVars(text: string, vars: readonly EnvFileVar[]): string {
  let lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  for (const v of vars) {
    const line = `${v.name}=${quote(v.value) ?? v.value}`;
    const first = lines.findIndex((l) => definesName(l, v.name));
    if (first < 0) {
      lines.push(line);
      continue;
    }
    lines = lines.filter((l, i) => i <= first || !definesName(l, v.name));
    lines[first] = line;
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/**
 * Stores the variables in the `.env` file at `path` (created 0600, directory 0700). Returns the
 * names whose value changed.
 *
 * @throws {OpenClawError} `SECRET_VALUE_UNSUPPORTED` for a value a `.env` file cannot hold
 *   exactly, `SECRET_STORE_UNSAFE` when the file is a symlink, `SECRET_STORE_INVALID` when a
 *   definition spans several lines and cannot be replaced safely.
 */
export function writeEnvFileVars(path: string, vars: readonly EnvFileVar[]): string[] {
  const text = readOptional(path);
  const before = parseEnvFile(text);
  const changed = vars.filter((v) => before[v.name] !== v.value);
  if (changed.length === 0) return [];
  for (const v of changed) {
    if (quote(v.value) === undefined) {
      throw new OpenClawError(
        "SECRET_VALUE_UNSUPPORTED",
        `Cannot store ${v.name} in ${path}: a .env file cannot hold this value exactly`,
        { hint: "Use a value without quotes of every kind and without line breaks" },
      );
    }
  }
  const next = setEnvVars(text, changed);
  const after = parseEnvFile(next);
  const names = new Set(changed.map((v) => v.name));
  const intact = Object.keys(before).every((k) => names.has(k) || after[k] === before[k]) &&
    changed.every((v) => after[v.name] === v.value);
  if (!intact) {
    throw new OpenClawError(
      "SECRET_STORE_INVALID",
      `Cannot update ${path} safely: a variable there spans several lines`,
      { hint: `Remove the old ${[...names].join(", ")} lines by hand and retry` },
    );
  }
  ensureDir(dirname(path), 0o700);
  writeFileAtomic(path, next, { mode: 0o600 });
  return changed.map((v) => v.name);
}
