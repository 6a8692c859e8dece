import assert from "node:assert/strict";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  isMainSessionKey,
  resolveSandboxConfig,
  resolveSessionSandbox,
} from "../../../lib/sandbox/config.ts";
import {
  buildCreateArgs,
  LABELS,
  planSandbox,
  sandboxContainerName,
  sandboxScopeKey,
  slugifyScopeKey,
  stableStringify,
} from "../../../lib/sandbox/plan.ts";

const stateDir = "/tmp/oc-plan-state";

function plan(sandbox: Record<string, unknown>, sessionKey = "agent:main:telegram:group:42") {
  return planSandbox(
    { agents: { defaults: { sandbox }, list: [{ id: "main" }, { id: "work" }] } },
    { agentId: "main", sessionKey, stateDir, workspace: "/srv/ws" },
  );
}

Deno.test("resolveSandboxConfig() applies the §8.1 defaults", () => {
  const c = resolveSandboxConfig({}, "main", stateDir);
  assert.equal(c.mode, "off");
  assert.equal(c.scope, "agent");
  assert.equal(c.workspaceAccess, "none");
  assert.equal(c.workspaceRoot, `${stateDir}/sandboxes`);
  assert.equal(c.docker.image, "openclaw-sandbox:bookworm-slim");
  assert.equal(c.docker.network, "none");
  assert.equal(c.docker.readOnlyRoot, true);
  assert.deepEqual(c.docker.tmpfs, ["/tmp", "/var/tmp", "/run"]);
  assert.deepEqual(c.docker.capDrop, ["ALL"]);
  assert.deepEqual(c.docker.env, { LANG: "C.UTF-8" });
  assert.equal(c.docker.containerPrefix, "openclaw-sbx-");
  assert.equal(c.docker.workdir, "/workspace");
  assert.deepEqual(c.prune, { idleHours: 24, maxAgeDays: 7 });
});

Deno.test("resolveSandboxConfig() merges per-agent settings over the defaults", () => {
  const source = OpenClawConfigSchema.parse({
    agents: {
      defaults: {
        sandbox: {
          mode: "non-main",
          docker: { env: { A: "1", B: "1" }, binds: ["/srv/a:/a"], network: "none" },
        },
      },
      list: [{
        id: "work",
        sandbox: {
          mode: "all",
          docker: { env: { B: "2" }, binds: ["/srv/b:/b:ro"], network: "bridge" },
          prune: { idleHours: 1 },
        },
      }],
    },
  });
  const c = resolveSandboxConfig(source, "work", stateDir);
  assert.equal(c.mode, "all");
  assert.equal(c.modeKey, "agents.list[0].sandbox.mode");
  assert.deepEqual(c.docker.env, { LANG: "C.UTF-8", A: "1", B: "2" });
  assert.deepEqual(c.docker.binds.map((b) => [b.spec, b.configKey]), [
    ["/srv/a:/a", "agents.defaults.sandbox.docker.binds[0]"],
    ["/srv/b:/b:ro", "agents.list[0].sandbox.docker.binds[0]"],
  ]);
  assert.equal(c.docker.network, "bridge");
  assert.equal(c.dockerKeys.network, "agents.list[0].sandbox.docker.network");
  assert.deepEqual(c.prune, { idleHours: 1, maxAgeDays: 7 });
  // Another agent keeps the defaults.
  const main = resolveSandboxConfig(source, "main", stateDir);
  assert.equal(main.mode, "non-main");
  assert.equal(main.docker.network, "none");
});

Deno.test("resolveSandboxConfig() ignores per-agent docker settings in shared scope", () => {
  const c = resolveSandboxConfig(
    {
      agents: {
        defaults: { sandbox: { scope: "shared", docker: { image: "base:1" } } },
        list: [{ id: "a", sandbox: { docker: { image: "mine:1", binds: ["/srv/x:/x"] } } }],
      },
    },
    "a",
    stateDir,
  );
  assert.equal(c.docker.image, "base:1");
  assert.deepEqual(c.docker.binds, []);
});

Deno.test("resolveSandboxConfig() maps legacy perSession to a scope", () => {
  const on = resolveSandboxConfig(
    { agents: { defaults: { sandbox: { perSession: true } } } },
    "m",
    stateDir,
  );
  assert.equal(on.scope, "session");
  const off = resolveSandboxConfig(
    { agents: { defaults: { sandbox: { perSession: false } } } },
    "m",
    stateDir,
  );
  assert.equal(off.scope, "shared");
});

Deno.test("resolveSessionSandbox() follows mode and the main session key", () => {
  const src = (mode: "off" | "non-main" | "all", mainKey?: string) => ({
    agents: { defaults: { sandbox: { mode } } },
    session: mainKey ? { mainKey } : undefined,
  });
  const opts = (sessionKey: string) => ({ agentId: "main", sessionKey, stateDir });
  assert.equal(resolveSessionSandbox(src("off"), opts("agent:main:x")).sandboxed, false);
  assert.equal(resolveSessionSandbox(src("all"), opts("agent:main:main")).sandboxed, true);
  assert.equal(resolveSessionSandbox(src("non-main"), opts("agent:main:main")).sandboxed, false);
  assert.equal(
    resolveSessionSandbox(src("non-main"), opts("agent:main:telegram:group:1")).sandboxed,
    true,
  );
  assert.equal(
    resolveSessionSandbox(src("non-main", "home"), opts("agent:main:home")).sandboxed,
    false,
  );
  assert.equal(
    resolveSessionSandbox(src("non-main", "home"), opts("agent:main:main")).sandboxed,
    true,
  );
  assert.equal(isMainSessionKey("main", "main"), true);
});

Deno.test("sandboxScopeKey() and sandboxContainerName() give one container per scope", () => {
  assert.equal(sandboxScopeKey("shared", "main", "agent:main:x"), "shared");
  assert.equal(sandboxScopeKey("agent", "Main", "agent:main:x"), "agent:main");
  assert.equal(sandboxScopeKey("session", "main", "agent:main:x"), "agent:main:x");
  assert.equal(sandboxContainerName("openclaw-sbx-", "shared"), "openclaw-sbx-shared");
  const name = sandboxContainerName("openclaw-sbx-", "agent:main");
  assert.match(name, /^openclaw-sbx-agent-main-[0-9a-f]{8}$/);
  assert.equal(sandboxContainerName("openclaw-sbx-", "agent:main"), name);
  // Keys that slug the same still get different names.
  assert.notEqual(slugifyScopeKey("agent:a:b"), slugifyScopeKey("agent:a/b"));
  const long = sandboxContainerName("openclaw-sbx-", `agent:main:${"x".repeat(200)}`);
  assert.ok(long.length <= 63);
  assert.match(long, /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
  assert.throws(
    () => sandboxContainerName("bad prefix/", "shared"),
    (e: unknown) => e instanceof OpenClawError && e.code === "SANDBOX_CONFIG_INVALID",
  );
});

Deno.test("planSandbox() shares the container per agent and splits it per session", () => {
  const a = plan({ scope: "agent" }, "agent:main:s1");
  const b = plan({ scope: "agent" }, "agent:main:s2");
  assert.equal(a.containerName, b.containerName);
  const c = plan({ scope: "session" }, "agent:main:s1");
  const d = plan({ scope: "session" }, "agent:main:s2");
  assert.notEqual(c.containerName, d.containerName);
  assert.equal(c.labels[LABELS.session], "agent:main:s1");
  assert.equal(plan({ scope: "shared" }).containerName, "openclaw-sbx-shared");
  assert.equal(plan({ scope: "shared" }).labels[LABELS.agent], undefined);
});

Deno.test("sandboxConfigHash() is stable across key order and changes with the config", () => {
  const one = plan({ docker: { env: { A: "1", B: "2" }, network: "none" } });
  const two = plan({ docker: { network: "none", env: { B: "2", A: "1" } } });
  assert.equal(one.configHash, two.configHash);
  assert.match(one.configHash, /^[0-9a-f]{64}$/);
  assert.equal(plan({}).configHash, plan({ docker: {} }).configHash);
  const changes = [
    { docker: { image: "other:1" } },
    { docker: { network: "bridge" } },
    { docker: { readOnlyRoot: false } },
    { docker: { env: { A: "1" } } },
    { docker: { setupCommand: "true" } },
    { docker: { binds: ["/srv/x:/x:ro"] } },
    { docker: { user: "1000:1000" } },
    { workspaceAccess: "rw" },
  ];
  const hashes = new Set([plan({}).configHash, ...changes.map((c) => plan(c).configHash)]);
  assert.equal(hashes.size, changes.length + 1);
  // Mode and prune do not shape the container.
  assert.equal(plan({ mode: "all", prune: { idleHours: 1 } }).configHash, plan({}).configHash);
  assert.equal(stableStringify({ b: 1, a: [2, { d: 1, c: 0 }] }), '{"a":[2,{"c":0,"d":1}],"b":1}');
});

Deno.test("planSandbox() mounts the workspace per workspaceAccess", () => {
  const none = plan({ workspaceAccess: "none" });
  assert.equal(none.workspaceDir.startsWith(`${stateDir}/sandboxes/`), true);
  assert.deepEqual(none.mounts, [{
    host: none.workspaceDir,
    container: "/workspace",
    readOnly: false,
  }]);
  const ro = plan({ workspaceAccess: "ro" });
  assert.deepEqual(ro.mounts[1], { host: "/srv/ws", container: "/agent", readOnly: true });
  const rw = plan({ workspaceAccess: "rw" });
  assert.equal(rw.workspaceDir, "/srv/ws");
  assert.deepEqual(rw.mounts, [{ host: "/srv/ws", container: "/workspace", readOnly: false }]);
});

Deno.test("buildCreateArgs() locks the container down", () => {
  const p = plan({
    workspaceAccess: "rw",
    docker: {
      user: "1000:1000",
      binds: ["/srv/data:/data:ro"],
      pidsLimit: 64,
      ulimits: { nofile: { soft: 10, hard: 20 } },
    },
  });
  const args = buildCreateArgs(p, Date.UTC(2026, 0, 1));
  const joined = args.join(" ");
  assert.equal(args[0], "create");
  for (
    const part of [
      `--name ${p.containerName}`,
      "--read-only",
      "--tmpfs /tmp --tmpfs /var/tmp --tmpfs /run",
      "--network none",
      "--user 1000:1000",
      "--env LANG=C.UTF-8",
      "--cap-drop ALL",
      "--security-opt no-new-privileges",
      "--pids-limit 64",
      "--ulimit nofile=10:20",
      "--workdir /workspace",
      "-v /srv/ws:/workspace",
      "-v /srv/data:/data:ro",
      "--label openclaw.sandbox=1",
      `--label openclaw.config-hash=${p.configHash}`,
      "--label openclaw.agent=main",
      "--label openclaw.scope=agent",
      "--label openclaw.created=2026-01-01T00:00:00.000Z",
      `--label openclaw.createdAtMs=${Date.UTC(2026, 0, 1)}`,
    ]
  ) assert.ok(joined.includes(part), `${part} missing in: ${joined}`);
  assert.deepEqual(args.slice(-3), [p.image, "sleep", "2147483647"]);
  const writable = buildCreateArgs(plan({ docker: { readOnlyRoot: false } }), 0);
  assert.equal(writable.includes("--read-only"), false);
});

Deno.test("planSandbox() refuses an unsupported backend", () => {
  assert.throws(
    () => plan({ backend: "ssh" }),
    (e: unknown) => e instanceof OpenClawError && e.code === "SANDBOX_BACKEND_UNSUPPORTED",
  );
});

Deno.test("resolveSandboxConfig() answers an unchanged config with one frozen object; a reloaded config is resolved anew", () => {
  const source = OpenClawConfigSchema.parse({ agents: { defaults: { sandbox: { mode: "all" } } } });
  const a = resolveSandboxConfig(source, "main", stateDir);
  assert.equal(resolveSandboxConfig(source, "main", stateDir), a);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.docker));
  const reloaded = OpenClawConfigSchema.parse({
    agents: { defaults: { sandbox: { mode: "off" } } },
  });
  assert.equal(resolveSandboxConfig(reloaded, "main", stateDir).mode, "off");
});
