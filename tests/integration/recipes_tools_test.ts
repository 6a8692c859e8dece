/**
 * The user guide's tool recipes through the real CLI: `sandbox explain` lists exactly the tools
 * an agent runtime has, and `config validate` rejects an unknown `group:*` (exit 78).
 */
import assert from "node:assert/strict";
import { createRuntimeTools } from "../../lib/agent/tools/runtime_tools.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { ProcessManager } from "../../lib/tools/process_manager.ts";
import { makeSandbox, runCli, writeFile } from "../helpers.ts";

/** The names the runtime registers, read from the runtime itself. */
function runtimeTools(): string[] {
  const config = {} as OpenClawConfig;
  const { registry } = createRuntimeTools({
    stateDir: "",
    config: () => config,
    processes: new ProcessManager(),
  });
  return registry.list().map((t) => t.name);
}

Deno.test("sandbox explain --json allows exactly the tools the agent runtime registers", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, JSON.stringify({ gateway: { mode: "local" } }));
  const r = await runCli(sb, ["sandbox", "explain", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const expected = runtimeTools();
  assert.equal(expected.length, 12);
  assert.deepEqual([...report.tools.allowed].sort(), [...expected].sort());
  assert.deepEqual(report.tools.denied, []);
  assert.ok(report.tools.unavailable.includes("canvas"));
  const human = await runCli(sb, ["sandbox", "explain"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /Tools allowed \(12\):/);
});

Deno.test("sandbox explain --json: group:runtime in tools.allow gives the runtime tools", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    JSON.stringify({ gateway: { mode: "local" }, tools: { allow: ["group:runtime"] } }),
  );
  const r = await runCli(sb, ["sandbox", "explain", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  // apply_patch follows exec (stock rule); bash is exec, not a tool of its own.
  assert.deepEqual(JSON.parse(r.stdout).tools.allowed, ["apply_patch", "exec", "process"]);
});

Deno.test("config validate rejects group:bogus with the path and the known groups (exit 78)", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    JSON.stringify({
      gateway: { mode: "local" },
      tools: { sandbox: { tools: { deny: ["group:bogus"] } } },
    }),
  );
  const r = await runCli(sb, ["config", "validate"]);
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.match(
    r.stdout + r.stderr,
    /tools\.sandbox\.tools\.deny\[0\]: Unknown tool group "group:bogus": known groups are group:openclaw, group:fs, group:runtime/,
  );
});
