import assert from "node:assert/strict";
import {
  compileMentionPatterns,
  matchesMentionPattern,
  MENTION_SCAN_CHARS,
} from "../../../lib/channels/mention.ts";

Deno.test("compileMentionPatterns() compiles case-insensitive patterns and reports bad ones", () => {
  const m = compileMentionPatterns(["\\bclawd\\b", "(unclosed", "(a+)+$", "x".repeat(201)]);
  assert.equal(m.patterns.length, 1);
  assert.deepEqual(m.invalid.map((i) => i.pattern.slice(0, 9)), [
    "(unclosed",
    "(a+)+$",
    "xxxxxxxxx",
  ]);
  assert.match(m.invalid[1].reason, /nested repetition/);
  assert.match(m.invalid[2].reason, /longer than 200/);
  assert.equal(matchesMentionPattern("hey CLAWD, lunch?", m), true);
  assert.equal(matchesMentionPattern("clawdbot", m), false);
});

Deno.test("compileMentionPatterns() compiles a list once", () => {
  const list = ["one", "two"];
  assert.equal(compileMentionPatterns(list), compileMentionPatterns([...list]));
});

Deno.test("matchesMentionPattern() looks only at the start of very long texts", () => {
  const m = compileMentionPatterns(["needle"]);
  assert.equal(matchesMentionPattern("x".repeat(MENTION_SCAN_CHARS) + "needle", m), false);
  assert.equal(matchesMentionPattern("needle" + "x".repeat(MENTION_SCAN_CHARS), m), true);
  assert.equal(matchesMentionPattern("needle", compileMentionPatterns([])), false);
});
