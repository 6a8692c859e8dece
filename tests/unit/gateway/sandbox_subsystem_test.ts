/**
 * The sandbox subsystem answers from the config alone while every agent's sandbox is off (the
 * sandbox schema stays off the gateway's start), and that answer is the full resolver's.
 */
import assert from "node:assert/strict";
import { getLogger } from "../../../lib/log/logger.ts";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { resolveSandboxConfig } from "../../../lib/sandbox/config.ts";
import { sandboxSummary } from "../../../lib/sandbox/summary.ts";
import { sandboxSubsystem } from "../../../gateway/subsystems/sandbox.ts";
import { systemClock } from "../../../lib/clock.ts";

const CONFIGS: unknown[] = [
  {},
  { agents: { list: [{ id: "main" }, { id: "Work" }] } },
  { agents: { defaults: { sandbox: { scope: "shared", workspaceAccess: "ro" } } } },
  { agents: { defaults: { sandbox: { perSession: true } }, list: [{ id: "a" }] } },
  {
    agents: {
      defaults: { sandbox: { mode: "non-main" } },
      list: [{ id: "a", sandbox: { mode: "off", perSession: false } }, { id: "b" }],
    },
  },
  { agents: { list: [{ id: "a", sandbox: { mode: "all", scope: "session" } }] } },
];

Deno.test("the config-only summary of each agent's sandbox is the resolver's answer", () => {
  for (const raw of CONFIGS) {
    const config = OpenClawConfigSchema.parse(raw);
    for (const id of ["main", "a", "b", "work", "nobody"]) {
      const full = resolveSandboxConfig(config, id, "/tmp/state");
      assert.deepEqual(
        sandboxSummary(config, id),
        { mode: full.mode, scope: full.scope, workspaceAccess: full.workspaceAccess },
        `${JSON.stringify(raw)} / ${id}`,
      );
    }
  }
});

Deno.test("health shows each agent's sandbox, checked by the resolver when one is on", async () => {
  const config = OpenClawConfigSchema.parse({
    agents: { list: [{ id: "main" }, { id: "box", sandbox: { mode: "all", scope: "session" } }] },
  });
  const sub = sandboxSubsystem({ config, stateDir: "/tmp/state" });
  await sub.start({ log: getLogger("test"), clock: systemClock });
  const health = sub.health?.() as { agents: Record<string, { mode: string; scope: string }> };
  assert.equal(health.agents.box.mode, "all");
  assert.equal(health.agents.box.scope, "session");
  assert.equal(health.agents.main.mode, "off");
});
