/**
 * The outbound choke point: silent tokens never reach a transport, targets resolve (`none`,
 * `last`, channels), operator clients get a `chat` event, unconnected channels are skipped.
 */
import assert from "node:assert/strict";
import { createOutbound } from "../../../gateway/outbound.ts";
import { classifyReply, stripSilentTokens } from "../../../lib/outbound/silent_tokens.ts";
import { parseDeliveryTarget } from "../../../lib/outbound/target.ts";
import type { ChannelMessage } from "../../../lib/outbound/types.ts";
import { makeSandbox, writeFile } from "../../helpers.ts";

Deno.test("stripSilentTokens() strips tokens at the start or end, through markup, not in the middle", () => {
  const cases: [string, string, boolean][] = [
    ["HEARTBEAT_OK", "", true],
    ["**HEARTBEAT_OK**", "", true],
    ["<b>HEARTBEAT_OK</b>&nbsp;", "", true],
    ["HEARTBEAT_OK HEARTBEAT_OK done", "done", true],
    ["All good `HEARTBEAT_OK`", "All good", true],
    ["Disk full. HEARTBEAT_OK.", "Disk full.", true],
    ["NO_REPLY", "", true],
    ["say HEARTBEAT_OK twice", "say HEARTBEAT_OK twice", false],
    ["HEARTBEAT_OKAY", "HEARTBEAT_OKAY", false],
    ["ends HEARTBEAT_OK!!!!!", "ends HEARTBEAT_OK!!!!!", false],
  ];
  for (const [input, text, hadToken] of cases) {
    assert.deepEqual(stripSilentTokens(input), { text, hadToken }, input);
  }
});

Deno.test("classifyReply() applies the 300-character ack budget to heartbeats only", () => {
  assert.equal(classifyReply("HEARTBEAT_OK all quiet", { heartbeat: true }).kind, "ack");
  assert.equal(
    classifyReply(`${"x".repeat(301)} HEARTBEAT_OK`, { heartbeat: true }).kind,
    "content",
  );
  assert.equal(classifyReply("HEARTBEAT_OK", { heartbeat: false }).kind, "empty");
  assert.deepEqual(classifyReply("Done. NO_REPLY", { heartbeat: false }), {
    kind: "content",
    text: "Done.",
  });
  assert.equal(classifyReply("   ", { heartbeat: true }).kind, "empty");
});

Deno.test("parseDeliveryTarget() reads last, none and channel targets", () => {
  assert.equal(parseDeliveryTarget(undefined), "last");
  assert.equal(parseDeliveryTarget("NONE"), "none");
  assert.deepEqual(parseDeliveryTarget("telegram", " 123 ", "work"), {
    channel: "telegram",
    to: "123",
    accountId: "work",
  });
});

async function setup() {
  const sandbox = await makeSandbox({ createStateDir: true });
  const chats: Record<string, unknown>[] = [];
  const outbound = createOutbound({
    stateDir: sandbox.stateDir,
    mainKey: () => undefined,
    now: () => 1_000,
    broadcast: (event, payload) => {
      if (event === "chat") chats.push(payload as Record<string, unknown>);
    },
  });
  return { sandbox, chats, outbound };
}

Deno.test("deliver() skips an unconnected channel and sends to a connected one", async () => {
  const { sandbox, outbound } = await setup();
  await using _ = sandbox;
  const opts = { agentId: "main", kind: "cron" as const };
  assert.deepEqual(await outbound.deliver({ channel: "telegram", to: "1" }, "hi", opts), {
    channel: "telegram",
    to: "1",
    status: "skipped",
    reason: "channel-not-connected",
  });
  const sent: ChannelMessage[] = [];
  const off = outbound.registerChannel("telegram", {
    send: (m) => {
      sent.push(m);
      return Promise.resolve({ messageId: "m1" });
    },
  });
  const r = await outbound.deliver({ channel: "telegram", to: "1" }, "Report: HEARTBEAT_OK", opts);
  assert.equal(r.status, "sent");
  assert.deepEqual(sent.map((m) => m.text), ["Report:"]);
  // A token-only cron reply is silent: nothing reaches the platform.
  assert.deepEqual(await outbound.deliver({ channel: "telegram", to: "1" }, "NO_REPLY", opts), {
    channel: "telegram",
    status: "skipped",
    reason: "silent",
  });
  assert.equal(sent.length, 1);
  off();
  assert.deepEqual(outbound.connectedChannels(), []);
});

Deno.test("deliver() to none is skipped with target-none", async () => {
  const { sandbox, outbound } = await setup();
  await using _ = sandbox;
  assert.deepEqual(await outbound.deliver("none", "hi", { agentId: "main", kind: "cron" }), {
    status: "skipped",
    reason: "target-none",
  });
});

Deno.test("deliver() to last follows the session's lastChannel; operator clients get a chat event", async () => {
  const { sandbox, outbound, chats } = await setup();
  await using _ = sandbox;
  const opts = { agentId: "main", sessionKey: "main", kind: "cron" as const, runId: "r1" };
  assert.deepEqual(await outbound.deliver("last", "hi", opts), {
    status: "skipped",
    reason: "no-last-target",
  });
  const store = `${sandbox.stateDir}/agents/main/sessions/sessions.json`;
  await writeFile(
    store,
    JSON.stringify({ "agent:main:main": { sessionId: "s1", updatedAt: 1, lastChannel: "cli" } }),
  );
  const r = await outbound.deliver("last", "The backup finished.", opts);
  assert.deepEqual(r, { status: "sent", channel: "webchat", text: "The backup finished." });
  assert.equal(chats.length, 1);
  assert.equal(chats[0].sessionKey, "agent:main:main");
  assert.equal(chats[0].state, "final");
  assert.equal(chats[0].runId, "r1");
  await writeFile(
    store,
    JSON.stringify({
      "agent:main:main": { sessionId: "s1", updatedAt: 1, lastChannel: "discord" },
    }),
  );
  assert.equal(
    (await outbound.deliver("last", "hi", opts) as { reason?: string }).reason,
    "channel-not-connected",
  );
});

Deno.test("a heartbeat ack reaches operator clients only with showOk", async () => {
  const { sandbox, outbound, chats } = await setup();
  await using _ = sandbox;
  const target = { channel: "webchat" };
  const base = { agentId: "main", sessionKey: "agent:main:main", kind: "heartbeat" as const };
  assert.equal((await outbound.deliver(target, "HEARTBEAT_OK", base)).status, "skipped");
  assert.equal(chats.length, 0);
  const shown = await outbound.deliver(target, "HEARTBEAT_OK", {
    ...base,
    visibility: { showOk: true },
  });
  assert.equal(shown.status, "sent");
  assert.equal(chats.length, 1);
});
