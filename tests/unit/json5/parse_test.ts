import assert from "node:assert/strict";
import JSON5 from "json5";
import { Json5ParseError, MAX_DEPTH, parseJson5Value } from "../../../lib/json5/parse.ts";

/** The error `parseJson5Value` throws for `text` (fails the test when it parses). */
function errorOf(text: string): Json5ParseError {
  try {
    parseJson5Value(text);
  } catch (err) {
    assert.ok(err instanceof Json5ParseError, String(err));
    return err;
  }
  assert.fail(`${JSON.stringify(text)} parsed`);
}

/** Asserts our error for `text` is npm json5's, byte for byte, and has `message`. */
function rejects(text: string, message: string): void {
  const ours = errorOf(text);
  assert.equal(ours.message, message, JSON.stringify(text));
  assert.throws(() => JSON5.parse(text), { message }, "npm json5 agrees");
}

Deno.test("parseJson5Value() reads reserved words, literals and `$_` names as bare keys", () => {
  const text = "{ default: 1, class: 2, true: 3, null: 4, NaN: 5, Infinity: 6, $a_1: 7, _: 8 }";
  assert.deepEqual(parseJson5Value(text), {
    default: 1,
    class: 2,
    true: 3,
    null: 4,
    NaN: 5,
    Infinity: 6,
    $a_1: 7,
    _: 8,
  });
});

Deno.test("parseJson5Value() reads unicode names and \\uXXXX escapes in bare keys", () => {
  assert.deepEqual(parseJson5Value("{ ünï: 1, 日本: 2, ℵ0: 3, a\u200Cb: 4 }"), {
    ünï: 1,
    日本: 2,
    ℵ0: 3,
    "a\u200Cb": 4,
  });
  assert.deepEqual(parseJson5Value("{ \\u0064efault: 1, a\\u0062c: 2 }"), { default: 1, abc: 2 });
});

Deno.test("parseJson5Value() reads every number spelling as npm json5 does", () => {
  const spellings = [
    "0",
    "-0",
    "+1",
    "12.5",
    ".5",
    "5.",
    "-.5e-2",
    "1.e3",
    "0.e1",
    "1E+2",
    "0x1F",
    "0XaB",
    "-0x10",
    "+0x0",
    "Infinity",
    "+Infinity",
    "-Infinity",
    "NaN",
    "-NaN",
    "1e400",
    "9007199254740993",
  ];
  for (const s of spellings) {
    assert.ok(Object.is(parseJson5Value(s), JSON5.parse(s)), s);
  }
  assert.ok(Object.is(parseJson5Value("-0"), -0));
  assert.equal(parseJson5Value("0x4A38"), 19000);
});

Deno.test("parseJson5Value() reads both quotes with every escape", () => {
  assert.equal(parseJson5Value(`'it\\'s "q"'`), `it's "q"`);
  assert.equal(parseJson5Value(`"say \\"hi\\" 'x'"`), `say "hi" 'x'`);
  assert.equal(parseJson5Value(`'\\b\\f\\n\\r\\t\\v\\0\\\\\\/'`), "\b\f\n\r\t\v\0\\/");
  assert.equal(parseJson5Value(`'\\x41\\u00e9\\ud83e\\udd9e'`), "Aé🦞");
  assert.equal(parseJson5Value(`'\\a\\q\\🦞'`), "aq🦞", "other characters stand for themselves");
  assert.equal(parseJson5Value("'raw\ttab\u0001'"), "raw\ttab\u0001");
});

Deno.test("parseJson5Value() drops line continuations of every line terminator", () => {
  for (const br of ["\n", "\r\n", "\r", "\u2028", "\u2029"]) {
    assert.equal(parseJson5Value(`'one \\${br}two'`), "one two", JSON.stringify(br));
  }
});

Deno.test("parseJson5Value() skips comments and all JSON5 whitespace", () => {
  const text = "\uFEFF// head\n/* a\n b */{\u00A0a\u2028:\u3000[1,/*x*/2]\v}\f// tail";
  assert.deepEqual(parseJson5Value(text), { a: [1, 2] });
  assert.deepEqual(parseJson5Value("[1 /**/ ]"), [1]);
});

Deno.test("parseJson5Value() accepts one trailing comma in objects and arrays", () => {
  assert.deepEqual(parseJson5Value("{ a: [1, 2,], b: {c: 3,}, }"), { a: [1, 2], b: { c: 3 } });
  rejects("[1,,]", "JSON5: invalid character ',' at 1:4");
  rejects("{a:1,,}", "JSON5: invalid character ',' at 1:6");
  rejects("[,]", "JSON5: invalid character ',' at 1:2");
});

Deno.test("parseJson5Value() keeps the last duplicate key at the first one's place", () => {
  const v = parseJson5Value("{ b: 1, a: 2, b: 3 }") as Record<string, number>;
  assert.deepEqual(Object.entries(v), [["b", 3], ["a", 2]]);
});

Deno.test("parseJson5Value() makes __proto__ an own key and never touches prototypes", () => {
  for (const text of ['{"__proto__": {"polluted": 1}}', "{ __proto__: { polluted: 1 } }"]) {
    const v = parseJson5Value(text) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.ok(Object.hasOwn(v, "__proto__"), text);
    assert.deepEqual(Object.getOwnPropertyDescriptor(v, "__proto__")?.value, { polluted: 1 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  }
});

Deno.test("parseJson5Value() reads JSON exactly as JSON.parse does", () => {
  const text = '{"a": [1, -0, 2.5e3, "x\\u00e9\\/"], "b": {"c": null, "d": true}, "a": false}';
  assert.deepEqual(parseJson5Value(text), JSON.parse(text));
  assert.deepEqual(parseJson5Value(text), JSON5.parse(text));
});

Deno.test("parseJson5Value() rejects an empty or blank text as json5 does", () => {
  rejects("", "JSON5: invalid end of input at 1:1");
  rejects(" \n ", "JSON5: invalid end of input at 2:2");
  rejects("// only a comment", "JSON5: invalid end of input at 1:18");
});

Deno.test("parseJson5Value() reports json5's line and column for each kind of error", () => {
  rejects("{ a: 1\n  b: 2 }", "JSON5: invalid character 'b' at 2:3");
  rejects("{\n  a: 1,\n  b: 2,,\n}", "JSON5: invalid character ',' at 3:8");
  rejects("{ a: 1", "JSON5: invalid end of input at 1:7");
  rejects("{ a: 'x\ny' }", "JSON5: invalid character '\\n' at 2:0");
  rejects("'a\rb'", "JSON5: invalid character '\\r' at 1:3");
  rejects("[01]", "JSON5: invalid character '1' at 1:3");
  rejects("0x", "JSON5: invalid end of input at 1:3");
  rejects("1e+x", "JSON5: invalid character 'x' at 1:4");
  rejects("tru e", "JSON5: invalid character ' ' at 1:4");
  rejects("'\\01'", "JSON5: invalid character '1' at 1:4");
  rejects("'\\x4g'", "JSON5: invalid character 'g' at 1:5");
  rejects("{ \\x41: 1 }", "JSON5: invalid character 'x' at 1:4");
  rejects("{ a\\u0020: 1 }", "JSON5: invalid identifier character at 1:4");
  rejects("{ \\u0030: 1 }", "JSON5: invalid identifier character at 1:3");
  rejects("/x", "JSON5: invalid character 'x' at 1:2");
  rejects("{} /* open", "JSON5: invalid end of input at 1:11");
  rejects("{a:1}x", "JSON5: invalid character 'x' at 1:6");
  rejects("[\u0001]", "JSON5: invalid character '\\x01' at 1:2");
  rejects("[🦞]", "JSON5: invalid character '🦞' at 1:3");
  const e = errorOf("{ a: 1\n  b: 2 }");
  assert.equal(e.name, "SyntaxError");
  assert.deepEqual([e.lineNumber, e.columnNumber, e.reason], [2, 3, "invalid character 'b'"]);
});

Deno.test("parseJson5Value() refuses nesting deeper than MAX_DEPTH, JSON or not", () => {
  const deepest = "[".repeat(MAX_DEPTH + 1) + "]".repeat(MAX_DEPTH + 1);
  assert.ok(Array.isArray(parseJson5Value(deepest)));
  for (
    const text of ["[".repeat(MAX_DEPTH + 2), "[".repeat(MAX_DEPTH + 2) + "]".repeat(MAX_DEPTH + 2)]
  ) {
    const e = errorOf(text);
    assert.equal(e.reason, `nesting deeper than ${MAX_DEPTH} levels`);
    assert.deepEqual([e.lineNumber, e.columnNumber], [1, MAX_DEPTH + 2]);
  }
  const braces = JSON.stringify({ s: "{".repeat(MAX_DEPTH * 2), t: ["[[["] });
  assert.deepEqual(parseJson5Value(braces), JSON.parse(braces), "brackets in strings are fine");
});

Deno.test("parseJson5Value() also takes letters newer than json5's Unicode 10 tables", () => {
  // The one deliberate difference: U+10D00 (Hanifi Rohingya, Unicode 11) is a letter today.
  assert.deepEqual(parseJson5Value("{ \u{10D00}: 1 }"), { "\u{10D00}": 1 });
  assert.throws(() => JSON5.parse("{ \u{10D00}: 1 }"), SyntaxError);
});
