import assert from "node:assert/strict";
import {
  defaultAgentId,
  listAgents,
  normalizeThinkingLevel,
  resolveAgent,
} from "../../../lib/agent/agents.ts";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { OpenClawError } from "../../../lib/errors.ts";

const opts = { stateDir: "/state", env: { HOME: "/home/u" } };

Deno.test("defaultAgentId() picks the first default, else the first entry, else main", () => {
  assert.equal(defaultAgentId(OpenClawConfigSchema.parse({})), "main");
  assert.equal(
    defaultAgentId(OpenClawConfigSchema.parse({ agents: { list: [{ id: "a" }, { id: "b" }] } })),
    "a",
  );
  assert.equal(
    defaultAgentId(
      OpenClawConfigSchema.parse({
        agents: { list: [{ id: "a" }, { id: "b", default: true }, { id: "c", default: true }] },
      }),
    ),
    "b",
  );
});

Deno.test("listAgents() names the implicit main agent from the legacy identity", () => {
  const config = OpenClawConfigSchema.parse({ identity: { name: "Clawd" } });
  assert.deepEqual(listAgents(config), [{ id: "main", name: "Clawd", isDefault: true }]);
});

Deno.test("resolveAgent() takes the legacy agent block and identity as defaults", () => {
  const config = OpenClawConfigSchema.parse({
    identity: { name: "Clawd", emoji: "🦞" },
    agent: { workspace: "~/clawd", model: "anthropic/claude-opus-4-6", timeoutSeconds: 90 },
  });
  const agent = resolveAgent(config, undefined, opts);
  assert.equal(agent.id, "main");
  assert.equal(agent.workspace, "/home/u/clawd");
  assert.equal(agent.identity?.name, "Clawd");
  assert.equal(agent.chain.primary, "anthropic/claude-opus-4-6");
  assert.equal(agent.timeoutSeconds, 90);
  assert.equal(agent.bootstrapMaxChars, 12_000);
  assert.equal(agent.mainKey, "main");
});

Deno.test("resolveAgent() gives agents their own settings and workspace", () => {
  const config = OpenClawConfigSchema.parse({
    agents: {
      defaults: { workspace: "/ws", timeoutSeconds: 120, thinkingDefault: "low" },
      list: [
        { id: "main", default: true },
        { id: "coder", model: { primary: "openai/gpt-5" }, thinkingDefault: "adaptive" },
        { id: "own", workspace: "/elsewhere", identity: { name: "Own" } },
      ],
    },
    session: { mainKey: "Home" },
  });
  assert.equal(resolveAgent(config, "main", opts).workspace, "/ws");
  const coder = resolveAgent(config, "Coder", opts);
  assert.equal(coder.workspace, "/state/workspace-coder");
  assert.equal(coder.chain.primary, "openai/gpt-5");
  assert.equal(coder.thinkingDefault, "medium");
  assert.equal(coder.timeoutSeconds, 120);
  assert.equal(coder.mainKey, "home");
  const own = resolveAgent(config, "own", opts);
  assert.equal(own.workspace, "/elsewhere");
  assert.equal(own.name, "Own");
});

Deno.test("resolveAgent() refuses an unknown agent, naming the known ones", () => {
  const config = OpenClawConfigSchema.parse({ agents: { list: [{ id: "a" }] } });
  assert.throws(
    () => resolveAgent(config, "b", opts),
    (e: unknown) =>
      e instanceof OpenClawError && e.code === "AGENT_UNKNOWN" &&
      /known agents are a/.test(e.message),
  );
});

Deno.test("normalizeThinkingLevel() maps stock's extra levels", () => {
  assert.equal(normalizeThinkingLevel("HIGH"), "high");
  assert.equal(normalizeThinkingLevel("max"), "xhigh");
  assert.equal(normalizeThinkingLevel("bogus"), undefined);
});
