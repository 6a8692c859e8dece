/**
 * How a JSON5 document is laid out: the indentation unit, the quote character, quoted or bare
 * keys, trailing commas and line ends ({@linkcode detectStyle}), and the line facts an editor
 * needs to put new text where it belongs (indentation of a line, multi-line containers).
 *
 * @module
 */
import { isLineTerminator } from "./lexer.ts";
import {
  type ArrayNode,
  itemsOf,
  type Json5Document,
  type Json5Node,
  type ObjectNode,
} from "./tree.ts";

/** How a document writes things; new text follows it. */
export interface Json5Style {
  /** One level of indentation. @default "  " */
  indent: string;
  /** The quote for new strings and quoted keys. @default '"' */
  quote: '"' | "'";
  /** Quote every new key (the document quotes all of its keys, JSON style). @default false */
  quoteKeys: boolean;
  /** Put a comma after the last item of a multi-line object or array. @default true */
  trailingCommas: boolean;
  /** The line end. @default "\n" */
  eol: "\n" | "\r\n";
}

/** The style of a document that has nothing to go by (an empty file). */
export const DEFAULT_STYLE: Readonly<Json5Style> = {
  indent: "  ",
  quote: '"',
  quoteKeys: false,
  trailingCommas: true,
  eol: "\n",
};

/** Returns the leading spaces and tabs of the line that holds `pos`. */
export function lineIndent(text: string, pos: number): string {
  let start = pos;
  while (start > 0 && !isLineTerminator(text[start - 1])) start--;
  let end = start;
  while (text[end] === " " || text[end] === "\t") end++;
  return text.slice(start, end);
}

/** Returns true when only spaces and tabs stand between the start of its line and `pos`. */
export function startsLine(text: string, pos: number): boolean {
  let i = pos;
  while (i > 0 && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
  return i === 0 || isLineTerminator(text[i - 1]);
}

/** True when `text` holds a line terminator between `from` and `to`. */
export function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isLineTerminator(text[i])) return true;
  return false;
}

/**
 * True when a container is laid out one item per line: its first item starts on a later line
 * than the bracket (an empty one: it holds a line break). Scalars are never multi-line.
 */
export function isMultiline(text: string, node: Json5Node): boolean {
  if (node.kind === "scalar") return false;
  const first = itemsOf(node)[0];
  return hasLineBreak(text, node.start, first ? first.start : node.end);
}

function containers(
  node: Json5Node,
  out: (ObjectNode | ArrayNode)[] = [],
): (ObjectNode | ArrayNode)[] {
  if (node.kind === "scalar") return out;
  out.push(node);
  for (const item of itemsOf(node)) containers(item.value, out);
  return out;
}

/** Reads the style of a parsed document; what it does not show comes from {@link DEFAULT_STYLE}. */
export function detectStyle(doc: Json5Document): Json5Style {
  const { text } = doc;
  let indent: string | undefined;
  let withComma = 0;
  let withoutComma = 0;
  let bareKeys = 0;
  let quotedKeys = 0;
  for (const node of containers(doc.root)) {
    if (node.kind === "object") {
      for (const m of node.members) {
        const c = text[m.keySpan.start];
        c === '"' || c === "'" ? quotedKeys++ : bareKeys++;
      }
    }
    if (!isMultiline(text, node)) continue;
    const items = itemsOf(node);
    const last = items.at(-1);
    if (last) last.comma === undefined ? withoutComma++ : withComma++;
    if (indent === undefined && items[0] && startsLine(text, items[0].start)) {
      const outer = lineIndent(text, node.start);
      const inner = lineIndent(text, items[0].start);
      if (inner.length > outer.length && inner.startsWith(outer)) {
        indent = inner.slice(outer.length);
      }
    }
  }
  let double = 0;
  let single = 0;
  for (const t of doc.tokens) if (t.kind === "string") t.quote === '"' ? double++ : single++;
  return {
    indent: indent ?? DEFAULT_STYLE.indent,
    quote: single > double ? "'" : '"',
    quoteKeys: quotedKeys > 0 && bareKeys === 0,
    trailingCommas: withComma + withoutComma === 0
      ? DEFAULT_STYLE.trailingCommas
      : withComma >= withoutComma,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
  };
}
