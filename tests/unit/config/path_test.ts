import assert from "node:assert/strict";
import {
  formatConfigPath,
  getAtPath,
  parseConfigPath,
  setAtPath,
  unsetAtPath,
} from "../../../lib/config/path.ts";

Deno.test("parseConfigPath() reads dots, indexes and quoted keys", () => {
  assert.deepEqual(parseConfigPath("agents.list[0].id"), ["agents", "list", 0, "id"]);
  assert.deepEqual(parseConfigPath('channels["my.bot"].enabled'), [
    "channels",
    "my.bot",
    "enabled",
  ]);
  assert.deepEqual(parseConfigPath("a.0.b"), ["a", 0, "b"]);
});

Deno.test("parseConfigPath() refuses empty segments and prototype keys", () => {
  for (const bad of ["", "a..b", "a.", "a[x]", "a[0", "__proto__.x", "a.constructor"]) {
    assert.throws(() => parseConfigPath(bad), /Cannot parse config path/, bad);
  }
});

Deno.test("formatConfigPath() round-trips", () => {
  assert.equal(formatConfigPath(["agents", "list", 0, "id"]), "agents.list[0].id");
  assert.equal(formatConfigPath(["channels", "my.bot"]), 'channels["my.bot"]');
  assert.equal(formatConfigPath([]), "<root>");
});

Deno.test("getAtPath(), setAtPath() and unsetAtPath() do not mutate", () => {
  const root = { a: { b: [1, 2] } };
  assert.deepEqual(getAtPath(root, ["a", "b", 1]), { found: true, value: 2 });
  assert.deepEqual(getAtPath(root, ["a", "c"]), { found: false });
  assert.deepEqual(setAtPath(root, ["a", "x", "y"], 3), { a: { b: [1, 2], x: { y: 3 } } });
  assert.deepEqual(unsetAtPath(root, ["a", "b", 0]), { a: { b: [2] } });
  assert.deepEqual(root, { a: { b: [1, 2] } });
});
