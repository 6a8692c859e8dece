/**
 * The Docker sandbox against a real engine and the offline busybox image: isolation (no
 * network, read-only root, workspace mount), reuse and recreation, setupCommand, kill on
 * timeout, bind refusal before docker runs, and `sandbox list/recreate` through the CLI.
 */
import assert from "node:assert/strict";
import { OpenClawError } from "../../lib/errors.ts";
import type { SandboxConfigSource } from "../../lib/sandbox/config.ts";
import { ensureSandbox, type EnsureSandboxOptions } from "../../lib/sandbox/ensure.ts";
import { execInSandbox, sandboxRunner, spawnInSandbox } from "../../lib/sandbox/exec.ts";
import { listSandboxes, recreateSandboxes } from "../../lib/sandbox/manage.ts";
import { readSandboxRegistry } from "../../lib/sandbox/registry.ts";
import {
  containerNames,
  dockerGate,
  removeContainersByPrefix,
  TEST_IMAGE,
  testPrefix,
} from "../fixtures/docker.ts";
import { makeSandbox, runCli, writeFile } from "../helpers.ts";

const gate = await dockerGate();

interface Env extends AsyncDisposable {
  prefix: string;
  stateDir: string;
  workspace: string;
  options(sandbox?: Record<string, unknown>, sessionKey?: string): EnsureSandboxOptions;
}

async function testEnv(): Promise<Env> {
  await gate.assert();
  const prefix = testPrefix();
  const home = await makeSandbox({ prefix: "openclaw-sbx-test-" });
  const stateDir = home.stateDir;
  const workspace = `${home.home}/workspace`;
  await Deno.mkdir(workspace, { recursive: true });
  return {
    prefix,
    stateDir,
    workspace,
    options(sandbox = {}, sessionKey = "agent:main:main") {
      const docker = (sandbox.docker ?? {}) as Record<string, unknown>;
      return {
        config: {
          agents: {
            defaults: {
              workspace,
              sandbox: {
                mode: "all",
                workspaceAccess: "rw",
                ...sandbox,
                docker: { image: TEST_IMAGE, containerPrefix: prefix, ...docker },
              },
            },
          },
        },
        agentId: "main",
        sessionKey,
        stateDir,
        workspace,
      };
    },
    async [Symbol.asyncDispose]() {
      await removeContainersByPrefix(prefix);
      await home[Symbol.asyncDispose]();
    },
  };
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: gate.ignore, fn });

test("sandbox exec runs with no network, a read-only root and the workspace mounted", async () => {
  await using env = await testEnv();
  const sb = await ensureSandbox(env.options());
  assert.equal(sb.created, true);
  const run = (command: string) => execInSandbox({ container: sb, command, timeoutMs: 20_000 });

  const net = await run("ls /sys/class/net");
  assert.equal(net.exitCode, 0, net.stderr);
  assert.deepEqual(net.stdout.trim().split(/\s+/), ["lo"]);
  const dev = await run("cat /proc/net/dev");
  const ifaces = dev.stdout.split("\n").slice(2).filter((l) => l.trim())
    .map((l) => l.split(":")[0].trim());
  assert.deepEqual(ifaces, ["lo"]);

  const ro = await run("touch /x");
  assert.notEqual(ro.exitCode, 0);
  assert.match(ro.stderr, /Read-only file system/);
  assert.equal((await run("touch /tmp/ok && echo ok")).stdout.trim(), "ok");

  await Deno.writeTextFile(`${env.workspace}/from-host.txt`, "hello from host");
  const seen = await run("cat from-host.txt");
  assert.equal(seen.stdout, "hello from host");
  assert.equal((await run("echo inside > made-inside.txt; pwd")).stdout.trim(), "/workspace");
  assert.equal(await Deno.readTextFile(`${env.workspace}/made-inside.txt`), "inside\n");

  // Only the given env reaches the command; the host's never does.
  const envOut = await execInSandbox({
    container: sb,
    command: 'echo "$LANG|$GIVEN|${OPENCLAW_HOST_ONLY:-unset}"',
    env: { GIVEN: "yes" },
  });
  assert.equal(envOut.stdout.trim(), "C.UTF-8|yes|unset");

  const who = await run("id -u; cat /proc/self/status");
  assert.match(who.stdout, /CapEff:\s+0+\n/);
  assert.match(who.stdout, /NoNewPrivs:\s+1/);
});

test("ensureSandbox() reuses the container and recreates it when the config changes", async () => {
  await using env = await testEnv();
  const first = await ensureSandbox(env.options());
  const again = await ensureSandbox(env.options());
  assert.equal(again.containerId, first.containerId);
  assert.equal(again.created, false);

  // A stopped container is started again, not replaced.
  const stop = await new Deno.Command("docker", { args: ["stop", "-t", "0", first.containerName] })
    .output();
  assert.equal(stop.code, 0);
  const restarted = await ensureSandbox(env.options());
  assert.equal(restarted.containerId, first.containerId);
  assert.equal((await execInSandbox({ container: restarted, command: "echo up" })).stdout, "up\n");

  const changed = await ensureSandbox(env.options({ docker: { env: { EXTRA: "1" } } }));
  assert.equal(changed.created, true);
  assert.notEqual(changed.containerId, first.containerId);
  assert.notEqual(changed.configHash, first.configHash);
  assert.equal(changed.containerName, first.containerName);
  assert.deepEqual(await containerNames(env.prefix), [first.containerName]);
  const registry = await readSandboxRegistry(env.stateDir);
  assert.equal(registry.length, 1);
  assert.equal(registry[0].containerId, changed.containerId);
  assert.equal(registry[0].configHash, changed.configHash);
});

test("ensureSandbox() gives each session its own container in session scope", async () => {
  await using env = await testEnv();
  const a = await ensureSandbox(env.options({ scope: "session" }, "agent:main:chat:group:a"));
  const b = await ensureSandbox(env.options({ scope: "session" }, "agent:main:chat:group:b"));
  assert.notEqual(a.containerName, b.containerName);
  // Concurrent calls for one session end with one container.
  const [c, d] = await Promise.all([
    ensureSandbox(env.options({ scope: "session" }, "agent:main:chat:group:c")),
    ensureSandbox(env.options({ scope: "session" }, "agent:main:chat:group:c")),
  ]);
  assert.equal(c.containerId, d.containerId);
  assert.equal((await containerNames(env.prefix)).length, 3);
});

test("a dangerous bind is refused before docker runs", async () => {
  await using env = await testEnv();
  const link = `${env.workspace}/looks-harmless`;
  await Deno.symlink("/etc", link);
  for (const bind of ["/var/run/docker.sock:/var/run/docker.sock", `${link}:/data:ro`]) {
    const options = env.options({ docker: { binds: [bind] } });
    // A docker binary that does not exist proves docker was never called.
    await assert.rejects(
      () => ensureSandbox({ ...options, docker: { bin: "/nonexistent/docker" } }),
      (err: unknown) =>
        err instanceof OpenClawError && err.code === "SANDBOX_BIND_DANGEROUS" &&
        err.message.includes("agents.defaults.sandbox.docker.binds[0]"),
    );
    await assert.rejects(
      () => ensureSandbox(options),
      (err: unknown) => err instanceof OpenClawError && err.code === "SANDBOX_BIND_DANGEROUS",
    );
  }
  assert.deepEqual(await containerNames(env.prefix), []);
});

test("setupCommand runs once, at creation; a failing one leaves no container", async () => {
  await using env = await testEnv();
  const sandbox = { docker: { setupCommand: "echo ran >> /workspace/setup.log" } };
  const first = await ensureSandbox(env.options(sandbox));
  await ensureSandbox(env.options(sandbox));
  await ensureSandbox(env.options(sandbox));
  assert.equal(await Deno.readTextFile(`${env.workspace}/setup.log`), "ran\n");
  const entry = (await readSandboxRegistry(env.stateDir))[0];
  assert.equal(entry.setupDone, true);
  assert.equal(entry.containerId, first.containerId);

  await assert.rejects(
    () => ensureSandbox(env.options({ docker: { setupCommand: "echo broken >&2; exit 3" } })),
    (err: unknown) =>
      err instanceof OpenClawError && err.code === "SANDBOX_SETUP_FAILED" &&
      /exited with 3: broken/.test(err.message),
  );
  assert.deepEqual(await containerNames(env.prefix), []);
});

test("a timeout or abort kills the command's processes inside the container", async () => {
  await using env = await testEnv();
  const sb = await ensureSandbox(env.options());
  const started = Date.now();
  const r = await execInSandbox({
    container: sb,
    command: "sleep 300 & sleep 301; echo never",
    timeoutMs: 500,
  });
  assert.equal(r.timedOut, true);
  assert.ok(Date.now() - started < 15_000);
  assert.equal(r.stdout.includes("never"), false);
  const ps = async () =>
    (await execInSandbox({ container: sb, command: "cat /proc/[0-9]*/cmdline | tr '\\0' ' '" }))
      .stdout;
  // `tr` may be missing from the image; fall back to the raw bytes.
  const left = (await ps()) ||
    (await execInSandbox({ container: sb, command: "cat /proc/[0-9]*/cmdline" })).stdout;
  assert.equal(/sleep.?30[01]/.test(left), false, left);

  const controller = new AbortController();
  const pending = execInSandbox({ container: sb, command: "sleep 302", signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  const aborted = await pending;
  assert.equal(aborted.aborted, true);
  const after = (await execInSandbox({ container: sb, command: "cat /proc/[0-9]*/cmdline" }))
    .stdout;
  assert.equal(after.includes("302"), false);
});

test("sandboxRunner() plugs into the exec tool: stdin, host cwd mapping, kill", async () => {
  await using env = await testEnv();
  const sb = await ensureSandbox(env.options());
  await Deno.mkdir(`${env.workspace}/sub`);
  const runner = sandboxRunner(sb);
  assert.equal(runner.name, "sandbox");
  const child = await runner.spawn({
    command: 'pwd; cat; echo "$MODE" >&2',
    cwd: `${env.workspace}/sub`,
    env: { MODE: "exec" },
  });
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode("typed\n"));
  await w.close();
  const [out, err, status] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.status,
  ]);
  assert.equal(out, "/workspace/sub\ntyped\n");
  assert.equal(err, "exec\n");
  assert.equal(status.code, 0);

  const long = spawnInSandbox(sb, "sleep 303");
  await long.containerPid;
  await long.kill("SIGKILL");
  const s = await long.status;
  assert.notEqual(s.code, 0);
  await long.stdout.cancel();
  await long.stderr.cancel();
});

test("listSandboxes() and recreateSandboxes() work by label", async () => {
  await using env = await testEnv();
  const a = await ensureSandbox(env.options({ scope: "session" }, "agent:main:one"));
  await ensureSandbox(env.options({ scope: "session" }, "agent:main:two"));
  const source = env.options({ scope: "session" }).config;
  const mine = (await listSandboxes({ stateDir: env.stateDir, config: source }))
    .filter((s) => s.containerName.startsWith(env.prefix));
  assert.equal(mine.length, 2);
  for (const s of mine) {
    assert.equal(s.running, true);
    assert.equal(s.configMatch, true);
    assert.equal(s.agentId, "main");
    assert.equal(s.image, TEST_IMAGE);
    assert.ok(s.ageMs >= 0);
  }
  const removed = await recreateSandboxes({ session: "agent:main:one" }, {
    stateDir: env.stateDir,
  });
  assert.deepEqual(removed.removed, [a.containerName]);
  assert.equal((await containerNames(env.prefix)).length, 1);
  // Recreated on next use.
  const back = await ensureSandbox(env.options({ scope: "session" }, "agent:main:one"));
  assert.equal(back.created, true);
});

test("openclaw sandbox list --json and recreate --all through the CLI", async () => {
  await using env = await testEnv();
  await using home = await makeSandbox();
  const config: SandboxConfigSource = {
    agents: {
      defaults: {
        workspace: env.workspace,
        sandbox: {
          mode: "all",
          workspaceAccess: "rw",
          docker: { image: TEST_IMAGE, containerPrefix: env.prefix },
        },
      },
    },
  };
  await writeFile(home.configPath, JSON.stringify(config));
  const sb = await ensureSandbox({
    config,
    agentId: "main",
    sessionKey: "agent:main:main",
    stateDir: home.stateDir,
    workspace: env.workspace,
  });
  const list = await runCli(home, ["sandbox", "list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  const rows = (JSON.parse(list.stdout) as { containers: Record<string, unknown>[] }).containers
    .filter((r) => String(r.containerName).startsWith(env.prefix));
  assert.equal(rows.length, 1);
  assert.equal(rows[0].containerName, sb.containerName);
  assert.equal(rows[0].configMatch, true);
  assert.equal(rows[0].running, true);

  const human = await runCli(home, ["sandbox", "list"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(sb.containerName));

  // --all is scoped to this state directory (label openclaw.stateDir), so parallel tests and
  // other profiles keep their containers.
  const bad = await runCli(home, ["sandbox", "recreate"]);
  assert.equal(bad.code, 2, bad.stderr);
  const rec = await runCli(home, ["sandbox", "recreate", "--all", "--force", "--json"]);
  assert.equal(rec.code, 0, rec.stderr);
  assert.ok((JSON.parse(rec.stdout) as { removed: string[] }).removed.includes(sb.containerName));
  assert.deepEqual(await containerNames(env.prefix), []);
});

for (const access of ["none", "ro", "rw"] as const) {
  test(`exec in a sandboxed session runs in a directory that exists (workspaceAccess ${access})`, async () => {
    await using env = await testEnv();
    // What the runtime does for a sandboxed session's exec: ensure the container, then spawn with
    // the exec tool's default cwd, the agent's host workspace.
    const sb = await ensureSandbox(env.options({ workspaceAccess: access }));
    const child = await sandboxRunner(sb).spawn({ command: "pwd", cwd: env.workspace, env: {} });
    await child.stdin.close().catch(() => {});
    const [out, err, status] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.status,
    ]);
    assert.equal(status.code, 0, err);
    const cwd = out.trim();
    assert.equal(cwd, sb.workdir);
    const there = await execInSandbox({ container: sb, command: `test -d '${cwd}' && echo yes` });
    assert.equal(there.stdout, "yes\n");
    // A subdirectory of the mounted sandbox workspace maps to the same place in the container.
    await Deno.mkdir(`${sb.workspaceDir}/sub`, { recursive: true });
    const sub = await sandboxRunner(sb).spawn({
      command: "pwd",
      cwd: `${sb.workspaceDir}/sub`,
      env: {},
    });
    await sub.stdin.close().catch(() => {});
    assert.equal((await new Response(sub.stdout).text()).trim(), `${sb.workdir}/sub`);
    assert.equal((await sub.status).code, 0);
  });
}
