/**
 * JSON5's character classes by code point (bare-key identifiers, whitespace, line breaks, the
 * single-character escapes) and json5's way of showing a character in an error message -- shared
 * by the value reader (parse.ts) and the lexer of the editor (lexer.ts).
 *
 * @module
 */

// json5 prints these characters escaped in its messages (see `formatChar` in its parse.js).
const SHOWN = new Map<string, string>([
  ["'", "\\'"],
  ['"', '\\"'],
  ["\\", "\\\\"],
  ["\b", "\\b"],
  ["\f", "\\f"],
  ["\n", "\\n"],
  ["\r", "\\r"],
  ["\t", "\\t"],
  ["\v", "\\v"],
  ["\0", "\\0"],
  ["\u2028", "\\u2028"],
  ["\u2029", "\\u2029"],
]);

/** `c` as json5 shows it in an error message. */
export function formatChar(c: string): string {
  const shown = SHOWN.get(c);
  if (shown !== undefined) return shown;
  if (c < " ") return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  return c;
}

const ID_START = /[\p{L}\p{Nl}]/u;
const ID_CONTINUE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

/** An ASCII digit. */
export const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** An ASCII hex digit. */
export const isHex = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isAsciiLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/** `$`, `_`, an ASCII letter, or a Unicode letter (`L*`, `Nl`): what may start a bare key. */
export function isIdStart(cp: number): boolean {
  if (cp < 0x80) return isAsciiLetter(cp) || cp === 0x24 || cp === 0x5f;
  return ID_START.test(String.fromCodePoint(cp));
}

/** What may continue a bare key: a start character, a digit, a mark, `Pc`, ZWNJ or ZWJ. */
export function isIdContinue(cp: number): boolean {
  if (cp < 0x80) return isAsciiLetter(cp) || isDigit(cp) || cp === 0x24 || cp === 0x5f;
  return cp === 0x200c || cp === 0x200d || ID_CONTINUE.test(String.fromCodePoint(cp));
}

/** JSON5 whitespace other than the ASCII four: VT, FF, NBSP, BOM, line/paragraph separators, Zs. */
export function isOtherSpace(c: number): boolean {
  return c === 0x0b || c === 0x0c || c === 0xa0 || c === 0xfeff || c === 0x2028 ||
    c === 0x2029 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f ||
    c === 0x205f || c === 0x3000;
}

/** One of JSON5's four line terminators (LF, CR, U+2028, U+2029). */
export const isLineBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;

/** The single-character escapes (`\0` is handled apart: it may not precede a digit). */
export const ESCAPES = new Map<number, string>([
  [0x62, "\b"],
  [0x66, "\f"],
  [0x6e, "\n"],
  [0x72, "\r"],
  [0x74, "\t"],
  [0x76, "\v"],
]);

/**
 * JSON5 whitespace: the ASCII four (TAB, LF, CR, space) and {@link isOtherSpace}.
 *
 * @param c A UTF-16 code unit.
 * @returns True for whitespace.
 */
export function isJson5Space(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20 || isOtherSpace(c);
}
