import assert from "node:assert/strict";
import { diffLines, MAX_CELLS } from "../../../ui/lib/line_diff.ts";

Deno.test("diffLines() shows changed lines with two lines of context", () => {
  const before = "a\nb\nc\nd\ne\nf\ng";
  const after = "a\nb\nc\nD\ne\nf\ng";
  assert.deepEqual(diffLines(before, after).map((d) => `${d.op}${d.text}`), [
    " b",
    " c",
    "-d",
    "+D",
    " e",
    " f",
  ]);
});

Deno.test("diffLines() handles insertions and deletions", () => {
  const d = diffLines("x\ny", "x\nnew\ny\nend", 0);
  assert.deepEqual(d.map((l) => `${l.op}${l.text}`), ["+new", "+end"]);
  assert.deepEqual(diffLines("same", "same"), []);
});

Deno.test("diffLines() reports a huge change as one block instead of a huge table", () => {
  const n = Math.ceil(Math.sqrt(MAX_CELLS)) + 10;
  const a = Array.from({ length: n }, (_, i) => `a${i}`).join("\n");
  const b = Array.from({ length: n }, (_, i) => `b${i}`).join("\n");
  const d = diffLines(a, b, 0);
  assert.equal(d.length, 2 * n);
  assert.equal(d.filter((l) => l.op === "-").length, n);
});
