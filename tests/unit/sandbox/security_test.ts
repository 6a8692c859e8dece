import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { planSandbox } from "../../../lib/sandbox/plan.ts";
import {
  dangerousBindReason,
  parseBind,
  resolveThroughSymlinks,
  validateBinds,
} from "../../../lib/sandbox/security.ts";

const KEY = "agents.defaults.sandbox.docker.binds[0]";

function bind(spec: string) {
  return { spec, configKey: KEY };
}

function assertRefused(spec: string, code: string, pattern: RegExp) {
  assert.throws(
    () => validateBinds([bind(spec)], {}),
    (err: unknown) => {
      assert.ok(err instanceof OpenClawError, String(err));
      assert.equal(err.code, code);
      assert.match(err.message, pattern);
      assert.ok(err.message.includes(`"${spec}"`), err.message);
      assert.ok(err.message.includes(KEY), err.message);
      assert.ok(err.hint);
      return true;
    },
  );
}

for (
  const source of [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/etc",
    "/etc/ssh",
    "/proc",
    "/proc/1/root",
    "/sys",
    "/dev",
    "/root",
    "/root/.ssh",
    "/boot",
    "/run",
    "/var/run",
    "/",
    "/home",
    "/Users",
  ]
) {
  Deno.test(`validateBinds() refuses the dangerous source ${source}`, () => {
    assertRefused(`${source}:/mnt/x`, "SANDBOX_BIND_DANGEROUS", /blocked path|socket/);
  });
}

Deno.test("validateBinds() refuses a parent that covers a blocked path", () => {
  assertRefused("/var:/mnt/var", "SANDBOX_BIND_DANGEROUS", /covers blocked path "\/var\/run/);
});

Deno.test("validateBinds() refuses any docker socket by name", () => {
  assertRefused(
    "/home/alice/.docker/run/docker.sock:/var/run/docker.sock",
    "SANDBOX_BIND_DANGEROUS",
    /engine socket/,
  );
});

Deno.test("validateBinds() allows a user directory under /home, and honours :ro and :rw", () => {
  const [ro, rw, plain] = validateBinds([
    bind("/home/alice/src:/src:ro"),
    bind("/srv/data:/data:rw"),
    bind("/opt/tools:/tools"),
  ]);
  assert.equal(ro.readOnly, true);
  assert.equal(ro.source, "/home/alice/src");
  assert.equal(ro.target, "/src");
  assert.equal(rw.readOnly, false);
  assert.deepEqual(rw.options, ["rw"]);
  assert.equal(plain.readOnly, false);
});

Deno.test("validateBinds() refuses relative and named-volume sources", () => {
  assertRefused("src:/src", "SANDBOX_BIND_DANGEROUS", /non-absolute source/);
  assertRefused("./src:/src:ro", "SANDBOX_BIND_DANGEROUS", /non-absolute source/);
});

Deno.test("parseBind() refuses malformed specs", () => {
  for (
    const spec of [
      "/srv",
      "/srv:",
      ":/x",
      "/a:/b:ro:extra",
      "/a:relative",
      "/a:/b:ro,rw",
      "/a:/b:bogus",
      "/a/../etc:/b",
    ]
  ) {
    assert.throws(
      () => parseBind(bind(spec)),
      (err: unknown) => err instanceof OpenClawError && err.code === "SANDBOX_BIND_INVALID",
      spec,
    );
  }
});

Deno.test("dangerousBindReason() follows a symlink to /etc", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.symlink("/etc", `${dir}/innocent`);
    assert.match(dangerousBindReason(`${dir}/innocent`, {})!, /"\/etc".*symlink/);
    // Through an ancestor link, to a path that does not exist (yet).
    assert.match(dangerousBindReason(`${dir}/innocent/not-there/x`, {})!, /"\/etc"/);
    // A relative link in the middle of the path.
    await Deno.mkdir(`${dir}/a`);
    await Deno.symlink("../innocent", `${dir}/a/rel`);
    assert.match(dangerousBindReason(`${dir}/a/rel`, {})!, /"\/etc"/);
    // A dangling link to a blocked place.
    await Deno.symlink("/proc/nope", `${dir}/dangling`);
    assert.match(dangerousBindReason(`${dir}/dangling`, {})!, /"\/proc"/);
    assertRefused(`${dir}/innocent:/x:ro`, "SANDBOX_BIND_DANGEROUS", /symlink/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dangerousBindReason() refuses sockets and directories holding docker.sock", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/docker.sock`, "");
    assert.match(dangerousBindReason(dir, {})!, /covers a Docker socket/);
    const listener = Deno.listen({ transport: "unix", path: `${dir}/other.socket` });
    try {
      assert.match(dangerousBindReason(`${dir}/other.socket`, {})!, /socket/);
    } finally {
      listener.close();
    }
    assert.match(
      dangerousBindReason("/srv/engine/api.sock", { DOCKER_HOST: "unix:///srv/engine/api.sock" })!,
      /blocked path "\/srv\/engine\/api.sock"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveThroughSymlinks() keeps a plain path and resolves links", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    assert.equal(resolveThroughSymlinks(`${dir}/missing/x`), `${dir}/missing/x`);
    await Deno.symlink(dir, `${dir}/self`);
    assert.equal(resolveThroughSymlinks(`${dir}/self/self/y`), `${dir}/y`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validateBinds() refuses targets over the workspace mount", () => {
  assert.throws(
    () => validateBinds([bind("/srv/x:/workspace")], { reservedTargets: ["/workspace"] }),
    (err: unknown) => err instanceof OpenClawError && err.code === "SANDBOX_BIND_INVALID",
  );
  validateBinds([bind("/srv/x:/workspace")], {
    reservedTargets: ["/workspace"],
    allowReservedTargets: true,
  });
});

Deno.test("planSandbox() names the per-agent bind key and blocks host networking", () => {
  const stateDir = "/tmp/oc-state";
  assert.throws(
    () =>
      planSandbox({
        agents: {
          defaults: { sandbox: { docker: { binds: ["/srv/ok:/ok"] } } },
          list: [{ id: "work", sandbox: { docker: { binds: ["/etc:/e:ro"] } } }],
        },
      }, { agentId: "work", sessionKey: "agent:work:main", stateDir }),
    (err: unknown) =>
      err instanceof OpenClawError && err.code === "SANDBOX_BIND_DANGEROUS" &&
      err.message.includes("agents.list[0].sandbox.docker.binds[0]"),
  );
  for (
    const [docker, key] of [
      [{ network: "host" }, "docker.network"],
      [{ network: "container:abc" }, "docker.network"],
      [{ seccompProfile: "unconfined" }, "docker.seccompProfile"],
      [{ apparmorProfile: "unconfined" }, "docker.apparmorProfile"],
    ] as const
  ) {
    assert.throws(
      () =>
        planSandbox({ agents: { defaults: { sandbox: { docker } } } }, {
          agentId: "main",
          sessionKey: "agent:main:main",
          stateDir,
        }),
      (err: unknown) =>
        err instanceof OpenClawError && err.code === "SANDBOX_CONFIG_DANGEROUS" &&
        err.message.includes(`agents.defaults.sandbox.${key}`),
    );
  }
});

Deno.test("dangerousBindReason() sees through .. segments", async () => {
  const { dangerousBindReason } = await import("../../../lib/sandbox/security.ts");
  assert.equal(dangerousBindReason("/home/me/src/../../../etc", {}), 'targets blocked path "/etc"');
  assert.equal(
    dangerousBindReason("/srv/./data/../../var/run/docker.sock", {}),
    'targets blocked path "/var/run/docker.sock"',
  );
});
