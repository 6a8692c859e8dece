import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { createExecTool, type ExecResult, resolveExecSettings } from "../../../lib/tools/exec.ts";
import { createProcessTool } from "../../../lib/tools/process.ts";
import { ProcessManager } from "../../../lib/tools/process_manager.ts";
import { type ExecRunner, hostRunner } from "../../../lib/tools/runner.ts";
import type { ToolPolicyConfigView } from "../../../lib/tools/policy.ts";
import { waitUntil } from "../../helpers.ts";
import { groupMembers, HAS_PROC, isDead, tempWorkspace, toolContext } from "./_helpers.ts";

type Running = Extract<ExecResult, { status: "running" }>;
type Done = Exclude<ExecResult, { status: "running" }>;

function setup(config: ToolPolicyConfigView = {}, manager = new ProcessManager()) {
  return {
    manager,
    exec: createExecTool({ manager, config: () => config }),
    proc: createProcessTool({ manager }),
  };
}

Deno.test("exec runs a foreground command and returns its output and exit code", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec } = setup();
  try {
    const ctx = toolContext(ws.workspace);
    const ok = await exec.execute(
      { command: "echo out; echo err >&2; echo $OPENCLAW_SHELL; pwd" },
      ctx,
    ) as Done;
    assert.equal(ok.status, "completed");
    assert.equal(ok.exitCode, 0);
    for (const line of ["out", "err", "exec", await Deno.realPath(ws.workspace)]) {
      assert.ok(ok.output.split("\n").includes(line), `missing ${line} in ${ok.output}`);
    }
    assert.equal(typeof ok.durationMs, "number");
    const failed = await exec.execute({ command: "echo nope; exit 3" }, ctx) as Done;
    assert.deepEqual([failed.status, failed.exitCode, failed.output], ["failed", 3, "nope\n"]);
    // Foreground commands are not kept for the process tool.
    assert.equal(manager.list().length, 0);
  } finally {
    await manager.closeAll();
  }
});

Deno.test("exec timeout kills the whole process group", {
  ignore: !HAS_PROC,
}, async () => {
  await using ws = await tempWorkspace();
  const { manager, exec, proc } = setup();
  try {
    const ctx = toolContext(ws.workspace);
    const started = await exec.execute(
      { command: "sleep 100 & sleep 100", background: true, timeout: 1 },
      ctx,
    ) as Running;
    assert.equal(started.status, "running");
    const pgid = started.pid!;
    await waitUntil(() => groupMembers(pgid).length >= 2, { message: "both sleeps to run" });
    const members = groupMembers(pgid).map((m) => m.pid);
    const polled = await proc.execute(
      { action: "poll", sessionId: started.sessionId, timeout: 10_000 },
      ctx,
    ) as { status: string; done: boolean };
    assert.equal(polled.status, "timeout");
    await waitUntil(() => members.every(isDead), {
      message: () => `every member to die; survivors: ${members.filter((p) => !isDead(p))}`,
    });
    const fg = await exec.execute({ command: "sleep 100 & sleep 100", timeout: 0.5 }, ctx) as Done;
    assert.equal(fg.status, "timeout");
    assert.equal(fg.exitCode, null);
  } finally {
    await manager.closeAll();
  }
});

Deno.test("exec moves a command still running after yieldMs to the background", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec, proc } = setup();
  try {
    const ctx = toolContext(ws.workspace);
    const r = await exec.execute(
      { command: "echo early; sleep 0.5; echo late", yieldMs: 100 },
      ctx,
    ) as Running;
    assert.equal(r.status, "running");
    assert.match(r.sessionId, /^[0-9a-f]{10}$/);
    assert.match(r.note, /moved to the background/);
    let output = r.output ?? "";
    // Each poll waits up to 2 s for news; allow 50 of them.
    await waitUntil(async () => {
      const p = await proc.execute(
        { action: "poll", sessionId: r.sessionId, timeout: 2000 },
        ctx,
      ) as { output: string; done: boolean; exitCode: number | null };
      output += p.output;
      return p.done;
    }, { timeoutMs: 100_000, intervalMs: 0, message: () => `the exit; output so far ${output}` });
    assert.equal(output, "early\nlate\n");
    assert.equal(ctx.notes.length, 1, "a backgrounded command notifies on exit");
  } finally {
    await manager.closeAll();
  }
});

Deno.test("exec keeps output bounded and marks what it cut", async () => {
  await using ws = await tempWorkspace();
  const manager = new ProcessManager({ maxOutputChars: 1000 });
  const exec = createExecTool({ manager, maxResultChars: 300 });
  const proc = createProcessTool({ manager });
  try {
    const ctx = toolContext(ws.workspace);
    const cmd = "i=0; while [ $i -lt 500 ]; do echo line$i; i=$((i+1)); done";
    const fg = await exec.execute({ command: cmd }, ctx) as Done;
    assert.match(
      fg.output,
      /^\[\.\.\. output truncated: \d+ earlier characters omitted \.\.\.\]\n/,
    );
    assert.ok(fg.output.endsWith("line499\n"));
    assert.ok(fg.output.length < 400);
    const bg = await exec.execute({ command: cmd, background: true }, ctx) as Running;
    await manager.waitForExit(manager.get(bg.sessionId, ctx), 10_000);
    const log = await proc.execute({ action: "log", sessionId: bg.sessionId, limit: 5 }, ctx) as {
      lines: string;
      note?: string;
      totalLines: number;
    };
    assert.equal(log.lines, "line495\nline496\nline497\nline498\nline499");
    assert.match(log.note ?? "", /earlier characters were dropped/);
    assert.ok(log.totalLines < 200);
  } finally {
    await manager.closeAll();
  }
});

Deno.test("exec notifies once when a background command exits (tools.exec.notifyOnExit)", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec } = setup();
  try {
    const ctx = toolContext(ws.workspace);
    const r = await exec.execute({ command: "echo hi; exit 2", background: true }, ctx) as Running;
    await manager.waitForExit(manager.get(r.sessionId, ctx), 10_000);
    await waitUntil(() => ctx.notes.length > 0, { message: "the exit notification" });
    assert.deepEqual(ctx.notes, ["Exec finished: echo hi; exit 2 (exit 2)"]);
    // A successful exit without output stays quiet unless notifyOnExitEmptySuccess.
    const quiet = await exec.execute({ command: "true", background: true }, ctx) as Running;
    await manager.waitForExit(manager.get(quiet.sessionId, ctx), 10_000);
    assert.equal(ctx.notes.length, 1);
    // A foreground command reports through its result, not a notification.
    await exec.execute({ command: "echo fg" }, ctx);
    assert.equal(ctx.notes.length, 1);
  } finally {
    await manager.closeAll();
  }
  const off = setup({ tools: { exec: { notifyOnExit: false } } });
  try {
    const ctx = toolContext(ws.workspace);
    const r = await off.exec.execute({ command: "echo hi", background: true }, ctx) as Running;
    await off.manager.waitForExit(off.manager.get(r.sessionId, ctx), 10_000);
    assert.deepEqual(ctx.notes, []);
  } finally {
    await off.manager.closeAll();
  }
});

Deno.test("exec refuses a sandboxed call without a runner and gates elevated", async () => {
  await using ws = await tempWorkspace();
  const closed = setup();
  const open = setup({ tools: { elevated: { enabled: true } } });
  try {
    const ctx = toolContext(ws.workspace, { sandboxed: true });
    await assert.rejects(
      () => closed.exec.execute({ command: "true" }, ctx),
      (e) => e instanceof OpenClawError && e.code === "SANDBOX_UNAVAILABLE",
    );
    await assert.rejects(
      () => closed.exec.execute({ command: "true", elevated: true }, ctx),
      (e) =>
        e instanceof OpenClawError && e.code === "ELEVATED_DISABLED" &&
        e.message.includes("tools.elevated.enabled is not true"),
    );
    const host = await open.exec.execute({ command: "echo host", elevated: true }, ctx) as Done;
    assert.equal(host.output, "host\n");
    // On the host elevated changes nothing, but the gate still applies.
    await assert.rejects(
      () => closed.exec.execute({ command: "true", elevated: true }, toolContext(ws.workspace)),
      (e) => e instanceof OpenClawError && e.code === "ELEVATED_DISABLED",
    );
  } finally {
    await closed.manager.closeAll();
    await open.manager.closeAll();
  }
});

Deno.test("exec runs sandboxed sessions through ctx.execRunner", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec } = setup();
  const seen: { command: string; env: Record<string, string> }[] = [];
  const fake: ExecRunner = {
    name: "fake",
    spawn(req) {
      seen.push({ command: req.command, env: req.env });
      return hostRunner.spawn({ ...req, command: "echo from-fake" });
    },
  };
  try {
    const ctx = toolContext(ws.workspace, { sandboxed: true, execRunner: fake });
    const r = await exec.execute({ command: "uname" }, ctx) as Done;
    assert.equal(r.output, "from-fake\n");
    assert.equal(seen[0].command, "uname");
    assert.equal(seen[0].env.OPENCLAW_SHELL, "exec");
  } finally {
    await manager.closeAll();
  }
});

Deno.test("exec honours tools.exec.security deny on the host and a cwd that is missing", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec } = setup({ tools: { exec: { security: "deny" } } });
  const plain = setup();
  try {
    const ctx = toolContext(ws.workspace);
    await assert.rejects(
      () => exec.execute({ command: "true" }, ctx),
      (e) => e instanceof OpenClawError && e.code === "EXEC_DENIED",
    );
    await assert.rejects(
      () => plain.exec.execute({ command: "true", workdir: "nope" }, ctx),
      (e) => e instanceof OpenClawError && e.code === "EXEC_SPAWN_FAILED",
    );
  } finally {
    await manager.closeAll();
    await plain.manager.closeAll();
  }
});

Deno.test("exec kills a foreground command when the turn is aborted", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec } = setup();
  try {
    const ac = new AbortController();
    const ctx = toolContext(ws.workspace, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const r = await exec.execute({ command: "sleep 30" }, ctx) as Done;
    assert.equal(r.status, "killed");
  } finally {
    await manager.closeAll();
  }
});

Deno.test("resolveExecSettings() applies defaults and merges the agent's tools.exec", () => {
  assert.deepEqual(resolveExecSettings({}, "main"), {
    backgroundMs: 10_000,
    timeoutSec: 1800,
    cleanupMs: 1_800_000,
    notifyOnExit: true,
    notifyOnExitEmptySuccess: false,
    pathPrepend: [],
    security: undefined,
  });
  const s = resolveExecSettings({
    tools: { exec: { backgroundMs: 5, timeoutSec: 60, timeoutSeconds: 90 } },
    agents: { list: [{ id: "main", tools: { exec: { backgroundMs: 7 } } }] },
  }, "main");
  assert.equal(s.backgroundMs, 7);
  assert.equal(s.timeoutSec, 90);
});
