import assert from "node:assert/strict";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import { formatForAccount } from "../../../lib/channels/outbound_format.ts";
import {
  createQQBotAdapter,
  createQQBotResumeStore,
  type QQBotAdapterOptions,
  type QQBotChannelAdapter,
  type QQBotResumeStore,
  type QQResumeState,
  resolveQQBotCredentials,
} from "../../../lib/channels/qqbot/mod.ts";
import { type InboundMessage, PartialSendError } from "../../../lib/channels/types.ts";
import { isOpenClawError } from "../../../lib/errors.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import {
  FAKE_QQ_GROUP,
  FAKE_QQ_MEMBER,
  FAKE_QQ_USER,
  type FakeQQBot,
  type FakeQQBotOptions,
  startFakeQQBot,
} from "../../fixtures/fake_qqbot.ts";
import { tempDir, waitUntil } from "../../helpers.ts";
import { config } from "./_fixtures.ts";

const GROUP_AND_C2C = 1 << 25;

interface Harness extends AsyncDisposable {
  fake: FakeQQBot;
  clock: FakeClock;
  adapter: QQBotChannelAdapter;
  inbound: InboundMessage[];
  logs: string[];
  /** Makes the inbound handler reject once for a message id. */
  handler: { reject?: string };
}

function recordingLog(logs: string[]) {
  const line = (level: string) => (message: string, props?: Record<string, unknown>) =>
    logs.push(`${level} ${message} ${JSON.stringify(props ?? {})}`);
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

function qqAccount(qqbot: Record<string, unknown> = {}) {
  return resolveChannelAccount(config({ channels: { qqbot } }), "qqbot");
}

function adapterFor(
  fake: FakeQQBot,
  clock: FakeClock,
  logs: string[],
  over: Partial<QQBotAdapterOptions> = {},
): QQBotChannelAdapter {
  return createQQBotAdapter({
    account: qqAccount(),
    appId: fake.appId,
    clientSecret: fake.clientSecret,
    tokenUrl: fake.tokenUrl,
    apiBaseUrl: fake.apiUrl,
    env: {},
    clock,
    log: recordingLog(logs),
    random: () => 0.5,
    ...over,
  });
}

async function harness(
  options: {
    fake?: FakeQQBotOptions;
    adapter?: Partial<QQBotAdapterOptions>;
    connect?: boolean;
  } = {},
): Promise<Harness> {
  const fake = await startFakeQQBot(options.fake);
  const clock = new FakeClock();
  const logs: string[] = [];
  const inbound: InboundMessage[] = [];
  const handler: Harness["handler"] = {};
  const adapter = adapterFor(fake, clock, logs, options.adapter);
  if (options.connect !== false) {
    await adapter.connect({
      signal: new AbortController().signal,
      onInbound: (m) => {
        if (handler.reject === m.messageId) {
          handler.reject = undefined;
          return Promise.reject(new Error("journal full"));
        }
        inbound.push(m);
        return Promise.resolve();
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

// --- access token and identify -------------------------------------------------------------

Deno.test("connect() gets an access token and identifies for C2C and group @-messages", async () => {
  await using h = await harness();
  assert.deepEqual(h.fake.tokenRequests, [{ appIdOk: true, secretOk: true }]);
  assert.deepEqual(h.fake.identifies, [{ intents: GROUP_AND_C2C, shard: [0, 1], tokenOk: true }]);
  const gateway = h.fake.requests.find((r) => r.path === "/gateway");
  assert.deepEqual(gateway, {
    method: "GET",
    path: "/gateway",
    status: 200,
    authorized: true,
    appIdHeaderOk: true,
  });
  assert.match(h.logs.find((l) => l.includes("identify intents")) ?? "", /"bits":33554432/);
  const status = h.adapter.status();
  assert.equal(status.connected, true);
  assert.equal(status.running, true);
  assert.equal(status.configured, true);
  assert.deepEqual(status.intents, ["groupAndC2C"]);
  assert.deepEqual(status.bot, { id: h.fake.botId, name: "clawbot" });
});

Deno.test("the access token is fetched anew 5 minutes before it expires, once for concurrent calls", async () => {
  await using h = await harness({ connect: false });
  const to = { chatId: `c2c:${FAKE_QQ_USER}` };
  await h.adapter.sendText(to, "first");
  assert.equal(h.fake.tokenRequests.length, 1);
  h.clock.advance((7200 - 300) * 1000 - 1000); // still more than 5 minutes left
  await h.adapter.sendText(to, "second");
  assert.equal(h.fake.tokenRequests.length, 1);
  h.clock.advance(2000); // inside the last 5 minutes: refresh early
  await Promise.all([h.adapter.sendText(to, "third"), h.adapter.sendText(to, "fourth")]);
  assert.equal(h.fake.tokenRequests.length, 2);
  h.fake.revokeTokens(); // the platform forgets tokens: a 401 fetches a new one, once
  await h.adapter.sendText(to, "fifth");
  assert.equal(h.fake.tokenRequests.length, 3);
  assert.equal(h.fake.messages.length, 5);
});

// --- inbound -------------------------------------------------------------------------------

Deno.test("a C2C message becomes a dm InboundMessage", async () => {
  await using h = await harness();
  const sent = h.fake.postC2C({ content: "hello there" });
  await waitUntil(() => h.inbound.length === 1);
  assert.deepEqual(h.inbound[0], {
    channel: "qqbot",
    accountId: "default",
    chatId: FAKE_QQ_USER,
    chatType: "dm",
    senderId: FAKE_QQ_USER,
    text: "hello there",
    mentionsBot: false,
    replyToBot: false,
    messageId: sent.d.id,
    updateId: sent.eventId,
    timestamp: Date.UTC(2026, 0, 1),
  });
  assert.ok(h.adapter.status().lastInboundAt);
});

Deno.test("a group @-message becomes a group InboundMessage that mentions the bot", async () => {
  await using h = await harness();
  const sent = h.fake.postGroupAt({ content: "what time is it?" });
  await waitUntil(() => h.inbound.length === 1);
  const m = h.inbound[0];
  assert.equal(m.chatType, "group");
  assert.equal(m.chatId, FAKE_QQ_GROUP);
  assert.equal(m.senderId, FAKE_QQ_MEMBER);
  assert.equal(m.mentionsBot, true);
  assert.equal(m.text, "what time is it?");
  assert.equal(m.messageId, sent.d.id);
  assert.equal(m.updateId, sent.eventId);
});

Deno.test("a malformed message dispatch is dropped with its reason in the log", async () => {
  await using h = await harness();
  h.fake.dispatch("C2C_MESSAGE_CREATE", { id: "x", author: { user_openid: "../../etc" } });
  h.fake.postC2C({ content: "after" });
  await waitUntil(() => h.inbound.length === 1);
  assert.equal(h.inbound[0].text, "after");
  assert.ok(h.logs.some((l) => l.startsWith("warn") && l.includes("unexpected payload shape")));
});

// --- outbound ------------------------------------------------------------------------------

Deno.test("replies carry the inbound msg_id and an increasing msg_seq", async () => {
  await using h = await harness();
  const dm = h.fake.postC2C({ content: "tell me three things" });
  await waitUntil(() => h.inbound.length === 1);
  const m = h.inbound[0];
  const results = await h.adapter.sendChunks({ chatId: m.chatId }, ["one", "two", "three"], {
    replyToMessageId: m.messageId,
  });
  await h.adapter.sendText({ chatId: m.chatId }, "and a fourth", {
    replyToMessageId: m.messageId,
  });
  assert.deepEqual(
    h.fake.messages.map((s) => [s.kind, s.openid, s.msg_id, s.msg_seq, s.msg_type, s.content]),
    [
      ["c2c", FAKE_QQ_USER, dm.d.id, 1, 0, "one"],
      ["c2c", FAKE_QQ_USER, dm.d.id, 2, 0, "two"],
      ["c2c", FAKE_QQ_USER, dm.d.id, 3, 0, "three"],
      ["c2c", FAKE_QQ_USER, dm.d.id, 4, 0, "and a fourth"],
    ],
  );
  assert.deepEqual(results.map((r) => r.messageId), h.fake.messages.slice(0, 3).map((s) => s.id));
  assert.ok(h.adapter.status().lastOutboundAt);
});

Deno.test("a reply without replyToMessageId answers the chat's latest message within its window", async () => {
  await using h = await harness();
  const at = h.fake.postGroupAt({ content: "ping" });
  await waitUntil(() => h.inbound.length === 1);
  await h.adapter.sendText({ chatId: FAKE_QQ_GROUP }, "pong");
  h.clock.advance(5 * 60_000 + 1); // a group message can be replied to for 5 minutes
  await h.adapter.sendText({ chatId: FAKE_QQ_GROUP }, "late news");
  assert.deepEqual(h.fake.messages.map((s) => [s.kind, s.msg_id, s.msg_seq]), [
    ["group", at.d.id, 1],
    ["group", undefined, undefined],
  ]);
});

Deno.test("a long reply goes out in 5000-character chunks, in order", async () => {
  await using h = await harness();
  h.fake.postC2C({ content: "write a lot" });
  await waitUntil(() => h.inbound.length === 1);
  const paragraph = "word ".repeat(700).trim(); // 3499 characters
  const text = [paragraph, paragraph, paragraph, "the end"].join("\n\n");
  const account = qqAccount();
  assert.equal(account.textChunkLimit, 5000);
  const { chunks } = formatForAccount(text, account);
  assert.ok(chunks.length >= 3);
  assert.ok(chunks.every((c) => c.length <= 5000));
  await h.adapter.sendChunks({ chatId: FAKE_QQ_USER }, chunks, {
    replyToMessageId: h.inbound[0].messageId,
  });
  assert.deepEqual(h.fake.messages.map((s) => s.content), chunks);
  assert.deepEqual(h.fake.messages.map((s) => s.msg_seq), chunks.map((_, i) => i + 1));
  assert.ok(h.fake.messages.at(-1)!.content.endsWith("the end"));
  await assert.rejects(
    h.adapter.sendText({ chatId: FAKE_QQ_USER }, "x".repeat(5001)),
    RangeError,
  );
});

Deno.test("a reply past the platform's limit of 5 fails with a PartialSendError naming the code", async () => {
  await using h = await harness();
  h.fake.postC2C({ content: "talk a lot" });
  await waitUntil(() => h.inbound.length === 1);
  const chunks = ["1", "2", "3", "4", "5", "6"];
  const err = await h.adapter.sendChunks({ chatId: FAKE_QQ_USER }, chunks, {
    replyToMessageId: h.inbound[0].messageId,
  }).then(() => undefined, (e) => e);
  assert.ok(err instanceof PartialSendError);
  assert.equal(err.sentCount, 5);
  assert.match(err.message, /Sent 5 of 6 QQ messages: .*code 40034024/);
  assert.match(String(h.adapter.status().lastSendError), /40034024/);
});

Deno.test("a 429 is retried after Retry-After; a taken msg_seq moves to the next number", async () => {
  await using h = await harness();
  const path = `/v2/users/${FAKE_QQ_USER}/messages`;
  h.fake.failNext("POST", path, { status: 429, code: 22009, retryAfterSeconds: 2 });
  const sending = h.adapter.sendText({ chatId: `c2c:${FAKE_QQ_USER}` }, "patience", {
    replyToMessageId: "ROBOT1.0_earlier",
  });
  await waitUntil(() => h.logs.some((l) => l.includes("rate limited")));
  assert.match(h.logs.find((l) => l.includes("rate limited"))!, /"waitMs":2000/);
  h.clock.advance(2000);
  await sending;
  // A restarted process numbers from 1 again; the platform says 1 is taken: use 2.
  h.fake.failNext("POST", path, { status: 400, code: 40054005, message: "duplicate msg_seq" });
  await h.adapter.sendText({ chatId: `user:${FAKE_QQ_USER}` }, "again", {
    replyToMessageId: "ROBOT1.0_other",
  });
  assert.deepEqual(h.fake.requests.filter((r) => r.path === path).map((r) => r.status), [
    429,
    200,
    400,
    200,
  ]);
  assert.deepEqual(h.fake.messages.map((s) => [s.content, s.msg_seq]), [
    ["patience", 1], // the retry after a 429 keeps its number: nothing was accepted
    ["again", 2],
  ]);
});

Deno.test("a chat never seen must be named c2c:<openid> or group:<group_openid>", async () => {
  await using h = await harness({ connect: false });
  const err = await h.adapter.sendText({ chatId: FAKE_QQ_USER }, "hi").then(() => {}, (e) => e);
  assert.ok(isOpenClawError(err, "CHANNEL_TARGET_INVALID"));
  assert.match(err.hint ?? "", /c2c:<openid>/);
  await assert.rejects(
    h.adapter.sendText({ chatId: "group:../../gateway" }, "x"),
    (e) => isOpenClawError(e, "CHANNEL_TARGET_INVALID"),
  );
  await h.adapter.sendText({ chatId: `qqbot:group:${FAKE_QQ_GROUP}` }, "to the group");
  assert.deepEqual(h.fake.messages.map((s) => [s.kind, s.openid]), [["group", FAKE_QQ_GROUP]]);
  assert.equal(h.fake.requests.length, 1); // nothing else reached the platform
});

// --- gateway lifecycle ---------------------------------------------------------------------

Deno.test("heartbeats carry the committed sequence; a missing ACK reconnects and resumes", async () => {
  await using h = await harness();
  h.fake.postC2C({ content: "before the first beat" });
  await waitUntil(() => h.inbound.length === 1);
  h.clock.advance(41_250);
  await waitUntil(() => h.fake.heartbeats.length === 1);
  assert.equal(h.fake.heartbeats[0], h.fake.seq);
  h.fake.dropAcks = true;
  h.clock.advance(41_250);
  await waitUntil(() => h.fake.heartbeats.length === 2);
  h.fake.dropAcks = false;
  h.clock.advance(41_250); // still no ACK for the second beat: zombie
  await waitUntil(() => h.fake.resumes.length === 1 && h.adapter.status().connected);
  assert.equal(h.fake.resumes[0].seq, h.fake.heartbeats[1]);
  assert.equal(h.fake.resumes[0].tokenOk, true);
  assert.equal(h.fake.identifies.length, 1);
  assert.ok(h.logs.some((l) => l.includes("heartbeat not acknowledged")));
  h.fake.postC2C({ content: "still here?" });
  await waitUntil(() => h.inbound.length === 2);
});

Deno.test("op 7 RECONNECT resumes at once and misses nothing", async () => {
  await using h = await harness();
  h.fake.requestReconnect();
  h.fake.postC2C({ content: "sent while reconnecting" });
  await waitUntil(() => h.fake.resumes.length === 1 && h.inbound.length === 1);
  assert.equal(h.inbound[0].text, "sent while reconnecting");
  assert.equal(h.fake.identifies.length, 1);
  await waitUntil(() => h.adapter.status().connected);
});

Deno.test("op 9 INVALID_SESSION (not resumable) identifies anew after 1-5 s", async () => {
  await using h = await harness();
  h.fake.invalidateSession(false);
  await waitUntil(() => !h.adapter.status().connected);
  const before = h.clock.now();
  await advanceUntil(h.clock, 500, () => h.fake.identifies.length === 2);
  const waited = h.clock.now() - before;
  assert.ok(waited >= 1000 && waited <= 5000, `waited ${waited} ms`);
  assert.equal(h.fake.resumes.length, 0);
  await waitUntil(() => h.adapter.status().connected);
  h.fake.postGroupAt({ content: "new session" });
  await waitUntil(() => h.inbound.length === 1);
});

Deno.test("a message the handler could not store is replayed through RESUME", async () => {
  await using h = await harness();
  h.fake.postC2C({ content: "first" });
  await waitUntil(() => h.inbound.length === 1);
  const committed = h.fake.seq;
  const second = h.fake.postC2C({ content: "second" });
  h.handler.reject = String(second.d.id);
  await waitUntil(() => h.logs.some((l) => l.includes("not stored")));
  await advanceUntil(h.clock, 500, () => h.inbound.length === 2);
  assert.deepEqual(h.inbound.map((m) => m.text), ["first", "second"]);
  assert.equal(h.inbound[1].updateId, second.eventId);
  assert.equal(h.fake.resumes.length, 1);
  assert.equal(h.fake.resumes[0].seq, committed);
});

Deno.test("close 4004 fetches a new access token and resumes with it", async () => {
  await using h = await harness();
  h.fake.revokeTokens();
  h.fake.closeSocket(4004, "invalid token");
  await advanceUntil(h.clock, 500, () => h.fake.resumes.length === 1);
  assert.equal(h.fake.tokenRequests.length, 2);
  assert.equal(h.fake.resumes[0].tokenOk, true);
  await waitUntil(() => h.adapter.status().connected);
});

Deno.test("a close reconnecting cannot fix (bot offline, 4914) stops the loop and says why", async () => {
  await using h = await harness();
  h.fake.closeSocket(4914, "bot offline");
  await waitUntil(() => !h.adapter.status().running);
  const status = h.adapter.status();
  assert.equal(status.connected, false);
  assert.match(String(status.lastError), /4914.*only the sandbox environment may connect/);
  assert.equal(h.fake.resumes.length + h.fake.identifies.length, 1);
});

Deno.test("intents the bot is not granted fail connect() with the reason", async () => {
  await using h = await harness({ fake: { allowedIntents: 1 << 30 }, connect: false });
  const err = await h.adapter.connect({
    signal: new AbortController().signal,
    onInbound: () => Promise.resolve(),
  }).then(() => undefined, (e) => e);
  assert.ok(isOpenClawError(err, "CHANNEL_CONNECT_FAILED"));
  assert.match(err.message, /4014.*not allowed these intents/);
});

Deno.test("a restart resumes the saved session and gets the message the last run had not stored", async () => {
  let saved: QQResumeState | undefined;
  const store: QQBotResumeStore = {
    load: () => Promise.resolve(saved),
    save: (state) => saved = state,
  };
  let crash!: (err: Error) => void;
  await using fake = await startFakeQQBot();
  const run = async (onInbound: (m: InboundMessage) => Promise<void>) => {
    const adapter = adapterFor(fake, new FakeClock(), [], { resumeStore: store });
    await adapter.connect({ signal: new AbortController().signal, onInbound });
    return adapter;
  };
  const stored: string[] = [];
  const a = await run((m) => {
    if (m.text === "in flight") return new Promise((_, reject) => crash = reject);
    stored.push(m.text);
    return Promise.resolve();
  });
  fake.postC2C({ content: "stored" });
  await waitUntil(() => stored.length === 1);
  const committed = fake.seq;
  fake.postC2C({ content: "in flight" });
  await waitUntil(() => crash !== undefined);
  const stopping = a.disconnect("restart");
  crash(new Error("process died before the journal write"));
  await stopping;
  assert.equal(saved?.seq, committed);

  const b = await run((m) => Promise.resolve(void stored.push(m.text)));
  await waitUntil(() => stored.length === 2);
  assert.deepEqual(stored, ["stored", "in flight"]);
  assert.deepEqual(fake.resumes.map((r) => [r.sessionId, r.seq]), [[saved!.sessionId, committed]]);
  assert.equal(fake.identifies.length, 1);
  await b.disconnect();
});

Deno.test("disconnect() stops the loop, closes the socket and is safe twice", async () => {
  await using h = await harness();
  await h.adapter.disconnect();
  await h.adapter.disconnect();
  const status = h.adapter.status();
  assert.equal(status.running, false);
  assert.equal(status.connected, false);
  assert.ok(status.lastStopAt);
  await waitUntil(() => h.fake.openSockets === 0);
});

// --- probe, configuration, secrets ---------------------------------------------------------

Deno.test("probe() checks the credentials and names the bot", async () => {
  await using h = await harness({ connect: false });
  const probe = await h.adapter.probe();
  assert.equal(probe.ok, true);
  assert.deepEqual(probe.bot, { id: h.fake.botId, username: "clawbot", name: "clawbot" });
  assert.equal(h.adapter.status().probe?.ok, true);
  assert.ok(h.adapter.status().lastProbeAt);
});

Deno.test("the AppSecret and access tokens never appear in errors, status or logs", async () => {
  const secret = "wrong-SECRET-value-0123456789";
  await using h = await harness({ adapter: { clientSecret: secret }, connect: false });
  const err = await h.adapter.connect({
    signal: new AbortController().signal,
    onInbound: () => Promise.resolve(),
  }).then(() => undefined, (e) => e);
  assert.ok(isOpenClawError(err, "CHANNEL_AUTH_FAILED"));
  assert.match(err.message, /QQ refused the AppID\/AppSecret: invalid appid or secret/);
  assert.match(err.hint ?? "", /channels\.qqbot\.appId \/ clientSecret/);
  const probe = await h.adapter.probe();
  assert.equal(probe.ok, false);
  assert.equal(probe.issues?.[0].kind, "auth");
  const everything = [err.message, JSON.stringify(h.adapter.status()), JSON.stringify(probe)];

  // A platform that echoes secrets back: the client scrubs them.
  const good = adapterFor(h.fake, h.clock, h.logs);
  const path = `/v2/users/${FAKE_QQ_USER}/messages`;
  await good.sendText({ chatId: `c2c:${FAKE_QQ_USER}` }, "hello");
  const token = h.fake.tokens.at(-1)!;
  h.fake.failNext("POST", path, {
    status: 403,
    code: 11255,
    message: `denied for ${token} / ${h.fake.clientSecret}`,
  });
  const sendErr = await good.sendText({ chatId: `c2c:${FAKE_QQ_USER}` }, "hi").then(
    () => undefined,
    (e) => e,
  );
  assert.match(String(sendErr), /403: denied for \[redacted\] \/ \[redacted\] \(code 11255\)/);
  everything.push(String(sendErr), JSON.stringify(good.status()), ...h.logs);
  const text = everything.join("\n");
  for (const s of [secret, h.fake.clientSecret, ...h.fake.tokens]) {
    assert.ok(!text.includes(s), `leaked ${s.slice(0, 4)}…`);
  }
});

Deno.test("without credentials the account is not configured and connect() says how to fix it", async () => {
  const adapter = createQQBotAdapter({ account: qqAccount(), env: {}, log: recordingLog([]) });
  assert.equal(adapter.status().configured, false);
  assert.equal(adapter.status().credentialSource, "none");
  const err = await adapter.connect({
    signal: new AbortController().signal,
    onInbound: () => Promise.resolve(),
  }).then(() => undefined, (e) => e);
  assert.ok(isOpenClawError(err, "CHANNEL_NOT_CONFIGURED"));
  assert.match(err.message, /no AppID/);
  assert.match(err.hint ?? "", /channels add --channel qqbot --token "AppID:AppSecret"/);
  assert.equal((await adapter.probe()).issues?.[0].kind, "config");
});

Deno.test("resolveQQBotCredentials() takes AppID:AppSecret, config keys and QQBOT_* for the default account", () => {
  const env = { QQBOT_APP_ID: "111", QQBOT_CLIENT_SECRET: "env-secret" };
  assert.deepEqual(
    resolveQQBotCredentials({ account: qqAccount(), token: "222:opt:secret", env }),
    {
      appId: "222",
      clientSecret: "opt:secret",
      source: "config",
    },
  );
  assert.deepEqual(
    resolveQQBotCredentials({ account: qqAccount({ token: "333:cfg-secret" }), env: {} }),
    { appId: "333", clientSecret: "cfg-secret", source: "config" },
  );
  assert.deepEqual(
    resolveQQBotCredentials({ account: qqAccount({ appId: "444" }), env }),
    { appId: "444", clientSecret: "env-secret", source: "env" },
  );
  const work = resolveChannelAccount(
    config({ channels: { qqbot: { accounts: { work: { appId: "555" } } } } }),
    "qqbot",
    "work",
  );
  assert.deepEqual(resolveQQBotCredentials({ account: work, env }), {
    appId: "555",
    clientSecret: undefined,
    source: "none",
  });
});

Deno.test("QQBOT_TOKEN_URL and QQBOT_API_URL come from the environment; plain http only on loopback", async () => {
  await using fake = await startFakeQQBot();
  const adapter = createQQBotAdapter({
    account: qqAccount(),
    env: {
      QQBOT_APP_ID: fake.appId,
      QQBOT_CLIENT_SECRET: fake.clientSecret,
      QQBOT_TOKEN_URL: fake.tokenUrl,
      QQBOT_API_URL: fake.apiUrl,
    },
    clock: new FakeClock(),
    log: recordingLog([]),
  });
  assert.equal(adapter.status().credentialSource, "env");
  await adapter.connect({
    signal: new AbortController().signal,
    onInbound: () => Promise.resolve(),
  });
  assert.equal(adapter.status().connected, true);
  await adapter.disconnect();
  assert.throws(
    () =>
      createQQBotAdapter({
        account: qqAccount(),
        appId: "1",
        clientSecret: "x".repeat(20),
        apiBaseUrl: "http://example.com",
        env: {},
      }),
    (e) => isOpenClawError(e, "CHANNEL_CONFIG_INVALID") && /loopback/.test(e.message),
  );
});

Deno.test("createQQBotResumeStore() keeps the latest state and ignores a stale one", async () => {
  await using dir = await tempDir();
  const clock = new FakeClock();
  const path = `${dir.path}/qqbot/default-session.json`;
  const store = createQQBotResumeStore(path, { clock, maxAgeMs: 60_000 });
  const state: QQResumeState = { sessionId: "abc", seq: 1, appId: "102000001", intents: 1 << 25 };
  store.save(state);
  store.save({ ...state, seq: 7 });
  await waitUntil(async () => (await store.load())?.seq === 7);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  clock.advance(60_001);
  assert.equal(await store.load(), undefined);
  store.save(undefined);
  await waitUntil(async () => JSON.parse(await Deno.readTextFile(path)).state === null);
});
