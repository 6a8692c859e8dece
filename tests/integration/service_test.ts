import assert from "node:assert/strict";
import { parseSystemdUnit } from "../../lib/service/systemd_unit.ts";
import { type FakeServiceTools, makeFakeServiceTools } from "../fixtures/fake_service_tools.ts";
import {
  CLI_ENTRY,
  makeSandbox,
  runCli,
  type Sandbox,
  startGateway,
  writeFile,
} from "../helpers.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const UNIT = "openclaw-gateway.service";
const WORK_UNIT = "openclaw-gateway-work.service";

/** The CLI's service argv when it runs from source (or from the bundle named by OPENCLAW_CLI). */
function expectedArgs(port: number): string[] {
  return [Deno.execPath(), "run", "-A", CLI_ENTRY, "gateway", "--port", String(port)];
}

function unitPath(sb: Sandbox, unit = UNIT): string {
  return `${sb.home}/.config/systemd/user/${unit}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A Linux login with a systemd user session whose tools are `fake`'s. */
function linuxEnv(fake: FakeServiceTools): Record<string, string> {
  return {
    PATH: `${fake.dir}:${PATH}`,
    USER: "tester",
    OPENCLAW_SERVICE_PLATFORM: "linux",
    ...fake.env,
  };
}

Deno.test("gateway install/status/stop/start/restart/uninstall drive systemctl --user", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools();
  const env = {
    PATH: `${fake.dir}:${PATH}`,
    USER: "tester",
    OPENCLAW_SERVICE_PLATFORM: "linux",
    OPENCLAW_GATEWAY_TOKEN: "tok-from-env-do-not-write",
    ...fake.env,
  };
  await writeFile(sb.configPath, `{ gateway: { mode: "local", auth: { token: "cfg-secret-1" } } }`);

  const install = await runCli(sb, ["gateway", "install"], { env });
  assert.equal(install.code, 0, install.stderr);
  assert.equal(
    install.stdout,
    `Installed systemd service: ${unitPath(sb)}\n` +
      `Logs: journalctl --user -u ${UNIT} -n 200 --no-pager\n`,
  );
  assert.match(install.stderr, /Linger is off for tester/);
  assert.match(install.stderr, /sudo loginctl enable-linger tester/);
  assert.deepEqual(await fake.calls(), [
    "systemctl --user status",
    "systemctl --user daemon-reload",
    `systemctl --user enable ${UNIT}`,
    `systemctl --user restart ${UNIT}`,
    "loginctl show-user tester -p Linger",
  ]);
  const text = await Deno.readTextFile(unitPath(sb));
  const unit = parseSystemdUnit(text);
  assert.deepEqual(unit.programArguments, expectedArgs(18789));
  assert.equal(unit.workingDirectory, sb.stateDir);
  assert.equal(unit.description, "OpenClaw Gateway");
  assert.equal(unit.environment.HOME, sb.home);
  assert.equal(unit.environment.OPENCLAW_STATE_DIR, sb.stateDir);
  assert.equal(unit.environment.OPENCLAW_CONFIG_PATH, sb.configPath);
  assert.equal(unit.environment.OPENCLAW_GATEWAY_PORT, "18789");
  assert.equal(unit.environment.OPENCLAW_SYSTEMD_UNIT, UNIT);
  assert.equal(unit.environment.OPENCLAW_SERVICE_MARKER, "openclaw");
  assert.equal(unit.environment.OPENCLAW_SERVICE_KIND, "gateway");
  assert.equal(unit.environment.OPENCLAW_PROFILE, undefined);
  assert.ok(!/tok-from-env|cfg-secret|GATEWAY_TOKEN|GATEWAY_PASSWORD/.test(text), text);
  for (
    const line of [
      "After=network-online.target",
      "Restart=always",
      "RestartPreventExitStatus=78",
      "WantedBy=default.target",
    ]
  ) assert.ok(text.includes(`\n${line}\n`), line);

  // A second profile installs side by side.
  await fake.clearCalls();
  const work = await runCli(sb, ["--profile", "work", "gateway", "install", "--port", "19111"], {
    env,
  });
  assert.equal(work.code, 0, work.stderr);
  assert.match(work.stdout, new RegExp(`Installed systemd service: .*/${WORK_UNIT}`));
  assert.deepEqual((await fake.calls()).slice(0, 4), [
    "systemctl --user status",
    "systemctl --user daemon-reload",
    `systemctl --user enable ${WORK_UNIT}`,
    `systemctl --user restart ${WORK_UNIT}`,
  ]);
  const workUnit = parseSystemdUnit(await Deno.readTextFile(unitPath(sb, WORK_UNIT)));
  assert.deepEqual(workUnit.programArguments, expectedArgs(19111));
  assert.equal(workUnit.environment.OPENCLAW_PROFILE, "work");
  assert.equal(workUnit.environment.OPENCLAW_STATE_DIR, `${sb.home}/.openclaw-work`);
  assert.match(workUnit.description ?? "", /^OpenClaw Gateway \(profile: work, v/);
  assert.ok(await exists(unitPath(sb)), "the default unit is still there");

  await fake.clearCalls();
  const status = await runCli(sb, ["gateway", "status", "--no-probe"], { env });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^Service: systemd \(enabled\)$/m);
  assert.match(
    status.stdout,
    /^Service file: ~\/\.config\/systemd\/user\/openclaw-gateway\.service$/m,
  );
  assert.ok(status.stdout.includes(`Command: ${expectedArgs(18789).join(" ")}`), status.stdout);
  assert.ok(
    status.stdout.includes(
      `Service env: OPENCLAW_STATE_DIR=${sb.stateDir} OPENCLAW_CONFIG_PATH=${sb.configPath} ` +
        "OPENCLAW_GATEWAY_PORT=18789\n",
    ),
    status.stdout,
  );
  assert.match(status.stdout, /^Runtime: running \(pid 4242, state active, sub running\)$/m);
  assert.doesNotMatch(status.stdout, /Root cause/);
  assert.deepEqual(await fake.calls(), [
    "systemctl --user status",
    `systemctl --user is-enabled ${UNIT}`,
    `systemctl --user show ${UNIT} --no-page --property ActiveState,SubState,MainPID,ExecMainStatus,ExecMainCode`,
  ]);
  const sj = JSON.parse(
    (await runCli(sb, ["gateway", "status", "--no-probe", "--json"], { env }))
      .stdout,
  );
  assert.equal(sj.service.label, "systemd");
  assert.equal(sj.service.loaded, true);
  assert.equal(sj.service.loadedText, "enabled");
  assert.equal(sj.service.notLoadedText, "disabled");
  assert.deepEqual(sj.service.command.programArguments, expectedArgs(18789));
  assert.equal(sj.service.command.sourcePath, unitPath(sb));
  assert.equal(sj.service.command.environment.OPENCLAW_GATEWAY_PORT, "18789");
  assert.equal(sj.service.command.environment.HOME, undefined);
  assert.deepEqual(
    { ...sj.service.runtime },
    { status: "running", state: "active", subState: "running", pid: 4242, lastExitStatus: 0 },
  );

  await fake.clearCalls();
  const stop = await runCli(sb, ["gateway", "stop"], { env });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(stop.stdout, `Stopped systemd service: ${UNIT}\n`);
  assert.deepEqual(await fake.calls(), [
    "systemctl --user status",
    `systemctl --user stop ${UNIT}`,
  ]);
  const stopped = await runCli(sb, ["gateway", "status", "--no-probe"], { env });
  assert.match(stopped.stdout, /^Runtime: stopped \(state inactive, sub dead, last exit 1\)$/m);
  assert.match(stopped.stdout, /Service is loaded but not running \(likely exited immediately\)\./);

  await fake.clearCalls();
  const start = await runCli(sb, ["gateway", "start"], { env });
  assert.equal(start.code, 0, start.stderr);
  assert.equal(start.stdout, `Started systemd service: ${UNIT}\n`);
  assert.deepEqual(await fake.calls(), [
    "systemctl --user status",
    `systemctl --user restart ${UNIT}`,
  ]);

  await fake.clearCalls();
  const restart = await runCli(sb, ["gateway", "restart", "--json"], { env });
  assert.equal(restart.code, 0, restart.stderr);
  assert.deepEqual(JSON.parse(restart.stdout), {
    ok: true,
    action: "restart",
    result: "restarted",
    message: `Restarted systemd service: ${UNIT}`,
    service: { label: "systemd", loaded: true, loadedText: "enabled", notLoadedText: "disabled" },
  });
  assert.deepEqual(await fake.calls(), [
    "systemctl --user status",
    `systemctl --user restart ${UNIT}`,
  ]);

  await fake.clearCalls();
  const uninstall = await runCli(sb, ["gateway", "uninstall"], { env });
  assert.equal(uninstall.code, 0, uninstall.stderr);
  assert.equal(uninstall.stdout, `Removed systemd service: ${unitPath(sb)}\n`);
  assert.deepEqual(await fake.calls(), [
    "systemctl --user status",
    `systemctl --user disable --now ${UNIT}`,
    "systemctl --user daemon-reload",
    `systemctl --user is-enabled ${UNIT}`,
  ]);
  assert.equal(await exists(unitPath(sb)), false);
  assert.ok(await exists(unitPath(sb, WORK_UNIT)), "the work profile's unit stays");
  const gone = await runCli(sb, ["gateway", "status", "--no-probe"], { env });
  assert.match(gone.stdout, /^Service: systemd \(disabled\)$/m);
  assert.match(gone.stdout, /Service unit not found/);
});

Deno.test("gateway install refuses a different installed unit without --force", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools({ linger: "yes" });
  const env = linuxEnv(fake);
  const first = await runCli(sb, ["gateway", "install"], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stderr, /Linger/);
  const before = await Deno.readTextFile(unitPath(sb));

  // Same settings again: no refusal, the unit is re-enabled and restarted.
  const again = await runCli(sb, ["gateway", "install"], { env });
  assert.equal(again.code, 0, again.stderr);

  await fake.clearCalls();
  const refused = await runCli(sb, ["gateway", "install", "--port", "19999"], { env });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^Gateway install failed: Gateway service already installed at .*openclaw-gateway\.service with different settings:$/m,
  );
  assert.match(refused.stderr, /^- port: service uses 18789, expected 19999$/m);
  assert.match(refused.stderr, /^Tip: openclaw gateway install --force$/m);
  assert.deepEqual(await fake.calls(), ["systemctl --user status"]);
  assert.equal(await Deno.readTextFile(unitPath(sb)), before);

  const json = await runCli(sb, ["gateway", "install", "--port", "19999", "--json"], { env });
  assert.equal(json.code, 1);
  const j = JSON.parse(json.stdout);
  assert.equal(j.ok, false);
  assert.equal(j.action, "install");
  assert.equal(j.code, "SERVICE_EXISTS");
  assert.deepEqual(j.hints, ["openclaw gateway install --force"]);

  const forced = await runCli(sb, ["gateway", "install", "--port", "19999", "--force"], { env });
  assert.equal(forced.code, 0, forced.stderr);
  const unit = parseSystemdUnit(await Deno.readTextFile(unitPath(sb)));
  assert.deepEqual(unit.programArguments, expectedArgs(19999));
  assert.equal(unit.environment.OPENCLAW_GATEWAY_PORT, "19999");
});

Deno.test("gateway restart with an invalid config aborts with exit 78 before touching the service", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools();
  const env = linuxEnv(fake);
  await writeFile(sb.configPath, `{ gateway: { mode: "local", bogusKey: 1 } }`);
  for (const action of ["restart", "start", "install"]) {
    const r = await runCli(sb, ["gateway", action], { env });
    assert.equal(r.code, 78, `${action}: ${r.stderr}`);
    assert.match(r.stderr, /^Gateway aborted: config is invalid\.$/m);
    assert.match(r.stderr, /^- gateway(\.bogusKey)?: .+$/m);
    assert.match(
      r.stderr,
      /^Fix the config and retry, or run "openclaw doctor" to repair\.$/m,
    );
    assert.equal(r.stdout, "");
  }
  const j = await runCli(sb, ["gateway", "restart", "--json"], { env });
  assert.equal(j.code, 78);
  const body = JSON.parse(j.stdout);
  assert.equal(body.ok, false);
  assert.equal(body.action, "restart");
  assert.equal(body.error, "Gateway aborted: config is invalid.");
  assert.ok(body.issues.length > 0);
  assert.deepEqual(await fake.calls(), []);
});

Deno.test("gateway start/stop/restart without an installed service or a running gateway", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools();
  const env = linuxEnv(fake);
  const start = await runCli(sb, ["gateway", "start"], { env });
  assert.equal(start.code, 0, start.stderr);
  assert.equal(
    start.stdout,
    "Gateway service not installed.\nStart with:\n  openclaw gateway install\n  openclaw gateway\n",
  );
  const sj = JSON.parse((await runCli(sb, ["gateway", "start", "--json"], { env })).stdout);
  assert.equal(sj.ok, true);
  assert.equal(sj.result, "not-loaded");
  assert.deepEqual(sj.hints, ["openclaw gateway install", "openclaw gateway"]);
  assert.equal(sj.service.loaded, false);

  const stop = await runCli(sb, ["gateway", "stop"], { env });
  assert.equal(stop.code, 0);
  assert.equal(stop.stdout, "Gateway service not installed.\n");
  // Nothing was restarted: a failure naming what to run, not a quiet exit 0.
  const restart = await runCli(sb, ["--profile", "work", "gateway", "restart", "--json"], { env });
  assert.equal(restart.code, 1);
  const rj = JSON.parse(restart.stdout);
  assert.equal(rj.ok, false);
  assert.equal(rj.code, "GATEWAY_NOT_RUNNING");
  assert.match(rj.error, /no gateway service is installed.* and no gateway is running/);
  assert.deepEqual(rj.hints, [
    "openclaw --profile work gateway (or openclaw --profile work gateway install)",
  ]);
  const uninstall = await runCli(sb, ["gateway", "uninstall", "--json"], { env });
  assert.equal(JSON.parse(uninstall.stdout).result, "not-loaded");
  // Only detection ran: nothing was started, stopped or removed.
  assert.ok((await fake.calls()).every((c) => c === "systemctl --user status"));
});

Deno.test("gateway stop without a service stops a foreground gateway gracefully", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools();
  const env = linuxEnv(fake);
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "svc-test-token-0123" } } }`,
  );
  const stop = await runCli(sb, ["gateway", "stop", "--json"], { env });
  assert.equal(stop.code, 0, stop.stderr);
  const sj = JSON.parse(stop.stdout);
  assert.equal(sj.result, "stopped");
  assert.equal(sj.message, `Stopped the gateway running without a service (pid ${gw.child.pid}).`);
  // The gateway ran its graceful stop (SIGTERM) and exited 0.
  assert.equal((await gw.child.status).code, 0);
  assert.match(gw.output(), /stopping: received SIGTERM/);
});

Deno.test("gateway restart without a service restarts a foreground gateway with SIGHUP", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools();
  const env = linuxEnv(fake);
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "svc-test-token-0123" } } }`,
  );
  const r = await runCli(sb, ["gateway", "restart", "--json"], { env });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.result, "restarted");
  assert.equal(
    j.message,
    `Sent SIGHUP to the gateway (pid ${gw.child.pid}); it restarts in place.`,
  );
  await gw.waitFor(/restarting: SIGHUP/);
});

Deno.test("gateway status shows the root cause when CLI and service use different configs; token drift", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools({ linger: "yes" });
  const env = linuxEnv(fake);
  assert.equal((await runCli(sb, ["gateway", "install"], { env })).code, 0);
  const other = `${sb.home}/elsewhere/openclaw.json`;
  const r = await runCli(sb, ["gateway", "status", "--no-probe"], {
    env: { ...env, OPENCLAW_CONFIG_PATH: other },
  });
  assert.match(r.stdout, /^Config \(cli\): ~\/elsewhere\/openclaw\.json \(missing\)$/m);
  assert.match(r.stdout, /^Config \(service\): ~\/\.openclaw\/openclaw\.json$/m);
  assert.match(
    r.stdout,
    /^Root cause: CLI and service are using different config paths \(likely a profile\/state-dir mismatch\)\.$/m,
  );
  const j = JSON.parse(
    (await runCli(sb, ["gateway", "status", "--no-probe", "--json"], {
      env: { ...env, OPENCLAW_CONFIG_PATH: other },
    })).stdout,
  );
  assert.equal(j.config.mismatch, true);
  assert.equal(j.config.daemon.path, sb.configPath);

  // An older install that baked the token into the unit.
  const path = unitPath(sb);
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(
    path,
    text.replace(
      "WorkingDirectory=",
      "Environment=OPENCLAW_GATEWAY_TOKEN=old-token\nWorkingDirectory=",
    ),
  );
  const drift = await runCli(sb, ["gateway", "status", "--no-probe"], { env });
  assert.match(drift.stdout, /Service env carries OPENCLAW_GATEWAY_TOKEN \(token drift\)/);
  assert.doesNotMatch(drift.stdout, /old-token/);
  const restart = await runCli(sb, ["gateway", "restart"], { env });
  assert.equal(restart.code, 0, restart.stderr);
  assert.match(restart.stderr, /OPENCLAW_GATEWAY_TOKEN \(token drift\).*gateway install --force/);
});

Deno.test("without a service manager: install fails with the reason and the foreground hint", async () => {
  await using sb = await makeSandbox();
  await using empty = await makeFakeServiceTools({ tools: [] });
  const env = { PATH: empty.dir, USER: "tester", OPENCLAW_SERVICE_PLATFORM: "linux" };
  const install = await runCli(sb, ["gateway", "install"], { env });
  assert.equal(install.code, 1);
  assert.match(
    install.stderr,
    /^Gateway install failed: systemctl not available; systemd user services are required on Linux\.$/m,
  );
  assert.match(install.stderr, /^Tip: Run the gateway in the foreground: openclaw gateway$/m);
  assert.equal(await exists(unitPath(sb)), false);
  const j = JSON.parse((await runCli(sb, ["gateway", "install", "--json"], { env })).stdout);
  assert.equal(j.ok, false);
  assert.equal(j.code, "SERVICE_MANAGER_UNAVAILABLE");
  assert.ok(j.hints.includes("Run the gateway in the foreground: openclaw gateway"));
  const status = await runCli(sb, ["gateway", "status", "--no-probe"], { env });
  assert.equal(status.code, 0);
  assert.match(
    status.stdout,
    /^Service: none \(systemctl not available; systemd user services are required on Linux\.\)$/m,
  );
  assert.match(status.stdout, /Run the gateway in the foreground: openclaw gateway/);
  const stop = await runCli(sb, ["gateway", "stop"], { env });
  assert.equal(stop.code, 0);

  // systemctl exists but has no user manager (containers, WSL without systemd).
  await using down = await makeFakeServiceTools({ systemdDown: true });
  const r = await runCli(sb, ["gateway", "install"], {
    env: { ...env, PATH: `${down.dir}:${PATH}`, ...down.env },
  });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^Gateway install failed: systemctl --user unavailable: Failed to connect to bus: No medium found$/m,
  );
  assert.deepEqual(await down.calls(), ["systemctl --user status"]);
});

Deno.test("doctor reports service drift and linger off for an installed systemd service", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools();
  const env = linuxEnv(fake);
  await writeFile(
    sb.configPath,
    `{ gateway: { mode: "local", port: 18811, auth: { token: "cfg-secret-1" } } }`,
  );
  assert.equal((await runCli(sb, ["gateway", "install"], { env })).code, 0);
  // The config moves to another port: the installed unit no longer matches.
  await writeFile(
    sb.configPath,
    `{ gateway: { mode: "local", port: 18822, auth: { token: "cfg-secret-1" } } }`,
  );
  const r = await runCli(sb, ["doctor", "--json", "--non-interactive"], { env });
  const report = JSON.parse(r.stdout);
  const drift = report.checks.find((c: { id: string }) => c.id === "service.drift");
  assert.equal(drift.status, "warn", JSON.stringify(drift));
  assert.ok(
    drift.findings.some((f: { message: string }) => /18822|port/.test(f.message)),
    JSON.stringify(drift),
  );
  const linger = report.checks.find((c: { id: string }) => c.id === "service.linger");
  assert.equal(linger.status, "warn");
  assert.match(linger.findings[0].fix, /sudo loginctl enable-linger tester/);
});
