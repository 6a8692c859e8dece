/**
 * Config paths as people type them: `gateway.auth.token`, `agents.list[0].id`,
 * `channels["my.bot"].enabled`.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";

/** One step of a config path: an object key or an array index. */
export type PathSegment = string | number;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function invalidPath(path: string, why: string): OpenClawError {
  return new OpenClawError("CONFIG_PATH_INVALID", `Cannot parse config path "${path}": ${why}`, {
    exitCode: ExitCode.usage,
    hint: 'Use dots between keys and [N] for array items, e.g. "agents.list[0].id"',
  });
}

/**
 * Parses a dotted/bracketed path into segments.
 *
 * @throws {OpenClawError} `CONFIG_PATH_INVALID` for an empty segment, an unclosed bracket or a
 *   key that could pollute prototypes.
 */
export function parseConfigPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  const text = path.trim();
  if (text === "") throw invalidPath(path, "the path is empty");
  while (i < text.length) {
    if (text[i] === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) throw invalidPath(path, `unclosed "[" at ${i + 1}`);
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^(["']).*\1$/.test(inner)) segments.push(inner.slice(1, -1));
      else throw invalidPath(path, `"[${inner}]" is neither an index nor a quoted key`);
      i = close + 1;
      if (text[i] === ".") i++;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== "." && text[end] !== "[") end++;
    const key = text.slice(i, end);
    if (key === "") throw invalidPath(path, `empty key at ${i + 1}`);
    segments.push(/^\d+$/.test(key) ? Number(key) : key);
    i = end;
    if (text[i] === ".") {
      i++;
      if (i >= text.length) throw invalidPath(path, "it ends with a dot");
    }
  }
  for (const s of segments) {
    if (typeof s === "string" && FORBIDDEN_KEYS.has(s)) {
      throw invalidPath(path, `"${s}" is not allowed`);
    }
  }
  return segments;
}

/** Formats segments back into the canonical `a.b[0].c` form. */
export function formatConfigPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === "" ? "<root>" : out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Returns the value at `segments`, or `{ found: false }` when any step is missing. */
export function getAtPath(
  root: unknown,
  segments: readonly PathSegment[],
): { found: true; value: unknown } | { found: false } {
  let cur: unknown = root;
  for (const s of segments) {
    if (typeof s === "number" && Array.isArray(cur) && s < cur.length) cur = cur[s];
    else if (isRecord(cur) && Object.hasOwn(cur, String(s))) cur = cur[String(s)];
    else return { found: false };
  }
  return { found: true, value: cur };
}

/** Returns a copy of `root` with `value` stored at `segments`, creating objects on the way. */
export function setAtPath(
  root: unknown,
  segments: readonly PathSegment[],
  value: unknown,
): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments;
  if (typeof head === "number" && Array.isArray(root)) {
    const copy = root.slice();
    copy[head] = setAtPath(root[head], rest, value);
    return copy;
  }
  const base = isRecord(root) ? root : {};
  return { ...base, [String(head)]: setAtPath(base[String(head)], rest, value) };
}

/** Returns a copy of `root` without the value at `segments` (unchanged when absent). */
export function unsetAtPath(root: unknown, segments: readonly PathSegment[]): unknown {
  if (segments.length === 0) return undefined;
  const [head, ...rest] = segments;
  if (typeof head === "number" && Array.isArray(root)) {
    if (head >= root.length) return root;
    if (rest.length === 0) return root.filter((_, i) => i !== head);
    const copy = root.slice();
    copy[head] = unsetAtPath(root[head], rest);
    return copy;
  }
  if (!isRecord(root) || !Object.hasOwn(root, String(head))) return root;
  const copy = { ...root };
  if (rest.length === 0) delete copy[String(head)];
  else copy[String(head)] = unsetAtPath(root[String(head)], rest);
  return copy;
}
