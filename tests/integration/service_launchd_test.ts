/** The macOS LaunchAgent path, exercised on any OS with a fake launchctl. */
import assert from "node:assert/strict";
import { parseLaunchdPlist } from "../../lib/service/launchd_plist.ts";
import { makeFakeServiceTools } from "../fixtures/fake_service_tools.ts";
import { CLI_ENTRY, makeSandbox, runCli } from "../helpers.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const UID = Deno.uid() ?? 0;

/** The CLI's service argv when it runs from source (or from the bundle named by OPENCLAW_CLI). */
function expectedArgs(port: number): string[] {
  return [Deno.execPath(), "run", "-A", CLI_ENTRY, "gateway", "--port", String(port)];
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("gateway install/status/stop/start/restart/uninstall drive launchctl (darwin)", async () => {
  await using sb = await makeSandbox();
  await using fake = await makeFakeServiceTools();
  const env = { PATH: `${fake.dir}:${PATH}`, USER: "tester", OPENCLAW_SERVICE_PLATFORM: "darwin" };
  const label = "ai.openclaw.gateway";
  const target = `gui/${UID}/${label}`;
  const plist = `${sb.home}/Library/LaunchAgents/${label}.plist`;

  const install = await runCli(sb, ["gateway", "install"], { env });
  assert.equal(install.code, 0, install.stderr);
  assert.equal(
    install.stdout,
    `Installed LaunchAgent: ${plist}\nLogs: ${sb.stateDir}/logs/gateway.log\n`,
  );
  assert.equal(install.stderr, "");
  assert.deepEqual(await fake.calls(), [
    `launchctl bootout ${target}`,
    `launchctl enable ${target}`,
    `launchctl bootstrap gui/${UID} ${plist}`,
    `launchctl kickstart -k ${target}`,
  ]);
  assert.equal((await Deno.stat(plist)).mode! & 0o777, 0o600);
  assert.ok((await Deno.stat(`${sb.stateDir}/logs`)).isDirectory);
  const parsed = parseLaunchdPlist(await Deno.readTextFile(plist));
  assert.equal(parsed.label, label);
  assert.equal(parsed.comment, "OpenClaw Gateway");
  assert.deepEqual(parsed.programArguments, expectedArgs(18789));
  assert.equal(parsed.workingDirectory, sb.stateDir);
  assert.equal(parsed.stdoutPath, `${sb.stateDir}/logs/gateway.log`);
  assert.equal(parsed.stderrPath, `${sb.stateDir}/logs/gateway.err.log`);
  assert.equal(parsed.environment.OPENCLAW_LAUNCHD_LABEL, label);
  assert.equal(parsed.environment.OPENCLAW_SYSTEMD_UNIT, undefined);
  assert.match(parsed.environment.PATH, /\/opt\/homebrew\/bin:\/usr\/local\/bin:\/usr\/bin:\/bin$/);

  await fake.clearCalls();
  const status = await runCli(sb, ["gateway", "status", "--no-probe"], { env });
  assert.match(status.stdout, /^Service: LaunchAgent \(loaded\)$/m);
  assert.match(
    status.stdout,
    /^Service file: ~\/Library\/LaunchAgents\/ai\.openclaw\.gateway\.plist$/m,
  );
  assert.match(status.stdout, /^Runtime: running \(pid 4343, state running\)$/m);
  assert.deepEqual(await fake.calls(), [`launchctl print ${target}`]);

  await fake.clearCalls();
  const stop = await runCli(sb, ["gateway", "stop"], { env });
  assert.equal(stop.stdout, `Stopped LaunchAgent: ${target}\n`);
  assert.deepEqual(await fake.calls(), [
    `launchctl print ${target}`,
    `launchctl bootout ${target}`,
  ]);
  const stopped = await runCli(sb, ["gateway", "status", "--no-probe"], { env });
  assert.match(stopped.stdout, /^Service: LaunchAgent \(not loaded\)$/m);

  await fake.clearCalls();
  const start = await runCli(sb, ["gateway", "start"], { env });
  assert.equal(start.stdout, `Started LaunchAgent: ${target}\n`);
  assert.deepEqual(await fake.calls(), [
    `launchctl print ${target}`,
    `launchctl enable ${target}`,
    `launchctl bootstrap gui/${UID} ${plist}`,
  ]);

  await fake.clearCalls();
  const restart = await runCli(sb, ["gateway", "restart"], { env });
  assert.equal(restart.stdout, `Restarted LaunchAgent: ${target}\n`);
  assert.deepEqual(await fake.calls(), [
    `launchctl print ${target}`,
    `launchctl kickstart -k ${target}`,
  ]);

  await Deno.mkdir(`${sb.home}/.Trash`);
  await fake.clearCalls();
  const uninstall = await runCli(sb, ["gateway", "uninstall", "--json"], { env });
  assert.equal(uninstall.code, 0, uninstall.stderr);
  const uj = JSON.parse(uninstall.stdout);
  assert.equal(uj.result, "uninstalled");
  assert.equal(uj.message, `Removed LaunchAgent: ${plist}`);
  assert.deepEqual(uj.service, {
    label: "LaunchAgent",
    loaded: false,
    loadedText: "loaded",
    notLoadedText: "not loaded",
  });
  assert.deepEqual(await fake.calls(), [
    `launchctl bootout ${target}`,
    `launchctl print ${target}`,
  ]);
  assert.equal(await exists(plist), false);
  assert.ok(await exists(`${sb.home}/.Trash/${label}.plist`), "moved to the Trash");
});
