/**
 * Differential tests of the JSON5 value reader against npm json5 2.2.3 (its reference): on
 * generated documents in every spelling, on the same documents mutated (a character dropped,
 * inserted, replaced, or the text cut short), on short strings of JSON5's own characters, and
 * on generated JSON, our reader gives the same value (same keys in the same order, `-0`, `NaN`)
 * or throws the same message with the same line and column. Runs per property:
 * `OPENCLAW_FUZZ_RUNS` (default 200); the seed is fixed unless `OPENCLAW_FUZZ_SEED` is set.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import JSON5 from "json5";
import { parseJson5Value } from "../../../lib/json5/parse.ts";
import { json5Value, randomSource, renderJson5 } from "./_gen.ts";

const RUNS = Number(Deno.env.get("OPENCLAW_FUZZ_RUNS") ?? 200);
const SEED = Number(Deno.env.get("OPENCLAW_FUZZ_SEED") ?? 20250611);
const params = { numRuns: RUNS, seed: SEED };

/** A value as text that tells apart key order, `-0`, `NaN` and a non-plain prototype. */
function describe(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (Array.isArray(v)) return `[${v.map(describe).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const proto = Object.getPrototypeOf(v) === Object.prototype ? "" : "(odd prototype)";
    const own = Object.getOwnPropertyNames(v).map((k) =>
      `${JSON.stringify(k)}:${describe(Object.getOwnPropertyDescriptor(v, k)?.value)}`
    );
    return `{${own.join(",")}}${proto}`;
  }
  return JSON.stringify(v);
}

/** What a parser made of `text`: the value described, or the error's message and position. */
function outcome(parse: (text: string) => unknown, text: string): string {
  try {
    return `value ${describe(parse(text))}`;
  } catch (err) {
    const e = err as { message: string; lineNumber?: number; columnNumber?: number };
    return `error ${e.message} (${e.lineNumber}:${e.columnNumber})`;
  }
}

/** Asserts our reader and npm json5 agree on `text`. */
function agree(text: string): void {
  // json5 warns on stderr about a raw U+2028/U+2029 in a string; the value is what counts here.
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal(outcome(parseJson5Value, text), outcome(JSON5.parse, text), JSON.stringify(text));
  } finally {
    console.warn = warn;
  }
}

// Characters that matter to JSON5, for mutations and random texts (all in Unicode 10, so the
// one deliberate difference, newer letters in bare keys, never comes up).
const ALPHABET = [
  ..."{}[]:,'\"\\/*+-.0123456789eExXabfnrtuvINal_$ \t#",
  "\n",
  "\r",
  "\u2028",
  "\u00A0",
  "\uFEFF",
  "\u200C",
  "é",
  "🦞",
  "\u0001",
  "\ud800",
];

const MUTATIONS = ["drop", "insert", "replace", "cut"] as const;

/** Applies one edit, chosen by `seed`, to `text`. */
function mutate(text: string, seed: number, kind: typeof MUTATIONS[number]): string {
  const rnd = randomSource(seed);
  const at = Math.floor(rnd() * (text.length + 1));
  const ch = ALPHABET[Math.floor(rnd() * ALPHABET.length)];
  switch (kind) {
    case "drop":
      return text.slice(0, at) + text.slice(at + 1);
    case "insert":
      return text.slice(0, at) + ch + text.slice(at);
    case "replace":
      return text.slice(0, at) + ch + text.slice(at + 1);
    case "cut":
      return text.slice(0, at);
  }
}

Deno.test("parseJson5Value() reads generated JSON5 documents as npm json5 does", () => {
  fc.assert(
    fc.property(json5Value, fc.integer(), (value, seed) => agree(renderJson5(value, seed))),
    params,
  );
});

Deno.test("parseJson5Value() fails where npm json5 fails on mutated documents", () => {
  fc.assert(
    fc.property(
      json5Value,
      fc.integer(),
      fc.array(fc.tuple(fc.integer(), fc.constantFrom(...MUTATIONS)), {
        minLength: 1,
        maxLength: 3,
      }),
      (value, seed, edits) => {
        let text = renderJson5(value, seed);
        for (const [s, kind] of edits) text = mutate(text, s, kind);
        agree(text);
      },
    ),
    params,
  );
});

Deno.test("parseJson5Value() agrees with npm json5 on random strings of JSON5 characters", () => {
  const text = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 16 });
  fc.assert(fc.property(text, agree), { ...params, numRuns: RUNS * 5 });
});

Deno.test("parseJson5Value() reads generated JSON as npm json5 does", () => {
  fc.assert(
    fc.property(json5Value, fc.constantFrom(undefined, 2, "\t"), (value, indent) => {
      agree(JSON.stringify(value, null, indent) ?? "null");
    }),
    params,
  );
});
