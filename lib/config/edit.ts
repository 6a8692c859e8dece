/**
 * Editing JSON5 config text in place: the user's comments, quoting, key order and trailing
 * commas survive; only the touched value changes. The splicing is lib/json5/edit.ts; this file
 * adds the config's errors (`CONFIG_PARSE`, `CONFIG_PATH_INVALID`) and the result shape.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";
import { ArrayIndexError, setAtPath, unsetAtPath } from "../json5/edit.ts";
import { parseJson5 } from "../json5/tree.ts";
import { formatConfigPath, type PathSegment } from "./path.ts";

/** One change to make: store `value` at `path`, or remove what is there. */
export type ConfigEdit =
  | { op: "set"; path: readonly PathSegment[]; value: unknown }
  | { op: "unset"; path: readonly PathSegment[] };

function parseError(file: string, why: string, cause?: unknown): OpenClawError {
  return new OpenClawError("CONFIG_PARSE", `Cannot edit config "${file}": ${why}`, {
    exitCode: ExitCode.config,
    hint: 'Fix the JSON5 syntax (the top level must be an object), or run "openclaw doctor"',
    cause,
  });
}

/** Checks that `text` is a JSON5 object before any edit, so errors name the user's file. */
function checkRoot(text: string, file: string): void {
  let kind: string;
  try {
    kind = parseJson5(text).root.kind;
  } catch (err) {
    throw parseError(file, err instanceof Error ? err.message : String(err), err);
  }
  if (kind !== "object") throw parseError(file, "the top level is not an object");
}

function badIndex(path: readonly PathSegment[], i: number, length: number): OpenClawError {
  return new OpenClawError(
    "CONFIG_PATH_INVALID",
    `Cannot set ${formatConfigPath(path.slice(0, i + 1))}: the array has ${length} item(s)`,
    { exitCode: ExitCode.usage, hint: `Use an index from 0 to ${length} (${length} appends)` },
  );
}

/** Result of {@linkcode applyConfigEdits}. */
export interface EditResult {
  text: string;
  /** Paths of `unset` edits that found nothing to remove. */
  missing: string[];
}

/**
 * Applies edits to JSON5 text and returns the new text, keeping everything else as written.
 * An unset keeps the comment at the end of the removed line (on a line of its own): the user
 * wrote it, and a migration that moves the value elsewhere should not lose it.
 *
 * @throws {OpenClawError} `CONFIG_PARSE` when the text is not a JSON5 object,
 *   `CONFIG_PATH_INVALID` for an empty path or an array index past the end.
 */
export function applyConfigEdits(
  text: string,
  edits: readonly ConfigEdit[],
  file = "openclaw.json",
): EditResult {
  let out = text.trim() === "" ? "{}\n" : text;
  checkRoot(out, file);
  const missing: string[] = [];
  for (const edit of edits) {
    if (edit.path.length === 0) {
      throw new OpenClawError(
        "CONFIG_PATH_INVALID",
        "Cannot edit the whole config through a path",
        {
          exitCode: ExitCode.usage,
          hint: "Name a key, e.g. gateway.port",
        },
      );
    }
    if (edit.op === "unset") {
      const next = unsetAtPath(out, edit.path, { keepTrailingComment: true });
      if (next === undefined) missing.push(formatConfigPath(edit.path));
      else out = next;
      continue;
    }
    try {
      out = setAtPath(out, edit.path, edit.value);
    } catch (err) {
      if (err instanceof ArrayIndexError) throw badIndex(edit.path, err.depth, err.length);
      throw err;
    }
  }
  if (text.endsWith("\n") && !out.endsWith("\n")) out += "\n";
  return { text: out, missing };
}
