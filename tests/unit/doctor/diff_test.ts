import assert from "node:assert/strict";
import { unifiedDiff } from "../../../lib/doctor/diff.ts";

Deno.test("unifiedDiff() returns an empty string for equal texts", () => {
  assert.equal(unifiedDiff("a\n", "a\n"), "");
});

Deno.test("unifiedDiff() prints a hunk with context, removals before additions", () => {
  const before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
  const after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n";
  assert.equal(
    unifiedDiff(before, after, { fromLabel: "old", toLabel: "new" }),
    "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
  );
});

Deno.test("unifiedDiff() splits distant changes into hunks and merges near ones", () => {
  const a = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join("\n") + "\n";
  const b = a.replace("l2\n", "L2\n").replace("l18\n", "L18\n");
  const hunks = unifiedDiff(a, b).split("\n").filter((l) => l.startsWith("@@"));
  assert.deepEqual(hunks, ["@@ -1,5 +1,5 @@", "@@ -15,6 +15,6 @@"]);
  const near = unifiedDiff(a, a.replace("l2\n", "L2\n").replace("l6\n", "L6\n"));
  assert.equal(near.split("\n").filter((l) => l.startsWith("@@")).length, 1);
});

Deno.test("unifiedDiff() handles a new file", () => {
  assert.equal(unifiedDiff("", "x\n"), "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n");
});
