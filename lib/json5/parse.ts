/**
 * Reading JSON5 text into plain values, as npm `json5` 2.2.3's `JSON5.parse` does, without
 * loading that CommonJS package (any CommonJS package starts Deno's Node layer: tens of ms on
 * every command). Same values (the last of duplicate keys wins at the first one's place,
 * `__proto__` is an own data property, `-0`, `NaN`, `±Infinity`), same key order, and the same
 * errors: a `SyntaxError` whose message is `JSON5: <reason> at <line>:<column>`, with
 * `lineNumber` and `columnNumber`, at exactly the place json5 reports.
 *
 * Two deliberate differences: letters added to Unicode after version 10 (which json5's tables
 * predate) may start or continue a bare key, and nesting deeper than {@linkcode MAX_DEPTH} is an
 * error (json5 has no limit; every consumer of the value recurses). json5 also prints a warning
 * for a raw U+2028/U+2029 in a string; this reader stays quiet, the value is the same.
 *
 * @module
 */

import {
  ESCAPES,
  formatChar,
  isDigit,
  isHex,
  isIdContinue,
  isIdStart,
  isLineBreak,
  isOtherSpace,
} from "./chars.ts";

/** Deeper nesting is refused rather than risking the stack of whoever walks the value. */
export const MAX_DEPTH = 1000;

/** A JSON5 syntax error, shaped as npm json5 throws it (`lineNumber`, `columnNumber`). */
export class Json5ParseError extends SyntaxError {
  /** 1-based line; lines end at `\n` only, as json5 counts them. */
  readonly lineNumber: number;
  /**
   * json5's column: 1-based in UTF-16 code units, pointing at the last unit of the character at
   * fault (so an astral character reads one further), one past the end for an unexpected end of
   * input, and 0 on the next line for an unexpected line break.
   */
  readonly columnNumber: number;
  /** The message without the `JSON5: ` prefix and the position, e.g. `invalid character ','`. */
  readonly reason: string;

  /** Builds the error json5 would throw for `reason` at `line`:`column`. */
  constructor(reason: string, line: number, column: number) {
    super(`JSON5: ${reason} at ${line}:${column}`);
    this.lineNumber = line;
    this.columnNumber = column;
    this.reason = reason;
  }
}

/** Sets `key` as an own data property, even `__proto__` (plain assignment would set the prototype). */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}

class Reader {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  document(): unknown {
    this.#skip();
    const value = this.#value(0);
    this.#skip();
    if (this.#pos < this.#text.length) this.#fail(this.#pos);
    return value;
  }

  /** Throws json5's error for the character at `i` (or the end of input). */
  #fail(i: number): never {
    const text = this.#text;
    const lineStart = lineStartOf(text, i);
    const line = countLines(text, lineStart);
    if (i >= text.length) {
      throw new Json5ParseError("invalid end of input", line, text.length - lineStart + 1);
    }
    const c = String.fromCodePoint(text.codePointAt(i)!);
    const reason = `invalid character '${formatChar(c)}'`;
    // json5 has counted the character when it complains: a line break moves to the next line.
    if (c === "\n") throw new Json5ParseError(reason, line + 1, 0);
    throw new Json5ParseError(reason, line, i + c.length - lineStart);
  }

  /** Throws json5's error for a `\uXXXX` at `i` that is not allowed in a key at that place. */
  #failIdentifier(i: number): never {
    const lineStart = lineStartOf(this.#text, i);
    const line = countLines(this.#text, lineStart);
    throw new Json5ParseError("invalid identifier character", line, i - lineStart + 1);
  }

  /** Skips whitespace and comments. */
  #skip(): void {
    const text = this.#text;
    let i = this.#pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
      } else if (c === 0x2f) {
        const next = text.charCodeAt(i + 1);
        if (next === 0x2a) {
          const close = text.indexOf("*/", i + 2);
          if (close === -1) this.#fail(text.length);
          i = close + 2;
        } else if (next === 0x2f) {
          i += 2;
          while (i < text.length && !isLineBreak(text.charCodeAt(i))) i++;
        } else {
          this.#fail(i + 1);
        }
      } else if (c > 0x0a && isOtherSpace(c)) {
        i++;
      } else {
        this.#pos = i;
        return;
      }
    }
  }

  #value(depth: number): unknown {
    const text = this.#text;
    const i = this.#pos;
    const c = text.charCodeAt(i);
    if (depth > MAX_DEPTH && i < text.length) {
      const lineStart = lineStartOf(text, i);
      throw new Json5ParseError(
        `nesting deeper than ${MAX_DEPTH} levels`,
        countLines(text, lineStart),
        i - lineStart + 1,
      );
    }
    switch (c) {
      case 0x7b: // {
        return this.#object(depth);
      case 0x5b: // [
        return this.#array(depth);
      case 0x22: // "
      case 0x27: // '
        return this.#string(c);
      case 0x6e:
        this.#literal("null");
        return null;
      case 0x74:
        this.#literal("true");
        return true;
      case 0x66:
        this.#literal("false");
        return false;
      case 0x49:
        this.#literal("Infinity");
        return Infinity;
      case 0x4e:
        this.#literal("NaN");
        return NaN;
    }
    if (c === 0x2b || c === 0x2d || c === 0x2e || isDigit(c)) return this.#number();
    return this.#fail(i);
  }

  /** Reads `word` at the current position; json5 fails at the first character that differs. */
  #literal(word: string): void {
    const text = this.#text;
    const start = this.#pos;
    for (let k = 1; k < word.length; k++) {
      if (text.charCodeAt(start + k) !== word.charCodeAt(k)) this.#fail(start + k);
    }
    this.#pos = start + word.length;
  }

  #number(): number {
    const text = this.#text;
    let i = this.#pos;
    let sign = 1;
    let c = text.charCodeAt(i);
    if (c === 0x2b || c === 0x2d) {
      if (c === 0x2d) sign = -1;
      c = text.charCodeAt(++i);
      if (c === 0x49 || c === 0x4e) {
        this.#pos = i;
        this.#literal(c === 0x49 ? "Infinity" : "NaN");
        return c === 0x49 ? sign * Infinity : NaN;
      }
      if (c !== 0x2e && !isDigit(c)) this.#fail(i);
    }
    const start = i;
    if (c === 0x2e) {
      // A leading point needs a digit after it.
      if (!isDigit(text.charCodeAt(++i))) this.#fail(i);
      while (isDigit(text.charCodeAt(i))) i++;
    } else {
      i++;
      if (c === 0x30) {
        const x = text.charCodeAt(i);
        if (x === 0x78 || x === 0x58) {
          if (!isHex(text.charCodeAt(++i))) this.#fail(i);
          while (isHex(text.charCodeAt(i))) i++;
          this.#pos = i;
          return sign * Number(text.slice(start, i));
        }
      } else {
        while (isDigit(text.charCodeAt(i))) i++;
      }
      // A trailing point needs no digit after it.
      if (text.charCodeAt(i) === 0x2e) {
        i++;
        while (isDigit(text.charCodeAt(i))) i++;
      }
    }
    c = text.charCodeAt(i);
    if (c === 0x65 || c === 0x45) {
      c = text.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
      if (!isDigit(c)) this.#fail(i);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    this.#pos = i;
    return sign * Number(text.slice(start, i));
  }

  /** Reads `count` hex digits at `i` (of `\x` or `\u`); fails at the first that is not hex. */
  #hex(i: number, count: number): number {
    const text = this.#text;
    for (let k = 0; k < count; k++) if (!isHex(text.charCodeAt(i + k))) this.#fail(i + k);
    return parseInt(text.slice(i, i + count), 16);
  }

  #string(quote: number): string {
    const text = this.#text;
    let i = this.#pos + 1;
    let from = i;
    let out = "";
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === quote) {
        this.#pos = i + 1;
        return out + text.slice(from, i);
      }
      if (c === 0x5c) {
        out += text.slice(from, i);
        i = this.#escape(i + 1);
        out += this.#escaped;
        from = i;
      } else if (c === 0x0a || c === 0x0d || i >= text.length) {
        this.#fail(i);
      } else {
        i++;
      }
    }
  }

  /** What the last {@linkcode Reader.#escape} stood for (saves an object per escape). */
  #escaped = "";

  /** Reads the escape whose character is at `i`; sets `#escaped` and returns the next offset. */
  #escape(i: number): number {
    const text = this.#text;
    const c = text.charCodeAt(i);
    const single = ESCAPES.get(c);
    if (single !== undefined) {
      this.#escaped = single;
      return i + 1;
    }
    switch (c) {
      case 0x30: // \0, which may not be followed by a digit (no octal)
        if (isDigit(text.charCodeAt(i + 1))) this.#fail(i + 1);
        this.#escaped = "\0";
        return i + 1;
      case 0x78: // \xHH
        this.#escaped = String.fromCharCode(this.#hex(i + 1, 2));
        return i + 3;
      case 0x75: // \uHHHH
        this.#escaped = String.fromCharCode(this.#hex(i + 1, 4));
        return i + 5;
      case 0x0a:
      case 0x2028:
      case 0x2029:
        this.#escaped = ""; // a line continuation
        return i + 1;
      case 0x0d:
        this.#escaped = "";
        return text.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
    }
    if ((c >= 0x31 && c <= 0x39) || i >= text.length) this.#fail(i);
    // Any other character stands for itself (`\'`, `\"`, `\\`, `\/`, `\a`, an astral one).
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    this.#escaped = ch;
    return i + ch.length;
  }

  /** Reads a property name: a quoted string or an ES5 IdentifierName (with `\uXXXX` escapes). */
  #key(): string {
    const text = this.#text;
    let i = this.#pos;
    const first = text.charCodeAt(i);
    if (first === 0x22 || first === 0x27) return this.#string(first);
    let out: string;
    if (first === 0x5c) {
      if (text.charCodeAt(i + 1) !== 0x75) this.#fail(i + 1);
      const cp = this.#hex(i + 2, 4);
      if (!isIdStart(cp)) this.#failIdentifier(i);
      out = String.fromCharCode(cp);
      i += 6;
    } else {
      const cp = text.codePointAt(i);
      if (cp === undefined || !isIdStart(cp)) this.#fail(i);
      out = String.fromCodePoint(cp);
      i += out.length;
    }
    let from = i;
    for (;;) {
      const cp = text.codePointAt(i);
      if (cp === undefined) break;
      if (cp === 0x5c) {
        out += text.slice(from, i);
        if (text.charCodeAt(i + 1) !== 0x75) this.#fail(i + 1);
        const escaped = this.#hex(i + 2, 4);
        if (!isIdContinue(escaped)) this.#failIdentifier(i);
        out += String.fromCharCode(escaped);
        i += 6;
        from = i;
      } else if (isIdContinue(cp)) {
        i += cp > 0xffff ? 2 : 1;
      } else {
        break;
      }
    }
    this.#pos = i;
    return out + text.slice(from, i);
  }

  #object(depth: number): Record<string, unknown> {
    const text = this.#text;
    const out: Record<string, unknown> = {};
    this.#pos++;
    this.#skip();
    if (text.charCodeAt(this.#pos) === 0x7d) {
      this.#pos++;
      return out;
    }
    for (;;) {
      const key = this.#key();
      this.#skip();
      if (text.charCodeAt(this.#pos) !== 0x3a) this.#fail(this.#pos);
      this.#pos++;
      this.#skip();
      setKey(out, key, this.#value(depth + 1));
      this.#skip();
      const c = text.charCodeAt(this.#pos);
      if (c === 0x2c) {
        this.#pos++;
        this.#skip();
        if (text.charCodeAt(this.#pos) !== 0x7d) continue;
      } else if (c !== 0x7d) {
        this.#fail(this.#pos);
      }
      this.#pos++;
      return out;
    }
  }

  #array(depth: number): unknown[] {
    const text = this.#text;
    const out: unknown[] = [];
    this.#pos++;
    this.#skip();
    if (text.charCodeAt(this.#pos) === 0x5d) {
      this.#pos++;
      return out;
    }
    for (;;) {
      out.push(this.#value(depth + 1));
      this.#skip();
      const c = text.charCodeAt(this.#pos);
      if (c === 0x2c) {
        this.#pos++;
        this.#skip();
        if (text.charCodeAt(this.#pos) !== 0x5d) continue;
      } else if (c !== 0x5d) {
        this.#fail(this.#pos);
      }
      this.#pos++;
      return out;
    }
  }
}

/** The offset where the line holding offset `i` starts (`\n` ends a line; `i` itself does not). */
function lineStartOf(text: string, i: number): number {
  // lastIndexOf clamps a negative start to 0, which would look at `i` itself.
  return i === 0 ? 0 : text.lastIndexOf("\n", i - 1) + 1;
}

/** The 1-based number of the line that starts at `lineStart` (lines end at `\n` only). */
function countLines(text: string, lineStart: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < lineStart; i = text.indexOf("\n", i + 1)) {
    line++;
  }
  return line;
}

/**
 * True when `text` has at most {@linkcode MAX_DEPTH} `{` and `[` in all, so no value in it can
 * be nested deeper than the limit (brackets inside strings count too: it errs on the safe side).
 */
function shallowEnough(text: string): boolean {
  if (text.length <= MAX_DEPTH) return true;
  let count = 0;
  for (const bracket of ["{", "["]) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) {
      if (++count > MAX_DEPTH) return false;
    }
  }
  return true;
}

/**
 * Parses JSON5 text into a plain value, exactly as npm `json5` 2.2.3's `JSON5.parse` does
 * (see the module doc for the two deliberate differences).
 *
 * JSON text takes the built-in `JSON.parse`: everything it accepts is JSON5 that json5 reads to
 * the same value (own `__proto__` keys, the last duplicate at the first one's place, `-0`), so
 * only the nesting limit needs checking first.
 *
 * @param text The JSON5 text (an empty or blank text is an error, as in json5).
 * @returns The value: objects are plain objects whose keys are all own data properties.
 * @throws {Json5ParseError} a `SyntaxError` with json5's message, `lineNumber` and
 *   `columnNumber`.
 *
 * @example
 * ```ts
 * parseJson5Value("{ port: 0x4A38, /* why *\/ tags: ['a',], }"); // { port: 19000, tags: ["a"] }
 * parseJson5Value("{ a: 1\n  b: 2 }"); // throws "JSON5: invalid character 'b' at 2:3"
 * ```
 */
export function parseJson5Value(text: string): unknown {
  if (shallowEnough(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON: JSON5 syntax, or an error json5 words differently.
    }
  }
  return new Reader(text).document();
}
