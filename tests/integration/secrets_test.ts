import assert from "node:assert/strict";
import JSON5 from "json5";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import {
  type CliResult,
  freePort,
  makeSandbox,
  runCli,
  type Sandbox,
  spawnGateway,
  startGateway,
  writeFile,
} from "../helpers.ts";

function randomToken(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().replaceAll("-", "")}`;
}

async function connects(url: string, token: string): Promise<boolean> {
  const c = await RawClient.open(url);
  await c.challenge();
  const res = await c.request("connect", cliConnectParams(token));
  c.close();
  return res.ok === true;
}

function assertHidden(r: CliResult, ...secrets: string[]) {
  for (const s of secrets) {
    assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `secret leaked:\n${r.stdout}`);
  }
}

async function writeSecretsJson(sb: Sandbox, doc: unknown) {
  const path = `${sb.stateDir}/secrets.json`;
  await writeFile(path, JSON.stringify(doc));
  await Deno.chmod(path, 0o600);
}

Deno.test("a file SecretRef with a JSON pointer is the gateway token, and it is never shown", async () => {
  await using sb = await makeSandbox();
  const token = randomToken("file-token");
  await writeSecretsJson(sb, { gateway: { token } });
  const logFile = `${sb.home}/logs/gateway.log`;
  await using gw = await startGateway(
    sb,
    `{
      gateway: {
        mode: "local",
        auth: { mode: "token", token: { source: "file", provider: "filemain", id: "/gateway/token" } },
      },
      secrets: { providers: { filemain: { source: "file", path: "~/.openclaw/secrets.json", mode: "json" } } },
      logging: { file: "${logFile}", level: "debug" },
    }`,
  );
  assert.equal(await connects(gw.url, token), true);
  assert.equal(await connects(gw.url, "wrong-token-123"), false);

  const views = [
    await runCli(sb, ["config", "get", "gateway.auth"]),
    await runCli(sb, ["config", "get", "--json", "gateway"]),
    await runCli(sb, ["gateway", "call", "config.get", "--json", "--token", token]),
    await runCli(sb, ["secrets", "audit", "--json"]),
  ];
  for (const r of views) {
    assert.equal(r.code, 0, r.stderr);
    assertHidden(r, token);
  }
  assert.equal(JSON.parse(views[3].stdout).status, "clean");

  // No --token: query commands resolve the config's ref themselves to authenticate.
  const status = await runCli(sb, ["gateway", "status", "--require-rpc"]);
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /RPC probe: ok/);
  assertHidden(status, token);
  const reload = await runCli(sb, ["secrets", "reload"]);
  assert.equal(reload.code, 0, reload.stderr);
  assert.equal(reload.stdout.trim(), "Secrets reloaded (0 warnings)");

  assert.equal(await gw.stop(), 0);
  const log = await Deno.readTextFile(logFile);
  assert.match(log, /secrets reloaded/);
  assert.ok(!log.includes(token), "the token reached the log file");
  assert.ok(!gw.output().includes(token), "the token reached the console");
});

Deno.test("an exec provider resolves the token; secrets reload swaps it, or keeps the old one on failure", async () => {
  await using sb = await makeSandbox();
  const dir = `${sb.home}/vault`;
  await Deno.mkdir(dir, { recursive: true });
  const script = `${dir}/resolver.sh`;
  await Deno.writeTextFile(
    script,
    `#!/bin/sh
cat > "${dir}/request.json"
if [ -e "${dir}/fail" ]; then
  echo "vault sealed; last token was $(cat "${dir}/token.txt")" >&2
  exit 4
fi
printf '{"protocolVersion":1,"values":{"gateway/token":"%s"}}' "$(cat "${dir}/token.txt")"
`,
  );
  await Deno.chmod(script, 0o755);
  const [t1, t2] = [randomToken("exec-one"), randomToken("exec-two")];
  await Deno.writeTextFile(`${dir}/token.txt`, t1);
  const logFile = `${sb.home}/logs/gateway.log`;
  await using gw = await startGateway(
    sb,
    `{
      gateway: { mode: "local", auth: { token: { source: "exec", provider: "vault", id: "gateway/token" } } },
      secrets: { providers: { vault: { source: "exec", command: "${script}", passEnv: ["PATH"] } } },
      logging: { file: "${logFile}" },
    }`,
  );
  assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/request.json`)), {
    protocolVersion: 1,
    provider: "vault",
    ids: ["gateway/token"],
  });
  assert.equal(await connects(gw.url, t1), true);

  // Rotated at the source: the running snapshot still holds t1 until a reload.
  await Deno.writeTextFile(`${dir}/token.txt`, t2);
  assert.equal(await connects(gw.url, t2), false);
  const ok = await runCli(sb, ["secrets", "reload", "--json", "--token", t1]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { ok: true, warningCount: 0 });
  assert.equal(await connects(gw.url, t2), true);
  assert.equal(await connects(gw.url, t1), false);

  // A failing resolver: the reload fails, its stderr is masked, and t2 keeps working.
  await Deno.writeTextFile(`${dir}/fail`, "");
  const bad = await runCli(sb, ["secrets", "reload", "--token", t2]);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /secrets\.reload failed: Cannot resolve gateway\.auth\.token \(exec:vault:gateway\/token\): exec provider "vault" \(.*resolver\.sh\) exited with code 4: vault sealed; last token was \*\*\*/,
  );
  assertHidden(bad, t2);
  assert.equal(await connects(gw.url, t2), true);

  assert.equal(await gw.stop(), 0);
  const log = await Deno.readTextFile(logFile);
  assert.match(log, /secrets\.reload failed/);
  assert.ok(!log.includes(t1) && !log.includes(t2), "a token reached the log file");
});

Deno.test("a SecretRef that does not resolve blocks the start (exit 1) naming the ref", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    `{ gateway: { mode: "local", auth: { token: { source: "env", provider: "default", id: "OPENCLAW_TEST_NO_SUCH_TOKEN" } } } }`,
  );
  const gw = spawnGateway(sb, ["--port", String(freePort())]);
  const exit = await gw.child.status;
  await gw.stop();
  assert.equal(exit.code, 1, gw.output());
  assert.match(
    gw.output(),
    /Cannot resolve gateway\.auth\.token \(env:default:OPENCLAW_TEST_NO_SUCH_TOKEN\): env provider "default": environment variable "OPENCLAW_TEST_NO_SUCH_TOKEN" is missing or empty/,
  );
  assert.doesNotMatch(gw.output(), /listening on/);
});

Deno.test("secrets audit --check exits 0 when clean, 1 on plaintext, 2 on unresolved refs", async () => {
  await using sb = await makeSandbox({ env: { AUDIT_TEST_KEY: "audit-key-1234" } });
  const audit = () => runCli(sb, ["secrets", "audit", "--check", "--json"]);

  await writeFile(
    sb.configPath,
    `{ models: { providers: { openai: { baseUrl: "https://x", apiKey: { source: "env", provider: "default", id: "AUDIT_TEST_KEY" } } } } }`,
  );
  let r = await audit();
  assert.equal(r.code, 0, r.stdout);
  assert.equal(JSON.parse(r.stdout).status, "clean");

  await writeFile(
    sb.configPath,
    `{ models: { providers: { openai: { baseUrl: "https://x", apiKey: "sk-plaintext-abc123" } } } }`,
  );
  r = await audit();
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  assert.equal(report.status, "findings");
  assert.deepEqual(report.findings.map((f: { code: string; path: string }) => [f.code, f.path]), [
    ["PLAINTEXT_FOUND", "models.providers.openai.apiKey"],
  ]);
  assertHidden(r, "sk-plaintext-abc123");
  assert.equal((await runCli(sb, ["secrets", "audit"])).code, 0, "without --check it exits 0");

  await writeFile(
    sb.configPath,
    `{ models: { providers: { openai: { baseUrl: "https://x", apiKey: { source: "file", provider: "nowhere", id: "/k" } } } } }`,
  );
  r = await audit();
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stdout).summary.unresolvedRefCount, 1);
});

Deno.test("secrets configure moves a plaintext secret (scripted form); without a TTY it explains", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    `{
  // provider keys
  models: { providers: { openai: { baseUrl: "https://x", apiKey: "sk-configure-me-42" } } },
}
`,
  );
  const noTty = await runCli(sb, ["secrets", "configure"]);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /needs a terminal/);
  assert.match(noTty.stderr, /--path <config path> --provider env --id VAR/);

  const r = await runCli(sb, [
    "secrets",
    "configure",
    "--path",
    "models.providers.openai.apiKey",
    "--provider",
    "file",
    "--pointer",
    "/openai/apiKey",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assertHidden(r, "sk-configure-me-42");
  assert.deepEqual(JSON.parse(r.stdout).ref, {
    source: "file",
    provider: "filemain",
    id: "/openai/apiKey",
  });
  const text = await Deno.readTextFile(sb.configPath);
  assert.match(text, /\/\/ provider keys/);
  assert.ok(!text.includes("sk-configure-me-42"));
  assert.ok(!(await Deno.readTextFile(`${sb.configPath}.bak`)).includes("sk-configure-me-42"));
  assert.equal(JSON5.parse(text).secrets.providers.filemain.path, "~/.openclaw/secrets.json");
  const store = JSON.parse(await Deno.readTextFile(`${sb.stateDir}/secrets.json`));
  assert.equal(store.openai.apiKey, "sk-configure-me-42");

  const audit = await runCli(sb, ["secrets", "audit", "--check"]);
  assert.equal(audit.code, 0, audit.stdout);
});
