/**
 * The YAML frontmatter of a `SKILL.md`, read with the small subset skills use: `key: value`
 * mappings, nested blocks by indentation, `- item` lists, `[a, b]` / `{...}` flow values,
 * quoted strings and `|`/`>` block text. Anything else is reported with its line, which is what
 * doctor needs (a malformed header), without a YAML dependency.
 *
 * @module
 */
import { parseJson5Value } from "../../json5/parse.ts";

/** What {@linkcode parseFrontmatter} returns. */
export type FrontmatterResult =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: string };

interface Line {
  no: number;
  indent: number;
  text: string;
}

class FrontmatterError extends Error {}

function fail(line: Line, why: string): never {
  throw new FrontmatterError(`line ${line.no}: ${why}`);
}

function scalar(raw: string, line: Line): unknown {
  const v = raw.trim();
  if (v === "" || v === "~" || v === "null") return null;
  if (v === "true" || v === "false") return v === "true";
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v.startsWith("{") || v.startsWith("[") || v.startsWith('"')) {
    try {
      return parseJson5Value(v);
    } catch {
      // YAML allows bare words in a flow list (`[curl, jq]`), which JSON5 does not.
      const items = /^\[([^[\]{}]*)\]$/.exec(v)?.[1];
      if (items === undefined) fail(line, `cannot read the value ${v.slice(0, 40)}`);
      return items.trim() === "" ? [] : items.split(",").map((x) => scalar(x, line));
    }
  }
  if (v.startsWith("'")) {
    if (!v.endsWith("'") || v.length < 2) fail(line, "unterminated quoted string");
    return v.slice(1, -1).replaceAll("''", "'");
  }
  return v.replace(/\s+#.*$/, "");
}

/** Where a `key: value` line splits (the first `:` followed by a space or the end). */
function splitKey(text: string): [string, string] | undefined {
  const m = /^("[^"]*"|'[^']*'|[^\s:"'#][^:]*?)\s*:(?:\s+(.*))?$/.exec(text);
  if (!m) return undefined;
  return [m[1].replace(/^["']|["']$/g, ""), m[2] ?? ""];
}

function blockText(lines: Line[], at: number, indent: number, fold: boolean): [string, number] {
  const parts: string[] = [];
  let i = at;
  while (i < lines.length && (lines[i].indent > indent || lines[i].text === "")) {
    parts.push(lines[i].text);
    i++;
  }
  return [parts.join(fold ? " " : "\n").trim(), i];
}

/** Parses the block that starts at `at` with indentation `indent`; returns it and the next line. */
function parseBlock(lines: Line[], at: number, indent: number): [unknown, number] {
  const first = lines[at];
  if (first.text === "-" || first.text.startsWith("- ")) {
    const items: unknown[] = [];
    let i = at;
    while (i < lines.length && lines[i].indent === indent && /^-( |$)/.test(lines[i].text)) {
      const rest = lines[i].text.slice(1).trim();
      if (rest === "") {
        const next = lines[i + 1];
        if (next && next.indent > indent) {
          const [value, after] = parseBlock(lines, i + 1, next.indent);
          items.push(value);
          i = after;
        } else {
          items.push(null);
          i++;
        }
      } else if (splitKey(rest) && !/^["'[{]/.test(rest)) {
        // `- key: value` opens a mapping whose other keys sit under the first one.
        const inner = indent + 2;
        const copy = [...lines];
        copy[i] = { no: lines[i].no, indent: inner, text: rest };
        const [value, after] = parseBlock(copy, i, inner);
        items.push(value);
        i = after;
      } else {
        items.push(scalar(rest, lines[i]));
        i++;
      }
    }
    return [items, i];
  }
  const map: Record<string, unknown> = {};
  // defineProperty, not assignment: a "__proto__" key stays a key instead of a prototype.
  const put = (key: string, value: unknown) =>
    Object.defineProperty(map, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  let i = at;
  while (i < lines.length && lines[i].indent === indent) {
    const line = lines[i];
    const kv = splitKey(line.text);
    if (!kv) fail(line, `expected "key: value", found "${line.text.slice(0, 40)}"`);
    const [key, rest] = kv;
    if (Object.hasOwn(map, key)) fail(line, `"${key}" appears twice`);
    i++;
    if (/^[|>][+-]?$/.test(rest.trim())) {
      const [text, after] = blockText(lines, i, indent, rest.trim().startsWith(">"));
      put(key, text);
      i = after;
    } else if (rest.trim() === "" && i < lines.length && lines[i].indent > indent) {
      const [value, after] = parseBlock(lines, i, lines[i].indent);
      put(key, value);
      i = after;
    } else {
      put(key, scalar(rest, line));
    }
  }
  if (i < lines.length && lines[i].indent > indent) fail(lines[i], "unexpected indentation");
  return [map, i];
}

/**
 * Reads the frontmatter at the top of a `SKILL.md`.
 *
 * @param text The file's text.
 * @returns The header's fields, or why it is malformed (with the line number in the file).
 * @example
 * ```ts
 * parseFrontmatter("---\nname: notes\ndescription: Take notes\n---\n# Notes\n");
 * // { ok: true, data: { name: "notes", description: "Take notes" } }
 * ```
 */
export function parseFrontmatter(text: string): FrontmatterResult {
  const all = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (all[0]?.trim() !== "---") {
    return { ok: false, error: "no frontmatter (the file must start with a --- line)" };
  }
  const end = all.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  if (end < 0) return { ok: false, error: "the frontmatter has no closing --- line" };
  const lines: Line[] = [];
  for (let i = 1; i < end; i++) {
    const raw = all[i];
    if (/^\s*(#.*)?$/.test(raw)) continue;
    if (/^\s*\t/.test(raw)) return { ok: false, error: `line ${i + 1}: tabs are not allowed` };
    lines.push({ no: i + 1, indent: raw.length - raw.trimStart().length, text: raw.trim() });
  }
  if (!lines.length) return { ok: true, data: {} };
  try {
    const [value, next] = parseBlock(lines, 0, lines[0].indent);
    if (next < lines.length) fail(lines[next], "unexpected indentation");
    if (Array.isArray(value)) {
      return { ok: false, error: "the frontmatter must be key: value pairs" };
    }
    return { ok: true, data: value as Record<string, unknown> };
  } catch (err) {
    if (err instanceof FrontmatterError) return { ok: false, error: err.message };
    throw err;
  }
}
