import assert from "node:assert/strict";
import {
  formatJsonPointer,
  parseJsonPointer,
  readJsonPointer,
  setJsonPointer,
} from "../../../lib/secrets/json_pointer.ts";

Deno.test("parseJsonPointer() unescapes ~1 and ~0 (RFC 6901)", () => {
  assert.deepEqual(parseJsonPointer("/providers/openai/apiKey"), ["providers", "openai", "apiKey"]);
  assert.deepEqual(parseJsonPointer("/a~1b/c~0d"), ["a/b", "c~d"]);
  assert.deepEqual(parseJsonPointer("/"), [""]);
  assert.equal(formatJsonPointer(["a/b", "c~d"]), "/a~1b/c~0d");
});

Deno.test("parseJsonPointer() refuses relative pointers and bare ~", () => {
  assert.throws(() => parseJsonPointer("providers/x"), { code: "JSON_POINTER_INVALID" });
  assert.throws(() => parseJsonPointer("/a~2b"), /"~" must be written "~0" or "~1"/);
});

Deno.test("readJsonPointer() walks objects and arrays and reports where it stopped", () => {
  const doc = { a: { "b/c": ["x", "y"] } };
  assert.deepEqual(readJsonPointer(doc, "/a/b~1c/1"), { found: true, value: "y" });
  assert.deepEqual(readJsonPointer(doc, "/a/missing/deeper"), { found: false, at: "/a/missing" });
  assert.deepEqual(readJsonPointer(doc, "/a/b~1c/7"), { found: false, at: "/a/b~1c/7" });
  assert.equal(readJsonPointer({}, "/__proto__").found, false);
});

Deno.test("setJsonPointer() creates objects on the way and never mutates", () => {
  const doc = { keep: 1, a: { b: "old" } };
  const next = setJsonPointer(doc, "/a/c/d", "v") as Record<string, Record<string, unknown>>;
  assert.deepEqual(next, { keep: 1, a: { b: "old", c: { d: "v" } } });
  assert.deepEqual(doc, { keep: 1, a: { b: "old" } });
  assert.throws(() => setJsonPointer({ a: "str" }, "/a/b", "v"), /"\/a" is not an object/);
  const proto = setJsonPointer({}, "/__proto__/x", "v") as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  assert.ok(Object.hasOwn(proto, "__proto__"));
});
