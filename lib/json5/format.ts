/**
 * Writing plain values as JSON5 text in a document's style: keys bare when they are simple
 * identifiers (reserved words included, as JSON5 allows), strings in the document's quote,
 * `NaN`/`Infinity`/`-0` spelled so they read back exactly.
 *
 * @module
 */
import type { Json5Style } from "./style.ts";

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const SHORT_ESCAPES = new Map<number, string>([
  [0x08, "\\b"],
  [0x09, "\\t"],
  [0x0a, "\\n"],
  [0x0b, "\\v"],
  [0x0c, "\\f"],
  [0x0d, "\\r"],
  [0x5c, "\\\\"],
]);

/** Deeper values are refused: they are circular or not config. */
const MAX_DEPTH = 1000;

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Returns `value` as a JSON5 string literal in `quote`. Control characters, U+2028/U+2029 and
 * lone surrogates are escaped, so the text survives any editor and UTF-8 round trip.
 */
export function quoteString(value: string, quote: '"' | "'"): string {
  let out = quote;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const c = value[i];
    if (c === quote) out += `\\${quote}`;
    else if (SHORT_ESCAPES.has(code)) out += SHORT_ESCAPES.get(code);
    else if (code < 0x20 || code === 0x2028 || code === 0x2029) out += hex4(code);
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += c + value[i + 1];
        i++;
      } else out += hex4(code);
    } else if (code >= 0xdc00 && code <= 0xdfff) out += hex4(code);
    else out += c;
  }
  return out + quote;
}

/** Returns an object key: bare when it is a simple identifier (and the style allows), else quoted. */
export function formatKey(key: string, style: Json5Style): string {
  return !style.quoteKeys && SIMPLE_KEY.test(key) ? key : quoteString(key, style.quote);
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (Object.is(n, -0)) return "-0";
  return n === Infinity ? "Infinity" : n === -Infinity ? "-Infinity" : String(n);
}

/** Options of {@linkcode formatValue}. */
export interface FormatOptions {
  /** The indentation of the line the value starts on. @default "" */
  indent?: string;
  /** Lay out non-empty objects and arrays one item per line. @default true */
  multiline?: boolean;
  /** The quote of a top-level string (to keep the one a replaced string had). */
  quote?: '"' | "'";
}

/**
 * Returns `value` (JSON data: objects, arrays, strings, numbers, booleans, null) as JSON5 text.
 * Like `JSON.stringify`, `toJSON()` is honoured, undefined members are left out and undefined
 * array items become null.
 *
 * @throws {TypeError} for a value that has no JSON5 form (undefined, a function, a bigint) or
 *   nests deeper than 1000 levels.
 */
export function formatValue(
  value: unknown,
  style: Json5Style,
  options: FormatOptions = {},
): string {
  const multiline = options.multiline ?? true;
  const write = (v: unknown, indent: string, depth: number, quote: '"' | "'"): string => {
    if (depth > MAX_DEPTH) {
      throw new TypeError("Cannot write the value as JSON5: it nests too deep");
    }
    if (
      v !== null && typeof v === "object" &&
      typeof (v as { toJSON?: unknown }).toJSON === "function"
    ) {
      v = (v as { toJSON(): unknown }).toJSON();
    }
    if (v === null) return "null";
    if (typeof v === "boolean") return String(v);
    if (typeof v === "number") return formatNumber(v);
    if (typeof v === "string") return quoteString(v, quote);
    if (typeof v !== "object") throw new TypeError(`Cannot write a ${typeof v} as JSON5`);
    const inner = indent + style.indent;
    const entries: string[] = Array.isArray(v)
      ? v.map((item) => item === undefined ? "null" : write(item, inner, depth + 1, style.quote))
      : Object.keys(v).flatMap((k) => {
        const item = (v as Record<string, unknown>)[k];
        if (item === undefined || typeof item === "function" || typeof item === "symbol") return [];
        return [`${formatKey(k, style)}: ${write(item, inner, depth + 1, style.quote)}`];
      });
    const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) return open + close;
    if (!multiline) {
      const pad = Array.isArray(v) ? "" : " ";
      return `${open}${pad}${entries.join(", ")}${pad}${close}`;
    }
    const { eol } = style;
    const tail = style.trailingCommas ? "," : "";
    return `${open}${eol}${inner}${entries.join(`,${eol}${inner}`)}${tail}${eol}${indent}${close}`;
  };
  return write(value, options.indent ?? "", 0, options.quote ?? style.quote);
}
