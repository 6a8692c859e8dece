/**
 * Path edits of JSON5 text by splicing: {@linkcode setAtPath} replaces only the value's text (or
 * adds a member/element styled like its neighbours), {@linkcode unsetAtPath} removes a member or
 * element with its comma. Comments, quoting, key order and layout elsewhere stay as written, and
 * the result always parses (with npm `json5`) to the edited value.
 *
 * @module
 */
import { formatKey, formatValue } from "./format.ts";
import { applySplices, insertItem, removeItem, type RenderItem } from "./splice.ts";
import { detectStyle, isMultiline, type Json5Style, lineIndent } from "./style.ts";
import { isWhitespace } from "./lexer.ts";
import {
  type ArrayNode,
  itemsOf,
  type Json5Document,
  type Json5Node,
  memberIndex,
  nodeValue,
  type ObjectNode,
  parseJson5,
} from "./tree.ts";

/** One step of a path: an object key, or an array index (a number on an object is a key). */
export type PathKey = string | number;

/** Thrown by {@linkcode setAtPath} for an array index past the end (the end itself appends). */
export class ArrayIndexError extends RangeError {
  /** Position in the path of the index that is out of range. */
  readonly depth: number;
  /** How many items the array has. */
  readonly length: number;

  /** Builds the error for the index at `depth` of a path, in an array of `length` items. */
  constructor(depth: number, length: number) {
    super(`Cannot set index at path position ${depth}: the array has ${length} item(s)`);
    this.name = "ArrayIndexError";
    this.depth = depth;
    this.length = length;
  }
}

/** Builds `value` wrapped in the containers that `rest` names (index 0 makes an array). */
function nest(rest: readonly PathKey[], value: unknown): unknown {
  let out = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const s = rest[i];
    out = s === 0 ? [out] : Object.defineProperty({}, String(s), {
      value: out,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return out;
}

/** An edit goes into a child container when the next step fits it. */
function descends(child: Json5Node, next: PathKey): boolean {
  return child.kind === "object" || (child.kind === "array" && isIndex(next));
}

function isIndex(seg: PathKey): seg is number {
  return typeof seg === "number" && Number.isInteger(seg) && seg >= 0;
}

function replace(doc: Json5Document, style: Json5Style, node: Json5Node, value: unknown, at: {
  indent: string;
  multiline: boolean;
}): string {
  const quote = node.kind === "scalar" ? node.quote : undefined;
  const next = formatValue(value, style, { ...at, quote });
  // Same value: leave the text (and its spelling, e.g. 0x10 or 'x') alone.
  if (next === formatValue(nodeValue(node), style, { ...at, quote })) return doc.text;
  return applySplices(doc.text, [{ start: node.start, end: node.end, text: next }]);
}

/**
 * Returns `text` with `value` stored at `path`. Missing objects on the way are created (an index
 * 0 creates an array); a scalar on the way is replaced by them; index `length` of an array
 * appends. A value equal to the current one leaves the text unchanged.
 *
 * @throws {Json5SyntaxError} when `text` is not JSON5.
 * @throws {ArrayIndexError} for an index past the end of an array.
 * @throws {TypeError} for an empty path, a root the path cannot go into, or a value with no JSON5
 *   form.
 */
export function setAtPath(text: string, path: readonly PathKey[], value: unknown): string {
  if (path.length === 0) throw new TypeError("Cannot set an empty path");
  const doc = parseJson5(text);
  const style = detectStyle(doc);
  let node = doc.root;
  let expandEmpty = true; // the root, and containers inside multi-line ones, open up over lines
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    const wanted = () => last ? value : nest(path.slice(i + 1), value);
    const multiline = isMultiline(text, node);
    const add = (container: ObjectNode | ArrayNode, render: RenderItem) =>
      applySplices(text, insertItem(doc, style, container, render, expandEmpty));
    const put = (v: unknown): RenderItem => (indent, ml) =>
      formatValue(v, style, { indent, multiline: ml });
    if (node.kind === "array" && isIndex(seg)) {
      const len = node.elements.length;
      if (seg > len) throw new ArrayIndexError(i, len);
      const child = node.elements[seg];
      if (!child) return add(node, put(wanted()));
      if (last || !descends(child.value, path[i + 1])) {
        return replace(doc, style, child.value, wanted(), {
          indent: lineIndent(text, child.start),
          multiline,
        });
      }
      expandEmpty = multiline;
      node = child.value;
      continue;
    }
    if (node.kind !== "object") {
      throw new TypeError(`Cannot set ${JSON.stringify(seg)} inside a JSON5 ${node.kind}`);
    }
    const key = String(seg);
    const index = memberIndex(node, key);
    if (index < 0) {
      const v = wanted();
      return add(node, (indent, ml) => `${formatKey(key, style)}: ${put(v)(indent, ml)}`);
    }
    const member = node.members[index];
    if (last || !descends(member.value, path[i + 1])) {
      return replace(doc, style, member.value, wanted(), {
        indent: lineIndent(text, member.start),
        multiline,
      });
    }
    expandEmpty = multiline;
    node = member.value;
  }
  return text; // unreachable: the last step always returns
}

/** Follows `path` to a container, or returns undefined when it is not there. */
function walk(root: Json5Node, path: readonly PathKey[]): Json5Node | undefined {
  let node: Json5Node | undefined = root;
  for (const seg of path) {
    if (node?.kind === "array" && isIndex(seg)) node = node.elements[seg]?.value;
    else if (node?.kind === "object") node = node.members[memberIndex(node, String(seg))]?.value;
    else return undefined;
  }
  return node;
}

/** The index of the item `seg` names in `parent`, or -1. */
function itemIndex(parent: Json5Node | undefined, seg: PathKey): number {
  if (parent?.kind === "array") return isIndex(seg) && seg < parent.elements.length ? seg : -1;
  return parent?.kind === "object" ? memberIndex(parent, String(seg)) : -1;
}

/** Options of {@linkcode unsetAtPath}. */
export interface UnsetOptions {
  /**
   * Keep the comment at the end of a removed member's line, on a line of its own, instead of
   * removing it with the member. @default false
   */
  keepTrailingComment?: boolean;
}

/**
 * Returns `text` without the member or element at `path` (every copy of a duplicated key), or
 * undefined when there is nothing there. A member on lines of its own goes with those lines and
 * the comment at the end of them (see {@linkcode UnsetOptions}). A container left with nothing
 * but whitespace inside becomes `{}` / `[]`.
 *
 * @throws {Json5SyntaxError} when `text` is not JSON5.
 */
export function unsetAtPath(
  text: string,
  path: readonly PathKey[],
  options: UnsetOptions = {},
): string | undefined {
  if (path.length === 0) return undefined;
  const parentPath = path.slice(0, -1);
  const seg = path[path.length - 1];
  let out = text;
  let removed = false;
  while (true) {
    const doc = parseJson5(out);
    const parent = walk(doc.root, parentPath);
    const index = itemIndex(parent, seg);
    if (index < 0) break;
    out = applySplices(
      out,
      removeItem(doc, parent as ObjectNode | ArrayNode, index, options.keepTrailingComment),
    );
    removed = true;
    if (parent!.kind === "array") break;
  }
  if (!removed) return undefined;
  const parent = walk(parseJson5(out).root, parentPath) as ObjectNode | ArrayNode;
  const inside = out.slice(parent.start + 1, parent.end - 1);
  if (inside !== "" && itemsOf(parent).length === 0 && [...inside].every(isWhitespace)) {
    out = out.slice(0, parent.start + 1) + out.slice(parent.end - 1);
  }
  return out;
}
