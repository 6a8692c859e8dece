/**
 * The text splices behind JSON5 edits: replace one value, add one item to an object or array,
 * remove one item. Each returns the replacements to make; nothing outside them changes, so
 * comments, quoting and layout elsewhere stay byte for byte.
 *
 * @module
 */
import { isLineTerminator, isWhitespace, nextToken } from "./lexer.ts";
import { hasLineBreak, isMultiline, type Json5Style, lineIndent, startsLine } from "./style.ts";
import { type ArrayNode, itemsOf, type Json5Document, type ObjectNode, type Span } from "./tree.ts";

/** Replace `text.slice(start, end)` with `text`. */
export interface Splice extends Span {
  text: string;
}

/** Applies non-overlapping splices to `text` (in any order). */
export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
  }
  return out;
}

/**
 * Returns the offset of the line end after `pos` when only whitespace and comments that stay on
 * the line come before it (the end of the text counts), else undefined.
 */
export function lineEndAfter(text: string, pos: number): number | undefined {
  for (let i = pos; i < text.length;) {
    if (isLineTerminator(text[i])) return i;
    const token = nextToken(text, i);
    if (token.kind === "whitespace") {
      for (let k = token.start; k < token.end; k++) if (isLineTerminator(text[k])) return k;
    } else if (token.kind === "blockComment") {
      if (hasLineBreak(text, token.start, token.end)) return undefined;
    } else if (token.kind !== "lineComment") {
      return undefined;
    }
    i = token.end;
  }
  return text.length;
}

/** Offset just past the line terminator at `pos` (`\r\n` counts as one). */
function pastLineEnd(text: string, pos: number): number {
  if (pos >= text.length) return pos;
  return text.startsWith("\r\n", pos) ? pos + 2 : pos + 1;
}

function isHorizontalSpace(c: string | undefined): boolean {
  return isWhitespace(c) && !isLineTerminator(c);
}

/** The offset of the first comment that starts in [from, to), if any. */
function firstComment(doc: Json5Document, from: number, to: number): number | undefined {
  return doc.tokens.find((t) =>
    t.start >= from && t.start < to && (t.kind === "lineComment" || t.kind === "blockComment")
  )?.start;
}

/** Writes one new item given its line's indentation and whether it may span lines. */
export type RenderItem = (indent: string, multiline: boolean) => string;

/**
 * Returns the splices that add an item after the last one of `container`. In a multi-line
 * container it goes on its own line after the last item's line (and that line's trailing
 * comment), indented like it, with a comma after it when the last item has one. An empty
 * container is opened up over lines when `expandEmpty` is set or it already holds a line break.
 */
export function insertItem(
  doc: Json5Document,
  style: Json5Style,
  container: ObjectNode | ArrayNode,
  render: RenderItem,
  expandEmpty: boolean,
): Splice[] {
  const { text } = doc;
  const { eol } = style;
  const last = itemsOf(container).at(-1);
  if (last) {
    const anchor = last.comma !== undefined ? last.comma + 1 : last.end;
    const indent = lineIndent(text, last.start);
    const lineEnd = isMultiline(text, container) ? lineEndAfter(text, anchor) : undefined;
    if (lineEnd !== undefined) {
      const comma = last.comma !== undefined ? "," : "";
      const out = [{
        start: lineEnd,
        end: lineEnd,
        text: eol + indent + render(indent, true) + comma,
      }];
      if (last.comma === undefined) out.push({ start: last.end, end: last.end, text: "," });
      return out;
    }
    if (last.comma !== undefined) {
      return [{ start: anchor, end: anchor, text: ` ${render(indent, false)},` }];
    }
    return [{ start: last.end, end: last.end, text: `, ${render(indent, false)}` }];
  }
  const from = container.start + 1;
  const to = container.end - 1;
  const base = lineIndent(text, container.start);
  const inner = base + style.indent;
  const comments = doc.tokens.filter((t) =>
    t.start >= from && t.end <= to && (t.kind === "lineComment" || t.kind === "blockComment")
  );
  const after = comments.at(-1)?.end;
  if (expandEmpty || hasLineBreak(text, from, to)) {
    const entry = eol + inner + render(inner, true) + (style.trailingCommas ? "," : "");
    if (after === undefined) return [{ start: from, end: to, text: entry + eol + base }];
    // Only whitespace follows the last comment: keep the closer's own line if it has one.
    let brk = to;
    while (brk > after && !isLineTerminator(text[brk - 1])) brk--;
    if (brk > after) {
      const end = text.startsWith("\r\n", brk - 2) && brk - 2 >= after ? brk - 2 : brk - 1;
      return [{ start: after, end, text: entry }];
    }
    return [{ start: after, end: to, text: entry + eol + base }];
  }
  const pad = container.kind === "object" ? " " : "";
  if (after === undefined) return [{ start: from, end: to, text: pad + render(base, false) + pad }];
  return [{ start: after, end: after, text: ` ${render(base, false)}` }];
}

/**
 * Returns the splices that remove item `index` of `container` with its comma. An item on lines
 * of its own goes with those whole lines, its trailing comment too unless `keepTrailingComment`
 * (then the comment stays on a line of its own); otherwise only the item and the spaces next to
 * it go. Removing the last item also drops the comma before it when the container did not end
 * in one, so the trailing-comma style stays.
 */
export function removeItem(
  doc: Json5Document,
  container: ObjectNode | ArrayNode,
  index: number,
  keepTrailingComment = false,
): Splice[] {
  const { text } = doc;
  const items = itemsOf(container);
  const item = items[index];
  const prev = items[index - 1];
  const out: Splice[] = [];
  if (index === items.length - 1 && item.comma === undefined && prev?.comma !== undefined) {
    out.push({ start: prev.comma, end: prev.comma + 1, text: "" });
  }
  const anchor = item.comma !== undefined ? item.comma + 1 : item.end;
  let from = item.start;
  while (from > 0 && isHorizontalSpace(text[from - 1])) from--;
  if (startsLine(text, item.start)) {
    const lineEnd = lineEndAfter(text, anchor);
    if (lineEnd !== undefined) {
      const comment = keepTrailingComment ? firstComment(doc, anchor, lineEnd) : undefined;
      const kept = comment === undefined
        ? ""
        : lineIndent(text, item.start) + text.slice(comment, pastLineEnd(text, lineEnd));
      out.push({ start: from, end: pastLineEnd(text, lineEnd), text: kept });
      return out;
    }
  }
  if (item.comma === undefined) {
    // The last item: the spaces before it go with it (never a line break, which may end a comment).
    out.push({ start: from, end: item.end, text: "" });
    return out;
  }
  let to = anchor;
  while (isHorizontalSpace(text[to])) to++;
  if (to < text.length && !isLineTerminator(text[to])) from = item.start;
  else to = anchor; // the line goes on after the item's line: keep its break, trim before instead
  out.push({ start: from, end: to, text: "" });
  return out;
}
