import assert from "node:assert/strict";
import { decideAccess } from "../../../lib/channels/access.ts";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import {
  createFeishuAdapter,
  decodeFrame,
  encodeFrame,
  type FeishuAdapterOptions,
  type FeishuChannelAdapter,
  parseFeishuTarget,
} from "../../../lib/channels/feishu/mod.ts";
import { formatOutbound } from "../../../lib/channels/outbound_format.ts";
import type { InboundMessage } from "../../../lib/channels/types.ts";
import { isOpenClawError } from "../../../lib/errors.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import {
  type FakeFeishu,
  type FakeFeishuOptions,
  startFakeFeishu,
} from "../../fixtures/fake_feishu.ts";
import { waitUntil } from "../../helpers.ts";
import { config } from "./_fixtures.ts";

const ANN = "ou_ann00000000000000000000000000042";
const GROUP = "oc_group00000000000000000000000001";

interface Harness extends AsyncDisposable {
  fake: FakeFeishu;
  clock: FakeClock;
  adapter: FeishuChannelAdapter;
  inbound: InboundMessage[];
  logs: string[];
  /** Makes the inbound handler reject once, or wait until released, for a message id. */
  handler: { reject?: string; hold?: { id: string; release: Promise<void>; entered?: boolean } };
}

function recordingLog(logs: string[]) {
  const line = (level: string) => (message: string, props?: Record<string, unknown>) =>
    logs.push(`${level} ${message} ${JSON.stringify(props ?? {})}`);
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

async function harness(
  options: {
    fake?: FakeFeishuOptions;
    feishu?: Record<string, unknown>;
    adapter?: Partial<FeishuAdapterOptions>;
    connect?: boolean;
  } = {},
): Promise<Harness> {
  const fake = await startFakeFeishu(options.fake);
  // Real "now", so webhook timestamps made by the fake are within the allowed skew.
  const clock = new FakeClock(Date.now());
  const logs: string[] = [];
  const inbound: InboundMessage[] = [];
  const handler: Harness["handler"] = {};
  const account = resolveChannelAccount(
    config({ channels: { feishu: { groupPolicy: "open", ...options.feishu } } }),
    "feishu",
  );
  const adapter = createFeishuAdapter({
    account,
    appId: fake.appId,
    appSecret: fake.appSecret,
    domain: fake.origin,
    encryptKey: fake.encryptKey,
    verificationToken: fake.verificationToken,
    clock,
    log: recordingLog(logs),
    random: () => 0.5,
    ...options.adapter,
  });
  if (options.connect !== false) {
    await adapter.connect({
      signal: new AbortController().signal,
      onInbound: async (m) => {
        if (handler.reject === m.messageId) {
          handler.reject = undefined;
          throw new Error("journal full");
        }
        if (handler.hold?.id === m.messageId) {
          handler.hold.entered = true;
          await handler.hold.release;
        }
        inbound.push(m);
      },
    });
  }
  return {
    fake,
    clock,
    adapter,
    inbound,
    logs,
    handler,
    async [Symbol.asyncDispose]() {
      await adapter.disconnect();
      await fake.close();
    },
  };
}

/** Advances the fake clock in steps until `predicate` holds (timers armed by real I/O). */
async function advanceUntil(clock: FakeClock, stepMs: number, predicate: () => boolean) {
  await waitUntil(() => {
    if (predicate()) return true;
    clock.advance(stepMs);
    return predicate();
  }, { intervalMs: 5, message: "the condition after advancing the clock" });
}

// --- the long-connection frame -------------------------------------------------------------

Deno.test("encodeFrame() writes the same bytes as the official SDK's generated codec", () => {
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  // Golden frames produced by @larksuiteoapi/node-sdk 1.74.0's pbbp2.Frame.encode().
  const ping = encodeFrame({
    seqId: 0n,
    logId: 0n,
    service: 33554678,
    method: 0,
    headers: [{ key: "type", value: "ping" }],
  });
  assert.equal(hex(ping), "0800100018f681801020002a0c0a0474797065120470696e67");
  const event = encodeFrame({
    seqId: 7n,
    logId: 123456789012n,
    service: 1,
    method: 1,
    headers: [
      { key: "type", value: "event" },
      { key: "message_id", value: "m-1" },
      { key: "sum", value: "1" },
      { key: "seq", value: "0" },
      { key: "trace_id", value: "t-9" },
    ],
    payloadEncoding: "json",
    payloadType: "event",
    payload: new TextEncoder().encode('{"a":"é"}'),
    logIdNew: "L1",
  });
  assert.equal(
    hex(event),
    "08071094b4e4f4cb03180120012a0d0a047479706512056576656e742a110a0a6d6573736167655f69641203" +
      "6d2d312a080a0373756d1201312a080a037365711201302a0f0a0874726163655f69641203742d393204" +
      "6a736f6e3a056576656e74420a7b2261223a22c3a9227d4a024c31",
  );
  const negative = encodeFrame({ seqId: 0n, logId: 0n, service: -1, method: 1, headers: [] });
  assert.equal(hex(negative), "0800100018ffffffffffffffffff012001");
  const back = decodeFrame(event);
  assert.equal(back.logId, 123456789012n);
  assert.deepEqual(back.headers[1], { key: "message_id", value: "m-1" });
  assert.equal(new TextDecoder().decode(back.payload), '{"a":"é"}');
  assert.equal(decodeFrame(negative).service, -1);
});

Deno.test("decodeFrame() refuses truncated and oversized input with SyntaxError", () => {
  const ping = encodeFrame({
    seqId: 0n,
    logId: 0n,
    service: 1,
    method: 0,
    headers: [{ key: "type", value: "ping" }],
  });
  assert.throws(() => decodeFrame(ping.subarray(0, ping.length - 2)), SyntaxError);
  assert.throws(() => decodeFrame(Uint8Array.from([0x42, 0xff, 0xff, 0x03])), SyntaxError);
  assert.throws(() => decodeFrame(new Uint8Array(11).fill(0xff)), SyntaxError);
});

// --- connecting ----------------------------------------------------------------------------

Deno.test("connect() opens the long connection, pings, and reports the bot", async () => {
  await using h = await harness();
  await waitUntil(() => h.fake.pings >= 1 && h.adapter.status().lastPongAt !== undefined);
  assert.equal(h.fake.endpointCalls, 1);
  assert.equal(h.fake.openSockets, 1);
  const status = h.adapter.status();
  assert.equal(status.connected, true);
  assert.equal(status.running, true);
  assert.equal(status.configured, true);
  assert.equal(status.mode, "websocket");
  assert.equal(status.pingIntervalMs, 120_000);
  assert.deepEqual(status.bot, { id: h.fake.botOpenId, name: "clawbot" });
});

Deno.test("connect() without appId/appSecret fails with CHANNEL_NOT_CONFIGURED", async () => {
  await using h = await harness({ adapter: { appSecret: "" }, connect: false });
  await assert.rejects(
    h.adapter.connect({ signal: new AbortController().signal, onInbound: async () => {} }),
    (err) => isOpenClawError(err, "CHANNEL_NOT_CONFIGURED") && /appSecret/.test(err.hint ?? ""),
  );
  assert.equal(h.adapter.status().configured, false);
  const probe = await h.adapter.probe();
  assert.equal(probe.ok, false);
  assert.equal(probe.issues?.[0].kind, "config");
});

Deno.test("connect() explains a refused long connection (code 514)", async () => {
  await using h = await harness({ connect: false });
  h.fake.endpointCode = 514;
  await assert.rejects(
    h.adapter.connect({ signal: new AbortController().signal, onInbound: async () => {} }),
    (err) =>
      isOpenClawError(err, "CHANNEL_CONNECT_FAILED") && /code 514/.test(err.message) &&
      /persistent/.test(err.hint ?? ""),
  );
  assert.equal(h.adapter.status().running, false);
});

Deno.test("secrets never appear in errors, status or logs", async () => {
  const leakySecret = "wrong-secret-that-must-not-leak";
  await using h = await harness({ adapter: { appSecret: leakySecret }, connect: false });
  await assert.rejects(
    h.adapter.connect({ signal: new AbortController().signal, onInbound: async () => {} }),
    (err) => {
      assert.ok(isOpenClawError(err, "CHANNEL_AUTH_FAILED"));
      assert.match(err.message, /code 10014/);
      assert.doesNotMatch(`${err.message} ${err.hint}`, new RegExp(leakySecret));
      return true;
    },
  );
  const probe = await h.adapter.probe();
  assert.equal(probe.issues?.[0].kind, "auth");
  const everything = JSON.stringify(h.adapter.status()) + h.logs.join("\n");
  assert.doesNotMatch(everything, new RegExp(leakySecret));

  await using ok = await harness();
  await ok.adapter.sendText({ chatId: GROUP }, "hi");
  const seen = JSON.stringify(ok.adapter.status()) + ok.logs.join("\n");
  for (const secret of [ok.fake.appSecret, ...ok.fake.tokens, ok.fake.encryptKey]) {
    assert.ok(!seen.includes(secret), "a secret leaked into status or logs");
  }
});

Deno.test("probe() checks the credentials and reads the bot's info", async () => {
  await using h = await harness({ connect: false });
  const probe = await h.adapter.probe();
  assert.equal(probe.ok, true);
  assert.deepEqual(probe.bot, { id: h.fake.botOpenId, name: "clawbot" });
  assert.equal(h.adapter.status().probe?.ok, true);
});

// --- inbound -------------------------------------------------------------------------------

Deno.test("a DM event becomes an InboundMessage keyed by the sender's open_id", async () => {
  await using h = await harness();
  const event = h.fake.messageEvent({ chatType: "p2p", text: "hello there", messageId: "om_1" });
  const frameId = h.fake.pushEvent(event);
  await waitUntil(() => h.fake.acks.length === 1);
  assert.deepEqual(h.inbound, [{
    channel: "feishu",
    accountId: "default",
    chatId: ANN,
    chatType: "dm",
    senderId: ANN,
    text: "hello there",
    mentionsBot: false,
    replyToBot: false,
    messageId: "om_1",
    updateId: (event.header as { event_id: string }).event_id,
    timestamp: Date.UTC(2026, 0, 1),
  }]);
  assert.equal(h.fake.acks[0].messageId, frameId);
  assert.equal(h.fake.acks[0].code, 200);
  assert.ok(h.fake.acks[0].headers.biz_rt !== undefined);
  assert.ok(h.adapter.status().lastInboundAt);
});

Deno.test("a group message says whether the bot was @mentioned; @all is not a mention", async () => {
  await using h = await harness({ feishu: { groupPolicy: "allowlist", groupAllowFrom: [GROUP] } });
  const bot = { openId: h.fake.botOpenId, name: "clawbot" };
  h.fake.pushEvent(h.fake.messageEvent({
    chatType: "group",
    text: "@_user_1 what time is it?",
    mentions: [bot],
    messageId: "om_at_bot",
  }));
  h.fake.pushEvent(h.fake.messageEvent({ chatType: "group", text: "just chatting" }));
  h.fake.pushEvent(h.fake.messageEvent({
    chatType: "group",
    text: "@_all standup in 5",
    mentions: [{ key: "@_all", name: "所有人" }],
  }));
  h.fake.pushEvent(h.fake.messageEvent({
    chatType: "group",
    text: "@_user_1 ping @_user_2",
    mentions: [{ openId: "ou_bob", name: "Bob" }, bot],
  }));
  await waitUntil(() => h.inbound.length === 4);
  const [atBot, plain, atAll, other] = h.inbound;
  assert.equal(atBot.chatType, "group");
  assert.equal(atBot.chatId, GROUP);
  assert.equal(atBot.mentionsBot, true);
  assert.equal(atBot.text, "what time is it?");
  assert.equal(plain.mentionsBot, false);
  assert.equal(atAll.mentionsBot, false);
  assert.equal(atAll.text, "@all standup in 5");
  assert.equal(other.mentionsBot, true);
  assert.equal(other.text, "@Bob ping");
  // The core's mention gate: the @all message is kept as context, not answered.
  const account = resolveChannelAccount(
    config({ channels: { feishu: { groupPolicy: "allowlist", groupAllowFrom: [GROUP] } } }),
    "feishu",
  );
  const decide = (message: InboundMessage) => decideAccess({ message, account });
  assert.equal(decide(atBot).allow, true);
  const refused = decide(atAll);
  assert.equal(refused.allow, false);
  assert.equal(!refused.allow && refused.reason, "mention required");
});

Deno.test("a post message with an @bot element is a mention and reads as text", async () => {
  await using h = await harness();
  const content = JSON.stringify({
    title: "Release",
    content: [
      [{ tag: "at", user_id: "@_user_1", user_name: "clawbot" }, { tag: "text", text: " ship it" }],
      [{ tag: "a", text: "notes", href: "https://example.com" }, { tag: "img", image_key: "k" }],
    ],
  });
  h.fake.pushEvent(h.fake.messageEvent({
    chatType: "group",
    messageType: "post",
    content,
    mentions: [{ openId: h.fake.botOpenId, name: "clawbot" }],
  }));
  await waitUntil(() => h.inbound.length === 1);
  assert.equal(h.inbound[0].mentionsBot, true);
  assert.equal(h.inbound[0].text, "Release\nship it\nnotes<media:image>");
});

Deno.test("a thread message carries threadId; a reply to the bot is replyToBot", async () => {
  await using h = await harness();
  const sent = await h.adapter.sendText({ chatId: GROUP }, "I said this");
  h.fake.pushEvent(h.fake.messageEvent({
    chatType: "group",
    text: "and tomorrow?",
    threadId: "omt_1",
    rootId: "om_root",
    parentId: sent.messageId,
  }));
  await waitUntil(() => h.inbound.length === 1);
  assert.equal(h.inbound[0].threadId, "omt_1");
  assert.equal(h.inbound[0].replyToBot, true);
  assert.equal(h.inbound[0].replyToMessageId, sent.messageId);
  await h.adapter.sendText({ chatId: GROUP, threadId: "omt_1" }, "in the thread");
  const last = h.fake.messages.at(-1)!;
  assert.equal(last.kind, "reply");
  assert.equal(last.replyTo, "om_root");
  assert.equal(last.replyInThread, true);
});

Deno.test("an event is acknowledged only after the inbound handler resolved", async () => {
  await using h = await harness({ adapter: { handlerTimeoutMs: 600_000 } });
  let release!: () => void;
  h.handler.hold = { id: "om_slow", release: new Promise((r) => release = r) };
  h.fake.pushEvent(h.fake.messageEvent({ messageId: "om_slow" }));
  await waitUntil(() => h.handler.hold?.entered === true && h.fake.pings === 1);
  // A ping round trip on the same socket: an ack sent before it would have arrived first.
  h.clock.advance(120_000);
  await waitUntil(() => h.fake.pings === 2);
  assert.equal(h.fake.acks.length, 0, "acknowledged before the journal stored it");
  release();
  await waitUntil(() => h.fake.acks.length === 1);
  assert.equal(h.fake.acks[0].code, 200);
  assert.equal(h.inbound.length, 1);
});

Deno.test("a handler slower than handlerTimeoutMs leaves the event for redelivery (500)", async () => {
  await using h = await harness({ adapter: { handlerTimeoutMs: 10_000 } });
  let release!: () => void;
  h.handler.hold = { id: "om_stuck", release: new Promise((r) => release = r) };
  h.fake.pushEvent(h.fake.messageEvent({ messageId: "om_stuck" }));
  await waitUntil(() => h.handler.hold?.entered === true);
  h.clock.advance(10_000);
  await waitUntil(() => h.fake.acks.length === 1);
  assert.equal(h.fake.acks[0].code, 500);
  release();
});

Deno.test("an event the handler did not store is answered 500 and stored on redelivery", async () => {
  await using h = await harness();
  const event = h.fake.messageEvent({ messageId: "om_flaky" });
  h.handler.reject = "om_flaky";
  h.fake.pushEvent(event);
  await waitUntil(() => h.fake.acks.length === 1);
  assert.equal(h.fake.acks[0].code, 500);
  assert.equal(h.inbound.length, 0);
  h.fake.pushEvent(event);
  await waitUntil(() => h.fake.acks.length === 2);
  assert.equal(h.fake.acks[1].code, 200);
  assert.equal(h.inbound.length, 1);
  assert.ok(h.logs.some((l) => l.includes("not stored") && l.includes("journal full")));
});

Deno.test("a redelivered event_id is acknowledged without a second delivery", async () => {
  await using h = await harness();
  const event = h.fake.messageEvent({ messageId: "om_once" });
  h.fake.pushEvent(event);
  h.fake.pushEvent(event);
  await waitUntil(() => h.fake.acks.length === 2);
  assert.deepEqual(h.fake.acks.map((a) => a.code), [200, 200]);
  assert.equal(h.inbound.length, 1);
  assert.ok(h.logs.some((l) => l.includes("dropped: duplicate delivery")));
});

Deno.test("an event split over several frames is reassembled", async () => {
  await using h = await harness();
  const text = "long ".repeat(400).trim();
  h.fake.pushEvent(h.fake.messageEvent({ text }), { fragments: 3 });
  await waitUntil(() => h.inbound.length === 1);
  assert.equal(h.inbound[0].text, text);
  assert.equal(h.fake.acks.length, 1);
});

// --- liveness ------------------------------------------------------------------------------

Deno.test("when pongs stop, status turns disconnected and the connection is re-opened", async () => {
  await using h = await harness({ adapter: { pongTimeoutMs: 30_000 } });
  await waitUntil(() => h.adapter.status().lastPongAt !== undefined);
  h.fake.dropPongs = true;
  h.clock.advance(120_000); // the next ping goes out, with no answer
  await waitUntil(() => h.fake.pings === 2);
  assert.equal(h.adapter.status().connected, true);
  h.clock.advance(30_000); // the watchdog fires
  await waitUntil(() => h.adapter.status().connected === false);
  const down = h.adapter.status();
  assert.match(String(down.lastError), /no pong from Feishu within 30 s/);
  assert.equal(down.running, true);
  h.fake.dropPongs = false;
  await advanceUntil(h.clock, 500, () => h.fake.socketsAccepted === 2);
  await waitUntil(() => h.adapter.status().connected === true);
  assert.equal(h.fake.endpointCalls, 2);
  assert.equal(h.adapter.status().lastError, undefined);
  h.fake.pushEvent(h.fake.messageEvent({ text: "still there?" }));
  await waitUntil(() => h.inbound.length === 1);
});

Deno.test("a closed socket is reconnected with backoff", async () => {
  await using h = await harness();
  h.fake.closeSockets(1011);
  await waitUntil(() => h.adapter.status().connected === false);
  assert.match(String(h.adapter.status().lastError), /closed 1011/);
  await advanceUntil(h.clock, 250, () => h.fake.socketsAccepted === 2);
  await waitUntil(() => h.adapter.status().connected === true);
  assert.equal(h.adapter.status().reconnectAttempts, undefined);
});

Deno.test("disconnect() closes the socket and stops", async () => {
  const h = await harness();
  await h.adapter.disconnect();
  await waitUntil(() => h.fake.openSockets === 0);
  const status = h.adapter.status();
  assert.equal(status.running, false);
  assert.equal(status.connected, false);
  await h.adapter.disconnect(); // twice is fine
  await h.fake.close();
});

// --- outbound ------------------------------------------------------------------------------

Deno.test("sendChunks() posts 4000-character Markdown chunks, replying with the first", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" } });
  const paragraph = "word ".repeat(380).trim(); // two fit in 4000 characters, three do not
  const { chunks } = formatOutbound([paragraph, paragraph, paragraph].join("\n\n"), {
    channel: "feishu",
    limit: 4000,
  });
  assert.equal(chunks.length, 2);
  const results = await h.adapter.sendChunks({ chatId: GROUP }, chunks, {
    replyToMessageId: "om_question",
  });
  assert.equal(results.length, 2);
  const [first, second] = h.fake.messages;
  assert.equal(first.kind, "reply");
  assert.equal(first.replyTo, "om_question");
  assert.equal(first.replyInThread, false);
  assert.equal(first.msgType, "post");
  assert.deepEqual(JSON.parse(first.content), {
    zh_cn: { content: [[{ tag: "md", text: chunks[0] }]] },
  });
  assert.equal(second.kind, "create");
  assert.equal(second.receiveIdType, "chat_id");
  assert.equal(second.receiveId, GROUP);
  assert.equal(second.text, chunks[1]);
  assert.ok(first.uuid && second.uuid && first.uuid !== second.uuid);
  assert.deepEqual(results.map((r) => r.messageId), [first.messageId, second.messageId]);
  assert.ok(h.adapter.status().lastOutboundAt);
});

Deno.test("sendText() to an open_id sends a DM; renderMode raw sends text", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook", renderMode: "raw" } });
  await h.adapter.sendText({ chatId: `feishu:user:${ANN}` }, "hi **there**");
  const [m] = h.fake.messages;
  assert.equal(m.receiveIdType, "open_id");
  assert.equal(m.receiveId, ANN);
  assert.equal(m.msgType, "text");
  assert.deepEqual(JSON.parse(m.content), { text: "hi **there**" });
  await assert.rejects(
    h.adapter.sendText({ chatId: "oc_x/../../evil" }, "x"),
    (err) => isOpenClawError(err, "CHANNEL_TARGET_INVALID"),
  );
  await assert.rejects(h.adapter.sendText({ chatId: GROUP }, "x".repeat(40_000)), RangeError);
  assert.equal(h.fake.messages.length, 1);
});

Deno.test("a reply to a withdrawn message falls back to a plain send", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" } });
  h.fake.withdraw("om_gone");
  await h.adapter.sendText({ chatId: GROUP }, "answer", { replyToMessageId: "om_gone" });
  assert.equal(h.fake.messages.length, 1);
  assert.equal(h.fake.messages[0].kind, "create");
});

Deno.test("a rate-limited send waits x-ogw-ratelimit-reset and is sent once", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" } });
  h.fake.rateLimitNext("/open-apis/im/v1/messages", 2);
  let done = false;
  const sending = h.adapter.sendText({ chatId: GROUP }, "hello").finally(() => done = true);
  await waitUntil(() => h.logs.some((l) => l.includes("rate limited")));
  assert.equal(h.fake.messages.length, 0);
  await advanceUntil(h.clock, 500, () => done);
  await sending;
  assert.equal(h.fake.messages.length, 1);
  assert.ok(h.logs.some((l) => l.includes('"waitMs":2000')));
});

Deno.test("the tenant token is refreshed before it expires", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" } });
  assert.equal(h.fake.tokens.length, 1); // fetched by connect() for the bot's info
  await h.adapter.sendText({ chatId: GROUP }, "one");
  h.clock.advance(7200_000 - 600_000 - 1_000); // still outside the refresh margin
  await h.adapter.sendText({ chatId: GROUP }, "two");
  assert.equal(h.fake.tokens.length, 1);
  h.clock.advance(2_000); // inside the last 10 minutes: fetch a new one before using it
  await h.adapter.sendText({ chatId: GROUP }, "three");
  assert.equal(h.fake.tokens.length, 2);
  assert.deepEqual(h.fake.messages.map((m) => m.token), [
    h.fake.tokens[0],
    h.fake.tokens[0],
    h.fake.tokens[1],
  ]);
});

Deno.test("a revoked token is replaced and the call made once more", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" } });
  h.fake.revokeTokens();
  await h.adapter.sendText({ chatId: GROUP }, "after revoke");
  assert.equal(h.fake.tokens.length, 2);
  assert.equal(h.fake.messages.length, 1);
  assert.equal(h.fake.messages[0].token, h.fake.tokens[1]);
});

// --- webhook mode --------------------------------------------------------------------------

Deno.test("webhook: the URL check is answered with the challenge", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" }, connect: false });
  const req = await h.fake.webhookRequest(
    { type: "url_verification", challenge: "c-123", token: h.fake.verificationToken },
    { unsigned: true },
  );
  const res = await h.adapter.webhookHandler(req);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { challenge: "c-123" });
  const wrong = await h.fake.webhookRequest(
    { type: "url_verification", challenge: "c", token: "nope" },
    { unsigned: true },
  );
  assert.equal((await h.adapter.webhookHandler(wrong)).status, 401);
  assert.equal(h.adapter.webhookPath, "/feishu/events");
});

Deno.test("webhook: a wrong signature is refused and the event never reaches the handler", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" } });
  const event = h.fake.messageEvent({ text: "forged" });
  for (
    const opts of [
      { badSignature: true },
      { unsigned: true },
      { timestampSeconds: Math.floor(Date.now() / 1000) - 7200 },
    ]
  ) {
    const res = await h.adapter.webhookHandler(await h.fake.webhookRequest(event, opts));
    assert.equal(res.status, 401, JSON.stringify(opts));
  }
  const plain = await h.adapter.webhookHandler(
    await h.fake.webhookRequest(event, { plain: true }),
  );
  assert.equal(plain.status, 400);
  assert.equal(h.inbound.length, 0);
});

Deno.test("webhook: a signed, encrypted event is decrypted, stored, then answered 200", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" } });
  assert.equal(h.adapter.status().connected, true);
  assert.equal(h.adapter.status().mode, "webhook");
  const event = h.fake.messageEvent({ chatType: "group", text: "via webhook" });
  const res = await h.adapter.webhookHandler(await h.fake.webhookRequest(event));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-openclaw-delivery-accepted"), "durable");
  assert.equal(h.inbound.length, 1);
  assert.equal(h.inbound[0].text, "via webhook");
  const again = await h.adapter.webhookHandler(await h.fake.webhookRequest(event));
  assert.equal(again.status, 200);
  assert.equal(h.inbound.length, 1);
});

Deno.test("webhook: an event that was not stored is answered 500", async () => {
  await using h = await harness({ feishu: { connectionMode: "webhook" } });
  h.handler.reject = "om_nope";
  const event = h.fake.messageEvent({ messageId: "om_nope" });
  const res = await h.adapter.webhookHandler(await h.fake.webhookRequest(event));
  assert.equal(res.status, 500);
  await h.adapter.disconnect();
  const stopped = await h.adapter.webhookHandler(await h.fake.webhookRequest(event));
  assert.equal(stopped.status, 500);
  assert.equal(h.adapter.status().connected, false);
});

// --- options -------------------------------------------------------------------------------

Deno.test("createFeishuAdapter() checks domain and connectionMode with the dotted key", () => {
  const account = (feishu: Record<string, unknown>) =>
    resolveChannelAccount(config({ channels: { feishu } }), "feishu");
  assert.throws(
    () => createFeishuAdapter({ account: account({ domain: "http://open.feishu.cn" }) }),
    (err) =>
      isOpenClawError(err, "CHANNEL_CONFIG_INVALID") &&
      /channels\.feishu\.domain/.test(err.message),
  );
  assert.throws(
    () => createFeishuAdapter({ account: account({ connectionMode: "polling" }) }),
    (err) =>
      isOpenClawError(err, "CHANNEL_CONFIG_INVALID") &&
      /channels\.feishu\.connectionMode/.test(err.message),
  );
  assert.throws(
    () => createFeishuAdapter({ account: account({ connectionMode: "webhook" }) }),
    (err) => isOpenClawError(err, "CHANNEL_CONFIG_INVALID") && /encryptKey/.test(err.message),
  );
  const lark = createFeishuAdapter({ account: account({ domain: "lark", appId: "cli_x" }) });
  assert.equal(lark.status().domain, "lark");
  assert.equal(lark.status().configured, false);
});

Deno.test("parseFeishuTarget() reads the receive_id_type from the id", () => {
  assert.deepEqual(parseFeishuTarget("oc_abc"), { id: "oc_abc", type: "chat_id" });
  assert.deepEqual(parseFeishuTarget("lark:chat:oc_abc"), { id: "oc_abc", type: "chat_id" });
  assert.deepEqual(parseFeishuTarget("user:ou_abc"), { id: "ou_abc", type: "open_id" });
  assert.deepEqual(parseFeishuTarget("on_abc"), { id: "on_abc", type: "union_id" });
  assert.deepEqual(parseFeishuTarget("u123"), { id: "u123", type: "user_id" });
  assert.throws(
    () => parseFeishuTarget(" "),
    (err) => isOpenClawError(err, "CHANNEL_TARGET_INVALID"),
  );
});
