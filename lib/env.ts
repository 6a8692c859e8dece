/**
 * Environment layering: the parent process wins, then `./.env`, then `<stateDir>/.env`, then the
 * config's `env` block. A variable that is already set is never overridden.
 *
 * @module
 */
import { type Env, joinPath } from "./paths.ts";

/** Where a variable came from. */
export type EnvSource = "process" | "cwd-dotenv" | "state-dotenv" | "config";

/** One layer of variables, lowest precedence last when passed to {@linkcode layerEnv}. */
export interface EnvLayer {
  source: EnvSource;
  vars: Readonly<Record<string, string>>;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A variable added by a layer, with where it came from. */
export interface LayeredVar {
  value: string;
  source: EnvSource;
}

/** Returns the variables `layers` add on top of `base`; earlier layers win, `base` always wins. */
export function layerEnv(base: Env, layers: readonly EnvLayer[]): Record<string, LayeredVar> {
  const added: Record<string, LayeredVar> = Object.create(null);
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.vars)) {
      if (!ENV_KEY.test(key) || base[key] !== undefined || key in added) continue;
      added[key] = { value, source: layer.source };
    }
  }
  return added;
}

// The line rule of npm dotenv 18's `parse()`, verbatim, so `.env` files read exactly as they did
// with the package (which is CommonJS: loading it started Deno's Node layer on every command).
// Group 1 is the key, group 2 the raw value.
const DOTENV_LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/my;
const NOT_SPACE = /\S/g;
const LINE_BREAK = /[\n\r\u2028\u2029]/g;
const isLineBreak = (c: string | undefined) =>
  c === "\n" || c === "\r" || c === "\u2028" || c === "\u2029";

/** The first offset at or after `from` where `^` matches in multiline mode, or -1. */
function lineStartFrom(text: string, from: number): number {
  if (from === 0 || isLineBreak(text[from - 1])) return from;
  LINE_BREAK.lastIndex = from;
  return LINE_BREAK.exec(text) ? LINE_BREAK.lastIndex : -1;
}

/**
 * `value.replace(/^(['"`])([\s\S]*)\1$/mg, "$2")` (dotenv's unquoting, where `^` and `$` also
 * match at U+2028/U+2029 inside a value) in linear time: at each line start that opens with a
 * quote, the greedy match runs to the last same quote that ends a line.
 */
function unquote(value: string): string {
  const last = new Map<string, number>();
  for (let e = value.length - 1; e >= 0; e--) {
    const c = value[e];
    if ((c === "'" || c === '"' || c === "`") && !last.has(c)) {
      if (e + 1 === value.length || isLineBreak(value[e + 1])) last.set(c, e);
    }
  }
  if (last.size === 0) return value;
  let out = "";
  let from = 0;
  for (let s = 0; s !== -1 && s < value.length; s = lineStartFrom(value, s + 1)) {
    const end = last.get(value[s]);
    if (end === undefined || end <= s) continue;
    out += value.slice(from, s) + value.slice(s + 1, end);
    from = s = end + 1;
  }
  return out + value.slice(from);
}

/**
 * Parses `.env` text into variables (no expansion, no side effects) by npm dotenv 18's rules:
 * `KEY=value` or `KEY: value`, an optional `export ` prefix, keys of word characters, `.` and
 * `-`; values trimmed; `#` starts a comment in an unquoted value; single, double or backtick
 * quotes around a value (which may span lines) are dropped, and in double quotes `\n` and `\r`
 * become a line break and a carriage return; CRLF and CR count as LF. A later key wins.
 *
 * Unlike the package's regex loop this runs in linear time on hostile input (a `.env` in the
 * current directory is read by every command): a line start whose attempt failed makes every
 * line start in the whitespace that follows it fail too (the rule opens with `^\s*`), so those
 * are skipped instead of rescanned.
 *
 * @param text The file's text.
 * @returns The variables, on a null-prototype object (so even `__proto__` is a plain key, as it
 *   was with the package under Deno, which has no `__proto__` accessor).
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const lines = text.replace(/\r\n?/g, "\n");
  for (let s = 0; s !== -1 && s <= lines.length;) {
    DOTENV_LINE.lastIndex = s;
    const m = DOTENV_LINE.exec(lines);
    if (!m) {
      NOT_SPACE.lastIndex = s;
      if (!NOT_SPACE.exec(lines)) break;
      s = lineStartFrom(lines, NOT_SPACE.lastIndex);
      continue;
    }
    s = lineStartFrom(lines, DOTENV_LINE.lastIndex);
    const raw = (m[2] ?? "").trim();
    let value = unquote(raw);
    if (raw[0] === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    out[m[1]] = value;
  }
  return out;
}

function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnvFile(Deno.readTextFileSync(path));
  } catch {
    // Missing, unreadable or a directory: there is nothing to load, and no command should fail
    // because of an optional file.
    return {};
  }
}

/**
 * Returns the variables of a config `env` block: inline string keys and `env.vars`, skipping
 * the `vars` and `shellEnv` keys themselves and anything that is not a string.
 */
export function configEnvVars(block: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (typeof block !== "object" || block === null || Array.isArray(block)) return out;
  const record = block as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    if (k !== "vars" && k !== "shellEnv" && typeof v === "string") out[k] = v;
  }
  const vars = record.vars;
  if (typeof vars === "object" && vars !== null && !Array.isArray(vars)) {
    for (const [k, v] of Object.entries(vars)) if (typeof v === "string" && !(k in out)) out[k] = v;
  }
  return out;
}

/**
 * Loads `./.env` and `<stateDir>/.env` into the process environment without overriding anything
 * already set, and returns what was added with its source.
 */
export function loadDotenvFiles(stateDir: string, cwd = Deno.cwd()): Record<string, LayeredVar> {
  const layers: EnvLayer[] = [
    { source: "cwd-dotenv", vars: readEnvFile(joinPath(cwd, ".env")) },
    { source: "state-dotenv", vars: readEnvFile(joinPath(stateDir, ".env")) },
  ];
  return applyLayers(layers);
}

/** Applies a config `env` block to the process environment without overriding anything. */
export function applyConfigEnv(block: unknown): Record<string, LayeredVar> {
  return applyLayers([{ source: "config", vars: configEnvVars(block) }]);
}

function applyLayers(layers: EnvLayer[]): Record<string, LayeredVar> {
  const added = layerEnv(Deno.env.toObject(), layers);
  for (const [k, v] of Object.entries(added)) Deno.env.set(k, v.value);
  return added;
}
