import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { applySecretSnapshot } from "../../../lib/secrets/apply.ts";
import { collectSecretRefs } from "../../../lib/secrets/collect.ts";
import { resolveSecretRefs } from "../../../lib/secrets/snapshot.ts";
import { tempDir } from "../../helpers.ts";
import { writeScript, writeSecretFile } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any -- test configs are partial on purpose
type AnyConfig = any;

Deno.test("collectSecretRefs() finds refs with paths and marks inactive surfaces", () => {
  const config: AnyConfig = {
    gateway: {
      mode: "local",
      auth: { token: { source: "env", provider: "default", id: "GW_TOKEN" } },
      remote: { token: { source: "env", provider: "default", id: "REMOTE_TOKEN" } },
    },
    models: {
      providers: { openai: { apiKey: { source: "file", provider: "f", id: "/openai" } } },
    },
    channels: {
      telegram: {
        enabled: false,
        botToken: { source: "env", provider: "default", id: "TG_TOKEN" },
      },
    },
    secrets: { providers: { f: { source: "file", path: "/x" } } },
  };
  const uses = collectSecretRefs(config);
  assert.deepEqual(uses.map((u) => [u.path, u.active]), [
    ["gateway.auth.token", true],
    ["gateway.remote.token", false],
    ["models.providers.openai.apiKey", true],
    ["channels.telegram.botToken", false],
  ]);
  assert.match(uses[3].inactiveReason!, /channels\.telegram is disabled/);
});

Deno.test("resolveSecretRefs() resolves each distinct ref once and get() answers by ref", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const script = await writeScript(
    `${dir.path}/r.sh`,
    `echo run >> "${dir.path}/runs"; printf '{"protocolVersion":1,"values":{"t":"exec-tok-1"}}'`,
  );
  const ref = { source: "exec", provider: "vault", id: "t" } as const;
  const config: AnyConfig = {
    gateway: { auth: { token: ref } },
    models: { providers: { a: { apiKey: ref }, b: { apiKey: ref } } },
    secrets: { providers: { vault: { source: "exec", command: script } } },
  };
  const snapshot = await resolveSecretRefs(config);
  assert.equal(snapshot.get(ref), "exec-tok-1");
  assert.equal(snapshot.values.get("exec:vault:t"), "exec-tok-1");
  assert.equal(snapshot.refs.length, 3);
  assert.equal((await Deno.readTextFile(`${dir.path}/runs`)).trim(), "run");
});

Deno.test("resolveSecretRefs() error names the config path, the ref and the provider", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const path = await writeSecretFile(`${dir.path}/s.json`, `{"other":"x-1234"}`);
  const config: AnyConfig = {
    gateway: { auth: { token: { source: "file", provider: "filemain", id: "/gateway/token" } } },
    secrets: { providers: { filemain: { source: "file", path } } },
  };
  const err = await resolveSecretRefs(config).then(() => undefined, (e) => e);
  assert.ok(err instanceof OpenClawError);
  assert.equal(err.code, "SECRET_REF_UNRESOLVED");
  assert.equal(err.exitCode, 1);
  assert.equal(
    err.message,
    `Cannot resolve gateway.auth.token (file:filemain:/gateway/token): file provider ` +
      `"filemain" (${path}) has no value at "/gateway/token" (nothing at "/gateway")`,
  );
  assert.match(err.hint!, /Add the value at \/gateway\/token/);
});

Deno.test("resolveSecretRefs() reports an unknown provider alias and counts the rest", async () => {
  const config: AnyConfig = {
    gateway: { auth: { token: { source: "exec", provider: "vault", id: "gw" } } },
    models: {
      providers: { a: { apiKey: { source: "env", provider: "default", id: "NOPE_KEY" } } },
    },
  };
  await assert.rejects(
    () => resolveSecretRefs(config, { env: {} }),
    (err: OpenClawError) => {
      assert.match(
        err.message,
        /^Cannot resolve gateway\.auth\.token \(exec:vault:gw\): secret provider "vault" is not configured \(and 1 more unresolved ref\(s\)\)$/,
      );
      return true;
    },
  );
});

Deno.test("resolveSecretRefs() skips inactive refs with a warning instead of failing", async () => {
  const config: AnyConfig = {
    channels: {
      telegram: {
        enabled: false,
        botToken: { source: "env", provider: "default", id: "TG_TOKEN" },
      },
    },
  };
  const snapshot = await resolveSecretRefs(config, { env: {} });
  assert.equal(snapshot.values.size, 0);
  assert.equal(snapshot.warnings.length, 1);
  assert.equal(snapshot.warnings[0].code, "SECRETS_REF_IGNORED_INACTIVE_SURFACE");
});

Deno.test("applySecretSnapshot() replaces resolved refs in a copy and never mutates", async () => {
  const ref = { source: "env", provider: "default", id: "API_KEY" } as const;
  const inactive = { source: "env", provider: "default", id: "OFF_KEY" } as const;
  const config: AnyConfig = {
    models: { providers: { a: { apiKey: ref, models: [{ id: "m" }] } } },
    channels: { x: { enabled: false, token: inactive } },
  };
  const before = structuredClone(config);
  const snapshot = await resolveSecretRefs(config, { env: { API_KEY: "sk-resolved-1" } });
  const plain = applySecretSnapshot(config, snapshot);
  assert.equal(plain.models.providers.a.apiKey, "sk-resolved-1");
  assert.deepEqual(plain.models.providers.a.models, [{ id: "m" }]);
  assert.deepEqual(plain.channels.x.token, inactive);
  assert.deepEqual(config, before);
  assert.notEqual(plain.models, config.models);
});
