import assert from "node:assert/strict";
import { parseMessageTemplate, resolvePropertyPath } from "../../../lib/log/template.ts";

Deno.test("parseMessageTemplate() alternates text and the named properties' values", () => {
  assert.deepEqual(
    parseMessageTemplate("subsystem {id} started in {durationMs} ms", {
      id: "cron",
      durationMs: 4,
    }),
    ["subsystem ", "cron", " started in ", 4, " ms"],
  );
  assert.deepEqual(parseMessageTemplate("{x}", { x: "v" }), ["", "v", ""]);
  assert.deepEqual(parseMessageTemplate("{x}{y}", { x: 1, y: 2 }), ["", 1, "", 2, ""]);
});

Deno.test("parseMessageTemplate() returns plain text whole, the empty string as one part", () => {
  assert.deepEqual(parseMessageTemplate("no placeholders", { x: 1 }), ["no placeholders"]);
  assert.deepEqual(parseMessageTemplate("", {}), [""]);
});

Deno.test("parseMessageTemplate() fills a missing property with undefined", () => {
  assert.deepEqual(parseMessageTemplate("port {port} taken", {}), ["port ", undefined, " taken"]);
});

Deno.test("parseMessageTemplate() reads {{ and }} as literal braces", () => {
  assert.deepEqual(parseMessageTemplate("{{x}}", { x: 1 }), ["{x}"]);
  assert.deepEqual(parseMessageTemplate("a {{ b }} c {x}", { x: 2 }), ["a { b } c ", 2, ""]);
  assert.deepEqual(parseMessageTemplate("{{{x}", { x: 3 }), ["{", 3, ""]);
  assert.deepEqual(parseMessageTemplate("{x}}", { x: 4 }), ["", 4, "}"]);
});

Deno.test("parseMessageTemplate() keeps a brace with no closing one as text", () => {
  assert.deepEqual(parseMessageTemplate("open { only", { only: 1 }), ["open { only"]);
});

Deno.test("parseMessageTemplate() trims spaces around a name unless a property has them", () => {
  assert.deepEqual(parseMessageTemplate("{ x }", { x: 1 }), ["", 1, ""]);
  assert.deepEqual(parseMessageTemplate("{ x }", { " x ": 2, x: 1 }), ["", 2, ""]);
});

Deno.test("parseMessageTemplate() fills {*} with all the properties", () => {
  const props = { a: 1, b: "two" };
  assert.deepEqual(parseMessageTemplate("{*}", props), ["", props, ""]);
  assert.deepEqual(parseMessageTemplate("{*}", { "*": 9 }), ["", 9, ""]);
});

Deno.test("parseMessageTemplate() reaches into nested values by path", () => {
  const err = new Error("boom");
  assert.deepEqual(parseMessageTemplate("{error.message}", { error: err }), ["", "boom", ""]);
  assert.deepEqual(parseMessageTemplate("{a.b}", { "a.b": 8, a: { b: 7 } }), ["", 8, ""]);
  assert.deepEqual(parseMessageTemplate("{a?.b?.c}", { a: { b: null } }), ["", undefined, ""]);
});

Deno.test("parseMessageTemplate() never resolves a name from Object.prototype", () => {
  assert.deepEqual(parseMessageTemplate("{constructor}", {}), ["", undefined, ""]);
  assert.deepEqual(parseMessageTemplate("{toString}", {}), ["", undefined, ""]);
  assert.deepEqual(parseMessageTemplate("{a.constructor}", { a: {} }), ["", undefined, ""]);
});

Deno.test("resolvePropertyPath() follows dots, indexes, quoted keys and optional steps", () => {
  const obj = { users: [{ name: "a" }, { "full-name": "b c" }], s: "str", n: null };
  assert.equal(resolvePropertyPath(obj, "users[0].name"), "a");
  assert.equal(resolvePropertyPath(obj, 'users[1]["full-name"]'), "b c");
  assert.equal(resolvePropertyPath(obj, "users[1]['full-name']"), "b c");
  assert.equal(resolvePropertyPath(obj, "users.length"), 2);
  assert.equal(resolvePropertyPath(obj, "users[5].name"), undefined);
  assert.equal(resolvePropertyPath(obj, "n?.x"), undefined);
  assert.equal(resolvePropertyPath({ a: { "x\ny": 1 } }, 'a["x\\ny"]'), 1);
  assert.equal(resolvePropertyPath({ a: { A: 1 } }, 'a["\\u0041"]'), 1);
});

Deno.test("resolvePropertyPath() returns undefined for a malformed path", () => {
  const obj = { a: { b: 1 }, arr: [1] };
  for (const path of ["", "a.", "a..b", "arr[", "arr[]", 'a["b'] as const) {
    assert.equal(resolvePropertyPath(obj, path), undefined, path);
  }
});
