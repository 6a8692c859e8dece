/**
 * The JSON5 parser: a tree of nodes that know where they are in the text (value spans, member
 * spans from key to value, comma offsets), so an editor can splice the text and leave every
 * other byte alone. Values read from the tree equal what npm `json5` 2.2.3 returns.
 *
 * @module
 */
import { isTrivia, Json5SyntaxError, type Token, tokenize } from "./lexer.ts";
import { MAX_DEPTH } from "./parse.ts";

/** A range of the source text: `start` inclusive, `end` exclusive (UTF-16 offsets). */
export interface Span {
  start: number;
  end: number;
}

/** `{ ... }`: the span runs from `{` to just past `}`. */
export interface ObjectNode extends Span {
  kind: "object";
  members: Member[];
}

/** `[ ... ]`: the span runs from `[` to just past `]`. */
export interface ArrayNode extends Span {
  kind: "array";
  elements: Element[];
}

/** A string, number, boolean or null. */
export interface ScalarNode extends Span {
  kind: "scalar";
  value: string | number | boolean | null;
  /** The quote of a string as written; a rewrite of it keeps the same quote. */
  quote?: '"' | "'";
}

/** Any JSON5 value. */
export type Json5Node = ObjectNode | ArrayNode | ScalarNode;

/** An array element; its span is the value's, `comma` the offset of the comma after it. */
export interface Element extends Span {
  value: Json5Node;
  comma?: number;
}

/** An object member; its span runs from the key's start to the value's end. */
export interface Member extends Element {
  key: string;
  keySpan: Span;
}

/** A parsed document: the text, all of its tokens, and the root value. */
export interface Json5Document {
  text: string;
  tokens: Token[];
  root: Json5Node;
}

// Deeper nesting is refused rather than risking the stack; the same limit as the value reader.
export { MAX_DEPTH };

const LITERALS = new Map<string, boolean | null | number>([
  ["true", true],
  ["false", false],
  ["null", null],
  ["Infinity", Infinity],
  ["NaN", NaN],
]);

/** The token's text cut to 30 characters, for error messages. */
function shown(token: Token): string {
  const t = token.text.length > 30 ? `${token.text.slice(0, 30)}\u2026` : token.text;
  return JSON.stringify(t);
}

class Parser {
  readonly #text: string;
  readonly #tokens: Token[];
  #i = 0;

  constructor(text: string, tokens: Token[]) {
    this.#text = text;
    this.#tokens = tokens.filter((t) => !isTrivia(t));
  }

  #fail(expected: string): never {
    const token = this.#tokens[this.#i];
    if (!token) {
      throw new Json5SyntaxError(this.#text, this.#text.length, "Unexpected end of input");
    }
    throw new Json5SyntaxError(
      this.#text,
      token.start,
      `Expected ${expected} but found ${shown(token)}`,
    );
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#i];
  }

  document(): Json5Node {
    const root = this.#value(0);
    if (this.#peek()) this.#fail("the end of input");
    return root;
  }

  #value(depth: number): Json5Node {
    const token = this.#peek();
    if (!token) return this.#fail("a value");
    if (depth > MAX_DEPTH) {
      throw new Json5SyntaxError(this.#text, token.start, `Nesting deeper than ${MAX_DEPTH}`);
    }
    if (token.kind === "{") return this.#object(depth);
    if (token.kind === "[") return this.#array(depth);
    const span = { start: token.start, end: token.end };
    if (token.kind === "string") {
      this.#i++;
      return { kind: "scalar", value: token.value, quote: token.quote, ...span };
    }
    if (token.kind === "number") {
      this.#i++;
      return { kind: "scalar", value: token.value, ...span };
    }
    // Literals are spelled out: `\u0074rue` is a valid key but not a value (as in npm json5).
    if (token.kind === "identifier" && !token.escaped && LITERALS.has(token.value)) {
      this.#i++;
      return { kind: "scalar", value: LITERALS.get(token.value)!, ...span };
    }
    return this.#fail("a value");
  }

  /** Reads `,` if it is next and returns its offset. */
  #comma(): number | undefined {
    const token = this.#peek();
    if (token?.kind !== ",") return undefined;
    this.#i++;
    return token.start;
  }

  #object(depth: number): ObjectNode {
    const start = this.#tokens[this.#i++].start;
    const members: Member[] = [];
    while (true) {
      const token = this.#peek();
      if (token?.kind === "}") {
        this.#i++;
        return { kind: "object", members, start, end: token.end };
      }
      if (token?.kind !== "string" && token?.kind !== "identifier") {
        return this.#fail('a property name or "}"');
      }
      this.#i++;
      if (this.#peek()?.kind !== ":") this.#fail('":"');
      this.#i++;
      const value = this.#value(depth + 1);
      const member: Member = {
        key: token.value,
        keySpan: { start: token.start, end: token.end },
        value,
        start: token.start,
        end: value.end,
      };
      member.comma = this.#comma();
      members.push(member);
      if (member.comma === undefined && this.#peek()?.kind !== "}") this.#fail('"," or "}"');
    }
  }

  #array(depth: number): ArrayNode {
    const start = this.#tokens[this.#i++].start;
    const elements: Element[] = [];
    while (true) {
      const token = this.#peek();
      if (token?.kind === "]") {
        this.#i++;
        return { kind: "array", elements, start, end: token.end };
      }
      const value = this.#value(depth + 1);
      const element: Element = { value, start: value.start, end: value.end };
      element.comma = this.#comma();
      elements.push(element);
      if (element.comma === undefined && this.#peek()?.kind !== "]") this.#fail('"," or "]"');
    }
  }
}

/**
 * Parses JSON5 text into a tree with source spans.
 *
 * @throws {Json5SyntaxError} with the line and column of the first error.
 */
export function parseJson5(text: string): Json5Document {
  const tokens = tokenize(text);
  return { text, tokens, root: new Parser(text, tokens).document() };
}

/**
 * Returns the plain value of a node, as npm `json5` would parse it: the last of duplicate keys
 * wins, and every key (even `__proto__`) becomes an own property.
 */
export function nodeValue(node: Json5Node): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "array") return node.elements.map((e) => nodeValue(e.value));
  const out: Record<string, unknown> = {};
  for (const m of node.members) {
    Object.defineProperty(out, m.key, {
      value: nodeValue(m.value),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return out;
}

/** Returns the index of the member that counts for `key` (the last one, as in npm json5), or -1. */
export function memberIndex(node: ObjectNode, key: string): number {
  for (let i = node.members.length - 1; i >= 0; i--) if (node.members[i].key === key) return i;
  return -1;
}

/** The members or elements of a container, as spans with optional commas. */
export function itemsOf(node: ObjectNode | ArrayNode): Element[] {
  return node.kind === "object" ? node.members : node.elements;
}
