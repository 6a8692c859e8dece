import assert from "node:assert/strict";
import { resolveRefOutcomes } from "../../../lib/secrets/resolve.ts";
import type { SecretRef } from "../../../lib/secrets/ref.ts";
import { tempDir, waitUntil } from "../../helpers.ts";
import { processAlive, writeScript } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any -- test configs are partial on purpose
type AnyConfig = any;

const exec = (id: string, provider = "vault"): SecretRef => ({ source: "exec", provider, id });
const errorOf = (o: unknown) => (o as { error: string }).error;

function execConfig(command: string, extra: Record<string, unknown> = {}): AnyConfig {
  return { secrets: { providers: { vault: { source: "exec", command, ...extra } } } };
}

Deno.test("exec provider: one run answers every id; the request arrives on stdin", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const script = await writeScript(
    `${dir.path}/resolver.sh`,
    `cat > "${dir.path}/request.json"
echo run >> "${dir.path}/runs"
printf '{"protocolVersion":1,"values":{"a/key":"va-1234","b":"vb-1234"}}'`,
  );
  const out = await resolveRefOutcomes(
    [exec("a/key"), exec("b"), exec("a/key")],
    execConfig(script),
  );
  assert.deepEqual(out.get("exec:vault:a/key"), { ok: true, value: "va-1234" });
  assert.deepEqual(out.get("exec:vault:b"), { ok: true, value: "vb-1234" });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir.path}/request.json`)), {
    protocolVersion: 1,
    provider: "vault",
    ids: ["a/key", "b"],
  });
  assert.equal((await Deno.readTextFile(`${dir.path}/runs`)).trim(), "run");
});

Deno.test("exec provider: a flat { id: value } object and per-id errors", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const flat = await writeScript(`${dir.path}/flat.sh`, `printf '{"x":"vx-1234"}'`);
  assert.deepEqual(
    (await resolveRefOutcomes([exec("x")], execConfig(flat))).get("exec:vault:x"),
    { ok: true, value: "vx-1234" },
  );
  const partial = await writeScript(
    `${dir.path}/partial.sh`,
    `printf '{"protocolVersion":1,"values":{},"errors":{"x":{"message":"not found"}}}'`,
  );
  const out = await resolveRefOutcomes([exec("x"), exec("y")], execConfig(partial));
  assert.match(errorOf(out.get("exec:vault:x")), /failed for id "x": not found/);
  assert.match(errorOf(out.get("exec:vault:y")), /returned no value for id "y"/);
});

Deno.test("exec provider: jsonOnly false takes the bare stdout as the value", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const op = await writeScript(`${dir.path}/op.sh`, `echo "op-secret-value"`);
  const out = await resolveRefOutcomes([exec("value")], execConfig(op, { jsonOnly: false }));
  assert.deepEqual(out.get("exec:vault:value"), { ok: true, value: "op-secret-value" });
  const strict = await resolveRefOutcomes([exec("value")], execConfig(op));
  assert.match(errorOf(strict.get("exec:vault:value")), /did not print valid JSON/);
});

Deno.test("exec provider: only passEnv variables (and args) reach the resolver, never a shell", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const script = await writeScript(
    `${dir.path}/env.sh`,
    `env > "${dir.path}/env.txt"
printf '%s\\n' "$@" > "${dir.path}/args.txt"
printf '{"k":"v-1234"}'`,
  );
  const config = execConfig(script, { passEnv: ["PASSED_VAR"], args: ["--profile", "$HOME;x"] });
  const out = await resolveRefOutcomes([exec("k")], config, {
    env: { PASSED_VAR: "yes", OTHER_SECRET: "must-not-leak", PATH: "/usr/bin:/bin" },
  });
  assert.equal(out.get("exec:vault:k")?.ok, true);
  const seen = await Deno.readTextFile(`${dir.path}/env.txt`);
  assert.match(seen, /^PASSED_VAR=yes$/m);
  assert.doesNotMatch(seen, /OTHER_SECRET|must-not-leak|^PATH=/m);
  assert.equal(await Deno.readTextFile(`${dir.path}/args.txt`), "--profile\n$HOME;x\n");
});

Deno.test("exec provider: a timeout kills the resolver's whole process group", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const script = await writeScript(
    `${dir.path}/slow.sh`,
    `sleep 30 &
echo $! > "${dir.path}/child.pid"
sleep 30`,
  );
  const started = Date.now();
  const out = await resolveRefOutcomes([exec("k")], execConfig(script, { timeoutMs: 300 }));
  assert.ok(Date.now() - started < 10_000);
  assert.match(errorOf(out.get("exec:vault:k")), /timed out after 300 ms and was killed/);
  const child = Number((await Deno.readTextFile(`${dir.path}/child.pid`)).trim());
  await waitUntil(() => !processAlive(child), {
    intervalMs: 25,
    message: "the background child to be killed",
  });
  assert.equal(processAlive(child), false, "the background child was killed too");
});

Deno.test("exec provider: output over maxOutputBytes is refused", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const script = await writeScript(
    `${dir.path}/big.sh`,
    `i=0; while [ $i -lt 200 ]; do printf 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'; i=$((i+1)); done`,
  );
  const out = await resolveRefOutcomes([exec("k")], execConfig(script, { maxOutputBytes: 1000 }));
  assert.match(errorOf(out.get("exec:vault:k")), /more than maxOutputBytes \(1000 bytes\)/);
});

Deno.test("exec provider: non-zero exit names the command, code and masked stderr", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const ok = await writeScript(`${dir.path}/ok.sh`, `printf '{"k":"leaky-secret-1"}'`);
  const bad = await writeScript(
    `${dir.path}/bad.sh`,
    `echo "denied (last good: leaky-secret-1)" >&2; exit 3`,
  );
  const config: AnyConfig = {
    secrets: {
      providers: { good: { source: "exec", command: ok }, vault: { source: "exec", command: bad } },
    },
  };
  const out = await resolveRefOutcomes([exec("k", "good"), exec("k")], config);
  const msg = errorOf(out.get("exec:vault:k"));
  assert.equal(
    msg,
    `exec provider "vault" (${bad}) exited with code 3: denied (last good: ***)`,
  );
});

Deno.test("exec provider: symlinked commands need allowSymlinkCommand, and trustedDirs hold", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  await Deno.mkdir(`${dir.path}/trusted`);
  await Deno.mkdir(`${dir.path}/bin`);
  const real = await writeScript(`${dir.path}/trusted/real.sh`, `printf '{"k":"v-1234"}'`);
  await Deno.symlink(real, `${dir.path}/bin/shim`);
  const shim = `${dir.path}/bin/shim`;

  const refused = await resolveRefOutcomes([exec("k")], execConfig(shim));
  assert.match(errorOf(refused.get("exec:vault:k")), /command .*\/bin\/shim is a symlink/);

  const trusted = await resolveRefOutcomes(
    [exec("k")],
    execConfig(shim, { allowSymlinkCommand: true, trustedDirs: [`${dir.path}/trusted`] }),
  );
  assert.deepEqual(trusted.get("exec:vault:k"), { ok: true, value: "v-1234" });

  const outside = await resolveRefOutcomes(
    [exec("k")],
    execConfig(shim, { allowSymlinkCommand: true, trustedDirs: [`${dir.path}/bin`] }),
  );
  assert.match(errorOf(outside.get("exec:vault:k")), /is outside trustedDirs/);
});

Deno.test("exec provider: a group-writable or missing command is refused", async () => {
  await using dir = await tempDir("openclaw-secrets-");
  const loose = await writeScript(`${dir.path}/loose.sh`, `printf '{"k":"v-1234"}'`);
  await Deno.chmod(loose, 0o775);
  const out = await resolveRefOutcomes([exec("k")], execConfig(loose));
  assert.match(errorOf(out.get("exec:vault:k")), /writable by group or others \(mode 0775\)/);
  const missing = await resolveRefOutcomes([exec("k")], execConfig(`${dir.path}/nope`));
  assert.match(errorOf(missing.get("exec:vault:k")), /nope does not exist/);
});
