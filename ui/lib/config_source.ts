/**
 * Checks for the config source editor, run before anything is sent: JSON5 syntax (with the
 * gateway's own parser, so line and column match what it would say), the schema by path, and
 * which changed paths will need a gateway restart (the gateway's reload table). Also explains
 * a refused write in plain words: a `baseHash` conflict or the 3-writes-per-60-s limit.
 *
 * @module
 */
import { classifyConfigPath, diffConfigPaths } from "../../lib/config/reload_rules.ts";
import { Json5SyntaxError } from "../../lib/json5/lexer.ts";
import { nodeValue, parseJson5 } from "../../lib/json5/tree.ts";
import { checkSchema, type JsonSchema, type SchemaIssue } from "./json_schema.ts";

/** Result of {@linkcode checkSource}. */
export interface SourceCheck {
  /** The parsed document, when the syntax is valid. */
  value?: unknown;
  syntax?: { message: string; line: number; column: number };
  issues: SchemaIssue[];
}

/** Parses `text` as JSON5 and checks it against the config schema. */
export function checkSource(text: string, schema: JsonSchema | undefined): SourceCheck {
  let value: unknown;
  try {
    value = nodeValue(parseJson5(text).root);
  } catch (err) {
    if (err instanceof Json5SyntaxError) {
      return { syntax: { message: err.message, line: err.line, column: err.column }, issues: [] };
    }
    return { syntax: { message: (err as Error).message, line: 0, column: 0 }, issues: [] };
  }
  return { value, issues: schema ? checkSchema(schema, value) : [] };
}

/** A changed config path and whether it needs a restart. */
export interface ChangedPath {
  path: string;
  restart: boolean;
}

/** The dotted paths that differ between two config objects, each classified. */
export function changedPaths(before: unknown, after: unknown): ChangedPath[] {
  return diffConfigPaths(before ?? {}, after ?? {}).map((path) => ({
    path,
    restart: classifyConfigPath(path).class === "restart",
  }));
}

/** A write error as the config panel explains it. */
export interface WriteProblem {
  message: string;
  /** The user should reload the config (someone else changed the file). */
  reload: boolean;
  /** Seconds until another write is allowed. */
  retryAfterS?: number;
}

/** Explains a refused `config.set|patch|apply`. */
export function explainWriteError(
  err: { message: string; code?: string; retryAfterMs?: number },
): WriteProblem {
  if (/base hash|changed since last load/i.test(err.message)) {
    return {
      message: "The config file changed since this page loaded it (the CLI, another browser, or " +
        "a hand edit). Nothing was written. Reload to see the current file, then make your change again.",
      reload: true,
    };
  }
  if (err.code === "UNAVAILABLE" && /rate limit/i.test(err.message)) {
    const s = Math.max(1, Math.ceil((err.retryAfterMs ?? 60_000) / 1000));
    return {
      message: `Config writes from the dashboard are limited to 3 per 60 seconds for each device ` +
        `and address, so a runaway page cannot restart the gateway in a loop. Nothing was ` +
        `written; try again in ${s} s.`,
      reload: false,
      retryAfterS: s,
    };
  }
  return { message: err.message, reload: false };
}
