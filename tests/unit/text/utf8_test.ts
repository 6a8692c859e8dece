import assert from "node:assert/strict";
import { utf8Length } from "../../../lib/text/utf8.ts";

Deno.test("utf8Length() counts what TextEncoder writes, without encoding", () => {
  const enc = new TextEncoder();
  for (const s of ["", "hello", "héllo", "日本語", "🦞 lobster", "a\u{10FFFF}b", "\u07FF\u0800"]) {
    assert.equal(utf8Length(s), enc.encode(s).length, JSON.stringify(s));
  }
});
