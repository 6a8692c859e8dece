import assert from "node:assert/strict";
import JSON5 from "json5";
import { Json5SyntaxError, lineColumn, type Token, tokenize } from "../../../lib/json5/lexer.ts";

const kinds = (text: string) =>
  tokenize(text).filter((t) => t.kind !== "whitespace").map((t) => t.kind);
const only = (text: string): Token => {
  const tokens = tokenize(text);
  assert.equal(tokens.length, 1, JSON.stringify(tokens));
  return tokens[0];
};
const valueOf = (text: string) => {
  const t = only(text);
  assert.ok("value" in t, `${t.kind} has no value`);
  return t.value;
};

Deno.test("tokenize() covers every character, so the tokens join back into the text", () => {
  const text = `\uFEFF// head\n{ /* a */ default: 'x', "b": [1, +.5, 0x1F,], } \u2028`;
  assert.equal(tokenize(text).map((t) => t.text).join(""), text);
});

Deno.test("tokenize() reads reserved words and any ES5 IdentifierName as identifiers", () => {
  for (const name of ["default", "class", "true", "null", "Infinity", "NaN", "$_a1", "ünï", "ℵ0"]) {
    const t = only(name);
    assert.equal(t.kind, "identifier");
    assert.equal(valueOf(name), name);
  }
  assert.equal(valueOf("a\\u0062c"), "abc");
  assert.equal(valueOf("\\u0064efault"), "default");
  assert.equal((only("\\u0061") as { escaped: boolean }).escaped, true);
  assert.equal(valueOf("a\u200Cb"), "a\u200Cb", "ZWNJ may continue a name");
});

Deno.test("tokenize() decodes single- and double-quoted strings with every escape", () => {
  assert.equal(valueOf(`'it\\'s "q"'`), `it's "q"`);
  assert.equal(valueOf(`"say \\"hi\\" 'x'"`), `say "hi" 'x'`);
  assert.equal(valueOf(`'\\b\\f\\n\\r\\t\\v\\0\\\\\\/'`), "\b\f\n\r\t\v\0\\/");
  assert.equal(valueOf(`'\\x41\\u00e9\\ud83e\\udd9e'`), "Aé🦞");
  assert.equal(valueOf(`'\\a\\q\\🦞'`), "aq🦞", "other characters stand for themselves");
  assert.equal(valueOf("'raw\u2028\u2029\ttab'"), "raw\u2028\u2029\ttab");
  assert.equal((only(`'x'`) as { quote: string }).quote, "'");
});

Deno.test("tokenize() drops line continuations of every line terminator from strings", () => {
  for (const br of ["\n", "\r\n", "\r", "\u2028", "\u2029"]) {
    assert.equal(valueOf(`'one \\${br}two'`), "one two", JSON.stringify(br));
  }
});

Deno.test("tokenize() reads every JSON5 number spelling as npm json5 does", () => {
  const spellings = [
    "0",
    "-0",
    "+1",
    "12.5",
    ".5",
    "5.",
    "-.5e-2",
    "1.e3",
    "1E+2",
    "0x1F",
    "-0xff",
    "+0XaB",
    "-Infinity",
    "+Infinity",
    "-NaN",
    "+NaN",
    "123456789012345678901234567890",
  ];
  for (const s of spellings) {
    assert.equal(only(s).kind, "number", s);
    assert.ok(Object.is(valueOf(s), JSON5.parse(s)), s);
  }
  // Unsigned, they are names; the parser takes them as values where a value goes.
  assert.equal(only("Infinity").kind, "identifier");
  assert.equal(only("NaN").kind, "identifier");
});

Deno.test("tokenize() reads comments and all JSON5 whitespace as trivia", () => {
  const ws = "\t\v\f \u00A0\uFEFF\n\r\u2028\u2029\u3000\u2003";
  assert.deepEqual(tokenize(ws).map((t) => t.kind), ["whitespace"]);
  assert.deepEqual(kinds("// line\u2028/* block\n */"), ["lineComment", "blockComment"]);
  assert.equal(tokenize("// a\r\nx")[0].text, "// a", "a line comment ends at the line break");
  assert.deepEqual(kinds("{a:1,}[,]"), ["{", "identifier", ":", "number", ",", "}", "[", ",", "]"]);
});

Deno.test("tokenize() reports errors with the line and column npm json5 reports", () => {
  const cases: [string, string][] = [
    ["{\n  a: 01\n}", 'Invalid character "1" at 2:7'],
    ["{ a: '\\1' }", 'Invalid character "1" at 1:8'],
    ["{ a: '\\01' }", 'Invalid character "1" at 1:9'],
    ['{ a: "\\x4" }', 'Invalid character "\\"" at 1:10'],
    ["{ a: 0x }", 'Invalid character " " at 1:8'],
    ["{ a: 1e }", 'Invalid character " " at 1:8'],
    ["{ a: - 1 }", 'Invalid character " " at 1:7'],
    ["{ a: .e1 }", 'Invalid character "e" at 1:7'],
    ["{\n\n   @ }", 'Invalid character "@" at 3:4'],
    ["{ a: 'x\\\n", "Unterminated string at 1:6"],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => tokenize(text), { name: "Json5SyntaxError", message }, text);
    const theirs = /at (\d+:\d+)/.exec(String(captured(() => JSON5.parse(text))))?.[1];
    if (!message.startsWith("Unterminated")) assert.ok(message.endsWith(`at ${theirs}`), text);
  }
});

Deno.test("tokenize() names where an unterminated comment or string starts, and a raw line break", () => {
  assert.throws(() => tokenize("{\n  a: 1 /* x"), { message: "Unterminated comment at 2:8" });
  assert.throws(() => tokenize("{ a: 'x\n' }"), { message: "Line break in string at 1:8" });
  const err = captured(() => tokenize("{\n  a: 'x"));
  assert.ok(err instanceof Json5SyntaxError);
  assert.deepEqual([err.line, err.column, err.offset], [2, 6, 7]);
});

Deno.test("lineColumn() counts lines at LF only, columns in code units from 1", () => {
  assert.deepEqual(lineColumn("ab\ncd", 4), { line: 2, column: 2 });
  assert.deepEqual(lineColumn("🦞x", 2), { line: 1, column: 3 });
  assert.deepEqual(lineColumn("a\r\nb", 3), { line: 2, column: 1 });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
