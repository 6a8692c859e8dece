import assert from "node:assert/strict";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import {
  createDiscordAdapter,
  createFileResumeStore,
  type DiscordAdapterOptions,
  type DiscordChannelAdapter,
  type DiscordResumeStore,
  resolveDiscordIntents,
  type ResumeState,
} from "../../../lib/channels/discord/mod.ts";
import { formatOutbound } from "../../../lib/channels/outbound_format.ts";
import type { InboundMessage } from "../../../lib/channels/types.ts";
import { isOpenClawError } from "../../../lib/errors.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from "../../fixtures/fake_discord.ts";
import { tempDir, waitUntil } from "../../helpers.ts";
import { config } from "./_fixtures.ts";

const GUILD = "700000000000000001";
const GENERAL = "700000000000000010";
const THREAD = "700000000000000011";
const LATE_THREAD = "700000000000000012";
const DM = "300000000000000001";
const ANN = "100000000000000042";

const GUILDS: FakeDiscordOptions["guilds"] = [{
  id: GUILD,
  channels: [{ id: GENERAL, type: 0, name: "general" }],
  threads: [{ id: THREAD, type: 11, parent_id: GENERAL }],
}];

interface Harness extends AsyncDisposable {
  fake: FakeDiscord;
  clock: FakeClock;
  adapter: DiscordChannelAdapter;
  inbound: InboundMessage[];
  logs: string[];
  /** Makes the inbound handler reject (or hang until released) for a message id. */
  handler: { reject?: string; hold?: { id: string; release: Promise<void> } };
}

function recordingLog(logs: string[]) {
  const line = (level: string) => (message: string, props?: Record<string, unknown>) =>
    logs.push(`${level} ${message} ${JSON.stringify(props ?? {})}`);
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

async function harness(
  options: {
    fake?: FakeDiscordOptions;
    discord?: Record<string, unknown>;
    adapter?: Partial<DiscordAdapterOptions>;
    connect?: boolean;
  } = {},
): Promise<Harness> {
  const fake = await startFakeDiscord({ guilds: GUILDS, ...options.fake });
  const clock = new FakeClock();
  const logs: string[] = [];
  const inbound: InboundMessage[] = [];
  const handler: Harness["handler"] = {};
  const account = resolveChannelAccount(
    config({ channels: { discord: { groupPolicy: "open", ...options.discord } } }),
    "discord",
  );
  const adapter = createDiscordAdapter({
    account,
    token: fake.token,
    apiBaseUrl: fake.apiUrl,
    env: {},
    clock,
    log: recordingLog(logs),
    random: () => 0.5,
    ...options.adapter,
  });
  const controller = new AbortController();
  if (options.connect !== false) {
    await adapter.connect({
      signal: controller.signal,
      onInbound: async (m) => {
        if (handler.reject === m.messageId) {
          handler.reject = undefined;
          throw new Error("journal full");
        }
        if (handler.hold?.id === m.messageId) await handler.hold.release;
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

// --- intents -------------------------------------------------------------------------------

Deno.test("resolveDiscordIntents() asks for message content only when guild messages are served", () => {
  const intents = (discord: Record<string, unknown>) =>
    resolveDiscordIntents(resolveChannelAccount(config({ channels: { discord } }), "discord"));
  assert.deepEqual(intents({}).names, [
    "guilds",
    "guildMessages",
    "directMessages",
    "messageContent",
  ]);
  assert.equal(intents({}).bits, 1 | 512 | 4096 | 32768);
  assert.deepEqual(intents({ groupPolicy: "disabled" }).names, ["guilds", "directMessages"]);
  assert.deepEqual(intents({ intents: { messageContent: false } }).names, [
    "guilds",
    "guildMessages",
    "directMessages",
  ]);
  assert.deepEqual(
    intents({ dmPolicy: "disabled", intents: { guildMembers: true, presence: true } }).names,
    [
      "guilds",
      "guildMembers",
      "guildPresences",
      "guildMessages",
      "messageContent",
    ],
  );
});

Deno.test("connect() identifies with the intents from the config and logs them", async () => {
  await using h = await harness({ discord: { intents: { messageContent: false } } });
  assert.equal(h.fake.identifies.length, 1);
  assert.equal(h.fake.identifies[0].intents, 1 | 512 | 4096);
  assert.ok(h.fake.identifies[0].tokenOk);
  const line = h.logs.find((l) => l.includes("identify intents"));
  assert.match(line ?? "", /"names":"guilds,guildMessages,directMessages","bits":4609/);
  const status = h.adapter.status();
  assert.equal(status.connected, true);
  assert.equal(status.running, true);
  assert.equal(status.configured, true);
  assert.deepEqual(status.intents, ["guilds", "guildMessages", "directMessages"]);
});

// --- inbound -------------------------------------------------------------------------------

Deno.test("a DM becomes an InboundMessage with chatType dm", async () => {
  await using h = await harness();
  const sent = h.fake.postMessage({ channelId: DM, content: "hello there" });
  await waitUntil(() => h.inbound.length === 1);
  assert.deepEqual(h.inbound[0], {
    channel: "discord",
    accountId: "default",
    chatId: DM,
    chatType: "dm",
    senderId: ANN,
    senderName: "ann",
    senderUsername: "ann",
    text: "hello there",
    mentionsBot: false,
    replyToBot: false,
    messageId: sent.id,
    timestamp: Date.UTC(2026, 0, 1),
  });
  assert.ok(h.adapter.status().lastInboundAt);
});

Deno.test("a guild message says whether the bot was mentioned", async () => {
  await using h = await harness();
  h.fake.postMessage({
    channelId: GENERAL,
    guildId: GUILD,
    content: `<@${h.fake.botId}> what time is it?`,
    mentionBot: true,
  });
  h.fake.postMessage({ channelId: GENERAL, guildId: GUILD, content: "just chatting" });
  await waitUntil(() => h.inbound.length === 2);
  const [mentioned, plain] = h.inbound;
  assert.equal(mentioned.chatType, "channel");
  assert.equal(mentioned.chatId, GENERAL);
  assert.equal(mentioned.guildId, GUILD);
  assert.equal(mentioned.mentionsBot, true);
  assert.equal(mentioned.text, "@clawbot what time is it?");
  assert.equal(plain.mentionsBot, false);
  assert.equal(plain.text, "just chatting");
});

Deno.test("a reply to one of the bot's messages counts as replyToBot", async () => {
  await using h = await harness();
  h.fake.postMessage({
    channelId: GENERAL,
    guildId: GUILD,
    content: "and tomorrow?",
    replyTo: { id: "800000000000000001", authorId: h.fake.botId },
  });
  await waitUntil(() => h.inbound.length === 1);
  assert.equal(h.inbound[0].replyToBot, true);
  assert.equal(h.inbound[0].replyToMessageId, "800000000000000001");
});

Deno.test("a thread message is routed to its parent channel with threadId", async () => {
  await using h = await harness();
  h.fake.postMessage({ channelId: THREAD, guildId: GUILD, content: "in the thread" });
  await waitUntil(() => h.inbound.length === 1);
  assert.equal(h.inbound[0].chatId, GENERAL);
  assert.equal(h.inbound[0].threadId, THREAD);
  assert.equal(h.inbound[0].chatType, "channel");
});

Deno.test("a thread not announced in GUILD_CREATE is looked up once over REST", async () => {
  await using h = await harness({
    fake: { extraChannels: [{ id: LATE_THREAD, type: 12, parent_id: GENERAL, guild_id: GUILD }] },
  });
  h.fake.postMessage({ channelId: LATE_THREAD, guildId: GUILD, content: "one" });
  h.fake.postMessage({ channelId: LATE_THREAD, guildId: GUILD, content: "two" });
  await waitUntil(() => h.inbound.length === 2);
  assert.deepEqual(h.inbound.map((m) => [m.chatId, m.threadId]), [
    [GENERAL, LATE_THREAD],
    [GENERAL, LATE_THREAD],
  ]);
  const lookups = h.fake.requests.filter((r) => r.path === `/channels/${LATE_THREAD}`);
  assert.equal(lookups.length, 1);
});

Deno.test("the bot's own messages are skipped; other bots are passed on marked senderIsBot", async () => {
  await using h = await harness();
  h.fake.postMessage({ channelId: DM, content: "my own echo", authorId: h.fake.botId });
  h.fake.postMessage({
    channelId: DM,
    content: "beep",
    authorId: "100000000000000099",
    authorIsBot: true,
  });
  await waitUntil(() => h.inbound.length === 1);
  assert.equal(h.inbound[0].text, "beep");
  assert.equal(h.inbound[0].senderIsBot, true);
});

// --- outbound ------------------------------------------------------------------------------

Deno.test("sendChunks() posts 2000-character chunks in order, replying with the first", async () => {
  await using h = await harness();
  const paragraph = "word ".repeat(300).trim();
  const text = [paragraph, paragraph, paragraph, "@everyone look"].join("\n\n");
  const { chunks } = formatOutbound(text, { channel: "discord" });
  assert.ok(chunks.length >= 2);
  const results = await h.adapter.sendChunks({ chatId: GENERAL }, chunks, {
    replyToMessageId: "800000000000000005",
  });
  assert.equal(results.length, chunks.length);
  assert.deepEqual(h.fake.messages.map((m) => m.content), chunks);
  assert.deepEqual(results.map((r) => r.messageId), h.fake.messages.map((m) => m.id));
  for (const m of h.fake.messages) {
    assert.ok(m.content.length <= 2000);
    assert.equal(m.channelId, GENERAL);
    assert.deepEqual(m.allowed_mentions, { parse: [] });
  }
  assert.deepEqual(h.fake.messages[0].message_reference, {
    message_id: "800000000000000005",
    fail_if_not_exists: false,
  });
  assert.ok(h.fake.messages.slice(1).every((m) => m.message_reference === undefined));
  assert.ok(!h.fake.messages.some((m) => m.content.includes("@everyone")));
  assert.ok(h.adapter.status().lastOutboundAt);
});

Deno.test("sendText() to a thread posts in the thread; user:<id> opens the DM once", async () => {
  await using h = await harness();
  await h.adapter.sendText({ chatId: GENERAL, threadId: THREAD }, "in thread");
  await h.adapter.sendText({ chatId: `user:${ANN}` }, "dm 1");
  await h.adapter.sendText({ chatId: `user:${ANN}` }, "dm 2");
  assert.equal(h.fake.messages[0].channelId, THREAD);
  assert.deepEqual(h.fake.dmOpens, [ANN]);
  assert.equal(h.fake.messages[1].channelId, h.fake.messages[2].channelId);
  await assert.rejects(
    h.adapter.sendText({ chatId: "../../users/@me" }, "x"),
    (err) => isOpenClawError(err, "CHANNEL_TARGET_INVALID"),
  );
  await assert.rejects(h.adapter.sendText({ chatId: GENERAL }, "x".repeat(2001)), RangeError);
});

Deno.test("a 429 is retried after exactly retry_after", async () => {
  await using h = await harness();
  h.fake.rateLimitNext("POST", `/channels/${GENERAL}/messages`, 1.5);
  const sending = h.adapter.sendText({ chatId: GENERAL }, "patience");
  await waitUntil(() => h.logs.some((l) => l.includes("retrying in {waitMs} ms")));
  assert.match(h.logs.find((l) => l.includes("rate limited"))!, /"waitMs":1500/);
  assert.equal(h.fake.messages.length, 0);
  h.clock.advance(1500);
  const result = await sending;
  assert.equal(h.fake.messages.length, 1);
  assert.equal(result.messageId, h.fake.messages[0].id);
  const attempts = h.fake.requests.filter((r) => r.path === `/channels/${GENERAL}/messages`);
  assert.deepEqual(attempts.map((r) => r.status), [429, 200]);
});

Deno.test("keepTyping() shows typing now and every 8 s until the turn ends", async () => {
  await using h = await harness();
  const turn = new AbortController();
  h.adapter.keepTyping({ chatId: DM }, turn.signal);
  await waitUntil(() => h.fake.typing.length === 1);
  h.clock.advance(8000);
  await waitUntil(() => h.fake.typing.length === 2);
  turn.abort();
  h.clock.advance(16_000);
  await h.adapter.sendText({ chatId: DM }, "done"); // a round trip after the abort
  assert.deepEqual(h.fake.typing, [DM, DM]);
});

// --- gateway lifecycle ---------------------------------------------------------------------

Deno.test("heartbeats carry the sequence; a missing ACK reconnects and resumes", async () => {
  await using h = await harness();
  h.fake.postMessage({ channelId: DM, content: "before the first beat" });
  await waitUntil(() => h.inbound.length === 1); // everything up to here is committed
  h.clock.advance(20_625); // first beat: interval × random (0.5)
  await waitUntil(() => h.fake.heartbeats.length === 1);
  assert.equal(h.fake.heartbeats[0], h.fake.seq);
  h.fake.dropAcks = true;
  h.clock.advance(41_250);
  await waitUntil(() => h.fake.heartbeats.length === 2);
  h.fake.dropAcks = false;
  h.clock.advance(41_250); // still no ACK for the second beat: zombie
  await waitUntil(() => h.fake.resumes.length === 1 && h.adapter.status().connected);
  assert.equal(h.fake.resumes[0].path, "/resume");
  assert.equal(h.fake.resumes[0].seq, h.fake.heartbeats[1]);
  assert.equal(h.fake.identifies.length, 1);
  assert.ok(h.logs.some((l) => l.includes("heartbeat not acknowledged")));
  h.fake.postMessage({ channelId: DM, content: "still here?" });
  await waitUntil(() => h.inbound.length === 2);
});

Deno.test("op 7 RECONNECT resumes at once and misses nothing", async () => {
  await using h = await harness();
  h.fake.requestReconnect();
  h.fake.postMessage({ channelId: DM, content: "sent while reconnecting" });
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
});

Deno.test("a message the handler could not store is replayed through RESUME", async () => {
  await using h = await harness();
  h.fake.postMessage({ channelId: DM, content: "first" });
  await waitUntil(() => h.inbound.length === 1);
  const committed = h.fake.seq;
  const second = h.fake.postMessage({ channelId: DM, content: "second" });
  h.handler.reject = String(second.id);
  await waitUntil(() => h.logs.some((l) => l.includes("not stored")));
  await advanceUntil(h.clock, 500, () => h.inbound.length === 2);
  assert.deepEqual(h.inbound.map((m) => m.text), ["first", "second"]);
  assert.equal(h.fake.resumes.length, 1);
  assert.equal(h.fake.resumes[0].seq, committed);
});

Deno.test("a restart resumes the saved session and gets the message the last run had not stored", async () => {
  let saved: ResumeState | undefined;
  const store: DiscordResumeStore = {
    load: () => Promise.resolve(saved),
    save: (state) => saved = state,
  };
  let crash!: (err: Error) => void;
  const fake = await startFakeDiscord({ guilds: GUILDS });
  try {
    const run = async (onInbound: (m: InboundMessage) => Promise<void>) => {
      const adapter = createDiscordAdapter({
        account: resolveChannelAccount(config({ channels: { discord: {} } }), "discord"),
        token: fake.token,
        apiBaseUrl: fake.apiUrl,
        env: {},
        clock: new FakeClock(),
        log: recordingLog([]),
        random: () => 0.5,
        resumeStore: store,
      });
      await adapter.connect({ signal: new AbortController().signal, onInbound });
      return adapter;
    };
    const stored: string[] = [];
    const a = await run((m) => {
      if (m.text === "in flight") return new Promise((_, reject) => crash = reject);
      stored.push(m.text);
      return Promise.resolve();
    });
    fake.postMessage({ channelId: DM, content: "stored" });
    await waitUntil(() => stored.length === 1);
    const committed = fake.seq;
    fake.postMessage({ channelId: DM, content: "in flight" });
    await waitUntil(() => crash !== undefined);
    const stopping = a.disconnect("restart");
    crash(new Error("process died before the journal write"));
    await stopping;
    assert.equal(saved?.seq, committed);

    const b = await run((m) => Promise.resolve(void stored.push(m.text)));
    await waitUntil(() => stored.length === 2);
    assert.deepEqual(stored, ["stored", "in flight"]);
    assert.deepEqual(fake.resumes.map((r) => [r.sessionId, r.seq]), [[
      saved!.sessionId,
      committed,
    ]]);
    assert.equal(fake.identifies.length, 1);
    await b.disconnect();
  } finally {
    await fake.close();
  }
});

Deno.test("a 4014 close reconnects without the privileged intent and names the toggle", async () => {
  await using h = await harness({
    fake: { applicationFlags: 0 },
    connect: false,
  });
  // Application flags unavailable (rate limited for 2 minutes): identify asks for everything.
  h.fake.rateLimitNext("GET", "/oauth2/applications/@me", 120);
  await h.adapter.connect({
    signal: new AbortController().signal,
    onInbound: () => Promise.resolve(),
  });
  assert.deepEqual(h.fake.identifies.map((i) => i.intents), [
    1 | 512 | 4096 | 32768,
    1 | 512 | 4096,
  ]);
  const status = h.adapter.status();
  assert.equal(status.connected, true);
  const issues = status.issues as { fix: string }[];
  assert.match(issues[0].fix, /Bot → Privileged Gateway Intents → MESSAGE CONTENT INTENT/);
});

Deno.test("without MESSAGE CONTENT granted the bot connects, still hears DMs and mentions, and says why", async () => {
  await using h = await harness({ fake: { applicationFlags: 0 } });
  assert.equal(h.fake.identifies[0].intents, 1 | 512 | 4096);
  assert.ok(h.logs.some((l) => l.startsWith("warn") && l.includes("MESSAGE CONTENT INTENT")));
  h.fake.postMessage({ channelId: GENERAL, guildId: GUILD, content: "unmentioned" });
  h.fake.postMessage({
    channelId: GENERAL,
    guildId: GUILD,
    content: `<@${h.fake.botId}> hi`,
    mentionBot: true,
  });
  await waitUntil(() => h.inbound.length === 2);
  assert.deepEqual(h.inbound.map((m) => m.text), ["", "@clawbot hi"]);
  const issues = h.adapter.status().issues as { kind: string; message: string }[];
  assert.equal(issues[0].kind, "intent");
  assert.match(issues[0].message, /MESSAGE CONTENT INTENT/);
});

// --- probe, configuration, secrets ---------------------------------------------------------

Deno.test("probe() reports the missing MESSAGE CONTENT toggle", async () => {
  await using h = await harness({ fake: { applicationFlags: 0 }, connect: false });
  const probe = await h.adapter.probe();
  assert.equal(probe.ok, false);
  assert.deepEqual(probe.bot, { id: h.fake.botId, username: "clawbot", name: "clawbot" });
  assert.equal(probe.issues?.[0].kind, "intent");
  assert.match(
    probe.issues?.[0].fix ?? "",
    /Developer Portal → your application → Bot → Privileged Gateway Intents → MESSAGE CONTENT INTENT/,
  );
  assert.match(probe.error ?? "", /MESSAGE CONTENT INTENT/);
  assert.equal(h.adapter.status().probe?.ok, false);
  assert.ok(h.adapter.status().lastProbeAt);
});

Deno.test("probe() passes when every requested intent is granted", async () => {
  await using h = await harness({ fake: { applicationFlags: 1 << 18 }, connect: false });
  const probe = await h.adapter.probe();
  assert.equal(probe.ok, true);
  assert.equal(probe.issues, undefined);
});

Deno.test("the token never appears in errors, status or logs", async () => {
  const token = "wrong.SECRET-token.value-0123456789";
  await using h = await harness({ adapter: { token }, connect: false });
  const err = await h.adapter.connect({
    signal: new AbortController().signal,
    onInbound: () => Promise.resolve(),
  }).then(() => undefined, (e) => e);
  assert.ok(isOpenClawError(err, "CHANNEL_AUTH_FAILED"));
  assert.equal(err.message, "Discord rejected the bot token (401 Unauthorized)");
  const probe = await h.adapter.probe();
  assert.equal(probe.ok, false);
  assert.equal(probe.issues?.[0].kind, "auth");
  const sendErr = await h.adapter.sendText({ chatId: GENERAL }, "hi").then(
    () => undefined,
    (e) => e,
  );
  assert.match(String(sendErr), /401/);
  const everything = [
    err.message,
    String(sendErr),
    JSON.stringify(h.adapter.status()),
    JSON.stringify(probe),
    ...h.logs,
  ].join("\n");
  assert.ok(!everything.includes(token));
  assert.ok(h.fake.requests.every((r) => !r.authorized));
});

Deno.test("without a token the account is not configured and connect() says how to fix it", async () => {
  const account = resolveChannelAccount(config({ channels: { discord: {} } }), "discord");
  const adapter = createDiscordAdapter({ account, env: {}, log: recordingLog([]) });
  assert.equal(adapter.status().configured, false);
  assert.equal(adapter.status().tokenSource, "none");
  const err = await adapter.connect({
    signal: new AbortController().signal,
    onInbound: () => Promise.resolve(),
  }).then(() => undefined, (e) => e);
  assert.ok(isOpenClawError(err, "CHANNEL_NOT_CONFIGURED"));
  assert.equal(err.hint, "Set channels.discord.token or DISCORD_BOT_TOKEN");
});

Deno.test("DISCORD_BOT_TOKEN and DISCORD_API_URL come from the environment", async () => {
  await using fake = await startFakeDiscord({ guilds: GUILDS });
  const account = resolveChannelAccount(config({ channels: { discord: {} } }), "discord");
  const adapter = createDiscordAdapter({
    account,
    env: { DISCORD_BOT_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl },
    clock: new FakeClock(),
    log: recordingLog([]),
  });
  assert.equal(adapter.status().tokenSource, "env");
  await adapter.connect({
    signal: new AbortController().signal,
    onInbound: () => Promise.resolve(),
  });
  assert.equal(adapter.status().connected, true);
  await adapter.disconnect();
  assert.equal(adapter.status().running, false);
  assert.throws(
    () =>
      createDiscordAdapter({
        account,
        env: { DISCORD_BOT_TOKEN: "x".repeat(20), DISCORD_API_URL: "http://example.com/api/v10" },
      }),
    (e) => isOpenClawError(e, "CHANNEL_CONFIG_INVALID") && /loopback/.test(e.message),
  );
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

Deno.test("createFileResumeStore() keeps the latest state and ignores a stale one", async () => {
  await using dir = await tempDir();
  const clock = new FakeClock();
  const path = `${dir.path}/discord/default-session.json`;
  const store = createFileResumeStore(path, { clock, maxAgeMs: 60_000 });
  const state: ResumeState = {
    sessionId: "abc",
    resumeUrl: "wss://gateway.example",
    seq: 1,
    botId: "1",
    intents: 4097,
  };
  store.save(state);
  store.save({ ...state, seq: 7 });
  await waitUntil(async () => (await store.load())?.seq === 7);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  clock.advance(60_001);
  assert.equal(await store.load(), undefined);
  store.save(undefined);
  await waitUntil(async () => JSON.parse(await Deno.readTextFile(path)).state === null);
});
