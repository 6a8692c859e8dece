/**
 * `group:*` entries in tool policies must name a known group: the config schema rejects
 * `group:bogus` with the path and the list of known groups, wherever a tool list appears.
 */
import assert from "node:assert/strict";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { KNOWN_TOOL_GROUPS, toolGroupEntryProblem } from "../../../lib/tools/groups.ts";

function issues(input: unknown): { path: string; message: string }[] {
  const r = OpenClawConfigSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

const KNOWN =
  "group:openclaw, group:fs, group:runtime, group:web, group:memory, group:sessions, group:ui, group:automation, group:messaging, group:nodes, group:agents, group:media";

Deno.test("toolGroupEntryProblem() names the unknown group and every known one", () => {
  assert.equal(KNOWN_TOOL_GROUPS.join(", "), KNOWN);
  assert.equal(
    toolGroupEntryProblem("group:bogus"),
    `Unknown tool group "group:bogus": known groups are ${KNOWN}`,
  );
  for (
    const ok of ["group:runtime", "GROUP:FS", " group:openclaw ", "exec", "bash", "web_*", "*"]
  ) {
    assert.equal(toolGroupEntryProblem(ok), undefined, ok);
  }
});

Deno.test("config schema rejects group:bogus in tools.allow with its path", () => {
  assert.deepEqual(issues({ tools: { allow: ["read", "group:bogus"] } }), [
    {
      path: "tools.allow.1",
      message: `Unknown tool group "group:bogus": known groups are ${KNOWN}`,
    },
  ]);
});

Deno.test("config schema checks groups in every tool list", () => {
  const bad = ["group:bogus"];
  const cases: [unknown, string][] = [
    [{ tools: { deny: bad } }, "tools.deny.0"],
    [{ tools: { alsoAllow: bad } }, "tools.alsoAllow.0"],
    [{ tools: { sandbox: { tools: { allow: bad } } } }, "tools.sandbox.tools.allow.0"],
    [{ tools: { byProvider: { openai: { deny: bad } } } }, "tools.byProvider.openai.deny.0"],
    [
      { tools: { toolsBySender: { "+1555": { allow: bad } } } },
      "tools.toolsBySender.+1555.allow.0",
    ],
    [{ agents: { list: [{ id: "main", tools: { deny: bad } }] } }, "agents.list.0.tools.deny.0"],
  ];
  for (const [input, path] of cases) {
    const found = issues(input);
    assert.deepEqual(found.map((i) => i.path), [path], JSON.stringify(input));
    assert.match(found[0].message, /^Unknown tool group "group:bogus": known groups are group:/);
  }
});

Deno.test("config schema accepts the documented groups in any case", () => {
  assert.deepEqual(
    issues({
      tools: {
        sandbox: {
          tools: { allow: ["group:runtime", "group:fs", "group:sessions", "GROUP:Memory"] },
        },
        deny: ["group:ui", "group:automation", "group:messaging", "bash"],
      },
    }),
    [],
  );
});

Deno.test("policy entries named like Object.prototype members are plain names", async () => {
  const { expandToolGroups, isBuiltinTool, normalizeToolName } = await import(
    "../../../lib/tools/groups.ts"
  );
  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    assert.equal(normalizeToolName(name), name.toLowerCase());
    assert.equal(isBuiltinTool(name), false);
    assert.deepEqual(expandToolGroups([name]), [name.toLowerCase()]);
  }
  assert.deepEqual(issues({ tools: { allow: ["constructor"], deny: ["toString"] } }), []);
});
