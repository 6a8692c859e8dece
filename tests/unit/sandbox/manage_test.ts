import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { buildExecArgs, containerCwd, toContainerPath } from "../../../lib/sandbox/exec.ts";
import { matchesSelector, recreateSandboxes } from "../../../lib/sandbox/manage.ts";
import {
  readSandboxRegistry,
  removeSandboxEntries,
  sandboxRegistryPath,
  upsertSandboxEntry,
} from "../../../lib/sandbox/registry.ts";
import { makeSandbox } from "../../helpers.ts";

const labels = (l: Record<string, string>) => ({ labels: { "openclaw.sandbox": "1", ...l } });

Deno.test("matchesSelector() picks containers by session, agent or all", () => {
  const session = labels({
    "openclaw.agent": "main",
    "openclaw.session": "agent:main:chat:group:1",
    "openclaw.sessionKey": "agent:main:chat:group:1",
  });
  const agent = labels({ "openclaw.agent": "work", "openclaw.sessionKey": "agent:work" });
  const stock = labels({ "openclaw.sessionKey": "agent:work:discord:channel:9" });
  const shared = labels({ "openclaw.sessionKey": "shared" });
  assert.equal(matchesSelector(session, { session: "agent:main:chat:group:1" }), true);
  assert.equal(matchesSelector(agent, { session: "agent:main:chat:group:1" }), false);
  assert.equal(matchesSelector(agent, { agent: "Work" }), true);
  assert.equal(matchesSelector(stock, { agent: "work" }), true);
  assert.equal(matchesSelector(session, { agent: "work" }), false);
  assert.equal(matchesSelector(shared, { agent: "work" }), false);
  assert.equal(matchesSelector(shared, { all: true }), true);
});

Deno.test("recreateSandboxes() needs exactly one selector (before calling docker)", async () => {
  for (const sel of [{}, { all: true, agent: "x" }]) {
    await assert.rejects(
      () => recreateSandboxes(sel, { stateDir: "/tmp/x", docker: { bin: "/nonexistent" } }),
      (e: unknown) => e instanceof OpenClawError && e.code === "SANDBOX_RECREATE_INVALID",
    );
  }
});

Deno.test("the registry is written atomically with mode 0600 and survives damage", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  const stateDir = sb.stateDir;
  assert.deepEqual(await readSandboxRegistry(stateDir), []);
  const entry = {
    containerName: "openclaw-sbx-a",
    sessionKey: "agent:main",
    image: "img",
    createdAtMs: 1,
    lastUsedAtMs: 2,
  };
  await upsertSandboxEntry(stateDir, entry);
  await upsertSandboxEntry(stateDir, { ...entry, lastUsedAtMs: 3 });
  await upsertSandboxEntry(stateDir, { ...entry, containerName: "openclaw-sbx-b" });
  const entries = await readSandboxRegistry(stateDir);
  assert.deepEqual(entries.map((e) => [e.containerName, e.lastUsedAtMs]), [
    ["openclaw-sbx-a", 3],
    ["openclaw-sbx-b", 2],
  ]);
  const path = sandboxRegistryPath(stateDir);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.ok("entries" in JSON.parse(await Deno.readTextFile(path)));
  await removeSandboxEntries(stateDir, ["openclaw-sbx-a"]);
  assert.equal((await readSandboxRegistry(stateDir)).length, 1);
  await Deno.writeTextFile(path, "{ torn");
  assert.deepEqual(await readSandboxRegistry(stateDir), []);
});

Deno.test("buildExecArgs() passes the command as one argument and checks env names", () => {
  const args = buildExecArgs("c1", "echo $HOME; rm -rf x", {
    cwd: "/workspace/sub",
    env: { A: "1 2" },
    stdin: true,
  });
  assert.deepEqual(args.slice(0, 7), ["exec", "-i", "-w", "/workspace/sub", "-e", "A=1 2", "c1"]);
  assert.equal(args.at(-1), "echo $HOME; rm -rf x");
  assert.throws(
    () => buildExecArgs("c1", "true", { env: { "BAD-NAME": "x" } }),
    (e: unknown) => e instanceof OpenClawError && e.code === "SANDBOX_EXEC_INVALID",
  );
});

Deno.test("toContainerPath() maps workspace paths into the container", () => {
  const handle = {
    workdir: "/workspace",
    mounts: [
      { host: "/state/sandboxes/x", container: "/workspace", readOnly: false },
      { host: "/home/u/ws", container: "/agent", readOnly: true },
    ],
  };
  assert.equal(toContainerPath(handle, "/state/sandboxes/x"), "/workspace");
  assert.equal(toContainerPath(handle, "/state/sandboxes/x/a/b"), "/workspace/a/b");
  assert.equal(toContainerPath(handle, "/home/u/ws/notes.md"), "/agent/notes.md");
  assert.equal(toContainerPath(handle, "/state/sandboxes/xy"), "/state/sandboxes/xy");
  assert.equal(toContainerPath(handle, "/usr/bin"), "/usr/bin");
});

Deno.test("containerCwd() always gives a directory that exists in the container", () => {
  // workspaceAccess "none"/"ro": the agent's host workspace is not the container's workdir.
  const handle = { workdir: "/workspace", workspaceDir: "/state/sandboxes/x" };
  assert.equal(containerCwd(handle, undefined), "/workspace");
  assert.equal(containerCwd(handle, "/home/u/ws"), "/workspace");
  assert.equal(containerCwd(handle, "/home/u/ws/sub"), "/workspace");
  assert.equal(containerCwd(handle, "/state/sandboxes/x"), "/workspace");
  assert.equal(containerCwd(handle, "/state/sandboxes/x/a/b/"), "/workspace/a/b");
  assert.equal(containerCwd(handle, "/state/sandboxes/xy"), "/workspace");
  assert.equal(containerCwd(handle, "rel/dir"), "/workspace/rel/dir");
  assert.equal(containerCwd(handle, "/workspace/sub"), "/workspace/sub");
  // workspaceAccess "rw": the agent workspace is the one mounted at the workdir.
  const rw = { workdir: "/workspace", workspaceDir: "/home/u/ws" };
  assert.equal(containerCwd(rw, "/home/u/ws/sub"), "/workspace/sub");
});
