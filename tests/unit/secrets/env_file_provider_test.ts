import assert from "node:assert/strict";
import { resolveRefOutcomes } from "../../../lib/secrets/resolve.ts";
import type { SecretRef } from "../../../lib/secrets/ref.ts";
import { makeSandbox, tempDir } from "../../helpers.ts";
import { writeSecretFile } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any -- test configs are partial on purpose
type AnyConfig = any;

const env = (id: string): SecretRef => ({ source: "env", provider: "default", id });
const file = (id: string, provider = "filemain"): SecretRef => ({ source: "file", provider, id });

Deno.test("resolveRefOutcomes() reads env refs with no providers configured", async () => {
  const out = await resolveRefOutcomes([env("MY_KEY"), env("MISSING_KEY")], {}, {
    env: { MY_KEY: "s3cret-value" },
  });
  assert.deepEqual(out.get("env:default:MY_KEY"), { ok: true, value: "s3cret-value" });
  const missing = out.get("env:default:MISSING_KEY");
  assert.equal(missing?.ok, false);
  assert.match(
    (missing as { error: string }).error,
    /env provider "default": environment variable "MISSING_KEY" is missing or empty/,
  );
});

Deno.test("resolveRefOutcomes() enforces an env provider allowlist", async () => {
  const config: AnyConfig = {
    secrets: { providers: { strict: { source: "env", allowlist: ["OK_KEY"] } } },
  };
  const refs: SecretRef[] = [
    { source: "env", provider: "strict", id: "OK_KEY" },
    { source: "env", provider: "strict", id: "OTHER_KEY" },
  ];
  const out = await resolveRefOutcomes(refs, config, { env: { OK_KEY: "v1234", OTHER_KEY: "v" } });
  assert.equal(out.get("env:strict:OK_KEY")?.ok, true);
  assert.match(
    (out.get("env:strict:OTHER_KEY") as { error: string }).error,
    /not in its allowlist/,
  );
});

Deno.test("resolveRefOutcomes() reads JSON pointers from a file provider (~ expanded)", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  await writeSecretFile(
    `${sb.stateDir}/secrets.json`,
    JSON.stringify({ providers: { openai: { apiKey: "sk-file-1" } }, "a/b": { "c~d": "escaped" } }),
  );
  const config: AnyConfig = {
    secrets: {
      providers: { filemain: { source: "file", path: "~/.openclaw/secrets.json", mode: "json" } },
    },
  };
  const out = await resolveRefOutcomes(
    [file("/providers/openai/apiKey"), file("/a~1b/c~0d"), file("/providers/nope")],
    config,
    { env: { HOME: sb.home } },
  );
  assert.deepEqual(out.get("file:filemain:/providers/openai/apiKey"), {
    ok: true,
    value: "sk-file-1",
  });
  assert.deepEqual(out.get("file:filemain:/a~1b/c~0d"), { ok: true, value: "escaped" });
  const miss = out.get("file:filemain:/providers/nope") as { ok: false; error: string };
  assert.equal(miss.ok, false);
  assert.match(miss.error, /file provider "filemain" \(.*secrets\.json\) has no value at/);
});

Deno.test('resolveRefOutcomes() singleValue files answer only the id "value"', async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const path = await writeSecretFile(`${dir.path}/token.txt`, "tok-single-1\n");
  const config: AnyConfig = {
    secrets: { providers: { one: { source: "file", path, mode: "singleValue" } } },
  };
  const out = await resolveRefOutcomes([file("value", "one"), file("/x", "one")], config);
  assert.deepEqual(out.get("file:one:value"), { ok: true, value: "tok-single-1" });
  assert.match((out.get("file:one:/x") as { error: string }).error, /ref id must be "value"/);
});

Deno.test("resolveRefOutcomes() refuses symlinked and group/world-writable secret files", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const real = await writeSecretFile(`${dir.path}/real.json`, `{"k":"v1234"}`);
  await Deno.symlink(real, `${dir.path}/link.json`);
  const loose = await writeSecretFile(`${dir.path}/loose.json`, `{"k":"v1234"}`, 0o666);
  const config: AnyConfig = {
    secrets: {
      providers: {
        linked: { source: "file", path: `${dir.path}/link.json` },
        loose: { source: "file", path: loose },
        allowed: { source: "file", path: loose, allowInsecurePath: true },
      },
    },
  };
  const out = await resolveRefOutcomes(
    [file("/k", "linked"), file("/k", "loose"), file("/k", "allowed")],
    config,
  );
  assert.match((out.get("file:linked:/k") as { error: string }).error, /is a symlink/);
  assert.match(
    (out.get("file:loose:/k") as { error: string }).error,
    /writable by group or others \(mode 0666\)/,
  );
  assert.deepEqual(out.get("file:allowed:/k"), { ok: true, value: "v1234" });
});

Deno.test("resolveRefOutcomes() refuses a file over maxBytes and non-string values", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const path = await writeSecretFile(
    `${dir.path}/s.json`,
    JSON.stringify({ big: "x".repeat(200), n: 42, empty: "" }),
  );
  const small: AnyConfig = {
    secrets: { providers: { f: { source: "file", path, maxBytes: 64 } } },
  };
  assert.match(
    ((await resolveRefOutcomes([file("/big", "f")], small)).get("file:f:/big") as {
      error: string;
    }).error,
    /larger than maxBytes \(64\)/,
  );
  const ok: AnyConfig = { secrets: { providers: { f: { source: "file", path } } } };
  const out = await resolveRefOutcomes([file("/n", "f"), file("/empty", "f")], ok);
  assert.match((out.get("file:f:/n") as { error: string }).error, /returned a number/);
  assert.match((out.get("file:f:/empty") as { error: string }).error, /an empty string/);
});

Deno.test("resolveRefOutcomes() names unknown and mismatched provider aliases", async () => {
  const config: AnyConfig = {
    secrets: { providers: { envish: { source: "env" } } },
  };
  const out = await resolveRefOutcomes(
    [file("/x", "ghost"), { source: "exec", provider: "envish", id: "a" }],
    config,
  );
  const ghost = out.get("file:ghost:/x") as { error: string; hint: string };
  assert.match(ghost.error, /secret provider "ghost" is not configured/);
  assert.match(ghost.hint, /secrets\.providers\.ghost/);
  assert.match(
    (out.get("exec:envish:a") as { error: string }).error,
    /"envish" is an env provider, but the ref asks for source "exec"/,
  );
});
