import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  hashConfigText,
  parseConfigText,
  resolveIncludes,
  substituteEnvVars,
} from "../../../lib/config/read.ts";

Deno.test("parseConfigText() reads JSON5 and names line and column on errors", () => {
  assert.deepEqual(parseConfigText("{a: 1, // c\n}", "/c.json"), { a: 1 });
  assert.deepEqual(parseConfigText("  \n", "/c.json"), {});
  assert.throws(() => parseConfigText("{a: 1,,}", "/c.json"), (e: unknown) => {
    assert.ok(e instanceof OpenClawError);
    assert.equal(e.code, "CONFIG_PARSE");
    assert.equal(e.exitCode, 78);
    assert.match(e.message, /line 1, column 7/);
    return true;
  });
});

Deno.test("substituteEnvVars() replaces ${VAR} and keeps $${VAR} literal", () => {
  const out = substituteEnvVars({ a: "${BASE}/v1", b: ["$${BASE}"], c: 3 }, { BASE: "http://x" });
  assert.deepEqual(out, { a: "http://x/v1", b: ["${BASE}"], c: 3 });
});

Deno.test("substituteEnvVars() names a missing variable and where it is used", () => {
  assert.throws(
    () => substituteEnvVars({ models: { providers: { x: { apiKey: "${MISSING_KEY}" } } } }, {}),
    (e: unknown) => {
      assert.ok(e instanceof OpenClawError);
      assert.equal(e.code, "CONFIG_ENV_MISSING");
      assert.match(e.message, /"MISSING_KEY"/);
      assert.match(e.message, /models\.providers\.x\.apiKey/);
      return true;
    },
  );
});

Deno.test("resolveIncludes() merges included files, siblings win", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.json5`, "{ port: 1, mode: 'local' }");
    await Deno.writeTextFile(`${dir}/b.json5`, "{ port: 2, bind: 'lan' }");
    const out = resolveIncludes(
      { gateway: { $include: ["./a.json5", "b.json5"], mode: "remote" } },
      `${dir}/openclaw.json`,
    );
    assert.deepEqual(out, { gateway: { port: 2, mode: "remote", bind: "lan" } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveIncludes() refuses cycles, missing files and escapes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.json5`, "{ $include: './b.json5' }");
    await Deno.writeTextFile(`${dir}/b.json5`, "{ $include: './a.json5' }");
    const cfg = `${dir}/openclaw.json`;
    assert.throws(() => resolveIncludes({ $include: "a.json5" }, cfg), /include cycle/);
    assert.throws(() => resolveIncludes({ $include: "nope.json5" }, cfg), /file not found/);
    assert.throws(
      () => resolveIncludes({ $include: "../../etc/passwd" }, cfg),
      /outside the config directory/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a config's hash (the baseHash of config RPCs) is the SHA-256 hex of its UTF-8 text", async () => {
  for (
    const text of [
      "",
      "{ gateway: { port: 18789 } }\n",
      '{ name: "caf\u00e9 \u{1f600}" }\n'.repeat(500),
    ]
  ) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    assert.equal(await hashConfigText(text), hex);
  }
});
