import assert from "node:assert/strict";
import JSON5 from "json5";
import { gatewayAuthCheck, gatewayRuntimeCheck } from "../../../lib/doctor/checks/gateway.ts";
import { gatewayInstallsCheck } from "../../../lib/doctor/checks/installs.ts";
import { modelAuthCheck } from "../../../lib/doctor/checks/models.ts";
import { sandboxImageCheck } from "../../../lib/doctor/checks/sandbox.ts";
import { securityWarningsCheck } from "../../../lib/doctor/checks/security.ts";
import { stateIntegrityCheck } from "../../../lib/doctor/checks/state.ts";
import { DOCTOR_CHECKS } from "../../../lib/doctor/registry.ts";
import { runDoctor } from "../../../lib/doctor/runner.ts";
import type { DoctorCheck, DoctorProbes } from "../../../lib/doctor/types.ts";
import { doctorHome, fakeProbes, openSession } from "./_helpers.ts";

const posix = Deno.build.os !== "windows";

async function runOne(
  check: DoctorCheck,
  h: Awaited<ReturnType<typeof doctorHome>>,
  options = {},
  probes?: DoctorProbes,
  env: Record<string, string> = {},
) {
  const report = await runDoctor(await openSession(h, options, probes, env), { checks: [check] });
  return report.checks[0];
}

Deno.test("DOCTOR_CHECKS lists every check once, in order", () => {
  const ids = DOCTOR_CHECKS.map((c) => c.id);
  assert.deepEqual(ids, [
    "update.check",
    "ui.protocol",
    "gateway.health",
    "config.legacy",
    "config.valid",
    "skills.summary",
    "models.opencode",
    "state.legacy",
    "cron.store",
    "state.integrity",
    "gateway.auth",
    "gateway.runtime",
    "models.auth",
    "hooks.model",
    "sandbox.image",
    "browser.ports",
    "security.audit",
    "service.drift",
    "service.linger",
    "skills.status",
    "gateway.installs",
    "runtime.practice",
  ]);
});

Deno.test({
  name: "state.integrity finds a missing state dir and --fix creates it with the sessions dir",
  ignore: !posix,
  fn: async () => {
    await using h = await doctorHome();
    const before = await runOne(stateIntegrityCheck, h);
    assert.equal(before.status, "warn");
    assert.match(before.findings[0].message, /State directory ~\/\.openclaw does not exist/);
    const after = await runOne(stateIntegrityCheck, h, { fix: true });
    assert.equal(after.status, "fixed");
    assert.equal((Deno.statSync(h.stateDir).mode ?? 0) & 0o777, 0o700);
    assert.ok(Deno.statSync(`${h.stateDir}/agents/main/sessions`).isDirectory);
  },
});

Deno.test({
  name: "state.integrity flags loose modes, missing agent session dirs and an old ~/.clawdbot",
  ignore: !posix,
  fn: async () => {
    await using h = await doctorHome(`{ agents: { list: [{ id: "ops" }] } }`);
    await Deno.chmod(h.stateDir, 0o755);
    await Deno.chmod(h.configPath, 0o644);
    await Deno.mkdir(`${h.home}/.clawdbot`);
    const r = await runOne(stateIntegrityCheck, h);
    assert.deepEqual(r.findings.map((f) => f.message), [
      "State directory ~/.openclaw has mode 755; it should be 700",
      "Config ~/.openclaw/openclaw.json has mode 644; it should be 600",
      "Session directory ~/.openclaw/agents/ops/sessions is missing",
      "Found an older state directory ~/.clawdbot next to ~/.openclaw; it is not used",
    ]);
    const fixed = await runOne(stateIntegrityCheck, h, { nonInteractive: true });
    assert.equal(fixed.status, "warn", "the old state dir needs a person");
    assert.equal((Deno.statSync(h.configPath).mode ?? 0) & 0o777, 0o600);
  },
});

Deno.test("gateway.auth warns about a missing token and --generate-gateway-token writes one", async () => {
  const config = `{\n  // keep me\n  gateway: { mode: "local" },\n}\n`;
  await using h = await doctorHome(config);
  const before = await runOne(gatewayAuthCheck, h);
  assert.equal(before.status, "warn");
  assert.equal(before.findings[0].path, "gateway.auth.token");
  const after = await runOne(gatewayAuthCheck, h, { generateGatewayToken: true });
  assert.equal(after.status, "fixed");
  const text = await Deno.readTextFile(h.configPath);
  assert.match(text, /\/\/ keep me/);
  const token = JSON5.parse(text).gateway.auth.token as string;
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(JSON5.parse(text).gateway.auth.mode, "token");
});

Deno.test("gateway.auth never overwrites a SecretRef or a ${VAR} token", async () => {
  const ref =
    `{ gateway: { mode: "local", auth: { token: { source: "env", provider: "default", id: "GW" } } } }`;
  await using h = await doctorHome(ref);
  const r = await runOne(gatewayAuthCheck, h, { fix: true, generateGatewayToken: true });
  assert.equal(r.status, "ok");
  assert.equal(await Deno.readTextFile(h.configPath), ref);
  await Deno.writeTextFile(
    h.configPath,
    `{ gateway: { mode: "local", auth: { token: "\${GW_TOKEN}" } } }`,
  );
  const unset = await runOne(gatewayAuthCheck, h, { fix: true });
  assert.equal(unset.status, "error");
  assert.match(unset.findings[0].message, /references \$\{GW_TOKEN\}, which is not set/);
});

Deno.test("gateway.auth reports gateway.mode unset and ambiguous auth", async () => {
  await using h = await doctorHome(`{ gateway: { auth: { token: "a", password: "b" } } }`);
  const r = await runOne(gatewayAuthCheck, h);
  assert.deepEqual(r.findings.map((f) => f.severity), ["warn", "error"]);
  assert.equal(r.findings[0].message, "Gateway start blocked: set gateway.mode=local");
  assert.match(r.findings[1].message, /both a token and a password/);
});

Deno.test("gateway.runtime names who holds the gateway port", async () => {
  await using h = await doctorHome(`{ gateway: { port: 18999 } }`);
  const probes = fakeProbes({ 18999: [{ pid: 4242, command: "python3 -m http.server 18999" }] });
  const r = await runOne(gatewayRuntimeCheck, h, {}, probes);
  assert.equal(r.status, "error");
  assert.equal(
    r.findings[0].message,
    "Port 18999 is in use by pid 4242 (python3 -m http.server 18999): the gateway cannot listen there",
  );
  const free = await runOne(gatewayRuntimeCheck, h);
  assert.deepEqual(free.findings, [{
    severity: "info",
    message: "Gateway is not running; port 18999 is free",
  }]);
});

Deno.test("gateway.runtime removes a stale runtime file with --fix", async () => {
  await using h = await doctorHome("{}");
  const runtime = `${h.stateDir}/gateway.runtime.json`;
  await Deno.writeTextFile(runtime, JSON.stringify({ pid: 2 ** 22 + 12345, port: 18789 }));
  const before = await runOne(gatewayRuntimeCheck, h);
  assert.equal(before.status, "warn");
  assert.match(
    before.findings[0].message,
    /^Stale runtime file: pid \d+ \(port 18789\) is not running$/,
  );
  const after = await runOne(gatewayRuntimeCheck, h, { nonInteractive: true });
  assert.equal(after.status, "fixed");
  assert.throws(() => Deno.statSync(runtime), Deno.errors.NotFound);
});

Deno.test("models.auth needs a key for cloud providers and none for local ones", async () => {
  const config = (model: string, providers = "{}") =>
    `{ agents: { defaults: { model: { primary: "${model}", fallbacks: ["openai/gpt-5"] } } }, models: { providers: ${providers} } }`;
  await using h = await doctorHome(config("anthropic/claude-sonnet-4-5"));
  let r = await runOne(modelAuthCheck, h);
  assert.deepEqual(r.findings.map((f) => [f.severity, f.path]), [
    ["error", "models.providers.anthropic.apiKey"],
    ["warn", "models.providers.openai.apiKey"],
  ]);
  r = await runOne(modelAuthCheck, h, {}, undefined, {
    ANTHROPIC_API_KEY: "k",
    OPENAI_API_KEY: "k",
  });
  assert.equal(r.status, "ok");
  await Deno.writeTextFile(
    h.configPath,
    config(
      "lmstudio/qwen",
      `{ openai: { baseUrl: "https://api.openai.com/v1", apiKey: "\${MY_KEY}" } }`,
    ),
  );
  r = await runOne(modelAuthCheck, h);
  assert.deepEqual(r.findings.map((f) => [f.severity, f.message]), [
    ["info", "lmstudio: credentials found for lmstudio/qwen (agents.defaults.model.primary)"],
    [
      "warn",
      "models.providers.openai.apiKey references ${MY_KEY}, which is not set; used by openai/gpt-5 (agents.defaults.model.fallbacks[0])",
    ],
  ]);
  r = await runOne(modelAuthCheck, h, {}, undefined, { MY_KEY: "sk-1" });
  assert.equal(r.status, "ok");
});

Deno.test("sandbox.image is skipped when off and explains docker problems when on", async () => {
  await using h = await doctorHome("{}");
  assert.equal((await runOne(sandboxImageCheck, h)).status, "skipped");
  await Deno.writeTextFile(h.configPath, `{ agents: { defaults: { sandbox: { mode: "all" } } } }`);
  const noDocker = await runOne(sandboxImageCheck, h, {}, fakeProbes());
  assert.equal(noDocker.status, "error");
  assert.match(noDocker.findings[0].message, /"docker" command was not found in PATH/);
  assert.match(noDocker.findings[0].fix ?? "", /scripts\/sandbox-setup\.sh/);
  const noEngine = await runOne(
    sandboxImageCheck,
    h,
    {},
    fakeProbes({}, {
      "docker image inspect": {
        code: 1,
        stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.",
      },
    }),
  );
  assert.match(noEngine.findings[0].message, /^The Docker engine is not reachable: Cannot connect/);
  const missing = await runOne(
    sandboxImageCheck,
    h,
    {},
    fakeProbes({}, {
      "docker image inspect": {
        code: 1,
        stderr: "Error: No such image: openclaw-sandbox:bookworm-slim",
      },
    }),
  );
  assert.deepEqual(missing.findings[0], {
    severity: "error",
    message: "Sandbox image not found: openclaw-sandbox:bookworm-slim. Build or pull it first.",
    fix: "scripts/sandbox-setup.sh",
  });
  const present = await runOne(
    sandboxImageCheck,
    h,
    {},
    fakeProbes({}, {
      "docker image inspect": { code: 0, stdout: "sha256:abc" },
    }),
  );
  assert.equal(present.status, "ok");
});

Deno.test("security.audit reports critical and warn findings as doctor warnings", async () => {
  await using h = await doctorHome(
    `{ gateway: { mode: "local", auth: { mode: "trusted-proxy" } } }`,
  );
  const r = await runOne(securityWarningsCheck, h);
  assert.equal(r.status, "warn");
  assert.ok(r.findings.every((f) => f.severity === "warn"));
  assert.match(r.findings[0].message, /^\[critical\] gateway\.trusted_proxy_auth: /);
});

Deno.test("gateway.installs is skipped without --deep and finds other profiles with it", async () => {
  await using h = await doctorHome("{}");
  assert.equal((await runOne(gatewayInstallsCheck, h)).status, "skipped");
  await Deno.mkdir(`${h.home}/.openclaw-work`);
  await Deno.writeTextFile(`${h.home}/.openclaw-work/openclaw.json`, "{}");
  await Deno.writeTextFile(
    `${h.home}/.openclaw-work/gateway.runtime.json`,
    JSON.stringify({ pid: Deno.pid, port: 19100 }),
  );
  const r = await runOne(gatewayInstallsCheck, h, { deep: true });
  assert.equal(r.status, "warn");
  assert.equal(
    r.findings[0].message,
    `Another gateway runs from ~/.openclaw-work: pid ${Deno.pid} on port 19100`,
  );
});
