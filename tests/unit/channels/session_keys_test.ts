import assert from "node:assert/strict";
import { buildChannelSessionKey, resolveChannelRoute } from "../../../lib/channels/session_keys.ts";
import { config, groupMessage, message } from "./_fixtures.ts";

const base = { agentId: "main", channel: "telegram", accountId: "default", senderId: "Ann42" };

Deno.test("buildChannelSessionKey() builds DM keys per session.dmScope", () => {
  const dm = { ...base, chatType: "dm" as const, chatId: "Ann42" };
  assert.equal(buildChannelSessionKey(dm), "agent:main:main");
  assert.equal(buildChannelSessionKey({ ...dm, mainKey: "home" }), "agent:main:home");
  assert.equal(buildChannelSessionKey({ ...dm, dmScope: "per-peer" }), "agent:main:direct:ann42");
  assert.equal(
    buildChannelSessionKey({ ...dm, dmScope: "per-channel-peer" }),
    "agent:main:telegram:direct:ann42",
  );
  assert.equal(
    buildChannelSessionKey({ ...dm, accountId: "Work", dmScope: "per-account-channel-peer" }),
    "agent:main:telegram:work:direct:ann42",
  );
});

Deno.test("buildChannelSessionKey() merges linked identities when dmScope is not main", () => {
  const dm = {
    ...base,
    chatType: "dm" as const,
    chatId: "Ann42",
    identityLinks: { ann: ["telegram:ann42", "discord:99"] },
  };
  assert.equal(buildChannelSessionKey({ ...dm, dmScope: "per-peer" }), "agent:main:direct:ann");
  assert.equal(buildChannelSessionKey(dm), "agent:main:main");
});

Deno.test("buildChannelSessionKey() builds group, room, topic and thread keys", () => {
  const g = { ...base, chatType: "group" as const, chatId: "-1001" };
  assert.equal(buildChannelSessionKey(g), "agent:main:telegram:group:-1001");
  assert.equal(
    buildChannelSessionKey({ ...g, threadId: "7" }),
    "agent:main:telegram:group:-1001:topic:7",
  );
  assert.equal(buildChannelSessionKey({ ...g, groupScope: "main" }), "agent:main:main");
  const d = { ...base, channel: "discord", chatType: "channel" as const, chatId: "555" };
  assert.equal(buildChannelSessionKey(d), "agent:main:discord:channel:555");
  assert.equal(
    buildChannelSessionKey({ ...d, threadId: "777" }),
    "agent:main:discord:channel:555:thread:777",
  );
  const wa = { ...base, channel: "whatsapp", chatType: "group" as const, chatId: "123@G.US" };
  assert.equal(buildChannelSessionKey(wa), "agent:main:whatsapp:group:123@g.us");
});

const routed = config({
  agents: {
    list: [{ id: "main", default: true }, { id: "vip" }, { id: "ops" }, { id: "rooms" }, {
      id: "topic",
    }],
  },
  bindings: [
    { agentId: "vip", match: { channel: "telegram", peer: { kind: "direct", id: "42" } } },
    { agentId: "ops", match: { channel: "discord", peer: { kind: "channel", id: "555" } } },
    { agentId: "rooms", match: { channel: "telegram", peer: { kind: "group", id: "*" } } },
    {
      agentId: "topic",
      match: { channel: "telegram", peer: { kind: "group", id: "-100:topic:9" } },
    },
  ],
  session: { dmScope: "per-channel-peer" },
});

Deno.test("resolveChannelRoute() routes an exact peer binding with the dmScope key", () => {
  const r = resolveChannelRoute(routed, message());
  assert.equal(r.agentId, "vip");
  assert.equal(r.matchedBy, "binding.peer");
  assert.equal(r.sessionKey, "agent:vip:telegram:direct:42");
  assert.equal(r.mainSessionKey, "agent:vip:main");
  const other = resolveChannelRoute(routed, message({ senderId: "5", chatId: "5" }));
  assert.equal(other.agentId, "main");
  assert.equal(other.matchedBy, "default");
});

Deno.test("resolveChannelRoute() routes threads by the thread, then by the parent room", () => {
  const thread = resolveChannelRoute(
    routed,
    groupMessage({ channel: "discord", chatType: "channel", chatId: "555", threadId: "777" }),
  );
  assert.equal(thread.agentId, "ops");
  assert.equal(thread.matchedBy, "binding.peer.parent");
  assert.equal(thread.sessionKey, "agent:ops:discord:channel:555:thread:777");
  const topic = resolveChannelRoute(routed, groupMessage({ threadId: "9" }));
  assert.equal(topic.agentId, "topic");
  assert.equal(topic.matchedBy, "binding.peer");
  assert.equal(topic.sessionKey, "agent:topic:telegram:group:-100:topic:9");
});

Deno.test("resolveChannelRoute() uses a peer wildcard before the default agent", () => {
  const r = resolveChannelRoute(routed, groupMessage());
  assert.equal(r.agentId, "rooms");
  assert.equal(r.matchedBy, "binding.peer.wildcard");
  assert.equal(r.sessionKey, "agent:rooms:telegram:group:-100");
});

Deno.test("resolveChannelRoute() lets a group's agentId win and ignores unknown agents", () => {
  assert.equal(resolveChannelRoute(routed, groupMessage(), { groupAgentId: "ops" }).agentId, "ops");
  assert.equal(
    resolveChannelRoute(routed, groupMessage(), { groupAgentId: "ghost" }).agentId,
    "rooms",
  );
});

Deno.test("resolveChannelRoute() keeps non-owner DMs from moving the main session's last route", () => {
  const c = config({ channels: { telegram: { allowFrom: ["tg:42"] } } });
  const owner = resolveChannelRoute(c, message(), { allowFrom: ["tg:42"] });
  assert.equal(owner.sessionKey, "agent:main:main");
  assert.equal(owner.updatesLastRoute, true);
  const guest = resolveChannelRoute(c, message({ senderId: "7" }), { allowFrom: ["tg:42"] });
  assert.equal(guest.updatesLastRoute, false);
  assert.equal(
    resolveChannelRoute(c, message({ senderId: "7" }), { allowFrom: ["*"] }).updatesLastRoute,
    true,
  );
});

Deno.test("resolveChannelRoute() honours session.groupScope main", () => {
  const c = config({ session: { groupScope: "main" } });
  assert.equal(resolveChannelRoute(c, groupMessage()).sessionKey, "agent:main:main");
});
