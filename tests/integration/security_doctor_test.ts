import assert from "node:assert/strict";
import JSON5 from "json5";
import { freePort, makeSandbox, runCli, startGateway, writeFile } from "../helpers.ts";

const posix = Deno.build.os !== "windows";
const mode = (path: string) => (Deno.statSync(path).mode ?? 0) & 0o777;

interface Finding {
  checkId: string;
  severity: string;
}

Deno.test({
  name: "security audit flags a world-readable config as critical and --fix makes it 0600",
  ignore: !posix,
  fn: async () => {
    await using sb = await makeSandbox();
    await writeFile(sb.configPath, `{ gateway: { mode: "local" } }\n`);
    await Deno.chmod(sb.configPath, 0o644);
    const audit = await runCli(sb, ["security", "audit", "--json"]);
    assert.equal(audit.code, 1, "a critical finding fails the command");
    const report = JSON.parse(audit.stdout);
    assert.deepEqual(Object.keys(report), ["ts", "summary", "findings"]);
    const f = report.findings.find((x: Finding) => x.checkId === "fs.config.perms_world_readable");
    assert.equal(f?.severity, "critical");
    assert.ok(report.summary.critical >= 1);

    const fix = await runCli(sb, ["security", "audit", "--fix", "--json"]);
    assert.equal(fix.code, 0, fix.stdout);
    const out = JSON.parse(fix.stdout);
    assert.equal(out.fix.ok, true);
    assert.ok(out.fix.actions.some((a: { target: string }) => a.target.endsWith("openclaw.json")));
    assert.equal(mode(sb.configPath), 0o600);
    assert.equal(mode(sb.stateDir), 0o700);
    assert.equal(
      out.report.findings.some((x: Finding) => x.checkId.startsWith("fs.")),
      false,
    );

    const human = await runCli(sb, ["security", "audit"]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /Summary: 0 critical · 0 warn · 0 info/);
  },
});

Deno.test("security audit --fix turns redaction on and closes open groups, keeping comments", async () => {
  await using sb = await makeSandbox();
  const config = `// team setup
{
  gateway: { mode: "local" },
  logging: {
    redactSensitive: "off", // I wanted to see everything
  },
  channels: {
    telegram: {
      botToken: "123:abc",
      groupPolicy: "open", // anyone can add the bot
    },
  },
}
`;
  await writeFile(sb.configPath, config);
  const before = JSON.parse((await runCli(sb, ["security", "audit", "--json"])).stdout);
  const idsBefore = before.findings.map((f: Finding) => f.checkId);
  assert.ok(idsBefore.includes("logging.redact_off"));
  assert.ok(idsBefore.includes("security.exposure.open_groups_with_runtime_or_fs"));

  const r = await runCli(sb, ["security", "audit", "--fix"]);
  assert.match(r.stdout, /logging\.redactSensitive: "off" → "tools"/);
  assert.match(r.stdout, /channels\.telegram\.groupPolicy: "open" → "allowlist"/);
  const after = await Deno.readTextFile(sb.configPath);
  assert.equal(
    after,
    config.replace('redactSensitive: "off"', 'redactSensitive: "tools"')
      .replace('groupPolicy: "open"', 'groupPolicy: "allowlist"'),
  );
  assert.equal(await Deno.readTextFile(`${sb.configPath}.bak`), config);
  const validate = await runCli(sb, ["config", "validate"]);
  assert.equal(validate.code, 0, validate.stderr);
});

Deno.test("security audit flags trusted-proxy mode as critical", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    `{
  gateway: {
    mode: "local",
    trustedProxies: ["127.0.0.1"],
    auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-user", allowUsers: ["me"] } },
  },
}
`,
  );
  const r = await runCli(sb, ["security", "audit", "--json"]);
  assert.equal(r.code, 1);
  const f = JSON.parse(r.stdout).findings.find((x: Finding) =>
    x.checkId === "gateway.trusted_proxy_auth"
  );
  assert.equal(f?.severity, "critical");
});

Deno.test("security audit --deep probes the running gateway", async () => {
  await using sb = await makeSandbox();
  const token = "deep-probe-token-0123456789abcdef";
  await using _gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "${token}" } } }`,
  );
  const r = await runCli(sb, ["security", "audit", "--deep", "--json"]);
  const report = JSON.parse(r.stdout);
  assert.equal(report.deep.gateway.attempted, true);
  assert.equal(report.deep.gateway.ok, true, JSON.stringify(report.deep));
  assert.match(report.deep.gateway.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
});

const LEGACY = `// my openclaw config
{
  // gateway settings
  gateway: {
    mode: "local",
    token: "legacy-token-0123456789abcdefgh", // from the old docs
    port: 18789,
  },
}
`;

Deno.test("doctor --fix migrates gateway.token, keeps comments, shows the diff and writes a .bak", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, LEGACY);
  const before = await runCli(sb, ["config", "validate"]);
  assert.equal(before.code, 78, "the legacy key makes the config invalid");

  const r = await runCli(sb, ["doctor", "--fix"]);
  assert.match(r.stdout, /Config change: Migrate legacy config keys/);
  assert.match(r.stdout, /^--- ~\/\.openclaw\/openclaw\.json$/m);
  const lines = r.stdout.split("\n");
  assert.ok(lines.includes('-    token: "legacy-token-0123456789abcdefgh", // from the old docs'));
  assert.ok(lines.includes("+    auth: {"));
  assert.match(r.stdout, /Moved gateway\.token → gateway\.auth\.token\./);
  assert.ok(
    r.stdout.indexOf("Config change:") < r.stdout.indexOf("[fixed] Legacy config keys"),
    "the diff comes before the result",
  );
  const after = await Deno.readTextFile(sb.configPath);
  assert.match(after, /^\/\/ my openclaw config\n/);
  assert.match(after, /\/\/ gateway settings/);
  assert.match(after, /\/\/ from the old docs/);
  assert.deepEqual(JSON5.parse(after).gateway, {
    mode: "local",
    port: 18789,
    auth: { mode: "token", token: "legacy-token-0123456789abcdefgh" },
  });
  assert.equal(await Deno.readTextFile(`${sb.configPath}.bak`), LEGACY);
  const validate = await runCli(sb, ["config", "validate"]);
  assert.equal(validate.code, 0, validate.stderr);
});

Deno.test("doctor --json on an invalid config lists the exact field and exits 78", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, `{ gateway: { mode: "local", port: "eighteen" } }\n`);
  const r = await runCli(sb, ["doctor", "--json"]);
  assert.equal(r.code, 78);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(report), ["ok", "checks", "changes"]);
  assert.equal(report.ok, false);
  const valid = report.checks.find((c: { id: string }) => c.id === "config.valid");
  assert.equal(valid.status, "error");
  assert.deepEqual(
    valid.findings.map((f: { path: string; message: string }) => [f.path, f.message]),
    [["gateway.port", "Expected number, received string"]],
  );
  const human = await runCli(sb, ["doctor"]);
  assert.equal(human.code, 78);
  assert.match(human.stdout, /^\s+- gateway\.port: Expected number, received string$/m);
});

Deno.test("doctor reports who holds the gateway port", async () => {
  await using sb = await makeSandbox();
  const port = freePort();
  using _listener = Deno.listen({ hostname: "127.0.0.1", port });
  await writeFile(sb.configPath, `{ gateway: { mode: "local", port: ${port} } }\n`);
  const r = await runCli(sb, ["doctor", "--json"]);
  assert.equal(r.code, 1);
  const runtime = JSON.parse(r.stdout).checks.find((c: { id: string }) =>
    c.id === "gateway.runtime"
  );
  assert.equal(runtime.status, "error");
  assert.match(
    runtime.findings[0].message,
    new RegExp(
      `^Port ${port} is in use by pid ${Deno.pid} \\(.*\\): the gateway cannot listen there$`,
    ),
  );
});

Deno.test("doctor runs without any config and says how to create one", async () => {
  // A port nothing listens on, so the result does not depend on this machine's 18789.
  await using sb = await makeSandbox({ env: { OPENCLAW_GATEWAY_PORT: String(freePort()) } });
  const r = await runCli(sb, ["doctor"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /No config file at ~\/\.openclaw\/openclaw\.json/);
  assert.match(r.stdout, /fix: openclaw setup/);
});
