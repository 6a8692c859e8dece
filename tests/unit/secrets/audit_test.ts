import assert from "node:assert/strict";
import { auditExitCode, auditSecrets } from "../../../lib/secrets/audit.ts";
import { makeSandbox, type Sandbox } from "../../helpers.ts";
import { writeSecretFile } from "./_helpers.ts";

async function layout(sb: Sandbox, config: string) {
  await Deno.mkdir(sb.stateDir, { recursive: true });
  await Deno.writeTextFile(sb.configPath, config);
  return { stateDir: sb.stateDir, configPath: sb.configPath, cwd: sb.home };
}

Deno.test("auditSecrets() is clean when every credential is a ref that resolves", async () => {
  await using sb = await makeSandbox();
  const paths = await layout(
    sb,
    `{ gateway: { auth: { token: { source: "env", provider: "default", id: "GW_TOKEN" } } } }`,
  );
  await Deno.writeTextFile(`${paths.stateDir}/.env`, "GW_TOKEN=gw-token-1234\nDEBUG=1\n");
  const report = await auditSecrets({ ...paths, env: { GW_TOKEN: "gw-token-1234" } });
  assert.equal(report.status, "clean", JSON.stringify(report.findings));
  assert.deepEqual(report.resolution, {
    refsChecked: 1,
    skippedExecRefs: 0,
    resolvabilityComplete: true,
  });
  assert.equal(auditExitCode(report, true), 0);
});

Deno.test("auditSecrets() finds plaintext by path and never includes the value", async () => {
  await using sb = await makeSandbox();
  const paths = await layout(
    sb,
    `{
      models: { providers: { openai: { baseUrl: "x", apiKey: "sk-plain-value-1" } } },
      channels: { telegram: { botToken: "\${TG_TOKEN}" } },
      env: { GROQ_API_KEY: "gsk-plain-value-2" },
    }`,
  );
  await Deno.writeTextFile(`${sb.home}/.env`, "STRIPE_KEY=sk-plain-value-3\nLOG=1\n");
  const report = await auditSecrets({ ...paths, env: { TG_TOKEN: "t-1234" } });
  const found = report.findings.map((f) => [f.code, f.path]);
  assert.deepEqual(found, [
    ["PLAINTEXT_FOUND", "models.providers.openai.apiKey"],
    ["PLAINTEXT_FOUND", "env.GROQ_API_KEY"],
    ["PLAINTEXT_FOUND", "STRIPE_KEY"],
  ]);
  assert.equal(report.status, "findings");
  assert.equal(report.summary.plaintextCount, 3);
  assert.equal(auditExitCode(report, true), 1);
  assert.equal(auditExitCode(report, false), 0);
  assert.doesNotMatch(JSON.stringify(report), /sk-plain|gsk-plain/);
});

Deno.test("auditSecrets() reports unresolved refs (exit 2) and skips exec refs unless allowed", async () => {
  await using sb = await makeSandbox();
  const paths = await layout(
    sb,
    `{
      gateway: { auth: { token: { source: "env", provider: "default", id: "MISSING_TOKEN" } } },
      models: { providers: { a: { baseUrl: "x", apiKey: { source: "exec", provider: "vault", id: "a" } } } },
      secrets: { providers: { vault: { source: "exec", command: "${sb.home}/nope.sh" } } },
    }`,
  );
  const report = await auditSecrets({ ...paths, env: {} });
  assert.equal(report.status, "unresolved");
  assert.deepEqual(report.resolution, {
    refsChecked: 1,
    skippedExecRefs: 1,
    resolvabilityComplete: false,
  });
  assert.equal(report.findings[0].code, "REF_UNRESOLVED");
  assert.match(report.findings[0].message, /env:default:MISSING_TOKEN/);
  assert.equal(auditExitCode(report, true), 2);

  const withExec = await auditSecrets({ ...paths, env: {}, allowExec: true });
  assert.equal(withExec.summary.unresolvedRefCount, 2);
  const execFinding = withExec.findings.find((f) => f.path === "models.providers.a.apiKey");
  assert.match(execFinding!.message, /exec provider "vault" .* does not exist/);
});

Deno.test("auditSecrets() scans auth profiles, models.json, credentials and legacy files", async () => {
  await using sb = await makeSandbox();
  const paths = await layout(
    sb,
    `{ models: { providers: { openai: { baseUrl: "x", apiKey: { source: "env", provider: "default", id: "OPENAI_API_KEY" } } } } }`,
  );
  const agentDir = `${paths.stateDir}/agents/main/agent`;
  await Deno.mkdir(agentDir, { recursive: true });
  await writeSecretFile(
    `${agentDir}/auth-profiles.json`,
    JSON.stringify({
      version: 1,
      profiles: {
        "openai:default": { type: "api_key", provider: "openai", key: "sk-profile-1" },
        "anthropic:oauth": { type: "oauth", provider: "anthropic", access: "a", refresh: "r" },
      },
    }),
  );
  await writeSecretFile(`${agentDir}/auth.json`, "{}");
  await writeSecretFile(
    `${agentDir}/models.json`,
    JSON.stringify({ providers: { x: { apiKey: "sk-models-1" } } }),
  );
  await Deno.mkdir(`${paths.stateDir}/credentials/whatsapp/default`, { recursive: true });
  await writeSecretFile(
    `${paths.stateDir}/credentials/whatsapp/default/creds.json`,
    JSON.stringify({ advSecretKey: "adv-1234" }),
  );
  await writeSecretFile(`${paths.stateDir}/credentials/oauth.json`, "{}");
  await writeSecretFile(`${paths.stateDir}/credentials/telegram-pairing.json`, `{"requests":[]}`);

  const report = await auditSecrets({ ...paths, env: { OPENAI_API_KEY: "sk-env-1" } });
  const byCode = (c: string) => report.findings.filter((f) => f.code === c);
  assert.deepEqual(
    byCode("PLAINTEXT_FOUND").map((f) => [f.path, f.severity]),
    [
      ["advSecretKey", "info"],
      ["providers.x.apiKey", "warn"],
      ['profiles["openai:default"].key', "warn"],
    ],
  );
  assert.equal(byCode("REF_SHADOWED").length, 1);
  assert.equal(byCode("REF_SHADOWED")[0].path, "models.providers.openai.apiKey");
  assert.deepEqual(
    byCode("LEGACY_RESIDUE").map((f) => f.file?.replace(paths.stateDir, "")),
    ["/credentials/oauth.json", "/agents/main/agent/auth.json"],
  );
  assert.deepEqual(report.summary, {
    plaintextCount: 3,
    unresolvedRefCount: 0,
    shadowedRefCount: 1,
    legacyResidueCount: 2,
  });
  assert.doesNotMatch(JSON.stringify(report), /sk-profile|sk-models|adv-1234/);
});
