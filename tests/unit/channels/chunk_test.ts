import assert from "node:assert/strict";
import { chunkMarkdown, splitMarkdown } from "../../../lib/channels/chunk.ts";

Deno.test("chunkMarkdown() leaves short text as one message and blank text as none", () => {
  assert.deepEqual(chunkMarkdown("hello\nworld", { limit: 2000 }), ["hello\nworld"]);
  assert.deepEqual(chunkMarkdown("", { limit: 2000 }), []);
  assert.deepEqual(chunkMarkdown(" \n\n ", { limit: 2000 }), []);
});

Deno.test("chunkMarkdown() breaks at a paragraph before a line, and at a line before a word", () => {
  const para = "a".repeat(60) + "\n\n" + "b".repeat(30) + "\n" + "c".repeat(30);
  assert.deepEqual(chunkMarkdown(para, { limit: 100 }), [
    "a".repeat(60) + "\n\n",
    "b".repeat(30) + "\n" + "c".repeat(30),
  ]);
  const lines = "a".repeat(70) + "\n" + "b".repeat(70);
  assert.deepEqual(chunkMarkdown(lines, { limit: 100 }), ["a".repeat(70) + "\n", "b".repeat(70)]);
  const words = ("word ".repeat(30)).trim();
  const chunks = chunkMarkdown(words, { limit: 64 });
  assert.ok(chunks.every((c) => c.length <= 64 && !/^\S*word\S+$/.test(c)));
  assert.equal(chunks.join(""), words);
});

Deno.test("chunkMarkdown() closes a code block at a cut and reopens it with its language", () => {
  const code = Array.from({ length: 40 }, (_, i) => `const v${i} = ${i};`).join("\n");
  const text = `Here:\n\n\`\`\`ts\n${code}\n\`\`\`\nDone.`;
  const chunks = chunkMarkdown(text, { limit: 200 });
  assert.ok(chunks.length > 2);
  for (const c of chunks) {
    assert.ok(c.length <= 200, `${c.length}`);
    assert.equal((c.match(/^```/gm) ?? []).length % 2, 0, c);
  }
  assert.ok(chunks.slice(1, -1).every((c) => c.startsWith("```ts\n")));
  assert.ok(chunks.at(-1)!.endsWith("```\nDone."));
});

Deno.test("chunkMarkdown() ends a message before a code block rather than inside it", () => {
  const text = "x".repeat(90) + "\n```\n" + "y\n".repeat(20) + "```\n";
  const chunks = chunkMarkdown(text, { limit: 120 });
  assert.equal(chunks[0], "x".repeat(90) + "\n");
  assert.ok(chunks[1].startsWith("```\n"));
});

Deno.test("chunkMarkdown() splits a long line and never a surrogate pair", () => {
  const text = "🦞".repeat(100);
  const chunks = chunkMarkdown(text, { limit: 65 });
  assert.ok(chunks.every((c) => c.length <= 65 && !/^[\udc00-\udfff]/.test(c)));
  assert.equal(chunks.join(""), text);
});

Deno.test("chunkMarkdown() caps lines per message", () => {
  const text = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");
  const chunks = chunkMarkdown(text, { limit: 2000, maxLines: 17 });
  assert.deepEqual(chunks.map((c) => c.split("\n").filter((l) => l !== "").length), [17, 17, 6]);
});

Deno.test("chunkMarkdown() sends each paragraph alone in newline mode", () => {
  assert.deepEqual(
    chunkMarkdown("one\n\ntwo\nstill two\n\n\nthree", { limit: 2000, mode: "newline" }),
    [
      "one\n\n",
      "two\nstill two\n\n",
      "three",
    ],
  );
  // A blank line inside a code block is not a paragraph end.
  assert.equal(chunkMarkdown("```\na\n\nb\n```", { limit: 2000, mode: "newline" }).length, 1);
});

Deno.test("splitMarkdown() keeps every character of the input in the bodies", () => {
  const text = "# T\n\n```py\nprint(1)\n\nprint(2)\n```\n" + "word ".repeat(100);
  const parts = splitMarkdown(text, { limit: 64 });
  assert.equal(parts.map((p) => p.body).join(""), text);
  assert.throws(() => splitMarkdown("x", { limit: 10 }), RangeError);
  assert.throws(() => splitMarkdown("x", { limit: 100, maxLines: 2 }), RangeError);
});
