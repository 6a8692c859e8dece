/**
 * Generators for the JSON5 property tests: plain values with awkward keys and strings, and a
 * renderer that writes a value as JSON5 in a random spelling — bare, escaped, reserved-word and
 * quoted keys, every number form, both quotes with escapes and line continuations, trailing
 * commas or not, inline or one item per line, and a uniquely numbered comment (`/*cN*\/` or
 * `//cN`) or odd whitespace in every place JSON5 allows them.
 */
import fc from "fast-check";

/** A deterministic random source for a fast-check seed (mulberry32). */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys worth trying: reserved words, literals, non-identifiers, unicode, digits, empty. */
export const KEYS = [
  "default",
  "class",
  "true",
  "null",
  "NaN",
  "Infinity",
  "if",
  "new",
  "$x",
  "_y",
  "port",
  "a b",
  "x-y",
  "3",
  "",
  "it's",
  'say "hi"',
  "ünï",
  "日本",
  "back\\slash",
];

const key = fc.oneof(fc.constantFrom(...KEYS), fc.stringMatching(/^[a-zA-Z_$][a-zA-Z0-9_$]{0,5}$/));
const STRING_CHARS = [
  ..."abcXYZ019 -_.:/{}[],",
  "'",
  '"',
  "\\",
  "\n",
  "\t",
  "\0",
  "é",
  "🦞",
  "\u2028",
];
const string = fc.string({ unit: fc.constantFrom(...STRING_CHARS), maxLength: 12 });
const number = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }),
  fc.double({ noDefaultInfinity: false }),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e21, 5e-7, 0.5, 255),
);
const scalar = fc.oneof(string, number, fc.boolean(), fc.constant(null));

/** A plain JSON5 value (objects, arrays, strings, numbers incl. NaN/±Infinity/-0, bools, null). */
export const json5Value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

/** A JSON5 object value (the top level of a config). */
export const json5Object = fc.dictionary(key, json5Value, { maxKeys: 5, noNullPrototype: true });

const WHITESPACE = [
  " ",
  "  ",
  "\t",
  "\n",
  "\r\n",
  "\u00A0",
  "\u2028",
  "\u2029",
  "\uFEFF",
  "\v",
  "\u3000",
];
const LINE_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029"];
const SIMPLE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const UNICODE_NAME = /^[\p{L}$_][\p{L}\p{Nd}$_]*$/u;

/** Writes `value` as JSON5 with random spelling and layout, driven by `seed`. */
export function renderJson5(value: unknown, seed: number): string {
  const rnd = randomSource(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  let comment = 0;
  const gap = (): string => {
    let out = "";
    const count = rnd() < 0.5 ? 0 : Math.floor(rnd() * 3);
    for (let i = 0; i < count; i++) {
      const r = rnd();
      if (r < 0.4) out += pick(WHITESPACE);
      else if (r < 0.7) out += `/*c${comment++}${pick(["", "\n", " * "])}*/`;
      else out += `//c${comment++}${pick(LINE_BREAKS)}`;
    }
    return out;
  };
  const quote = (s: string): string => {
    const q = pick(['"', "'"]);
    let out = q;
    for (const ch of s) {
      const code = ch.codePointAt(0)!;
      const escape = ch === q || ch === "\\" || ch === "\n" || ch === "\r" || ch === "\u2028" ||
        ch === "\u2029" || rnd() < 0.15;
      if (rnd() < 0.05) out += `\\${pick(LINE_BREAKS)}`; // a line continuation adds nothing
      if (!escape) out += ch;
      else if (code > 0xffff) out += `\\${ch}`; // any other character escapes to itself
      else if (code < 0x100 && rnd() < 0.5) out += `\\x${code.toString(16).padStart(2, "0")}`;
      else if (ch === "\n") out += "\\n";
      else out += `\\u${code.toString(16).padStart(4, "0")}`;
    }
    return out + q;
  };
  const keyText = (k: string): string => {
    if (SIMPLE.test(k) || UNICODE_NAME.test(k)) {
      const r = rnd();
      if (r < 0.5) return k;
      if (r < 0.65) return `\\u${k.charCodeAt(0).toString(16).padStart(4, "0")}${k.slice(1)}`;
    }
    return quote(k);
  };
  const numberText = (n: number): string => {
    if (Number.isNaN(n)) return pick(["NaN", "+NaN", "-NaN"]);
    if (n === Infinity) return pick(["Infinity", "+Infinity"]);
    if (n === -Infinity) return "-Infinity";
    if (Object.is(n, -0)) return pick(["-0", "-0.0", "-.0", "-0x0", "-0e3"]);
    const sign = n < 0 ? "-" : pick(["", "+"]);
    const abs = Math.abs(n);
    if (Number.isSafeInteger(abs)) {
      return sign +
        pick([
          `${abs}`,
          `0x${abs.toString(16)}`,
          `0X${abs.toString(16).toUpperCase()}`,
          `${abs}.`,
          `${abs}.0`,
          `${abs}e0`,
          `${abs}.e0`,
        ]);
    }
    const s = String(abs);
    return sign + (s.startsWith("0.") && rnd() < 0.5 ? s.slice(1) : s);
  };
  const write = (v: unknown, indent: string): string => {
    if (v === null || typeof v === "boolean") return String(v);
    if (typeof v === "number") return numberText(v);
    if (typeof v === "string") return quote(v);
    const isArray = Array.isArray(v);
    const entries = isArray
      ? (v as unknown[]).map((item) => write(item, indent + "  "))
      : Object.entries(v as Record<string, unknown>).map(([k, item]) =>
        `${keyText(k)}${gap()}:${gap()}${pick([" ", ""])}${write(item, indent + "  ")}`
      );
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    const multiline = rnd() < 0.6;
    const sep = multiline ? `\n${indent}  ` : pick([" ", ""]);
    const trailing = entries.length > 0 && rnd() < 0.5 ? "," : "";
    const items = entries.map((e) => `${sep}${gap()}${e}${gap()}`);
    const end = multiline ? `\n${indent}` : "";
    return `${open}${items.join(",")}${trailing}${gap()}${end}${close}`;
  };
  return `${gap()}${write(value, "")}${gap()}`;
}
