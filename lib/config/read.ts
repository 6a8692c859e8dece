/**
 * Reading `openclaw.json`: the raw text and its hash, JSON5 parsing with positions, `$include`
 * and `${VAR}` substitution. No schema here, so `config get` stays fast and works on a config
 * that does not validate.
 *
 * @module
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { parseJson5Value } from "../json5/parse.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { dirname, type Env, joinPath, openclawCommand, processEnv } from "../paths.ts";
import { formatConfigPath, type PathSegment } from "./path.ts";

/** The config file as found on disk. */
export interface ConfigFile {
  path: string;
  exists: boolean;
  /** The file's text ("" when missing). */
  text: string;
  /** SHA-256 hex of the text, or `null` when the file does not exist. */
  hash: string | null;
}

/** Returns the SHA-256 hex digest of `text` (the `baseHash` of config RPCs). */
export function hashConfigText(text: string): Promise<string> {
  // lib/crypto's SHA-256, not WebCrypto: the first `crypto.subtle` call of a process costs
  // 1-3 ms, and every command that reads the config hashes it.
  return Promise.resolve(sha256Hex(text));
}

/**
 * Reads the config file; a missing file is not an error.
 *
 * @throws {OpenClawError} `CONFIG_UNREADABLE` when it exists but cannot be read.
 */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { path, exists: false, text: "", hash: null };
    throw new OpenClawError("CONFIG_UNREADABLE", `Cannot read config "${path}": ${err}`, {
      cause: err,
      hint: "Check the file's permissions",
    });
  }
  return { path, exists: true, text, hash: await hashConfigText(text) };
}

/**
 * Parses JSON5 text; an empty or whitespace-only file counts as `{}`.
 *
 * @throws {OpenClawError} `CONFIG_PARSE` with the line and column of the first error; its
 *   `details` are `{ file, line, column, reason }`.
 */
export function parseConfigText(text: string, path: string): unknown {
  if (text.trim() === "") return {};
  try {
    return parseJson5Value(text);
  } catch (err) {
    const e = err as { lineNumber?: number; columnNumber?: number; message?: string };
    const line = e.lineNumber || undefined;
    const column = line ? e.columnNumber : undefined;
    const where = line ? ` at line ${line}, column ${column}` : "";
    const why = String(e.message ?? err).replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "");
    throw new OpenClawError("CONFIG_PARSE", `Cannot parse config "${path}"${where}: ${why}`, {
      exitCode: ExitCode.config,
      hint: syntaxFix(path, line, column),
      // `file`, not `path`: callers read `details.path` as a path inside the config.
      details: { file: path, line, column, reason: why },
      cause: err,
    });
  }
}

/** A fix that works on a file that does not parse (`config set` needs it to parse first). */
function syntaxFix(file: string, line?: number, column?: number): string {
  const at = line ? `${file}:${line}:${column}` : file;
  return `Fix the JSON5 at ${at}, then run: ${openclawCommand("config validate")}`;
}

/** Why the config file could not be read as JSON5 (see {@linkcode describeConfigReadError}). */
export interface ConfigReadProblem {
  /** `syntax` (JSON5), `include` (an `$include` failed) or `unreadable` (permissions, ...). */
  kind: "syntax" | "include" | "unreadable";
  /** The file at fault: the config, or the `$include`d file that does not parse. */
  file: string;
  line?: number;
  column?: number;
  /** The parser's words, e.g. `invalid character ','`. */
  reason: string;
  /** One line for people: `syntax error at line 2, column 28: invalid character ','`. */
  summary: string;
  /** What to do, in a form that works on the broken file. */
  fix: string;
}

/**
 * Describes an error of {@linkcode readConfigFile}, {@linkcode parseConfigText} or
 * {@linkcode resolveIncludes} for status output.
 *
 * @param err What reading the config threw.
 * @param configPath The config file that was being read.
 * @returns The problem, or `undefined` for an error that is not about reading the file (for
 *   example a missing `${VAR}`, which leaves the file itself readable).
 */
export function describeConfigReadError(
  err: unknown,
  configPath: string,
): ConfigReadProblem | undefined {
  if (!(err instanceof OpenClawError)) return undefined;
  const validate = openclawCommand("config validate");
  switch (err.code) {
    case "CONFIG_PARSE": {
      const d = (err.details ?? {}) as {
        file?: string;
        line?: number;
        column?: number;
        reason?: string;
      };
      const file = d.file ?? configPath;
      const reason = d.reason ?? err.message;
      const where = d.line ? ` at line ${d.line}, column ${d.column}` : "";
      return {
        kind: "syntax",
        file,
        ...(d.line ? { line: d.line, column: d.column } : {}),
        reason,
        summary: `syntax error${where}${file === configPath ? "" : ` in ${file}`}: ${reason}`,
        fix: syntaxFix(file, d.line, d.column),
      };
    }
    case "CONFIG_INCLUDE":
      return {
        kind: "include",
        file: configPath,
        reason: err.message,
        summary: `include error: ${err.message}`,
        fix: `Fix the $include in ${configPath}, then run: ${validate}`,
      };
    case "CONFIG_UNREADABLE":
      return {
        kind: "unreadable",
        file: configPath,
        reason: err.message,
        summary: `unreadable: ${err.message}`,
        fix: `Make ${configPath} readable (chmod 600), then run: ${validate}`,
      };
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

const MAX_INCLUDE_DEPTH = 10;

function includeError(path: string, why: string): OpenClawError {
  return new OpenClawError("CONFIG_INCLUDE", `Cannot include "${path}": ${why}`, {
    exitCode: ExitCode.config,
    hint: "Check the $include paths in your config",
  });
}

function resolveIncludePath(ref: string, fromFile: string, rootDir: string): string {
  const target = ref.startsWith("/") ? ref : joinPath(dirname(fromFile), ref);
  const normalized = normalizePath(target);
  // Includes stay inside the config directory so a config cannot pull in arbitrary files.
  if (normalized !== rootDir && !normalized.startsWith(rootDir + "/")) {
    throw includeError(ref, `it is outside the config directory "${rootDir}"`);
  }
  return normalized;
}

function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

/**
 * Replaces every `$include` (a file, or a list of files deep-merged in order) with the file's
 * content; sibling keys override included values.
 *
 * @throws {OpenClawError} `CONFIG_INCLUDE` for missing files, parse errors, cycles, depth > 10
 *   or paths outside the config directory.
 */
export function resolveIncludes(value: unknown, configPath: string): unknown {
  const rootDir = normalizePath(
    dirname(configPath.startsWith("/") ? configPath : joinPath(Deno.cwd(), configPath)),
  );
  const walk = (v: unknown, file: string, stack: string[]): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, file, stack));
    if (!isRecord(v)) return v;
    let base: unknown = undefined;
    if ("$include" in v) {
      const refs = v.$include;
      const list = typeof refs === "string" ? [refs] : Array.isArray(refs) ? refs : null;
      if (!list || list.some((r) => typeof r !== "string")) {
        throw includeError(String(refs), "$include must be a path or a list of paths");
      }
      for (const ref of list as string[]) {
        const target = resolveIncludePath(ref, file, rootDir);
        if (stack.includes(target)) {
          throw includeError(ref, `include cycle (${[...stack, target].join(" -> ")})`);
        }
        if (stack.length >= MAX_INCLUDE_DEPTH) {
          throw includeError(ref, `more than ${MAX_INCLUDE_DEPTH} levels of $include`);
        }
        let text: string;
        try {
          text = Deno.readTextFileSync(target);
        } catch (err) {
          throw includeError(
            ref,
            err instanceof Deno.errors.NotFound ? "file not found" : String(err),
          );
        }
        const parsed = walk(parseConfigText(text, target), target, [...stack, target]);
        base = base === undefined ? parsed : deepMerge(base, parsed);
      }
    }
    const own: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== "$include") own[k] = walk(x, file, stack);
    return base === undefined ? own : deepMerge(base, own);
  };
  return walk(value, configPath, [configPath]);
}

const VAR_REF = /\$(\$?)\{([^}]*)\}/g;
const VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Replaces `${VAR}` in every string with the variable's value; `$${VAR}` stays as a literal
 * `${VAR}`.
 *
 * @throws {OpenClawError} `CONFIG_ENV_MISSING` naming the variable and the config path.
 */
export function substituteEnvVars(
  value: unknown,
  env: Env = processEnv(),
  at: PathSegment[] = [],
): unknown {
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    return value.replace(VAR_REF, (whole, escaped: string, name: string) => {
      if (escaped) return whole.slice(1);
      if (!VAR_NAME.test(name)) return whole;
      const v = env[name];
      if (v === undefined || v === "") {
        throw new OpenClawError(
          "CONFIG_ENV_MISSING",
          `Missing environment variable "${name}" referenced at ${formatConfigPath(at)}`,
          {
            exitCode: ExitCode.config,
            hint: `Set ${name} in the environment, ~/.openclaw/.env or the config "env" block`,
            details: { variable: name, path: formatConfigPath(at) },
          },
        );
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((x, i) => substituteEnvVars(x, env, [...at, i]));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) out[k] = substituteEnvVars(x, env, [...at, k]);
    return out;
  }
  return value;
}
