/**
 * Hardening item 1: nothing we ship sends the gateway SIGUSR1 (Deno answers it by opening an
 * unauthenticated V8 inspector on 127.0.0.1:9229), in-place restarts go through SIGHUP, and
 * `security audit` / `doctor` report a gateway that has an inspector open as critical.
 */
import assert from "node:assert/strict";
import { inspectorFindings, scanGatewayInspector } from "../../lib/security/inspector.ts";
import { makeFakeServiceTools } from "../fixtures/fake_service_tools.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import {
  freePort,
  type GatewayProcess,
  makeSandbox,
  runCli,
  type Sandbox,
  spawnGateway,
  startGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const TOKEN = "signals-test-token-0123456789abcdef";
const CONFIG =
  `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" }, reload: { mode: "off" } } }`;
const linux = Deno.build.os === "linux";

/** The TCP ports `pid` listens on, read from /proc independently of lib/security. */
function listeningPortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`));
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  const ports = new Set<number>();
  for (const file of ["tcp", "tcp6"]) {
    let text = "";
    try {
      text = Deno.readTextFileSync(`/proc/${pid}/net/${file}`);
    } catch { /* no IPv6 */ }
    for (const line of text.split("\n").slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length >= 10 && c[3] === "0A" && inodes.has(c[9])) {
        ports.add(parseInt(c[1].split(":")[1], 16));
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

async function statusPid(url: string): Promise<number> {
  const c = await waitUntil(() => RawClient.open(url).catch(() => undefined), {
    intervalMs: 50,
    message: "the gateway to accept a connection",
  });
  try {
    await c.challenge();
    const hello = await c.request("connect", cliConnectParams(TOKEN));
    assert.equal(hello.ok, true, JSON.stringify(hello));
    const status = await c.request("status", {});
    assert.equal(status.ok, true, JSON.stringify(status));
    return status.payload.pid;
  } finally {
    c.close();
  }
}

Deno.test({
  name: "gateway restart (no service) restarts a foreground gateway in place with SIGHUP " +
    "and the gateway never opens a debugger port",
  ignore: !linux,
  fn: async () => {
    await using sb = await makeSandbox();
    await using fake = await makeFakeServiceTools();
    const env = {
      PATH: `${fake.dir}:${PATH}`,
      USER: "tester",
      OPENCLAW_SERVICE_PLATFORM: "linux",
      ...fake.env,
    };
    await using gw = await startGateway(sb, CONFIG);
    const pid = gw.child.pid;
    assert.equal(await statusPid(gw.url), pid);
    assert.deepEqual(listeningPortsOf(pid), [gw.port], "before: only the gateway port");

    const r = await runCli(sb, ["gateway", "restart", "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    // The JSON shape is unchanged; only the signal (and so the message) is.
    assert.deepEqual(Object.keys(j), ["ok", "action", "result", "message", "service"]);
    assert.equal(j.ok, true);
    assert.equal(j.action, "restart");
    assert.equal(j.result, "restarted");
    assert.equal(j.message, `Sent SIGHUP to the gateway (pid ${pid}); it restarts in place.`);
    assert.equal(j.service.loaded, false);

    await gw.waitFor(/restarting: SIGHUP/);
    // A new start is logged (the server listens again) in the same process.
    await waitUntil(() => (gw.output().match(/listening on ws:\/\//g) ?? []).length >= 2, {
      message: () => `a second start in:\n${gw.output()}`,
    });
    assert.equal(await statusPid(gw.url), pid, "same pid after the restart");
    assert.doesNotMatch(gw.output(), /Debugger listening/);
    // No inspector: the gateway process still listens on its own port only (not on 9229, not
    // anywhere else).
    assert.deepEqual(listeningPortsOf(pid), [gw.port]);
    // Only service detection ran; the fake systemctl was never asked to restart anything.
    assert.ok((await fake.calls()).every((c) => c === "systemctl --user status"));
  },
});

Deno.test("no source under cli/, lib/ or gateway/ sends (or listens for) SIGUSR1", async () => {
  const offenders: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (/\.(ts|js|mjs)$/.test(e.name)) {
        const text = await Deno.readTextFile(path);
        text.split("\n").forEach((line, i) => {
          // As a signal value: a quoted "SIGUSR1" (Deno.kill, addSignalListener, process.kill…).
          if (/["'`]SIGUSR1["'`]/.test(line)) offenders.push(`${path}:${i + 1}: ${line.trim()}`);
        });
      }
    }
  };
  for (const dir of ["cli", "lib", "gateway"]) await walk(`${ROOT}${dir}`);
  assert.deepEqual(offenders, []);
  // And the in-place restart is wired to SIGHUP.
  assert.match(await Deno.readTextFile(`${ROOT}gateway/run.ts`), /\["SIGHUP", /);
  assert.match(await Deno.readTextFile(`${ROOT}lib/service/lifecycle.ts`), /"SIGHUP"\)/);
});

/** Spawns `openclaw gateway` under `deno run --inspect=127.0.0.1:0` (a test-only spawn). */
async function spawnInspectedGateway(sb: Sandbox): Promise<GatewayProcess> {
  await writeFile(sb.configPath, CONFIG);
  // A free port can be taken by a test running beside this one before the gateway binds it:
  // then the gateway refuses to start ("already listening") and another port is tried.
  for (let attempt = 1;; attempt++) {
    const port = freePort();
    // Not --quiet: Deno then prints where the inspector listens ("Debugger listening on …").
    const gw = spawnGateway(sb, ["--port", `${port}`], {
      port,
      denoArgs: ["--inspect=127.0.0.1:0"],
    });
    try {
      await gw.waitFor(/Gateway listening on/, 20_000);
      return gw;
    } catch (err) {
      await gw[Symbol.asyncDispose]();
      if (attempt >= 3 || !/already listening/.test(gw.output())) throw err;
    }
  }
}

interface Finding {
  checkId: string;
  severity: string;
  detail: string;
  remediation: string;
}

Deno.test({
  name: "security audit and doctor report a gateway with an open inspector as critical; " +
    "a normal gateway reports none",
  ignore: !linux,
  fn: async () => {
    {
      await using sb = await makeSandbox();
      await using gw = await spawnInspectedGateway(sb);
      const inspectorPort = Number(
        /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(
          gw.output(),
        )?.[1],
      );
      assert.ok(inspectorPort > 0, gw.output());

      const audit = await runCli(sb, ["security", "audit", "--json"]);
      assert.equal(audit.code, 1, "a critical finding fails the audit");
      const report = JSON.parse(audit.stdout);
      const open = report.findings.filter((f: Finding) => f.checkId === "gateway.inspector_open");
      assert.equal(open.length, 1, audit.stdout);
      assert.equal(open[0].severity, "critical");
      assert.match(open[0].detail, new RegExp(`pid ${gw.child.pid}\\b`));
      assert.match(open[0].detail, new RegExp(`127\\.0\\.0\\.1:${inspectorPort}\\b`));
      assert.match(open[0].remediation, /SIGUSR1/);
      assert.match(open[0].remediation, /--inspect/);
      assert.ok(report.summary.critical >= 1);
      const human = await runCli(sb, ["security", "audit"]);
      assert.match(human.stdout, /CRITICAL\s+gateway\.inspector_open/);

      const doctor = await runCli(sb, ["doctor", "--json", "--non-interactive"]);
      assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
      const runtime = JSON.parse(doctor.stdout).checks.find((c: { id: string }) =>
        c.id === "gateway.runtime"
      );
      assert.equal(runtime.status, "error");
      const hit = runtime.findings.find((f: { message: string }) =>
        f.message.startsWith("[critical] gateway.inspector_open: ")
      );
      assert.ok(hit, JSON.stringify(runtime.findings));
      assert.equal(hit.severity, "error");
      assert.match(hit.fix, /SIGUSR1/);
    }
    {
      await using sb = await makeSandbox();
      await using gw = await startGateway(sb, CONFIG);
      const audit = await runCli(sb, ["security", "audit", "--json"]);
      const report = JSON.parse(audit.stdout);
      assert.deepEqual(
        report.findings.filter((f: Finding) => f.checkId.startsWith("gateway.inspector")),
        [],
      );
      const doctor = await runCli(sb, ["doctor", "--json", "--non-interactive"]);
      const runtime = JSON.parse(doctor.stdout).checks.find((c: { id: string }) =>
        c.id === "gateway.runtime"
      );
      assert.ok(
        runtime.findings.some((f: { message: string }) =>
          f.message === "No debugger port open in the gateway"
        ),
        JSON.stringify(runtime.findings),
      );
      assert.ok(!runtime.findings.some((f: { severity: string }) => f.severity === "error"));
      assert.equal(gw.output().includes("Debugger listening"), false);
    }
  },
});

Deno.test("the inspector check says it was skipped off Linux, and is silent with no gateway", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  assert.deepEqual(await scanGatewayInspector(sb.stateDir), { status: "not-running" });
  await Deno.writeTextFile(
    `${sb.stateDir}/gateway.runtime.json`,
    JSON.stringify({ pid: Deno.pid, port: 1 }),
  );
  const scan = await scanGatewayInspector(sb.stateDir, { os: "darwin" });
  assert.deepEqual(scan, {
    status: "skipped",
    pid: Deno.pid,
    reason: "only supported on Linux (this is darwin)",
  });
  assert.deepEqual(inspectorFindings(scan).map((f) => [f.checkId, f.severity]), [
    ["gateway.inspector_check_skipped", "info"],
  ]);
});

Deno.test("a SIGTERM that arrives while the gateway is still starting stops it once the start ends", async () => {
  // The secret resolver holds the start open until the test has sent SIGTERM, so the signal
  // lands inside the start every time (it used to be lost: the gateway then ran on).
  await using sb = await makeSandbox();
  const script = `${sb.home}/slow-vault.sh`;
  await Deno.writeTextFile(
    script,
    `#!/bin/sh
touch "${sb.home}/resolving"
while [ ! -e "${sb.home}/signalled" ]; do sleep 0.05; done
printf '{"protocolVersion":1,"values":{"gateway/token":"slow-vault-token-0123456789"}}'
`,
    { mode: 0o755 },
  );
  await writeFile(
    sb.configPath,
    `{
      gateway: { mode: "local", auth: { token: { source: "exec", provider: "vault", id: "gateway/token" } } },
      secrets: { providers: { vault: { source: "exec", command: "${script}", passEnv: ["PATH"] } } },
    }`,
  );
  const port = freePort();
  await using gw = spawnGateway(sb, ["--port", String(port)], { port });
  await waitUntil(async () => {
    try {
      await Deno.lstat(`${sb.home}/resolving`);
      return true;
    } catch {
      return false;
    }
  }, { timeoutMs: 30_000, message: () => `the resolver to start:\n${gw.output()}` });
  gw.child.kill("SIGTERM");
  // The start goes on only once the gateway has said it heard the signal: a loaded machine may
  // otherwise finish the start before the signal reaches the gateway's listener.
  await waitUntil(() => /received SIGTERM during start: stopping when it ends/.test(gw.output()), {
    timeoutMs: 30_000,
    message: () => `the gateway to hear SIGTERM during its start:\n${gw.output()}`,
  });
  await Deno.writeTextFile(`${sb.home}/signalled`, "");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([
    gw.stop("SIGTERM"),
    new Promise<string>((r) => {
      timer = setTimeout(() => r("still running 20 s after SIGTERM"), 20_000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(code, 0, gw.output());
  assert.match(gw.output(), /received SIGTERM during start/);
});
