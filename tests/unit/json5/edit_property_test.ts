/**
 * Property tests of the JSON5 lexer, parser and editor on generated documents (random key,
 * string and number spellings, comments and odd whitespace everywhere, both layouts): the tree
 * reads what npm json5 reads, and any sequence of `set`/`unset` edits gives text that npm json5
 * parses to exactly the expected value while every comment outside the replaced or removed text
 * is still there. Runs per property: `OPENCLAW_FUZZ_RUNS` (default 200); the seed is fixed
 * unless `OPENCLAW_FUZZ_SEED` is set.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import JSON5 from "json5";
import { ArrayIndexError, type PathKey, setAtPath, unsetAtPath } from "../../../lib/json5/edit.ts";
import { tokenize } from "../../../lib/json5/lexer.ts";
import {
  type Json5Node,
  memberIndex,
  nodeValue,
  parseJson5,
  type Span,
} from "../../../lib/json5/tree.ts";
import { json5Object, json5Value, KEYS, randomSource, renderJson5 } from "./_gen.ts";

const RUNS = Number(Deno.env.get("OPENCLAW_FUZZ_RUNS") ?? 200);
const SEED = Number(Deno.env.get("OPENCLAW_FUZZ_SEED") ?? 20250611);
const params = { numRuns: RUNS, seed: SEED };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isIndex = (s: PathKey): s is number => typeof s === "number";
const descends = (child: unknown, next: PathKey) =>
  isObj(child) || (Array.isArray(child) && typeof next === "number");

function nest(rest: readonly PathKey[], value: unknown): unknown {
  let out = value;
  for (let i = rest.length - 1; i >= 0; i--) out = rest[i] === 0 ? [out] : { [rest[i]]: out };
  return out;
}

/** The expected meaning of `set`, on plain values (the model the editor is checked against). */
function modelSet(root: Obj, path: readonly PathKey[], value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    const wanted = () => structuredClone(last ? value : nest(path.slice(i + 1), value));
    if (Array.isArray(node) && isIndex(seg)) {
      if (seg > node.length) throw new ArrayIndexError(i, node.length);
      if (last || !descends(node[seg], path[i + 1])) return void (node[seg] = wanted());
      node = node[seg];
      continue;
    }
    const obj = node as Obj;
    const key = String(seg);
    const child = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (last || !descends(child, path[i + 1])) return void (obj[key] = wanted());
    node = child;
  }
}

/** The expected meaning of `unset`: true when something was removed. */
function modelUnset(root: Obj, path: readonly PathKey[]): boolean {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (Array.isArray(node) && isIndex(seg)) {
      if (seg >= node.length) return false;
      if (last) return node.splice(seg, 1).length === 1;
      node = node[seg];
    } else if (isObj(node)) {
      const key = String(seg);
      if (!Object.hasOwn(node, key)) return false;
      if (last) return delete node[key];
      node = node[key];
    } else return false;
  }
  return false;
}

/**
 * A random path into `model`: existing keys and indexes, new keys, index length (or past it).
 * Paths for `unset` mostly end at something that is there.
 */
function randomPath(model: unknown, rnd: () => number, forUnset: boolean): PathKey[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const path: PathKey[] = [];
  let node = model;
  while (true) {
    const children: PathKey[] = isObj(node)
      ? Object.keys(node)
      : Array.isArray(node)
      ? node.map((_, i) => i)
      : [];
    if (path.length > 0 && rnd() < (forUnset ? 0.4 : 0.25)) return path;
    if (children.length > 0 && rnd() < (forUnset ? 0.95 : 0.75)) {
      const seg = pick(children);
      path.push(seg);
      node = (node as Record<PathKey, unknown>)[seg];
      continue;
    }
    if (path.length > 0 && forUnset && rnd() < 0.8) return path;
    if (Array.isArray(node)) path.push(node.length + (rnd() < 0.1 ? 1 : 0));
    else path.push(pick(KEYS));
    while (rnd() < 0.3) path.push(rnd() < 0.3 ? 0 : pick(KEYS));
    return path;
  }
}

/** The comments of a text, by their marker (`c12`). */
function comments(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tokenize(text)) {
    if (t.kind === "lineComment" || t.kind === "blockComment") {
      out.set(/c\d+/.exec(t.text)![0], t.start);
    }
  }
  return out;
}

function lineEndFrom(text: string, pos: number): number {
  const m = /[\n\r\u2028\u2029]/.exec(text.slice(pos));
  return m ? pos + m.index : text.length;
}

/** The text an edit may replace or remove (comments there may go). */
function touched(
  text: string,
  op: "set" | "unset",
  path: readonly PathKey[],
  keepTrailingComment: boolean,
): Span | undefined {
  let node: Json5Node = parseJson5(text).root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    let item;
    if (node.kind === "array" && isIndex(seg)) item = node.elements[seg];
    else if (node.kind === "object") item = node.members[memberIndex(node, String(seg))];
    else return op === "set" ? node : undefined;
    if (!item) return undefined;
    if (last && op === "unset") {
      const anchor = item.comma !== undefined ? item.comma + 1 : item.end;
      return { start: item.start, end: keepTrailingComment ? anchor : lineEndFrom(text, anchor) };
    }
    if (op === "set" && (last || !descends(nodeValue(item.value), path[i + 1]))) return item.value;
    node = item.value;
  }
  return undefined;
}

Deno.test("parseJson5() reads generated JSON5 documents exactly as npm json5 does", () => {
  fc.assert(
    fc.property(json5Value, fc.integer(), (value, seed) => {
      const text = renderJson5(value, seed);
      assert.equal(tokenize(text).map((t) => t.text).join(""), text);
      assert.deepStrictEqual(nodeValue(parseJson5(text).root), JSON5.parse(text));
      assert.deepStrictEqual(JSON5.parse(text), value);
    }),
    params,
  );
});

Deno.test("setAtPath()/unsetAtPath() give the expected value and keep every untouched comment", () => {
  fc.assert(
    fc.property(json5Object, fc.integer(), fc.array(json5Value, { minLength: 1, maxLength: 6 }), (
      start,
      seed,
      values,
    ) => {
      const rnd = randomSource(seed);
      let text = renderJson5(start, seed);
      const model = JSON5.parse(text) as Obj;
      for (const value of values) {
        const op = rnd() < 0.35 ? "unset" : "set";
        const path = randomPath(model, rnd, op === "unset");
        const keepTrailingComment = rnd() < 0.5;
        const span = touched(text, op, path, keepTrailingComment);
        const before = comments(text);
        let next: string;
        if (op === "unset") {
          const removed = modelUnset(model, path);
          const out = unsetAtPath(text, path, { keepTrailingComment });
          assert.equal(out !== undefined, removed, `unset ${JSON.stringify(path)}`);
          next = out ?? text;
        } else {
          let expectedError: unknown;
          try {
            modelSet(model, path, value);
          } catch (err) {
            expectedError = err;
          }
          if (expectedError) {
            assert.throws(() => setAtPath(text, path, value), ArrayIndexError);
            continue;
          }
          next = setAtPath(text, path, value);
        }
        const context = `${op} ${JSON.stringify(path)}\n--- before\n${text}\n--- after\n${next}`;
        assert.deepStrictEqual(JSON5.parse(next), model, context);
        const after = comments(next);
        for (const [marker, at] of before) {
          if (span && at >= span.start && at < span.end) continue;
          assert.ok(after.has(marker), `lost comment ${marker}: ${context}`);
        }
        text = next;
      }
    }),
    params,
  );
});
