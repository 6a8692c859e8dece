import assert from "node:assert/strict";
import { findOnPath, runCommand } from "../../../lib/service/exec.ts";
import { lingerStatus } from "../../../lib/service/linger.ts";
import { cliCommand, detectServiceManager } from "../../../lib/service/manager.ts";
import { parseSystemctlShow, userBusMissing } from "../../../lib/service/systemd.ts";
import { makeFakeServiceTools } from "../../fixtures/fake_service_tools.ts";

Deno.test("detectServiceManager() picks systemd when `systemctl --user status` works", async () => {
  await using fake = await makeFakeServiceTools();
  const d = await detectServiceManager({
    env: { HOME: "/h", PATH: fake.dir, OPENCLAW_SERVICE_PLATFORM: "linux", ...fake.env },
  });
  assert.equal(d.kind, "systemd");
  assert.deepEqual(await fake.calls(), ["systemctl --user status"]);
});

/** Whether this machine has `/run/user/<uid>` (which `systemctl --user` would be pointed at). */
function hasRunUserDir(): boolean {
  try {
    return Deno.statSync(`/run/user/${Deno.uid()}`).isDirectory;
  } catch {
    return false;
  }
}

Deno.test("without a user bus, systemctl --user is not run: the reason says why", async () => {
  assert.equal(userBusMissing({ XDG_RUNTIME_DIR: "/run/user/1000" }), undefined);
  assert.equal(userBusMissing({ DBUS_SESSION_BUS_ADDRESS: "unix:path=/tmp/bus" }), undefined);
  const expected = hasRunUserDir()
    ? undefined
    : "no user bus to connect to (XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS are not set, " +
      "and there is no /run/user/<uid>)";
  assert.equal(userBusMissing({}), expected);
  if (expected === undefined) return; // this machine has a user runtime dir: systemctl decides

  await using fake = await makeFakeServiceTools();
  const d = await detectServiceManager({
    env: { HOME: "/h", PATH: fake.dir, OPENCLAW_SERVICE_PLATFORM: "linux" },
  });
  assert.equal(d.kind, "none");
  if (d.kind !== "none") return;
  assert.equal(d.reason, `systemctl --user unavailable: ${expected}`);
  assert.deepEqual(await fake.calls(), [], "systemctl is never run");
  assert.equal(d.hints.at(-1), "Run the gateway in the foreground: openclaw gateway");
});

Deno.test("detectServiceManager() explains a missing or broken systemd", async () => {
  const missing = await detectServiceManager({
    env: { HOME: "/h", PATH: "/nonexistent", OPENCLAW_SERVICE_PLATFORM: "linux" },
  });
  assert.equal(missing.kind, "none");
  if (missing.kind !== "none") return;
  assert.equal(
    missing.reason,
    "systemctl not available; systemd user services are required on Linux.",
  );
  assert.equal(missing.hints.at(-1), "Run the gateway in the foreground: openclaw gateway");

  await using down = await makeFakeServiceTools({ systemdDown: true });
  const broken = await detectServiceManager({
    env: {
      HOME: "/h",
      PATH: down.dir,
      OPENCLAW_SERVICE_PLATFORM: "linux",
      ...down.env,
      OPENCLAW_PROFILE: "dev",
    },
  });
  assert.equal(broken.kind, "none");
  if (broken.kind !== "none") return;
  assert.equal(
    broken.reason,
    "systemctl --user unavailable: Failed to connect to bus: No medium found",
  );
  assert.equal(broken.hints.at(-1), "Run the gateway in the foreground: openclaw --dev gateway");
  assert.ok(broken.hints.length >= 2, "a WSL/container/headless hint comes first");
});

Deno.test("detectServiceManager() picks launchd on darwin when launchctl exists", async () => {
  await using fake = await makeFakeServiceTools();
  const d = await detectServiceManager({
    env: { HOME: "/h", PATH: fake.dir, OPENCLAW_SERVICE_PLATFORM: "darwin" },
  });
  assert.equal(d.kind, "launchd");
  if (d.kind === "launchd") {
    assert.equal(d.manager.path, "/h/Library/LaunchAgents/ai.openclaw.gateway.plist");
  }
  const win = await detectServiceManager({
    env: { HOME: "/h", OPENCLAW_SERVICE_PLATFORM: "windows" },
  });
  assert.equal(win.kind, "none");
});

Deno.test("cliCommand() repeats the profile flag in hints", () => {
  assert.equal(cliCommand("gateway install", {}), "openclaw gateway install");
  assert.equal(cliCommand("gateway", { OPENCLAW_PROFILE: "dev" }), "openclaw --dev gateway");
  assert.equal(
    cliCommand("gateway", { OPENCLAW_PROFILE: "work" }),
    "openclaw --profile work gateway",
  );
});

Deno.test("lingerStatus() reads Linger= and gives the exact fix", async () => {
  await using off = await makeFakeServiceTools({ linger: "no" });
  const env = { HOME: "/h", USER: "alice", OPENCLAW_SERVICE_PLATFORM: "linux" };
  assert.deepEqual(await lingerStatus({ env: { ...env, PATH: off.dir } }), {
    supported: true,
    enabled: false,
    user: "alice",
    fix: "sudo loginctl enable-linger alice",
  });
  assert.deepEqual(await off.calls(), ["loginctl show-user alice -p Linger"]);
  await using on = await makeFakeServiceTools({ linger: "yes" });
  assert.deepEqual(await lingerStatus({ env: { ...env, PATH: on.dir } }), {
    supported: true,
    enabled: true,
    user: "alice",
  });
  const mac = await lingerStatus({ env: { ...env, OPENCLAW_SERVICE_PLATFORM: "darwin" } });
  assert.equal(mac.supported, false);
  const noTool = await lingerStatus({ env: { ...env, PATH: "/nonexistent" } });
  assert.equal(noTool.supported, false);
});

Deno.test("parseSystemctlShow() maps ActiveState/SubState/MainPID/ExecMainStatus", () => {
  assert.deepEqual(
    parseSystemctlShow(
      "ActiveState=active\nSubState=running\nMainPID=77\nExecMainStatus=0\nExecMainCode=0\n",
    ),
    { status: "running", state: "active", subState: "running", pid: 77, lastExitStatus: 0 },
  );
  assert.deepEqual(
    parseSystemctlShow("ActiveState=failed\nSubState=failed\nMainPID=0\nExecMainStatus=78\n"),
    { status: "stopped", state: "failed", subState: "failed", pid: undefined, lastExitStatus: 78 },
  );
  assert.equal(parseSystemctlShow("").status, "unknown");
});

Deno.test("runCommand() reports a missing program, exit codes, output and timeouts", async () => {
  const missing = await runCommand("no-such-tool-xyz", [], { lookupEnv: { PATH: "/nonexistent" } });
  assert.equal(missing.notFound, true);
  assert.equal(missing.code, 127);
  const sh = findOnPath("sh");
  assert.ok(sh);
  const r = await runCommand("sh", ["-c", "echo out; echo err >&2; exit 3", "x"]);
  assert.deepEqual(r, { code: 3, stdout: "out\n", stderr: "err\n" });
  // Arguments are passed as argv, never through a shell.
  const literal = await runCommand("sh", ["-c", 'printf %s "$1"', "x", "$(echo hi); rm -rf /"]);
  assert.equal(literal.stdout, "$(echo hi); rm -rf /");
  const slow = await runCommand("sh", ["-c", "sleep 5"], { timeoutMs: 100 });
  assert.equal(slow.timedOut, true);
  assert.equal(slow.code, 124);
});
