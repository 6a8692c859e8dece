import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { explainSandbox, runtimeToolNames } from "../../../lib/tools/explain.ts";

const config = OpenClawConfigSchema.parse({
  agents: {
    defaults: { sandbox: { mode: "non-main" } },
    list: [{ id: "main", default: true }, { id: "work", tools: { allow: ["read", "process"] } }],
  },
  tools: { deny: ["browser"], elevated: { enabled: true } },
});

Deno.test("explainSandbox() reports a non-main group session as sandboxed, with reasons", () => {
  const r = explainSandbox(config, { sessionKey: "agent:main:telegram:group:42" });
  assert.equal(r.agentId, "main");
  assert.equal(r.mainSessionKey, "agent:main:main");
  assert.equal(r.sandbox.sessionIsSandboxed, true);
  assert.equal(r.sandbox.configKey, "agents.defaults.sandbox.mode");
  assert.equal(r.sandbox.tools.allow?.source, "default");
  assert.ok(r.tools.allowed.includes("exec"));
  assert.deepEqual(r.tools.denied.find((d) => d.tool === "browser"), {
    tool: "browser",
    reason: 'denied by tools.deny ("browser")',
    configKey: "tools.deny",
  });
  assert.deepEqual(r.tools.denied.find((d) => d.tool === "cron"), {
    tool: "cron",
    reason: 'denied by the default sandbox deny list ("cron")',
    configKey: "tools.sandbox.tools.deny",
  });
  assert.equal(r.elevated.enabled, true);
  assert.deepEqual(r.fixIt[0], {
    key: "agents.defaults.sandbox.mode",
    effect: 'set to "off" to run this session on the host',
  });
  assert.ok(r.fixIt.some((f) => f.key === "tools.deny" && f.effect === "change to allow browser"));
});

Deno.test("explainSandbox() defaults to the agent's main session and its own policy", () => {
  const r = explainSandbox(config, { agentId: "work" });
  assert.equal(r.sessionKey, "agent:work:main");
  assert.equal(r.sandbox.sessionIsSandboxed, false);
  assert.deepEqual(r.tools.allowed, ["read", "process"]);
  assert.equal(
    r.tools.denied.find((d) => d.tool === "write")?.configKey,
    "agents.list[1].tools.allow",
  );
  const fromKey = explainSandbox(config, { sessionKey: "agent:work:slack:channel:c1" });
  assert.equal(fromKey.agentId, "work");
  assert.equal(fromKey.sandbox.sessionIsSandboxed, true);
});

Deno.test("explainSandbox() refuses an unknown agent", () => {
  assert.throws(
    () => explainSandbox(config, { agentId: "ghost" }),
    (e) =>
      e instanceof OpenClawError && e.code === "AGENT_UNKNOWN" &&
      e.message === 'Unknown agent "ghost": known agents are main, work',
  );
  assert.equal(explainSandbox(OpenClawConfigSchema.parse({})).agentId, "main");
});

Deno.test("explainSandbox() allows only the tools the agent runtime registers", () => {
  // What createRuntimeTools() registers: the session/memory tools plus the core tools.
  assert.deepEqual(runtimeToolNames(), [
    "sessions_list",
    "sessions_history",
    "session_status",
    "memory_search",
    "memory_get",
    "exec",
    "process",
    "read",
    "write",
    "edit",
    "apply_patch",
    "browser",
  ]);
  const r = explainSandbox(OpenClawConfigSchema.parse({}));
  assert.deepEqual(r.tools.allowed, [
    "read",
    "write",
    "edit",
    "apply_patch",
    "exec",
    "process",
    "memory_search",
    "memory_get",
    "sessions_list",
    "sessions_history",
    "session_status",
    "browser",
  ]);
  assert.deepEqual(r.tools.denied, []);
  assert.ok(r.tools.unavailable.includes("canvas"));
  assert.ok(r.tools.unavailable.includes("code_execution"));
  assert.ok(!r.tools.unavailable.some((t) => r.tools.allowed.includes(t)));
});
