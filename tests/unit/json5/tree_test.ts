import assert from "node:assert/strict";
import JSON5 from "json5";
import {
  type ArrayNode,
  MAX_DEPTH,
  memberIndex,
  nodeValue,
  type ObjectNode,
  parseJson5,
} from "../../../lib/json5/tree.ts";

/** Every JSON5 feature at once, as the chapter and hand-written configs use them. */
const KITCHEN_SINK = `\uFEFF// config
/* block */ {
  default: { source: "env" }, // a reserved word as a key
  class: 1, true: 2, null: 3, Infinity: 4, NaN: 5, if: 6,
  \\u0064ef: 'escaped key',
  ünïcödé: "ok", $dollar: 1, _under: 2,
  'single': 'it\\'s', "double": "say \\"hi\\"",
  escapes: '\\b\\f\\n\\r\\t\\v\\0\\x41\\u00e9 \\
continued',
  numbers: [0x1F, -0xff, +1, .5, 5., 1.e3, -.5e-2, Infinity, -Infinity, +Infinity, NaN, -0,],
  literals: [true, false, null,],
  list: [{ id: "main", default: true }, /* between */ { id: "ops" },],
  /* before key */ spaced /* after key */ : /* before value */ 1 /* after value */ ,
\u2028\u2029\u00A0\u3000\v\f  empty: {}, none: [],
}
// trailing comment
`;

Deno.test("parseJson5() reads every JSON5 feature to the value npm json5 reads", () => {
  const doc = parseJson5(KITCHEN_SINK);
  assert.deepEqual(nodeValue(doc.root), JSON5.parse(KITCHEN_SINK));
});

Deno.test("parseJson5() gives members spans from key to value, with comma offsets", () => {
  const text = `{ a: 1, 'b' : [2, 3] , c: {} }`;
  const root = parseJson5(text).root as ObjectNode;
  const [a, b, c] = root.members;
  assert.equal(text.slice(root.start, root.end), text);
  assert.equal(text.slice(a.start, a.end), "a: 1");
  assert.equal(text[a.comma!], ",");
  assert.equal(text.slice(b.keySpan.start, b.keySpan.end), "'b'");
  assert.equal(text.slice(b.start, b.end), "'b' : [2, 3]");
  assert.equal(b.comma, 21);
  assert.equal(c.comma, undefined);
  const arr = b.value as ArrayNode;
  assert.deepEqual(arr.elements.map((e) => text.slice(e.start, e.end)), ["2", "3"]);
  assert.equal(text[arr.elements[0].comma!], ",");
  assert.equal(text.slice(c.value.start, c.value.end), "{}");
});

Deno.test("parseJson5() keeps the quote a string was written with", () => {
  const root = parseJson5(`['x', "y", 1]`).root as ArrayNode;
  assert.deepEqual(root.elements.map((e) => e.value.kind === "scalar" && e.value.quote), [
    "'",
    '"',
    undefined,
  ]);
});

Deno.test("nodeValue() lets the last duplicate win and keeps __proto__ as an own key", () => {
  const text = `{ a: 1, a: 2, __proto__: { polluted: true } }`;
  const doc = parseJson5(text);
  const value = nodeValue(doc.root) as Record<string, unknown>;
  assert.deepEqual(value, JSON5.parse(text));
  assert.equal(value.a, 2);
  assert.ok(Object.hasOwn(value, "__proto__"));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(memberIndex(doc.root as ObjectNode, "a"), 1);
  assert.equal(memberIndex(doc.root as ObjectNode, "zz"), -1);
});

Deno.test("parseJson5() reads any value at the top level", () => {
  for (const text of ["1", "'s'", "[1,]", "null", " -Infinity ", "// c\ntrue"]) {
    assert.deepEqual(nodeValue(parseJson5(text).root), JSON5.parse(text), text);
  }
});

Deno.test("parseJson5() reports syntax errors with line and column", () => {
  const cases: [string, string][] = [
    ["{ a: undefined }", 'Expected a value but found "undefined" at 1:6'],
    ["{ a: \\u0074rue }", 'Expected a value but found "\\\\u0074rue" at 1:6'],
    ["{\n  a: 1\n  b: 2\n}", 'Expected "," or "}" but found "b" at 3:3'],
    ["{ 1: 2 }", 'Expected a property name or "}" but found "1" at 1:3'],
    ["{ 'a' 1 }", 'Expected ":" but found "1" at 1:7'],
    ["[1,,2]", 'Expected a value but found "," at 1:4'],
    ["[1 2]", 'Expected "," or "]" but found "2" at 1:4'],
    ["{ a: 'x' }}", 'Expected the end of input but found "}" at 1:11'],
    ["{ a: 1", "Unexpected end of input at 1:7"],
    ["// only a comment", "Unexpected end of input at 1:18"],
    ["", "Unexpected end of input at 1:1"],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseJson5(text), { name: "Json5SyntaxError", message }, text);
  }
});

Deno.test("parseJson5() refuses nesting deeper than its limit instead of overflowing the stack", () => {
  const deep = "[".repeat(MAX_DEPTH + 5) + "]".repeat(MAX_DEPTH + 5);
  assert.throws(() => parseJson5(deep), { message: /^Nesting deeper than 1000 at 1:\d+$/ });
  const ok = "[".repeat(100) + "]".repeat(100);
  assert.deepEqual(nodeValue(parseJson5(ok).root), JSON5.parse(ok));
});
