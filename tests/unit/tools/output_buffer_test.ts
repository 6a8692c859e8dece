import assert from "node:assert/strict";
import { OutputBuffer, tailWithMarker } from "../../../lib/tools/output_buffer.ts";

Deno.test("OutputBuffer drops the oldest text beyond its cap and keeps absolute offsets", () => {
  const b = new OutputBuffer(10);
  b.append("0123456");
  b.append("789abc");
  assert.equal(b.text(), "3456789abc");
  assert.equal(b.dropped, 3);
  assert.equal(b.total, 13);
  assert.deepEqual(b.since(5), { text: "56789abc", lost: 0, next: 13 });
  assert.deepEqual(b.since(0), { text: "3456789abc", lost: 3, next: 13 });
  assert.deepEqual(b.since(13), { text: "", lost: 0, next: 13 });
  b.append("x".repeat(25));
  assert.equal(b.text(), "x".repeat(10));
  assert.equal(b.total, 38);
});

Deno.test("OutputBuffer folds many small writes without losing order", () => {
  const b = new OutputBuffer(100_000);
  for (let i = 0; i < 2000; i++) b.append(`${i},`);
  assert.ok(b.text().startsWith("0,1,2,"));
  assert.ok(b.text().endsWith("1998,1999,"));
  assert.throws(() => new OutputBuffer(0), RangeError);
});

Deno.test("tailWithMarker() keeps the end and counts what it cut", () => {
  assert.equal(tailWithMarker("abc", 10), "abc");
  assert.equal(
    tailWithMarker("abcdef", 2),
    "[... output truncated: 4 earlier characters omitted ...]\nef",
  );
  assert.equal(
    tailWithMarker("ef", 10, 5),
    "[... output truncated: 5 earlier characters omitted ...]\nef",
  );
});
