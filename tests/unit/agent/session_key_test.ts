import assert from "node:assert/strict";
import {
  agentIdFromSessionKey,
  assertSessionId,
  buildMainSessionKey,
  buildPeerSessionKey,
  canonicalSessionKey,
  isValidSessionId,
  normalizeAgentId,
  parseAgentSessionKey,
  sessionKind,
} from "../../../lib/agent/session_key.ts";
import { OpenClawError } from "../../../lib/errors.ts";

Deno.test("normalizeAgentId() lowercases and replaces invalid characters like stock", () => {
  assert.equal(normalizeAgentId("Main"), "main");
  assert.equal(normalizeAgentId(" Work Bot! "), "work-bot");
  assert.equal(normalizeAgentId(""), "main");
  assert.equal(normalizeAgentId("../etc"), "etc");
});

Deno.test("buildMainSessionKey() honours session.mainKey", () => {
  assert.equal(buildMainSessionKey("main"), "agent:main:main");
  assert.equal(buildMainSessionKey("Work", "Home"), "agent:work:home");
});

Deno.test("buildPeerSessionKey() follows dmScope for direct chats, isolates rooms", () => {
  const base = { agentId: "main", channel: "Telegram", peerId: "User42", accountId: "bot1" };
  assert.equal(buildPeerSessionKey(base), "agent:main:main");
  assert.equal(buildPeerSessionKey({ ...base, dmScope: "per-peer" }), "agent:main:direct:user42");
  assert.equal(
    buildPeerSessionKey({ ...base, dmScope: "per-channel-peer" }),
    "agent:main:telegram:direct:user42",
  );
  assert.equal(
    buildPeerSessionKey({ ...base, dmScope: "per-account-channel-peer" }),
    "agent:main:telegram:bot1:direct:user42",
  );
  assert.equal(
    buildPeerSessionKey({ ...base, peerKind: "group", peerId: "-100123" }),
    "agent:main:telegram:group:-100123",
  );
});

Deno.test("canonicalSessionKey() scopes bare keys to the agent and keeps global", () => {
  assert.equal(canonicalSessionKey("main", "work"), "agent:work:main");
  assert.equal(canonicalSessionKey("home", "work", "home"), "agent:work:home");
  assert.equal(
    canonicalSessionKey("Agent:Work:telegram:direct:1", "main"),
    "agent:work:telegram:direct:1",
  );
  assert.equal(canonicalSessionKey("global", "main"), "global");
  assert.equal(canonicalSessionKey("scratch", "main"), "agent:main:scratch");
  assert.throws(
    () => canonicalSessionKey("agent:oops", "main"),
    (e: unknown) => e instanceof OpenClawError && e.code === "SESSION_KEY_INVALID",
  );
  assert.throws(() => canonicalSessionKey("  ", "main"), /Invalid session key/);
});

Deno.test("parseAgentSessionKey() splits agent and rest", () => {
  assert.deepEqual(parseAgentSessionKey("agent:main:discord:channel:1"), {
    agentId: "main",
    rest: "discord:channel:1",
  });
  assert.equal(parseAgentSessionKey("global"), undefined);
  assert.equal(parseAgentSessionKey("agent:main:"), undefined);
});

Deno.test("assertSessionId() refuses path-like ids", () => {
  assert.equal(assertSessionId("08ef14de-1a2b"), "08ef14de-1a2b");
  assert.ok(!isValidSessionId("../x"));
  assert.ok(!isValidSessionId("a/b"));
  assert.ok(!isValidSessionId(".hidden"));
  assert.throws(
    () => assertSessionId("a..b"),
    (e: unknown) => e instanceof OpenClawError && e.code === "SESSION_ID_INVALID",
  );
});

Deno.test("agentIdFromSessionKey() names the agent of agent-scoped keys only", () => {
  assert.equal(agentIdFromSessionKey("agent:Ops:main"), "ops");
  assert.equal(agentIdFromSessionKey("agent:main:telegram:group:42"), "main");
  for (const key of [undefined, "", "main", "global", "agent::", "agent:main", "agent:main:"]) {
    assert.equal(agentIdFromSessionKey(key), undefined, String(key));
  }
});

Deno.test("sessionKind() tells direct, group, global and unknown keys apart", () => {
  assert.equal(sessionKind("agent:main:main"), "direct");
  assert.equal(sessionKind("agent:main:telegram:direct:7"), "direct");
  assert.equal(sessionKind("agent:main:telegram:group:42"), "group");
  assert.equal(sessionKind("agent:main:discord:channel:9"), "group");
  assert.equal(sessionKind("global"), "global");
  assert.equal(sessionKind("unknown"), "unknown");
});
