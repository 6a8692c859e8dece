/**
 * Where a config stops being JSON5, as a line and column a person can jump to, and whether doctor
 * may touch the file: a config that does not parse is never rewritten.
 *
 * @module
 */
import { parseJson5Value } from "../json5/parse.ts";
import { OpenClawError } from "../errors.ts";
import type { ConfigSnapshot } from "./types.ts";

/** The first JSON5 syntax error of a text. */
export interface ConfigSyntaxError {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What the parser expected or found, e.g. `invalid character 'a'`. */
  message: string;
}

/**
 * Returns the first syntax error of `text`, or undefined when it parses (an empty or
 * whitespace-only file counts as `{}`, as the loader reads it).
 *
 * @example
 * ```ts
 * findConfigSyntaxError("{ a: 1\n  b: 2 }");
 * // { line: 2, column: 3, message: "invalid character 'b'" }
 * ```
 */
export function findConfigSyntaxError(text: string): ConfigSyntaxError | undefined {
  if (text.trim() === "") return undefined;
  try {
    parseJson5Value(text);
    return undefined;
  } catch (err) {
    const e = err as { lineNumber?: unknown; columnNumber?: unknown; message?: unknown };
    const line = typeof e.lineNumber === "number" ? e.lineNumber : 1;
    // json5 puts an unexpected line break at column 0 of the next line.
    const column = typeof e.columnNumber === "number" ? Math.max(1, e.columnNumber) : 1;
    const message = String(e.message ?? err).replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "");
    return { line, column, message };
  }
}

/** Formats a syntax error as doctor prints it: `syntax error at line L, column C: <message>`. */
export function formatSyntaxError(e: ConfigSyntaxError): string {
  return `syntax error at line ${e.line}, column ${e.column}: ${e.message}`;
}

/**
 * Why checks that read the config cannot run, or undefined when the config is usable (a missing
 * file is usable: checks see the defaults).
 */
export function configUnusable(snap: ConfigSnapshot): string | undefined {
  if (snap.syntaxError) return "Skipped: the config does not parse (see Config validity)";
  if (snap.readError) return "Skipped: the config cannot be read (see Config validity)";
  return undefined;
}

/**
 * Throws unless `text` parses, so a repair never replaces a file it could not read.
 *
 * @throws {OpenClawError} `CONFIG_PARSE` naming the file and the syntax error.
 */
export function assertConfigParses(text: string, path: string): void {
  const e = findConfigSyntaxError(text);
  if (!e) return;
  throw new OpenClawError(
    "CONFIG_PARSE",
    `Refusing to rewrite ${path}: ${formatSyntaxError(e)}`,
    { hint: "Fix the syntax error first, then run openclaw doctor --fix again" },
  );
}
