import assert from "node:assert/strict";
import JSON5 from "json5";
import { formatKey, formatValue, quoteString } from "../../../lib/json5/format.ts";
import { DEFAULT_STYLE } from "../../../lib/json5/style.ts";

Deno.test("quoteString() escapes what would break the text and round-trips through json5", () => {
  const value = `it's "q" \\ \n\r\t\b\f\v\0 \u2028\u2029 \ud800 lone, 🦞 pair, é`;
  for (const q of ['"', "'"] as const) {
    const text = quoteString(value, q);
    assert.equal(JSON5.parse(text), value);
    assert.doesNotMatch(text.slice(1, -1), /[\n\r\u2028\u2029\ud800]/);
  }
  assert.equal(quoteString("it's", "'"), "'it\\'s'");
  assert.equal(quoteString("it's", '"'), `"it's"`);
});

Deno.test("formatKey() writes identifiers and reserved words bare, anything else quoted", () => {
  for (const k of ["default", "class", "true", "null", "$a", "_b9"]) {
    assert.equal(formatKey(k, DEFAULT_STYLE), k);
  }
  assert.equal(formatKey("x-y", DEFAULT_STYLE), '"x-y"');
  assert.equal(formatKey("", DEFAULT_STYLE), '""');
  assert.equal(formatKey("9a", DEFAULT_STYLE), '"9a"');
  assert.equal(formatKey("a", { ...DEFAULT_STYLE, quoteKeys: true, quote: "'" }), "'a'");
});

Deno.test("formatValue() spells numbers so they read back exactly", () => {
  const values = [NaN, Infinity, -Infinity, -0, 0, 1e21, 5e-7, -12.5];
  const text = formatValue(values, DEFAULT_STYLE, { multiline: false });
  assert.equal(text, "[NaN, Infinity, -Infinity, -0, 0, 1e+21, 5e-7, -12.5]");
  assert.deepStrictEqual(JSON5.parse(text), values);
});

Deno.test("formatValue() lays out one item per line in the style, or inline", () => {
  const value = { a: [1, { b: "x" }], c: {}, d: [] };
  const style = { ...DEFAULT_STYLE, indent: "\t", trailingCommas: false };
  assert.equal(
    formatValue(value, style, { indent: "  " }),
    '{\n  \ta: [\n  \t\t1,\n  \t\t{\n  \t\t\tb: "x"\n  \t\t}\n  \t],\n  \tc: {},\n  \td: []\n  }',
  );
  assert.equal(
    formatValue(value, DEFAULT_STYLE, { multiline: false }),
    '{ a: [1, { b: "x" }], c: {}, d: [] }',
  );
});

Deno.test("formatValue() follows JSON.stringify for toJSON and undefined, and refuses the rest", () => {
  assert.equal(
    formatValue({ a: undefined, b: [undefined], c: new Date(0) }, DEFAULT_STYLE, {
      multiline: false,
    }),
    '{ b: [null], c: "1970-01-01T00:00:00.000Z" }',
  );
  assert.throws(() => formatValue(undefined, DEFAULT_STYLE), TypeError);
  assert.throws(() => formatValue(1n, DEFAULT_STYLE), TypeError);
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  assert.throws(() => formatValue(loop, DEFAULT_STYLE), { name: "TypeError", message: /too deep/ });
});
