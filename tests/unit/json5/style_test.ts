import assert from "node:assert/strict";
import { DEFAULT_STYLE, detectStyle, isMultiline } from "../../../lib/json5/style.ts";
import { type ObjectNode, parseJson5 } from "../../../lib/json5/tree.ts";

const styleOf = (text: string) => detectStyle(parseJson5(text));

Deno.test("detectStyle() reads indentation, quotes, key quoting, trailing commas and line ends", () => {
  assert.deepEqual(styleOf("{\n    a: 'x',\n    b: { c: 'y' },\n}\n"), {
    indent: "    ",
    quote: "'",
    quoteKeys: false,
    trailingCommas: true,
    eol: "\n",
  });
  assert.deepEqual(styleOf('{\r\n\t"a": "x",\r\n\t"b": [\r\n\t\t1\r\n\t]\r\n}'), {
    indent: "\t",
    quote: '"',
    quoteKeys: true,
    trailingCommas: false,
    eol: "\r\n",
  });
});

Deno.test("detectStyle() falls back to the defaults for what a document does not show", () => {
  assert.deepEqual(styleOf("{}"), DEFAULT_STYLE);
  assert.deepEqual(styleOf("{ a: 1, 'b': 2 }"), { ...DEFAULT_STYLE, quote: "'" });
});

Deno.test("isMultiline() is true when the first item starts on a later line than the bracket", () => {
  const text = "{\n  a: { b: 1,\n    c: 2 },\n  d: {\n  },\n  e: {},\n}";
  const root = parseJson5(text).root as ObjectNode;
  const [a, d, e] = [root.members[0], root.members[1], root.members[2]];
  assert.equal(isMultiline(text, root), true);
  assert.equal(isMultiline(text, a.value), false);
  assert.equal(isMultiline(text, d.value), true);
  assert.equal(isMultiline(text, e.value), false);
});
