import assert from "node:assert/strict";
import JSON5 from "json5";
import { applyConfigEdits } from "../../../lib/config/edit.ts";

const COMMENTED = `// my config
{
  // the gateway
  gateway: {
    port: 18789, // keep this
    mode: 'local',
  },
  agents: { list: [{ id: "main" },], },
}
`;

Deno.test("applyConfigEdits() keeps comments, unquoted keys and trailing commas", () => {
  const { text } = applyConfigEdits(COMMENTED, [{
    op: "set",
    path: ["gateway", "port"],
    value: 19999,
  }]);
  assert.match(text, /\/\/ my config/);
  assert.match(text, /\/\/ the gateway/);
  assert.match(text, /port: 19999, \/\/ keep this/);
  assert.match(text, /mode: 'local',\n/);
  assert.match(text, /\n {2}gateway: \{/);
  assert.equal(JSON5.parse(text).gateway.port, 19999);
});

Deno.test("applyConfigEdits() creates missing parents", () => {
  const { text } = applyConfigEdits(COMMENTED, [
    { op: "set", path: ["gateway", "auth", "token"], value: "t" },
    { op: "set", path: ["logging", "level"], value: "debug" },
  ]);
  const parsed = JSON5.parse(text);
  assert.deepEqual(parsed.gateway.auth, { token: "t" });
  assert.equal(parsed.logging.level, "debug");
  assert.match(text, /\/\/ keep this/);
});

Deno.test("applyConfigEdits() sets and appends array items", () => {
  const { text } = applyConfigEdits(COMMENTED, [
    { op: "set", path: ["agents", "list", 0, "name"], value: "Main" },
    { op: "set", path: ["agents", "list", 1], value: { id: "ops" } },
  ]);
  assert.deepEqual(JSON5.parse(text).agents.list, [{ id: "main", name: "Main" }, { id: "ops" }]);
  assert.throws(
    () => applyConfigEdits(COMMENTED, [{ op: "set", path: ["agents", "list", 5], value: 1 }]),
    /array has 1/,
  );
});

Deno.test("applyConfigEdits() unsets and reports what was missing", () => {
  const { text, missing } = applyConfigEdits(COMMENTED, [
    { op: "unset", path: ["gateway", "mode"] },
    { op: "unset", path: ["gateway", "nope"] },
  ]);
  assert.equal(JSON5.parse(text).gateway.mode, undefined);
  assert.deepEqual(missing, ["gateway.nope"]);
  assert.match(text, /keep this/);
});

Deno.test("applyConfigEdits() starts an empty file as an object", () => {
  const { text } = applyConfigEdits("", [{ op: "set", path: ["gateway", "mode"], value: "local" }]);
  assert.deepEqual(JSON5.parse(text), { gateway: { mode: "local" } });
});

Deno.test("applyConfigEdits() refuses a file whose top level is not an object", () => {
  assert.throws(
    () => applyConfigEdits("[1]", [{ op: "set", path: ["a"], value: 1 }]),
    /Cannot edit config/,
  );
});

Deno.test("applyConfigEdits() keeps the closing brace aligned when the last key after a block goes", () => {
  const text = `{
  gateway: {
    mode: "local",
    auth: {
      token: "x",
    },
    port: 1,
  },
}
`;
  const { text: out } = applyConfigEdits(text, [{ op: "unset", path: ["gateway", "port"] }]);
  assert.equal(
    out,
    `{
  gateway: {
    mode: "local",
    auth: {
      token: "x",
    },
  },
}
`,
  );
});

/** The chapter's configs: `default:` written as a bare key (a reserved word, valid JSON5). */
const CHAPTER = `{
  // SecretRef providers, as in the chapter
  secrets: {
    providers: {
      default: { source: "env" }, // env provider
      vault: {
        source: "exec",
        command: "/usr/local/bin/openclaw-vault-resolver",
        args: ["--profile", "prod"],
      },
    },
  },
  agents: {
    list: [
      { id: "main", default: true }, // the default agent
      { id: "ops" },
    ],
  },
}
`;

Deno.test("applyConfigEdits() edits the chapter's configs with unquoted default: keys", () => {
  const { text, missing } = applyConfigEdits(CHAPTER, [
    { op: "set", path: ["gateway", "port"], value: 19001 },
    {
      op: "set",
      path: ["secrets", "providers", "default", "allowlist"],
      value: ["OPENAI_API_KEY"],
    },
    { op: "set", path: ["agents", "list", 1, "default"], value: false },
    { op: "unset", path: ["secrets", "providers", "vault"] },
    { op: "unset", path: ["agents", "list", 0, "default"] },
  ]);
  assert.deepEqual(missing, []);
  assert.deepEqual(JSON5.parse(text), {
    secrets: { providers: { default: { source: "env", allowlist: ["OPENAI_API_KEY"] } } },
    agents: { list: [{ id: "main" }, { id: "ops", default: false }] },
    gateway: { port: 19001 },
  });
  for (const comment of ["// SecretRef providers", "// env provider", "// the default agent"]) {
    assert.ok(text.includes(comment), comment);
  }
  assert.match(
    text,
    /\n {6}default: \{ source: "env", allowlist: \["OPENAI_API_KEY"\] \}, \/\/ env/,
  );
  assert.match(text, /\n {6}\{ id: "ops", default: false \},\n/);
  assert.match(text, /\n {2}gateway: \{\n {4}port: 19001,\n {2}\},\n\}\n$/);
});

Deno.test("applyConfigEdits() reports a syntax error with its line and column", () => {
  assert.throws(
    () =>
      applyConfigEdits("{\n  gateway: {\n    port: 01,\n  },\n}\n", [{ op: "unset", path: ["x"] }]),
    {
      name: "OpenClawError",
      message: 'Cannot edit config "openclaw.json": Invalid character "1" at 3:12',
    },
  );
});

Deno.test("applyConfigEdits() keeps the comment at the end of a removed line", () => {
  const { text } = applyConfigEdits(COMMENTED, [{ op: "unset", path: ["gateway", "port"] }]);
  assert.equal(
    text,
    COMMENTED.replace("    port: 18789, // keep this\n", "    // keep this\n"),
  );
});
