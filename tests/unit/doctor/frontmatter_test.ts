import assert from "node:assert/strict";
import { parseFrontmatter } from "../../../lib/doctor/checks/_frontmatter.ts";

Deno.test("parseFrontmatter() reads the YAML subset skills use", () => {
  const text = `---
name: deploy
description: >
  Ship the site
  to production
version: 1.2
metadata: {"openclaw": {"requires": {"bins": ["git"]}}}
install:
  - kind: brew
    formula: gh
  - kind: node
tags: [ops, "release notes"]
notes: |
  line one
  line two
# a comment
---
Body`;
  assert.deepEqual(parseFrontmatter(text), {
    ok: true,
    data: {
      name: "deploy",
      description: "Ship the site to production",
      version: 1.2,
      metadata: { openclaw: { requires: { bins: ["git"] } } },
      install: [{ kind: "brew", formula: "gh" }, { kind: "node" }],
      tags: ["ops", "release notes"],
      notes: "line one\nline two",
    },
  });
});

Deno.test("parseFrontmatter() names the line of a malformed header", () => {
  assert.deepEqual(parseFrontmatter("# Title\n"), {
    ok: false,
    error: "no frontmatter (the file must start with a --- line)",
  });
  assert.deepEqual(parseFrontmatter("---\nname: a\n"), {
    ok: false,
    error: "the frontmatter has no closing --- line",
  });
  assert.deepEqual(parseFrontmatter("---\nname: a\nname: b\n---\n"), {
    ok: false,
    error: 'line 3: "name" appears twice',
  });
  assert.deepEqual(parseFrontmatter("---\nname: a\n\tdescription: b\n---\n"), {
    ok: false,
    error: "line 3: tabs are not allowed",
  });
  assert.deepEqual(parseFrontmatter("---\nmetadata: {broken\n---\n"), {
    ok: false,
    error: "line 2: cannot read the value {broken",
  });
});

Deno.test("parseFrontmatter() keeps __proto__ as a plain key", () => {
  const r = parseFrontmatter("---\n__proto__: x\nname: a\n---\n");
  assert.ok(r.ok);
  assert.equal(Object.getPrototypeOf(r.data), Object.prototype);
  assert.equal(Object.hasOwn(r.data, "__proto__"), true);
});
