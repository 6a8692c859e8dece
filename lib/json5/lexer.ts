/**
 * The JSON5 lexer: turns text into tokens that cover every byte (whitespace and comments
 * included), so concatenating the tokens' `text` gives the input back. It accepts exactly what
 * the JSON5 spec (and npm `json5` 2.2.3, the reader of the config) accepts: any ES5
 * IdentifierName as a key (reserved words and `\uXXXX` escapes too), single- and double-quoted
 * strings with every escape and line continuation, hex numbers, `Infinity`/`NaN` with a sign,
 * leading/trailing decimal points, `//` and `/* *\/` comments, and all JSON5 whitespace.
 *
 * @module
 */
import { isJson5Space, isLineBreak } from "./chars.ts";

/** A token that is one punctuation character. */
export type PunctKind = "{" | "}" | "[" | "]" | ":" | ",";
/** Tokens that carry no value: whitespace and comments. */
export type TriviaKind = "whitespace" | "lineComment" | "blockComment";

interface TokenBase {
  /** Offset of the first UTF-16 code unit. */
  start: number;
  /** Offset just past the last code unit. */
  end: number;
  /** The source text of the token, exactly as written. */
  text: string;
}

/** One lexical token of a JSON5 document. */
export type Token =
  | TokenBase & { kind: PunctKind | TriviaKind }
  | TokenBase & { kind: "string"; value: string; quote: '"' | "'" }
  | TokenBase & { kind: "number"; value: number }
  /** `escaped` is true when the name was written with `\uXXXX` escapes. */
  | TokenBase & { kind: "identifier"; value: string; escaped: boolean };

/** A JSON5 syntax error, with the 1-based line and column (in code units) where it was found. */
export class Json5SyntaxError extends SyntaxError {
  readonly offset: number;
  readonly line: number;
  readonly column: number;

  /** Builds the error for `what` found at `offset` of `text` (message ends with `at L:C`). */
  constructor(text: string, offset: number, what: string) {
    const { line, column } = lineColumn(text, offset);
    super(`${what} at ${line}:${column}`);
    this.name = "Json5SyntaxError";
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

/**
 * Returns the 1-based line and column of `offset`. Lines are counted at `\n` only, as npm
 * `json5` counts them, so our messages and `config validate`'s agree.
 */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const PUNCT = new Set<string>(["{", "}", "[", "]", ":", ","]);
const ID_START = /[\p{L}\p{Nl}$_]/u;
const ID_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200C\u200D]/u;
const HEX = /^[0-9a-fA-F]$/;
const SINGLE_ESCAPES: Record<string, string> = {
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "0": "\0",
};

/** True for the four JSON5 line terminators (LF, CR, U+2028, U+2029). */
export function isLineTerminator(c: string | undefined): boolean {
  return c !== undefined && isLineBreak(c.charCodeAt(0));
}

/** True for a JSON5 whitespace code unit (line terminators, NBSP, BOM and every `Zs` included). */
export function isWhitespace(c: string | undefined): boolean {
  return c !== undefined && isJson5Space(c.charCodeAt(0));
}

/** Describes the character at `i` for an error message (`end of input` past the end). */
function describe(text: string, i: number): string {
  if (i >= text.length) return "Unexpected end of input";
  const c = String.fromCodePoint(text.codePointAt(i)!);
  return `Invalid character ${JSON.stringify(c)}`;
}

function fail(text: string, i: number, what = describe(text, i)): never {
  throw new Json5SyntaxError(text, i, what);
}

function hexAt(text: string, i: number, count: number): number {
  const digits = text.slice(i, i + count);
  for (let k = 0; k < count; k++) if (!HEX.test(digits[k] ?? "")) fail(text, i + k);
  return parseInt(digits, 16);
}

/** Lexes a string whose opening quote is at `start`; returns its end and decoded value. */
function lexString(text: string, start: number): { end: number; value: string } {
  const quote = text[start];
  let out = "";
  let i = start + 1;
  while (true) {
    const c = text[i];
    if (c === undefined) fail(text, start, "Unterminated string");
    if (c === quote) return { end: i + 1, value: out };
    if (c === "\n" || c === "\r") fail(text, i, "Line break in string");
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) fail(text, start, "Unterminated string");
    if (e === "0" && /[0-9]/.test(text[i + 2] ?? "")) fail(text, i + 2);
    if (Object.hasOwn(SINGLE_ESCAPES, e)) {
      out += SINGLE_ESCAPES[e];
      i += 2;
    } else if (/[1-9]/.test(e)) {
      fail(text, i + 1);
    } else if (e === "x") {
      out += String.fromCharCode(hexAt(text, i + 2, 2));
      i += 4;
    } else if (e === "u") {
      out += String.fromCharCode(hexAt(text, i + 2, 4));
      i += 6;
    } else if (e === "\r") {
      i += text[i + 2] === "\n" ? 3 : 2; // line continuation: the break is not part of the value
    } else if (isLineTerminator(e)) {
      i += 2;
    } else {
      // Any other character stands for itself (`\'`, `\"`, `\\`, `\a`, an astral character).
      const ch = String.fromCodePoint(text.codePointAt(i + 1)!);
      out += ch;
      i += 1 + ch.length;
    }
  }
}

/** Lexes a number (sign, `Infinity`, `NaN`, hex, decimal) starting at `start`. */
function lexNumber(text: string, start: number): { end: number; value: number } {
  let i = start;
  let sign = 1;
  if (text[i] === "+" || text[i] === "-") {
    if (text[i] === "-") sign = -1;
    i++;
  }
  if (text.startsWith("Infinity", i)) return { end: i + 8, value: sign * Infinity };
  if (text.startsWith("NaN", i)) return { end: i + 3, value: NaN };
  if (text[i] === "0" && (text[i + 1] === "x" || text[i + 1] === "X")) {
    const from = i + 2;
    let j = from;
    while (HEX.test(text[j] ?? "")) j++;
    if (j === from) fail(text, j);
    return { end: j, value: sign * Number(`0x${text.slice(from, j)}`) };
  }
  const from = i;
  const digits = () => {
    const at = i;
    while (text[i] >= "0" && text[i] <= "9") i++;
    return i - at;
  };
  const whole = digits();
  if (whole > 1 && text[from] === "0") fail(text, from + 1); // no leading zeros, as in JSON
  let fraction = 0;
  if (text[i] === ".") {
    i++;
    fraction = digits();
  }
  if (whole + fraction === 0) fail(text, i);
  if (text[i] === "e" || text[i] === "E") {
    i++;
    if (text[i] === "+" || text[i] === "-") i++;
    if (digits() === 0) fail(text, i);
  }
  return { end: i, value: sign * Number(text.slice(from, i)) };
}

/** Reads one identifier character (raw or `\uXXXX`) at `i`, checked against `allowed`. */
function identifierChar(
  text: string,
  i: number,
  allowed: RegExp,
): { ch: string; next: number; escaped: boolean } | undefined {
  if (text[i] === "\\") {
    if (text[i + 1] !== "u") fail(text, i + 1);
    const ch = String.fromCharCode(hexAt(text, i + 2, 4));
    if (!allowed.test(ch)) fail(text, i);
    return { ch, next: i + 6, escaped: true };
  }
  const cp = text.codePointAt(i);
  if (cp === undefined) return undefined;
  const ch = String.fromCodePoint(cp);
  return allowed.test(ch) ? { ch, next: i + ch.length, escaped: false } : undefined;
}

/** Lexes an ES5 IdentifierName starting at `start` (the caller checked the first character). */
function lexIdentifier(
  text: string,
  start: number,
): { end: number; value: string; escaped: boolean } {
  const first = identifierChar(text, start, ID_START) ?? fail(text, start);
  let value = first.ch;
  let escaped = first.escaped;
  let i = first.next;
  for (let part = identifierChar(text, i, ID_PART); part; part = identifierChar(text, i, ID_PART)) {
    value += part.ch;
    escaped ||= part.escaped;
    i = part.next;
  }
  return { end: i, value, escaped };
}

/**
 * Returns the token that starts at `pos` (which must be inside `text`).
 *
 * @throws {Json5SyntaxError} for a character no JSON5 token starts with, or a malformed token.
 */
export function nextToken(text: string, pos: number): Token {
  const c = text[pos];
  const slice = (end: number) => ({ start: pos, end, text: text.slice(pos, end) });
  if (PUNCT.has(c)) return { kind: c as PunctKind, ...slice(pos + 1) };
  if (isWhitespace(c)) {
    let i = pos + 1;
    while (isWhitespace(text[i])) i++;
    return { kind: "whitespace", ...slice(i) };
  }
  if (c === "/" && text[pos + 1] === "/") {
    let i = pos + 2;
    while (i < text.length && !isLineTerminator(text[i])) i++;
    return { kind: "lineComment", ...slice(i) };
  }
  if (c === "/" && text[pos + 1] === "*") {
    const close = text.indexOf("*/", pos + 2);
    if (close === -1) fail(text, pos, "Unterminated comment");
    return { kind: "blockComment", ...slice(close + 2) };
  }
  if (c === '"' || c === "'") {
    const { end, value } = lexString(text, pos);
    return { kind: "string", value, quote: c, ...slice(end) };
  }
  if (c === "+" || c === "-" || c === "." || (c >= "0" && c <= "9")) {
    const { end, value } = lexNumber(text, pos);
    return { kind: "number", value, ...slice(end) };
  }
  if (c === "\\" || identifierChar(text, pos, ID_START)) {
    const { end, value, escaped } = lexIdentifier(text, pos);
    return { kind: "identifier", value, escaped, ...slice(end) };
  }
  return fail(text, pos);
}

/**
 * Splits `text` into tokens covering all of it (whitespace and comments included).
 *
 * @throws {Json5SyntaxError} at the first character that cannot start or continue a token.
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (let pos = 0; pos < text.length;) {
    const token = nextToken(text, pos);
    out.push(token);
    pos = token.end;
  }
  return out;
}

/** True for whitespace and comment tokens. */
export function isTrivia(token: Token): boolean {
  return token.kind === "whitespace" || token.kind === "lineComment" ||
    token.kind === "blockComment";
}
