import assert from "node:assert/strict";
import { parseEnvFile } from "../../../lib/env.ts";

const parsed = (text: string) => ({ ...parseEnvFile(text) });

Deno.test("parseEnvFile() reads KEY=VAL and KEY: VAL lines", () => {
  assert.deepEqual(parsed("A=1\nB = two\nC: 3\nD:4\n"), { A: "1", B: "two", C: "3" });
});

Deno.test("parseEnvFile() drops an `export ` prefix", () => {
  assert.deepEqual(parsed("export A=1\nexport\tB=2\nexportC=3"), { A: "1", B: "2", exportC: "3" });
});

Deno.test("parseEnvFile() takes keys of word characters, dots and dashes only", () => {
  assert.deepEqual(parsed("a.b-c_1=x\n1=y\n$BAD=z\nB@D=w\n"), { 1: "y", "a.b-c_1": "x" });
});

Deno.test("parseEnvFile() trims whitespace around keys and unquoted values", () => {
  assert.deepEqual(parsed("  A  =   spaced out  \n\tB=\t1\t"), { A: "spaced out", B: "1" });
});

Deno.test("parseEnvFile() strips single, double and backtick quotes", () => {
  assert.deepEqual(parsed(`A='one'\nB="two"\nC=\`three\`\nD="it's"\nE='say "hi"'`), {
    A: "one",
    B: "two",
    C: "three",
    D: "it's",
    E: 'say "hi"',
  });
});

Deno.test("parseEnvFile() expands \\n and \\r in double quotes only", () => {
  assert.deepEqual(parsed(`A="x\\ny\\rz"\nB='x\\ny'\nC=x\\ny`), {
    A: "x\ny\rz",
    B: "x\\ny",
    C: "x\\ny",
  });
});

Deno.test("parseEnvFile() reads quoted values that span lines", () => {
  const text = "KEY=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=1\nS='a\nb'";
  assert.deepEqual(parsed(text), {
    KEY: "-----BEGIN-----\nabc\n-----END-----",
    NEXT: "1",
    S: "a\nb",
  });
});

Deno.test("parseEnvFile() treats # as a comment in unquoted values, not in quoted ones", () => {
  assert.deepEqual(parsed("# a comment\nA=1 # why\nB='x # y'\nC=\"x#y\" # z\nD=#none\n  # E=1"), {
    A: "1",
    B: "x # y",
    C: "x#y",
    D: "",
  });
});

Deno.test("parseEnvFile() reads CRLF and CR line endings as LF", () => {
  assert.deepEqual(parsed('A=1\r\nB="x\r\ny"\r\nC=3\rD=4'), { A: "1", B: "x\ny", C: "3", D: "4" });
});

Deno.test("parseEnvFile() gives an empty value for KEY= and ignores lines without one", () => {
  assert.deepEqual(parsed("A=\nJUST_A_WORD\nB=2"), { A: "", B: "2" });
});

Deno.test("parseEnvFile() lets a later key win", () => {
  assert.deepEqual(parsed("A=1\nA=2"), { A: "2" });
});

Deno.test("parseEnvFile() keeps a quote it cannot pair as part of the value", () => {
  assert.deepEqual(parsed(`A='x'y\nB="open\nC=3`), { A: "'x'y", B: '"open', C: "3" });
});

Deno.test("parseEnvFile() returns a null-prototype object where __proto__ is a plain key", () => {
  const vars = parseEnvFile("__proto__=1\nconstructor=2");
  assert.equal(Object.getPrototypeOf(vars), null);
  assert.deepEqual(Object.entries(vars), [["__proto__", "1"], ["constructor", "2"]]);
});

Deno.test("parseEnvFile() stays linear on long runs of blank lines", () => {
  // npm dotenv's regex loop rescans the run from every line start (about 10 s for 50k lines).
  const vars = parseEnvFile("\n".repeat(200_000) + "x\n" + " \n".repeat(100_000) + "A=1");
  assert.deepEqual({ ...vars }, { A: "1" });
});
