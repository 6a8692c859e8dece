import assert from "node:assert/strict";
import { type OpenClawConfigInput, OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import {
  BUILTIN_TOOLS,
  expandToolGroups,
  normalizeToolName,
  TOOL_GROUPS,
} from "../../../lib/tools/groups.ts";
import {
  resolveElevated,
  resolveToolPolicy,
  sandboxModeFor,
  type ToolPolicyInput,
} from "../../../lib/tools/policy.ts";

function cfg(input: OpenClawConfigInput) {
  return OpenClawConfigSchema.parse(input);
}

function policy(input: OpenClawConfigInput, extra: Partial<ToolPolicyInput> = {}) {
  return resolveToolPolicy({
    config: cfg(input),
    agentId: "main",
    sessionKey: "agent:main:main",
    surface: "agent",
    ...extra,
  });
}

Deno.test("TOOL_GROUPS lists the documented members", () => {
  // The user guide's table: group:runtime is exec, bash, process (bash is exec's alias).
  assert.deepEqual(TOOL_GROUPS["group:runtime"], ["exec", "bash", "process", "code_execution"]);
  assert.deepEqual(expandToolGroups(["group:runtime"]), ["exec", "process", "code_execution"]);
  assert.deepEqual(TOOL_GROUPS["group:fs"], ["read", "write", "edit", "apply_patch"]);
  assert.deepEqual(TOOL_GROUPS["group:sessions"], [
    "sessions_list",
    "sessions_history",
    "sessions_send",
    "sessions_spawn",
    "sessions_yield",
    "subagents",
    "session_status",
  ]);
  assert.deepEqual(TOOL_GROUPS["group:memory"], ["memory_search", "memory_get"]);
  assert.deepEqual(TOOL_GROUPS["group:ui"], ["browser", "canvas"]);
  assert.deepEqual(TOOL_GROUPS["group:automation"], ["cron", "gateway"]);
  assert.deepEqual(TOOL_GROUPS["group:messaging"], ["message"]);
  assert.deepEqual(TOOL_GROUPS["group:web"], ["web_search", "x_search", "web_fetch"]);
  assert.deepEqual(TOOL_GROUPS["group:openclaw"], Object.keys(BUILTIN_TOOLS));
});

Deno.test("normalizeToolName() lower-cases and maps bash to exec", () => {
  assert.equal(normalizeToolName("  Bash "), "exec");
  assert.equal(normalizeToolName("APPLY-PATCH"), "apply_patch");
  assert.deepEqual(expandToolGroups(["GROUP:FS", "read", "x"]), [
    "read",
    "write",
    "edit",
    "apply_patch",
    "x",
  ]);
});

Deno.test("resolveToolPolicy() allows everything without a policy", () => {
  const p = policy({});
  assert.equal(p.sandboxed, false);
  assert.deepEqual(p.allowedTools(Object.keys(BUILTIN_TOOLS)), Object.keys(BUILTIN_TOOLS));
  assert.deepEqual(p.decide("exec"), { allowed: true, reason: "allowed" });
  assert.ok(p.allowed("some_plugin_tool"));
});

Deno.test("resolveToolPolicy() expands groups in deny and says which entry denied", () => {
  const p = policy({ tools: { deny: ["group:runtime"] } });
  for (const t of ["exec", "bash", "process", "code_execution"]) {
    assert.deepEqual(p.decide(t), {
      allowed: false,
      reason: 'denied by tools.deny ("group:runtime")',
      configKey: "tools.deny",
    });
  }
  assert.ok(p.allowed("read"));
});

Deno.test("resolveToolPolicy() matches * wildcards case-insensitively", () => {
  const p = policy({ tools: { allow: ["SESSIONS_*", "Read"] } });
  assert.ok(p.allowed("sessions_list"));
  assert.ok(p.allowed("sessions_spawn"));
  assert.ok(p.allowed("READ"));
  assert.equal(p.allowed("session_status"), false);
  assert.equal(p.decide("write").reason, "not in tools.allow");
  assert.ok(policy({ tools: { allow: ["*"] } }).allowed("anything"));
});

Deno.test("resolveToolPolicy() lets deny win over allow", () => {
  const p = policy({ tools: { allow: ["group:runtime", "exec"], deny: ["exec"] } });
  assert.deepEqual(p.decide("exec"), {
    allowed: false,
    reason: 'denied by tools.deny ("exec")',
    configKey: "tools.deny",
  });
  assert.ok(p.allowed("process"));
  // A deny in a later layer still beats an allow in an earlier one.
  const q = policy({
    tools: { allow: ["exec"] },
    agents: { list: [{ id: "main", tools: { deny: ["exec"] } }] },
  });
  assert.equal(q.decide("exec").configKey, "agents.list[0].tools.deny");
});

Deno.test("resolveToolPolicy() applies tools.profile with alsoAllow", () => {
  const minimal = policy({ tools: { profile: "minimal" } });
  assert.deepEqual(minimal.allowedTools(Object.keys(BUILTIN_TOOLS)), ["session_status"]);
  const coding = policy({ tools: { profile: "coding" } });
  assert.ok(coding.allowed("exec"));
  assert.ok(coding.allowed("read"));
  assert.deepEqual(coding.decide("browser"), {
    allowed: false,
    reason: 'not in tools.profile "coding" (add it to tools.alsoAllow or change tools.profile)',
    configKey: "tools.profile",
  });
  const messaging = policy({ tools: { profile: "messaging" } });
  assert.ok(messaging.allowed("message"));
  assert.equal(messaging.allowed("exec"), false);
  assert.ok(policy({ tools: { profile: "coding", alsoAllow: ["browser"] } }).allowed("browser"));
  assert.ok(policy({ tools: { profile: "full" } }).allowed("browser"));
});

Deno.test("resolveToolPolicy() uses the agent's own profile as its base", () => {
  const p = policy({
    tools: { profile: "coding" },
    agents: { list: [{ id: "main", tools: { profile: "messaging" } }] },
  });
  assert.ok(p.allowed("message"));
  assert.deepEqual(p.decide("exec"), {
    allowed: false,
    reason:
      'not in agents.list[0].tools.profile "messaging" (add it to tools.alsoAllow or change agents.list[0].tools.profile)',
    configKey: "agents.list[0].tools.profile",
  });
});

Deno.test("resolveToolPolicy() lets per-agent lists only narrow the global ones", () => {
  const config: OpenClawConfigInput = {
    tools: { allow: ["read", "write", "exec"] },
    agents: {
      list: [{ id: "main" }, { id: "work", tools: { allow: ["read", "process"] } }],
    },
  };
  const work = policy(config, { agentId: "work", sessionKey: "agent:work:main" });
  assert.ok(work.allowed("read"));
  assert.deepEqual(work.decide("write"), {
    allowed: false,
    reason: "not in agents.list[1].tools.allow",
    configKey: "agents.list[1].tools.allow",
  });
  // The agent allows process, but the global allowlist does not: still refused.
  assert.deepEqual(work.decide("process"), {
    allowed: false,
    reason: "not in tools.allow",
    configKey: "tools.allow",
  });
  const main = policy(config);
  assert.ok(main.allowed("write"));
  assert.ok(policy(config, { agentId: "WORK", sessionKey: "x" }).allowed("read"));
});

Deno.test("resolveToolPolicy() applies tools.byProvider by provider and provider/model", () => {
  const config: OpenClawConfigInput = {
    tools: {
      byProvider: {
        openai: { deny: ["exec"] },
        "anthropic/claude-x": { profile: "minimal" },
      },
    },
  };
  const openai = policy(config, { provider: "OpenAI", model: "gpt-5" });
  assert.deepEqual(openai.decide("exec"), {
    allowed: false,
    reason: 'denied by tools.byProvider["openai"].deny ("exec")',
    configKey: 'tools.byProvider["openai"].deny',
  });
  const claude = policy(config, { provider: "anthropic", model: "claude-x" });
  assert.equal(claude.allowed("read"), false);
  assert.ok(claude.allowed("session_status"));
  assert.ok(policy(config, { provider: "anthropic", model: "claude-y" }).allowed("read"));
  assert.ok(policy(config).allowed("exec"));
});

Deno.test("sandboxModeFor() follows off / non-main / all and the main session key", () => {
  const off = sandboxModeFor(cfg({}), "main", "agent:main:telegram:group:1");
  assert.equal(off.mode, "off");
  assert.equal(off.sandboxed, false);
  const nonMain = cfg({ agents: { defaults: { sandbox: { mode: "non-main" } } } });
  const main = sandboxModeFor(nonMain, "main", "agent:main:main");
  assert.equal(main.sandboxed, false);
  assert.equal(main.isMainSession, true);
  assert.equal(sandboxModeFor(nonMain, "main", "main").sandboxed, false);
  const group = sandboxModeFor(nonMain, "main", "agent:main:telegram:group:1");
  assert.equal(group.sandboxed, true);
  assert.equal(group.configKey, "agents.defaults.sandbox.mode");
  assert.match(group.reason, /is not the main session \(agent:main:main\)/);
  const custom = cfg({
    session: { mainKey: "home" },
    agents: { defaults: { sandbox: { mode: "non-main" } } },
  });
  assert.equal(sandboxModeFor(custom, "main", "agent:main:main").sandboxed, true);
  assert.equal(sandboxModeFor(custom, "main", "agent:main:home").sandboxed, false);
  const all = cfg({
    agents: {
      defaults: { sandbox: { mode: "non-main", scope: "session" } },
      list: [{ id: "ops", sandbox: { mode: "all", workspaceAccess: "rw" } }],
    },
  });
  const ops = sandboxModeFor(all, "ops", "agent:ops:main");
  assert.equal(ops.sandboxed, true);
  assert.equal(ops.configKey, "agents.list[0].sandbox.mode");
  assert.equal(ops.scope, "session");
  assert.equal(ops.workspaceAccess, "rw");
});

Deno.test("resolveToolPolicy() applies the default sandbox policy only when sandboxed", () => {
  const config: OpenClawConfigInput = { agents: { defaults: { sandbox: { mode: "non-main" } } } };
  const host = policy(config);
  assert.equal(host.sandboxed, false);
  assert.ok(host.allowed("browser"));
  const boxed = policy(config, { sessionKey: "agent:main:discord:channel:9" });
  assert.equal(boxed.sandboxed, true);
  assert.deepEqual(boxed.decide("browser"), {
    allowed: false,
    reason: 'denied by the default sandbox deny list ("browser")',
    configKey: "tools.sandbox.tools.deny",
  });
  assert.ok(boxed.allowed("exec"));
  assert.ok(boxed.allowed("image"));
  assert.match(boxed.decide("memory_search").reason, /^not in the default sandbox allowlist/);
  assert.equal(boxed.decide("memory_search").configKey, "tools.sandbox.tools.allow");
});

Deno.test("resolveToolPolicy() uses tools.sandbox.tools, agent override first, never re-enabling", () => {
  const config: OpenClawConfigInput = {
    tools: {
      deny: ["write"],
      sandbox: { tools: { allow: ["group:runtime", "group:fs", "group:memory"], deny: [] } },
    },
    agents: {
      list: [{ id: "main" }, { id: "ro", tools: { sandbox: { tools: { allow: ["read"] } } } }],
    },
  };
  const boxed = policy(config, { sandboxed: true });
  assert.ok(boxed.allowed("memory_search"));
  assert.ok(boxed.allowed("browser") === false);
  assert.equal(
    boxed.decide("browser").reason,
    "not in tools.sandbox.tools.allow (add it there, or set agents.defaults.sandbox.mode to off)",
  );
  // The global deny still wins inside the sandbox.
  assert.equal(boxed.decide("write").configKey, "tools.deny");
  const ro = policy(config, { agentId: "ro", sessionKey: "agent:ro:x", sandboxed: true });
  assert.ok(ro.allowed("read"));
  assert.equal(ro.decide("exec").configKey, "agents.list[1].tools.sandbox.tools.allow");
});

Deno.test("resolveToolPolicy() applies the HTTP deny list, adjusted by gateway.tools", () => {
  const http = policy({}, { surface: "http" });
  for (
    const t of [
      "exec",
      "bash",
      "process",
      "code_execution",
      "write",
      "edit",
      "apply_patch",
      "apply-patch",
      "sessions_spawn",
      "sessions_send",
      "subagents",
      "cron",
      "gateway",
      "nodes",
    ]
  ) {
    assert.equal(http.allowed(t), false, t);
  }
  assert.deepEqual(http.decide("exec"), {
    allowed: false,
    reason: 'denied by the default POST /tools/invoke deny list ("exec")',
    configKey: "gateway.tools.allow",
  });
  for (const t of ["read", "sessions_list", "sessions_history", "memory_search", "memory_get"]) {
    assert.ok(http.allowed(t), t);
  }
  assert.ok(policy({}, { surface: "rpc" }).allowed("exec"));
  assert.ok(policy({}).allowed("exec"));
  const adjusted = policy(
    { gateway: { tools: { allow: ["exec"], deny: ["read"] } } },
    { surface: "http" },
  );
  assert.ok(adjusted.allowed("exec"));
  assert.equal(adjusted.allowed("cron"), false);
  assert.deepEqual(adjusted.decide("read"), {
    allowed: false,
    reason: 'denied by gateway.tools.deny ("read")',
    configKey: "gateway.tools.deny",
  });
  // gateway.tools.allow re-allows on HTTP only; tools.deny still applies.
  const stillDenied = policy(
    { tools: { deny: ["exec"] }, gateway: { tools: { allow: ["exec"] } } },
    { surface: "http" },
  );
  assert.equal(stillDenied.decide("exec").configKey, "tools.deny");
});

Deno.test("resolveToolPolicy() reports explicit denies before allowlist misses", () => {
  const p = policy({ tools: { profile: "minimal", deny: ["browser"] } });
  assert.equal(p.decide("browser").reason, 'denied by tools.deny ("browser")');
  assert.deepEqual(p.allowedTools([{ name: "session_status" }, "exec", "browser"]), [
    "session_status",
  ]);
  assert.deepEqual(p.layers.map((l) => l.id), ["profile", "global"]);
});

Deno.test("resolveElevated() needs tools.elevated.enabled and lets agents only close it", () => {
  assert.deepEqual(resolveElevated(cfg({}), "main"), {
    enabled: false,
    reason: "tools.elevated.enabled is not true",
    configKey: "tools.elevated.enabled",
  });
  const open = cfg({
    tools: { elevated: { enabled: true, allowFrom: { telegram: ["1"] } } },
    agents: { list: [{ id: "main" }, { id: "kid", tools: { elevated: { enabled: false } } }] },
  });
  assert.equal(resolveElevated(open, "main").enabled, true);
  assert.deepEqual(resolveElevated(open, "main").allowFrom, { telegram: ["1"] });
  const kid = resolveElevated(open, "kid");
  assert.equal(kid.enabled, false);
  assert.equal(kid.configKey, "agents.list[1].tools.elevated.enabled");
});
