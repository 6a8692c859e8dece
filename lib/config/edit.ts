/**
 * Editing JSON5 config text in place: the user's comments, quoting, key order and trailing
 * commas survive; only the touched value changes.
 *
 * @module
 */
import { JsonArrayNode, JsonObjectNode, JsonParser, type JsonValueNode } from "@croct/json5-parser";
import { ExitCode, OpenClawError } from "../errors.ts";
import { formatConfigPath, type PathSegment } from "./path.ts";

/** One change to make: store `value` at `path`, or remove what is there. */
export type ConfigEdit =
  | { op: "set"; path: readonly PathSegment[]; value: unknown }
  | { op: "unset"; path: readonly PathSegment[] };

// The CST library's value type is JSON; config values are JSON by construction (they come from
// JSON5 parsing), so this narrowing is safe.
type Json = Parameters<JsonObjectNode["set"]>[1];

function parseRoot(text: string, file: string): JsonObjectNode {
  const source = text.trim() === "" ? "{}\n" : text;
  try {
    return JsonParser.parse(source, JsonObjectNode);
  } catch (err) {
    throw new OpenClawError(
      "CONFIG_PARSE",
      `Cannot edit config "${file}": ${err instanceof Error ? err.message : err}`,
      {
        exitCode: ExitCode.config,
        hint: 'Fix the JSON5 syntax (the top level must be an object), or run "openclaw doctor"',
        cause: err,
      },
    );
  }
}

function nest(rest: readonly PathSegment[], value: unknown): unknown {
  let out = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const s = rest[i];
    out = typeof s === "number" ? (s === 0 ? [out] : { [String(s)]: out }) : { [s]: out };
  }
  return out;
}

function badIndex(path: readonly PathSegment[], i: number, length: number): OpenClawError {
  return new OpenClawError(
    "CONFIG_PATH_INVALID",
    `Cannot set ${formatConfigPath(path.slice(0, i + 1))}: the array has ${length} item(s)`,
    { exitCode: ExitCode.usage, hint: `Use an index from 0 to ${length} (${length} appends)` },
  );
}

function setIn(root: JsonObjectNode, path: readonly PathSegment[], value: unknown): void {
  let node: JsonValueNode = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (node instanceof JsonArrayNode && typeof seg === "number") {
      const len = node.elements.length;
      if (seg > len) throw badIndex(path, i, len);
      const child = seg < len ? node.get(seg) : undefined;
      if (last || !(child instanceof JsonObjectNode || child instanceof JsonArrayNode)) {
        const v = (last ? value : nest(path.slice(i + 1), value)) as Json;
        if (seg === len) node.push(v);
        else node.set(seg, v);
        return;
      }
      node = child;
      continue;
    }
    if (!(node instanceof JsonObjectNode)) return; // unreachable: parents are replaced below
    const key = String(seg);
    const child = node.has(key) ? node.get(key) : undefined;
    const descend = child instanceof JsonObjectNode ||
      (child instanceof JsonArrayNode && typeof path[i + 1] === "number");
    if (last || !descend) {
      node.set(key, (last ? value : nest(path.slice(i + 1), value)) as Json);
      return;
    }
    node = child;
  }
}

function unsetIn(root: JsonObjectNode, path: readonly PathSegment[]): boolean {
  let node: JsonValueNode = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (node instanceof JsonArrayNode && typeof seg === "number") {
      if (seg >= node.elements.length) return false;
      if (last) {
        node.delete(seg);
        return true;
      }
      node = node.get(seg);
    } else if (node instanceof JsonObjectNode) {
      const key = String(seg);
      if (!node.has(key)) return false;
      if (last) {
        node.delete(key);
        return true;
      }
      node = node.get(key);
    } else {
      return false;
    }
  }
  return false;
}

/** Result of {@linkcode applyConfigEdits}. */
export interface EditResult {
  text: string;
  /** Paths of `unset` edits that found nothing to remove. */
  missing: string[];
}

/**
 * Applies edits to JSON5 text and returns the new text, keeping everything else as written.
 *
 * @throws {OpenClawError} `CONFIG_PARSE` when the text is not a JSON5 object,
 *   `CONFIG_PATH_INVALID` for an array index past the end.
 */
export function applyConfigEdits(
  text: string,
  edits: readonly ConfigEdit[],
  file = "openclaw.json",
): EditResult {
  const root = parseRoot(text, file);
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
    if (edit.op === "set") setIn(root, edit.path, edit.value);
    else if (!unsetIn(root, edit.path)) missing.push(formatConfigPath(edit.path));
  }
  let out = root.toString();
  if (edits.some((e) => e.op === "unset")) out = realignClosers(text, out);
  if (text.trim() === "" || (text.endsWith("\n") && !out.endsWith("\n"))) out += "\n";
  return { text: out, missing };
}

const CLOSER_LINE = /^([ \t]*)([}\]],?)[ \t]*$/;

/**
 * Puts a closing bracket that an edit left mis-indented back under the line that opened it.
 * The CST editor leaves the old last entry's indentation in front of the closer when it removes
 * the last key after a nested block; a closer at the same depth as the line before it (which is
 * not its opener) only happens that way, so well-formatted lines are never touched.
 */
function realignClosers(before: string, text: string): string {
  if (text === before) return text;
  const lines = text.split("\n");
  const opener = matchClosers(text);
  let changed = false;
  for (let i = 1; i < lines.length; i++) {
    const m = CLOSER_LINE.exec(lines[i]);
    const from = opener.get(i);
    if (!m || from === undefined || from === i) continue;
    let prev = i - 1;
    while (prev >= 0 && lines[prev].trim() === "") prev--;
    if (prev < 0 || /[{[]\s*$/.test(lines[prev])) continue;
    const indent = m[1].length;
    const prevIndent = /^[ \t]*/.exec(lines[prev])![0].length;
    if (indent < prevIndent) continue;
    const want = /^[ \t]*/.exec(lines[from])![0];
    if (want !== m[1]) {
      lines[i] = want + lines[i].trimStart();
      changed = true;
    }
  }
  return changed ? lines.join("\n") : text;
}

/** Maps the line of each closing bracket to the line of its opening bracket (JSON5-aware). */
function matchClosers(text: string): Map<number, number> {
  const out = new Map<number, number>();
  const stack: number[] = [];
  let line = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === "\n") line++;
      }
    } else if (c === "/" && text[i + 1] === "/") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      for (i += 2; i < text.length && !(text[i] === "*" && text[i + 1] === "/"); i++) {
        if (text[i] === "\n") line++;
      }
      i++;
    } else if (c === "{" || c === "[") stack.push(line);
    else if ((c === "}" || c === "]") && stack.length) out.set(line, stack.pop()!);
  }
  return out;
}
