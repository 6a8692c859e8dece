import assert from "node:assert/strict";
import JSON5 from "json5";
import { ArrayIndexError, setAtPath, unsetAtPath } from "../../../lib/json5/edit.ts";

const CHAPTER = `{
  // where secrets come from
  secrets: {
    providers: {
      default: { source: "env" }, // the env provider
      filemain: {
        source: "file",
        path: "~/.openclaw/secrets.json",
      },
    },
  },
  agents: {
    list: [
      { id: "main", default: true },
    ],
  },
}
`;

Deno.test("setAtPath() replaces only the value's text, keeping comments around it", () => {
  const text = "{\n  port: /* a */ 18789 /* b */, // c\n}\n";
  assert.equal(setAtPath(text, ["port"], 19001), "{\n  port: /* a */ 19001 /* b */, // c\n}\n");
});

Deno.test("setAtPath() edits under unquoted reserved-word keys", () => {
  const out = setAtPath(CHAPTER, ["secrets", "providers", "default", "source"], "file");
  assert.equal(out, CHAPTER.replace('default: { source: "env" }', 'default: { source: "file" }'));
  const flagged = setAtPath(CHAPTER, ["agents", "list", 0, "default"], false);
  assert.equal(flagged, CHAPTER.replace("default: true", "default: false"));
});

Deno.test("setAtPath() adds a member on its own line after the last one and its comment", () => {
  const trailing = "{\n  a: 1,\n  b: 2, // two\n}\n";
  assert.equal(setAtPath(trailing, ["c"], 3), "{\n  a: 1,\n  b: 2, // two\n  c: 3,\n}\n");
  const plain = "{\n    a: 1,\n    b: 2 // two\n}\n";
  assert.equal(setAtPath(plain, ["c"], 3), "{\n    a: 1,\n    b: 2, // two\n    c: 3\n}\n");
});

Deno.test("setAtPath() writes new keys bare when they are identifiers, reserved words too", () => {
  const out = setAtPath("{\n  a: 1,\n}\n", ["default"], { class: true, "x-y": 1, "": 2 });
  assert.equal(
    out,
    `{\n  a: 1,\n  default: {\n    class: true,\n    "x-y": 1,\n    "": 2,\n  },\n}\n`,
  );
  assert.deepEqual(JSON5.parse(out).default, { class: true, "x-y": 1, "": 2 });
});

Deno.test("setAtPath() follows the document's quotes, key quoting, indentation and line ends", () => {
  const single = "{\n\t'a': 'x',\n\t'b': 'y',\n}\n";
  assert.equal(
    setAtPath(single, ["c"], "it's"),
    "{\n\t'a': 'x',\n\t'b': 'y',\n\t'c': 'it\\'s',\n}\n",
  );
  const json = '{\r\n  "a": 1\r\n}\r\n';
  assert.equal(
    setAtPath(json, ["b"], { c: 2 }),
    '{\r\n  "a": 1,\r\n  "b": {\r\n    "c": 2\r\n  }\r\n}\r\n',
  );
});

Deno.test("setAtPath() keeps the quote of a string it replaces, and equal values as written", () => {
  assert.equal(setAtPath("{ a: 'x' }", ["a"], "y"), "{ a: 'y' }");
  assert.equal(setAtPath("{ a: 0x10, b: [1, 2] }", ["a"], 16), "{ a: 0x10, b: [1, 2] }");
  assert.equal(setAtPath("{ a: 0x10, b: [1, 2] }", ["b"], [1, 2]), "{ a: 0x10, b: [1, 2] }");
});

Deno.test("setAtPath() adds to inline objects and arrays inline", () => {
  assert.equal(setAtPath("{ a: 1 }", ["b"], { x: [1, 2] }), "{ a: 1, b: { x: [1, 2] } }");
  assert.equal(setAtPath("{ a: [1,], }", ["a", 1], 2), "{ a: [1, 2,], }");
  assert.equal(setAtPath("{ a: {} }", ["a", "k"], 1), "{ a: { k: 1 } }");
});

Deno.test("setAtPath() creates missing parents, an index 0 making an array", () => {
  const out = setAtPath("{}\n", ["gateway", "auth", "token"], "t");
  assert.equal(out, '{\n  gateway: {\n    auth: {\n      token: "t",\n    },\n  },\n}\n');
  const list = setAtPath("{\n  a: 1,\n}\n", ["agents", "list", 0, "id"], "main");
  assert.deepEqual(JSON5.parse(list).agents, { list: [{ id: "main" }] });
  const scalar = setAtPath("{ a: 1 }", ["a", "b"], 2);
  assert.equal(scalar, "{ a: { b: 2 } }");
});

Deno.test("setAtPath() opens an empty container over lines inside a multi-line one", () => {
  const text = "{\n  a: {},\n  b: [ /* none */ ],\n}\n";
  assert.equal(
    setAtPath(text, ["a", "k"], 1),
    "{\n  a: {\n    k: 1,\n  },\n  b: [ /* none */ ],\n}\n",
  );
  assert.equal(
    setAtPath(text, ["b", 0], "x"),
    '{\n  a: {},\n  b: [ /* none */\n    "x",\n  ],\n}\n',
  );
});

Deno.test("setAtPath() appends at index length and refuses an index past it", () => {
  const text = "{\n  list: [\n    1,\n    2\n  ],\n}\n";
  assert.equal(setAtPath(text, ["list", 2], 3), "{\n  list: [\n    1,\n    2,\n    3\n  ],\n}\n");
  assert.equal(setAtPath(text, ["list", 0], 9), "{\n  list: [\n    9,\n    2\n  ],\n}\n");
  assert.throws(() => setAtPath(text, ["list", 5], 1), (err: unknown) => {
    assert.ok(err instanceof ArrayIndexError);
    assert.deepEqual([err.depth, err.length], [1, 2]);
    return true;
  });
});

Deno.test("setAtPath() sets the value that counts when a key is duplicated", () => {
  const out = setAtPath("{ a: 1, a: 2 }", ["a"], 3);
  assert.equal(out, "{ a: 1, a: 3 }");
  assert.equal(JSON5.parse(out).a, 3);
});

Deno.test("unsetAtPath() removes a member with its own line's comment, keeping the line above", () => {
  const text = "{\n  a: 1,\n  // about b\n  b: 2, // two\n  c: 3,\n}\n";
  assert.equal(unsetAtPath(text, ["b"]), "{\n  a: 1,\n  // about b\n  c: 3,\n}\n");
});

Deno.test("unsetAtPath() can keep the removed line's comment on a line of its own", () => {
  const text = "{\n  a: 1,\n    b: 2, // two /* more */\n  c: 3,\n}\n";
  const out = unsetAtPath(text, ["b"], { keepTrailingComment: true });
  assert.equal(out, "{\n  a: 1,\n    // two /* more */\n  c: 3,\n}\n");
  assert.equal(
    unsetAtPath("{\n  a: 1, // one\n}", ["a"], { keepTrailingComment: true }),
    "{\n  // one\n}",
  );
});

Deno.test("unsetAtPath() drops the comma before a removed last item when none trailed it", () => {
  const text = "{\n  a: 1, // one\n  b: 2 // two\n}\n";
  assert.equal(unsetAtPath(text, ["b"]), "{\n  a: 1 // one\n}\n");
  assert.equal(unsetAtPath("{ a: 1, b: 2 }", ["b"]), "{ a: 1 }");
  assert.equal(unsetAtPath("{ a: 1, b: 2, }", ["b"]), "{ a: 1, }");
  assert.equal(unsetAtPath("{ a: 1, /* x */ b: 2 }", ["a"]), "{ /* x */ b: 2 }");
  assert.equal(unsetAtPath("[1, // one\n 2]", [1]), "[1 // one\n]");
});

Deno.test("unsetAtPath() removes array items and leaves an emptied container as {} or []", () => {
  assert.equal(unsetAtPath("{ a: [1, 2, 3] }", ["a", 1]), "{ a: [1, 3] }");
  assert.equal(unsetAtPath("{\n  a: {\n    b: 1,\n  },\n}\n", ["a", "b"]), "{\n  a: {},\n}\n");
  assert.equal(unsetAtPath("{ a: { b: 1 } }", ["a", "b"]), "{ a: {} }");
  assert.equal(unsetAtPath("{ a: [ /* keep */ 1 ] }", ["a", 0]), "{ a: [ /* keep */ ] }");
});

Deno.test("unsetAtPath() removes every copy of a duplicated key, and reports a missing path", () => {
  assert.equal(unsetAtPath("{ a: 1, b: 0, a: 2 }", ["a"]), "{ b: 0 }");
  assert.equal(unsetAtPath("{ a: 1 }", ["b"]), undefined);
  assert.equal(unsetAtPath("{ a: [1] }", ["a", 1]), undefined);
  assert.equal(unsetAtPath("{ a: 1 }", ["a", "b"]), undefined);
});

Deno.test("unsetAtPath() keeps the chapter's reserved-word keys and comments", () => {
  const out = unsetAtPath(CHAPTER, ["secrets", "providers", "filemain"])!;
  assert.equal(
    out,
    CHAPTER.replace(/\n {6}filemain: \{[^}]*\},/, ""),
  );
  assert.deepEqual(JSON5.parse(out).secrets.providers, { default: { source: "env" } });
});
