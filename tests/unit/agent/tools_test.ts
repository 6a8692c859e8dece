import assert from "node:assert/strict";
import { z } from "zod";
import { createDefaultToolRegistry } from "../../../lib/agent/tools/builtin.ts";
import { listMemoryFiles, searchMemory } from "../../../lib/agent/tools/memory_tools.ts";
import {
  type AgentToolContext,
  ToolInputError,
  ToolRegistry,
} from "../../../lib/agent/tools/registry.ts";
import { invokeToolForClient, runModelToolCall } from "../../../lib/agent/tool_runner.ts";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";

const config = OpenClawConfigSchema.parse({});

function context(
  workspace: string,
  surface: AgentToolContext["surface"] = "rpc",
): AgentToolContext {
  return {
    agentId: "main",
    sessionKey: "agent:main:main",
    surface,
    workspace,
    stateDir: "/state",
    sandboxed: false,
    config,
    signal: new AbortController().signal,
    sessions: {
      list: () => Promise.resolve([]),
      history: () => Promise.resolve([]),
      entry: () => Promise.resolve(undefined),
    },
  };
}

async function memoryWorkspace(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "openclaw-mem-" });
  await Deno.writeTextFile(`${dir}/MEMORY.md`, "# Memory\nThe cat is called Miso.\nLikes tea.\n");
  await Deno.mkdir(`${dir}/memory/2026`, { recursive: true });
  await Deno.writeTextFile(`${dir}/memory/2026/01-02.md`, "Bought cat food for Miso.\n");
  await Deno.writeTextFile(`${dir}/memory/notes.txt`, "Miso is not here\n");
  await Deno.writeTextFile(`${dir}/secret.md`, "top secret\n");
  return dir;
}

Deno.test("searchMemory() finds lines in MEMORY.md and memory/**.md, best match first", async () => {
  const dir = await memoryWorkspace();
  try {
    assert.deepEqual(await listMemoryFiles(dir), ["MEMORY.md", "memory/2026/01-02.md"]);
    const hits = await searchMemory(dir, "Miso cat", 5);
    assert.equal(hits.length, 2);
    assert.equal(hits[0].score, 1);
    assert.ok(hits.every((h) => h.source === "memory"));
    assert.deepEqual(hits.map((h) => h.path).sort(), ["MEMORY.md", "memory/2026/01-02.md"]);
    assert.deepEqual(await searchMemory(dir, "   ", 5), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("memory_get reads memory files only, with line ranges", async () => {
  const dir = await memoryWorkspace();
  const registry = createDefaultToolRegistry();
  const ctx = context(dir);
  try {
    const ok = await invokeToolForClient(registry, "memory_get", {
      path: "MEMORY.md",
      from: 2,
      lines: 1,
    }, ctx);
    assert.deepEqual(ok, {
      ok: true,
      toolName: "memory_get",
      output: { path: "MEMORY.md", from: 2, text: "The cat is called Miso." },
    });
    for (const path of ["secret.md", "../x.md", "/etc/passwd", "memory/notes.txt"]) {
      const r = await invokeToolForClient(registry, "memory_get", { path }, ctx);
      assert.equal(!r.ok && r.error.type, "invalid_request", path);
    }
    await Deno.symlink("/etc", `${dir}/memory/escape`);
    const link = await invokeToolForClient(registry, "memory_get", {
      path: "memory/escape/hosts.md",
    }, ctx);
    assert.equal(link.ok, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ToolRegistry: names are unique and case-insensitive; schemas are JSON Schema objects", () => {
  const registry = createDefaultToolRegistry();
  assert.equal(registry.get("SESSIONS_LIST")?.name, "sessions_list");
  assert.throws(() => registry.register(registry.get("memory_get")!), /already registered/);
  assert.throws(
    () =>
      registry.register({
        name: "bad name",
        description: "",
        inputSchema: z.object({}),
        execute: () => Promise.resolve(),
      }),
    /names are/,
  );
  const schema = registry.inputJsonSchema(registry.get("memory_search")!);
  assert.equal(schema.type, "object");
  assert.equal(schema.$schema, undefined);
  assert.deepEqual(schema.required, ["query"]);
});

Deno.test("ToolRegistry.check(): every policy must allow; the first denial's reason wins", () => {
  const registry = new ToolRegistry();
  const remove = registry.addPolicy("no-exec", (r) => r.tool !== "exec");
  registry.addPolicy(
    "reasoned",
    (r) => r.agentId === "main" || { allow: false, reason: "only main" },
  );
  registry.addPolicy("broken", () => {
    throw new Error("oops");
  });
  const base = { agentId: "main", surface: "agent" as const, config };
  assert.deepEqual(registry.check({ ...base, tool: "exec" }), {
    allow: false,
    reason: "denied by no-exec",
  });
  assert.deepEqual(registry.check({ ...base, tool: "x", agentId: "w" }), {
    allow: false,
    reason: "only main",
  });
  assert.match(
    (registry.check({ ...base, tool: "x" }) as { reason: string }).reason,
    /broken.*oops/,
  );
  remove();
});

Deno.test("default registry denies the HTTP deny list over http unless gateway.tools.allow", () => {
  const registry = createDefaultToolRegistry();
  const req = { tool: "exec", agentId: "main", config };
  assert.equal(registry.check({ ...req, surface: "http" }).allow, false);
  assert.equal(registry.check({ ...req, surface: "rpc" }).allow, true);
  const allowing = OpenClawConfigSchema.parse({
    gateway: { tools: { allow: ["exec"], deny: ["memory_get"] } },
  });
  assert.equal(registry.check({ ...req, surface: "http", config: allowing }).allow, true);
  assert.equal(
    registry.check({ ...req, tool: "memory_get", surface: "http", config: allowing }).allow,
    false,
  );
});

Deno.test("runModelToolCall() turns failures into error results the model can read", async () => {
  const registry = new ToolRegistry();
  registry.register({
    name: "echo",
    description: "echo",
    inputSchema: z.object({ text: z.string() }),
    execute: (args) => Promise.resolve({ echoed: args.text }),
  });
  registry.register({
    name: "fails",
    description: "fails",
    inputSchema: z.object({}),
    execute: () => Promise.reject(new ToolInputError("nope")),
  });
  const ctx = context("/ws", "agent");
  const ok = await runModelToolCall(registry, { id: "1", name: "echo", args: { text: "hi" } }, ctx);
  assert.deepEqual(ok, { output: '{\n  "echoed": "hi"\n}', isError: false });
  const bad = await runModelToolCall(registry, { id: "2", name: "echo", args: { text: 1 } }, ctx);
  assert.equal(bad.isError, true);
  assert.match(bad.output, /Invalid arguments for tool "echo": text/);
  assert.match(
    (await runModelToolCall(registry, { id: "3", name: "nah", args: {} }, ctx)).output,
    /not available/,
  );
  assert.match(
    (await runModelToolCall(registry, { id: "4", name: "fails", args: {} }, ctx)).output,
    /Error: nope/,
  );
  const invalid = await runModelToolCall(registry, {
    id: "5",
    name: "x",
    args: "{",
    invalidReason: "bad JSON",
  }, ctx);
  assert.deepEqual(invalid, { output: "Error: bad JSON", isError: true });
});

Deno.test("runModelToolCall() stops waiting for a tool when the turn is aborted", async () => {
  const registry = new ToolRegistry();
  registry.register({
    name: "hang",
    description: "never ends",
    inputSchema: z.object({}),
    execute: () => new Promise(() => {}),
  });
  const ctl = new AbortController();
  const ctx = { ...context("/ws", "agent"), signal: ctl.signal };
  const running = runModelToolCall(registry, { id: "1", name: "hang", args: {} }, ctx);
  ctl.abort(new Error("stop"));
  await assert.rejects(running, /stop/);
});
