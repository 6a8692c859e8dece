/**
 * Differential tests of the `.env` parser against npm dotenv 18's `parse()` (its reference):
 * on generated files (every key, separator, quote, comment and line-ending spelling) and on
 * random strings of the characters that matter, both give the same variables in the same order.
 * Runs per property: `OPENCLAW_FUZZ_RUNS` (default 200); the seed is fixed unless
 * `OPENCLAW_FUZZ_SEED` is set.
 */
import assert from "node:assert/strict";
import { parse } from "dotenv";
import fc from "fast-check";
import { parseEnvFile } from "../../../lib/env.ts";

const RUNS = Number(Deno.env.get("OPENCLAW_FUZZ_RUNS") ?? 200);
const SEED = Number(Deno.env.get("OPENCLAW_FUZZ_SEED") ?? 20250611);
const params = { numRuns: RUNS, seed: SEED };

function agree(text: string): void {
  const ours = Object.entries(parseEnvFile(text));
  const theirs = Object.entries(parse(text));
  assert.deepEqual(ours, theirs, JSON.stringify(text));
}

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const space = pick("", " ", "  ", "\t", "\u00A0", "\u2028", "\n");
const key = fc.oneof(
  pick("A", "KEY", "a.b", "x-y", "_1", "1", "__proto__", "export", "exportA"),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,6}$/),
);
const separator = pick("=", " = ", "=\t", ": ", ":", ":\t", " =", "= ");
const chars = fc.string({
  unit: pick(
    ..."abc XY_-=:#.",
    "'",
    '"',
    "`",
    "\\",
    "\\n",
    "\\r",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "é",
  ),
  maxLength: 10,
});
const value = fc.oneof(
  chars,
  chars.map((s) => `'${s}'`),
  chars.map((s) => `"${s}"`),
  chars.map((s) => `\`${s}\``),
  fc.tuple(chars, chars).map(([a, b]) => `"${a}" # ${b}`),
  fc.tuple(chars, chars).map(([a, b]) => `${a} #${b}`),
);
const line = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(space, pick("", "export ", "export\t"), key, separator, value, space).map((
      p,
    ) => p.join("")),
  },
  { weight: 1, arbitrary: chars.map((s) => `# ${s}`) },
  { weight: 1, arbitrary: space },
);
const file = fc.tuple(
  fc.array(fc.tuple(line, pick("\n", "\r\n", "\r", "\u2028")), { maxLength: 8 }),
).map(([lines]) => lines.map(([l, end]) => l + end).join(""));

Deno.test("parseEnvFile() reads generated .env files as npm dotenv does", () => {
  fc.assert(fc.property(file, agree), params);
});

Deno.test("parseEnvFile() agrees with npm dotenv on random strings of .env characters", () => {
  const text = fc.string({
    unit: pick(..."AB_.-=: #'\"`\\nxe", "export ", "\n", "\r", "\t", "\u2028", "\u2029", "\uFEFF"),
    maxLength: 24,
  });
  fc.assert(fc.property(text, agree), { ...params, numRuns: RUNS * 5 });
});
