import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { createExecTool, type ExecResult } from "../../../lib/tools/exec.ts";
import { createProcessTool } from "../../../lib/tools/process.ts";
import { ProcessManager } from "../../../lib/tools/process_manager.ts";
import type { ToolPolicyConfigView } from "../../../lib/tools/policy.ts";
import { waitUntil } from "../../helpers.ts";
import { groupMembers, HAS_PROC, isDead, tempWorkspace, toolContext } from "./_helpers.ts";

type Running = Extract<ExecResult, { status: "running" }>;
type Poll = { status: string; exitCode: number | null; output: string; done: boolean };

function setup(config: ToolPolicyConfigView = {}) {
  const manager = new ProcessManager({ killGraceMs: 500 });
  return {
    manager,
    exec: createExecTool({ manager, config: () => config }),
    proc: createProcessTool({ manager }),
  };
}

Deno.test("process write / poll / log / kill / clear drive a background cat", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec, proc } = setup();
  try {
    const ctx = toolContext(ws.workspace);
    const r = await exec.execute({ command: "cat", background: true }, ctx) as Running;
    assert.equal(r.status, "running");
    const id = r.sessionId;
    assert.deepEqual(await proc.execute({ action: "write", sessionId: id, data: "one\n" }, ctx), {
      sessionId: id,
      written: 4,
      eof: false,
    });
    const p1 = await proc.execute({ action: "poll", sessionId: id, timeout: 5000 }, ctx) as Poll;
    assert.deepEqual([p1.status, p1.output, p1.done], ["running", "one\n", false]);
    await proc.execute({ action: "write", sessionId: id, data: "two\nthree\n" }, ctx);
    await waitUntil(() => manager.get(id, ctx).output.total >= 14, { message: "all the output" });
    const p2 = await proc.execute({ action: "poll", sessionId: id }, ctx) as Poll;
    assert.equal(p2.output, "two\nthree\n", "poll returns only what is new");
    const log = await proc.execute({ action: "log", sessionId: id, offset: 1, limit: 1 }, ctx);
    assert.deepEqual(log, {
      sessionId: id,
      status: "running",
      exitCode: null,
      totalLines: 3,
      offset: 1,
      lines: "two",
    });
    const list = await proc.execute({ action: "list" }, ctx) as {
      processes: { sessionId: string; status: string; command: string; ageMs: number }[];
    };
    assert.equal(list.processes.length, 1);
    assert.equal(list.processes[0].command, "cat");
    assert.equal(list.processes[0].status, "running");
    await assert.rejects(
      () => proc.execute({ action: "clear", sessionId: id }, ctx),
      (e) => e instanceof OpenClawError && e.code === "PROCESS_RUNNING",
    );
    const killed = await proc.execute({ action: "kill", sessionId: id }, ctx);
    assert.deepEqual(killed, { sessionId: id, killed: true, status: "killed" });
    await assert.rejects(
      () => proc.execute({ action: "write", sessionId: id, data: "x" }, ctx),
      (e) => e instanceof OpenClawError && e.code === "PROCESS_NOT_RUNNING",
    );
    assert.deepEqual(ctx.notes, [], "an explicit kill does not notify");
    assert.deepEqual(await proc.execute({ action: "clear" }, ctx), { cleared: [id] });
    assert.deepEqual(await proc.execute({ action: "list" }, ctx), { processes: [] });
  } finally {
    await manager.closeAll();
  }
});

Deno.test("process write with eof ends cat and poll reports the exit", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec, proc } = setup();
  try {
    const ctx = toolContext(ws.workspace);
    const r = await exec.execute({ command: "cat; echo bye", background: true }, ctx) as Running;
    await proc.execute({ action: "write", sessionId: r.sessionId, data: "hi\n", eof: true }, ctx);
    let output = "";
    // Each poll waits up to 2 s for news; allow 50 of them.
    const p = await waitUntil(async () => {
      const p = await proc.execute(
        { action: "poll", sessionId: r.sessionId, timeout: 2000 },
        ctx,
      ) as Poll;
      output += p.output;
      return p.done && p;
    }, { timeoutMs: 100_000, intervalMs: 0, message: () => `the exit; output so far ${output}` });
    assert.deepEqual([p.status, p.exitCode, output], ["completed", 0, "hi\nbye\n"]);
    assert.deepEqual(ctx.notes, ["Exec finished: cat; echo bye (exit 0)"]);
  } finally {
    await manager.closeAll();
  }
});

Deno.test("process only sees the session's own commands", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec, proc } = setup();
  try {
    const mine = toolContext(ws.workspace);
    const other = toolContext(ws.workspace, { sessionKey: "agent:main:telegram:group:1" });
    const r = await exec.execute({ command: "sleep 30", background: true }, mine) as Running;
    assert.deepEqual(await proc.execute({ action: "list" }, other), { processes: [] });
    await assert.rejects(
      () => proc.execute({ action: "kill", sessionId: r.sessionId }, other),
      (e) => e instanceof OpenClawError && e.code === "PROCESS_NOT_FOUND",
    );
    await assert.rejects(
      () => proc.execute({ action: "poll" }, mine),
      (e) => e instanceof OpenClawError && e.code === "TOOL_ARGS_INVALID",
    );
  } finally {
    await manager.closeAll();
  }
});

Deno.test("process records are forgotten after tools.exec.cleanupMs", async () => {
  await using ws = await tempWorkspace();
  const { manager, exec, proc } = setup({ tools: { exec: { cleanupMs: 100 } } });
  try {
    const ctx = toolContext(ws.workspace);
    const r = await exec.execute({ command: "echo x", background: true }, ctx) as Running;
    await manager.waitForExit(manager.get(r.sessionId, ctx), 10_000);
    assert.equal(manager.list(ctx).length, 1);
    await waitUntil(() => manager.list(ctx).length === 0, { message: "the cleanup" });
    assert.equal(manager.list(ctx).length, 0);
    await assert.rejects(
      () => proc.execute({ action: "log", sessionId: r.sessionId }, ctx),
      (e) => e instanceof OpenClawError && e.code === "PROCESS_NOT_FOUND",
    );
  } finally {
    await manager.closeAll();
  }
});

Deno.test(
  "ProcessManager.closeAll() kills every running group",
  { ignore: !HAS_PROC },
  async () => {
    await using ws = await tempWorkspace();
    const { manager, exec } = setup();
    const ctx = toolContext(ws.workspace);
    let pids: number[] = [];
    try {
      const a = await exec.execute({ command: "sleep 100 & sleep 100", background: true }, ctx);
      const b = await exec.execute({ command: "trap '' TERM; sleep 100", background: true }, ctx);
      const groups = [(a as Running).pid!, (b as Running).pid!];
      await waitUntil(() => groups.every((g) => groupMembers(g).length >= 1), {
        message: "both groups",
      });
      await waitUntil(() => groupMembers(groups[0]).length >= 2, {
        message: "both sleeps of the first group",
      });
      pids = groups.flatMap((g) => groupMembers(g).map((m) => m.pid));
    } finally {
      await manager.closeAll();
    }
    await waitUntil(() => pids.every(isDead), {
      message: () => `every pid to die; survivors: ${pids.filter((p) => !isDead(p))}`,
    });
    assert.equal(manager.list().length, 0);
    await assert.rejects(
      () => exec.execute({ command: "true" }, ctx),
      (e) => e instanceof OpenClawError && e.code === "PROCESS_MANAGER_CLOSED",
    );
  },
);
