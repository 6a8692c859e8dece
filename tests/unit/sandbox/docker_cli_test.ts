import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { dockerStatus, runDocker } from "../../../lib/sandbox/docker_cli.ts";
import { ensureSandbox } from "../../../lib/sandbox/ensure.ts";
import { execInSandbox } from "../../../lib/sandbox/exec.ts";
import { makeSandbox } from "../../helpers.ts";

async function fakeDocker(script: string): Promise<{ bin: string; dir: string }> {
  const dir = await Deno.makeTempDir();
  const bin = `${dir}/docker`;
  await Deno.writeTextFile(bin, `#!/bin/sh\n${script}\n`);
  await Deno.chmod(bin, 0o755);
  return { bin, dir };
}

const DEAD_ENGINE = `echo "Cannot connect to the Docker daemon at unix:///nope.sock. ` +
  `Is the docker daemon running?" >&2; exit 1`;

Deno.test("runDocker() reports a missing binary as SANDBOX_DOCKER_UNAVAILABLE", async () => {
  await assert.rejects(
    () => runDocker(["ps"], { bin: "/nonexistent/docker" }),
    (err: unknown) => {
      assert.ok(err instanceof OpenClawError);
      assert.equal(err.code, "SANDBOX_DOCKER_UNAVAILABLE");
      assert.match(err.message, /docker is not installed/);
      assert.match(err.hint!, /Install Docker/);
      assert.match(err.hint!, /agents\.defaults\.sandbox\.mode "off"/);
      return true;
    },
  );
});

Deno.test("runDocker() reports a dead engine as SANDBOX_DOCKER_UNAVAILABLE", async () => {
  const fake = await fakeDocker(DEAD_ENGINE);
  try {
    await assert.rejects(
      () => runDocker(["ps"], { bin: fake.bin }),
      (err: unknown) =>
        err instanceof OpenClawError && err.code === "SANDBOX_DOCKER_UNAVAILABLE" &&
        /cannot reach the docker engine: Cannot connect/.test(err.message),
    );
  } finally {
    await Deno.remove(fake.dir, { recursive: true });
  }
});

Deno.test("runDocker() kills a hung client at its deadline", async () => {
  const fake = await fakeDocker("exec sleep 30");
  try {
    await assert.rejects(
      () => runDocker(["ps"], { bin: fake.bin, timeoutMs: 200 }),
      (err: unknown) => err instanceof OpenClawError && err.code === "SANDBOX_DOCKER_TIMEOUT",
    );
  } finally {
    await Deno.remove(fake.dir, { recursive: true });
  }
});

Deno.test("runDocker() bounds output and passes arguments without a shell", async () => {
  const fake = await fakeDocker('printf "%s|" "$@"; head -c 100000 /dev/zero | tr "\\\\0" x');
  try {
    const r = await runDocker(["a b", "$HOME", ";rm"], { bin: fake.bin, maxOutputBytes: 1000 });
    assert.equal(r.code, 0);
    assert.ok(r.stdout.startsWith("a b|$HOME|;rm|"));
    assert.equal(r.stdout.length, 1000);
    assert.equal(r.truncated, true);
  } finally {
    await Deno.remove(fake.dir, { recursive: true });
  }
});

Deno.test("dockerStatus() never throws and says what is wrong", async () => {
  const missing = await dockerStatus({ bin: "/nonexistent/docker" });
  assert.equal(missing.installed, false);
  assert.equal(missing.reachable, false);
  assert.equal(missing.error?.code, "SANDBOX_DOCKER_UNAVAILABLE");
  const fake = await fakeDocker(DEAD_ENGINE);
  try {
    const dead = await dockerStatus({ bin: fake.bin });
    assert.equal(dead.installed, true);
    assert.equal(dead.reachable, false);
    assert.match(dead.error!.message, /cannot reach the docker engine/);
  } finally {
    await Deno.remove(fake.dir, { recursive: true });
  }
  const ok = await fakeDocker('echo "28.0.0|28.0.1"');
  try {
    const s = await dockerStatus({ bin: ok.bin });
    assert.deepEqual(s, {
      installed: true,
      reachable: true,
      clientVersion: "28.0.0",
      serverVersion: "28.0.1",
    });
  } finally {
    await Deno.remove(ok.dir, { recursive: true });
  }
});

Deno.test("ensureSandbox() and execInSandbox() fail clearly without docker", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  const stateDir = sb.stateDir;
  await assert.rejects(
    () =>
      ensureSandbox({
        config: { agents: { defaults: { sandbox: { mode: "all" } } } },
        agentId: "main",
        sessionKey: "agent:main:main",
        stateDir,
        workspace: `${stateDir}/ws`,
        docker: { bin: "/nonexistent/docker" },
      }),
    (err: unknown) => err instanceof OpenClawError && err.code === "SANDBOX_DOCKER_UNAVAILABLE",
  );
  await assert.rejects(
    () => execInSandbox({ container: "x", command: "true", docker: { bin: "/nonexistent/d" } }),
    (err: unknown) => err instanceof OpenClawError && err.code === "SANDBOX_DOCKER_UNAVAILABLE",
  );
});
