/**
 * `openclaw sandbox explain` through the real CLI: the JSON report, the human report, and the
 * errors for an unknown agent.
 */
import assert from "node:assert/strict";
import { makeSandbox, runCli, writeFile } from "../helpers.ts";

const CONFIG = JSON.stringify({
  agents: {
    defaults: { sandbox: { mode: "non-main" } },
    list: [{ id: "main", default: true }, { id: "work", tools: { allow: ["read", "process"] } }],
  },
  tools: { profile: "coding", deny: ["browser"] },
  gateway: { mode: "local" },
});

Deno.test("sandbox explain --json reports mode, sandboxing, denied tools and fix-it keys", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, CONFIG);
  const r = await runCli(sb, [
    "sandbox",
    "explain",
    "--session",
    "agent:main:telegram:group:42",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.agentId, "main");
  assert.equal(report.sessionKey, "agent:main:telegram:group:42");
  assert.equal(report.mainSessionKey, "agent:main:main");
  assert.equal(report.sandbox.mode, "non-main");
  assert.equal(report.sandbox.scope, "agent");
  assert.equal(report.sandbox.sessionIsSandboxed, true);
  assert.ok(report.tools.allowed.includes("exec"));
  assert.deepEqual(
    report.tools.denied.find((d: { tool: string }) => d.tool === "browser"),
    { tool: "browser", reason: 'denied by tools.deny ("browser")', configKey: "tools.deny" },
  );
  assert.equal(
    report.tools.denied.find((d: { tool: string }) => d.tool === "message").configKey,
    "tools.profile",
  );
  assert.equal(report.elevated.enabled, false);
  assert.ok(report.fixIt.some((f: { key: string }) => f.key === "agents.defaults.sandbox.mode"));
  assert.ok(report.fixIt.some((f: { key: string }) => f.key === "tools.elevated.enabled"));
});

Deno.test("sandbox explain --agent shows the agent's main session on the host", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, CONFIG);
  const json = await runCli(sb, ["sandbox", "explain", "--agent", "work", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.equal(report.sessionKey, "agent:work:main");
  assert.equal(report.sandbox.sessionIsSandboxed, false);
  assert.deepEqual(report.tools.allowed, ["read", "process"]);
  const human = await runCli(sb, ["sandbox", "explain", "--agent", "work"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^Agent: work$/m);
  assert.match(human.stdout, /Session: agent:work:main \(main session\)/);
  assert.match(human.stdout, /This session runs: host/);
  assert.match(human.stdout, /Tools allowed \(2\): read, process/);
  assert.match(
    human.stdout,
    /write +not in agents\.list\[1\]\.tools\.allow +→ agents\.list\[1\]\.tools\.allow/,
  );
});

Deno.test("sandbox explain refuses an unknown agent (exit 1, JSON error)", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, CONFIG);
  const r = await runCli(sb, ["sandbox", "explain", "--agent", "ghost", "--json"]);
  assert.equal(r.code, 1);
  const body = JSON.parse(r.stdout);
  assert.equal(body.ok, false);
  assert.equal(body.error.type, "AGENT_UNKNOWN");
  const human = await runCli(sb, ["sandbox", "explain", "--agent", "ghost"]);
  assert.equal(human.code, 1);
  assert.match(human.stderr, /Unknown agent "ghost": known agents are main, work/);
});

Deno.test("sandbox explain works without a config file", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["sandbox", "explain", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.sandbox.mode, "off");
  assert.equal(report.sandbox.sessionIsSandboxed, false);
  assert.equal(report.tools.denied.length, 0);
});
