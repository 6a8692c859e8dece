import assert from "node:assert/strict";
import { resolveAgentRoute } from "../../../lib/agent/routing.ts";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";

const config = OpenClawConfigSchema.parse({
  agents: { list: [{ id: "main", default: true }, { id: "vip" }, { id: "work" }, { id: "ops" }] },
  bindings: [
    { agentId: "main", match: { channel: "telegram", accountId: "*" } },
    { agentId: "vip", match: { channel: "telegram", peer: { kind: "direct", id: "Alice" } } },
    { agentId: "work", match: { channel: "slack", teamId: "T1" } },
    { agentId: "ops", match: { channel: "telegram", accountId: "opsbot" } },
    { agentId: "ghost", match: { channel: "discord" } },
  ],
  session: { dmScope: "per-channel-peer" },
});

Deno.test("resolveAgentRoute() prefers a peer binding over a channel binding", () => {
  const route = resolveAgentRoute(config, {
    channel: "telegram",
    peer: { kind: "direct", id: "alice" },
  });
  assert.equal(route.agentId, "vip");
  assert.equal(route.matchedBy, "binding.peer");
  assert.equal(route.sessionKey, "agent:vip:telegram:direct:alice");
  assert.equal(route.mainSessionKey, "agent:vip:main");
});

Deno.test("resolveAgentRoute() matches account, team and channel tiers in order", () => {
  assert.equal(
    resolveAgentRoute(config, { channel: "telegram", accountId: "opsbot" }).matchedBy,
    "binding.account",
  );
  const team = resolveAgentRoute(config, { channel: "slack", teamId: "T1" });
  assert.equal(team.agentId, "work");
  assert.equal(team.matchedBy, "binding.team");
  const any = resolveAgentRoute(config, {
    channel: "Telegram",
    peer: { kind: "direct", id: "bob" },
  });
  assert.equal(any.agentId, "main");
  assert.equal(any.matchedBy, "binding.channel");
  assert.equal(any.sessionKey, "agent:main:telegram:direct:bob");
});

Deno.test("resolveAgentRoute() ignores bindings to unknown agents and falls back to the default", () => {
  const route = resolveAgentRoute(config, { channel: "discord", peer: { kind: "group", id: "G" } });
  assert.equal(route.agentId, "main");
  assert.equal(route.matchedBy, "default");
  assert.equal(route.sessionKey, "agent:main:discord:group:g");
});

Deno.test("resolveAgentRoute() with dmScope main collapses direct chats to the main session", () => {
  const plain = OpenClawConfigSchema.parse({});
  const route = resolveAgentRoute(plain, {
    channel: "telegram",
    peer: { kind: "direct", id: "x" },
  });
  assert.equal(route.sessionKey, "agent:main:main");
});
