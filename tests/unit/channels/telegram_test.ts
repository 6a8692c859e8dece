/**
 * The Telegram adapter against the fake Bot API (tests/fixtures/fake_telegram.ts), reached
 * through our Bot API client's root exactly as `channels.telegram.apiRoot` points it.
 */
import assert from "node:assert/strict";
import { isOpenClawError } from "../../../lib/errors.ts";
import { formatOutbound } from "../../../lib/channels/outbound_format.ts";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import type { ChannelAccountConfig, InboundMessage } from "../../../lib/channels/types.ts";
import {
  CONFLICT_REASON,
  createTelegramAdapter,
  normalizeTelegramUpdate,
  PollerRegistry,
  type TelegramAdapterOptions,
  type TelegramLogger,
  WEBHOOK_CONFLICT_REASON,
} from "../../../lib/channels/telegram/mod.ts";
import { ANN, FakeTelegram, GROUP_ID, type Json } from "../../fixtures/fake_telegram.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { waitUntil } from "../../helpers.ts";
import { config } from "./_fixtures.ts";

/** The resolved `channels.telegram` account view, as the channel subsystem passes it. */
function account(id?: string, telegram: Record<string, unknown> = {}): ChannelAccountConfig {
  return resolveChannelAccount(config({ channels: { telegram } }), "telegram", id);
}

/** A fake clock that remembers the delays it was asked for (to wait until a wait is armed). */
class ObservedClock extends FakeClock {
  readonly delays: number[] = [];
  override setTimeout(fn: () => void, ms: number) {
    this.delays.push(ms);
    return super.setTimeout(fn, ms);
  }
}

/** A logger that keeps every line (level, message, properties) for assertions. */
function captureLog(): TelegramLogger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string, props?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(props ?? {})}`);
  };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

interface Harness extends AsyncDisposable {
  tg: FakeTelegram;
  clock: ObservedClock;
  log: ReturnType<typeof captureLog>;
  adapter: ReturnType<typeof createTelegramAdapter>;
  received: InboundMessage[];
  registry: PollerRegistry;
  /** Connects with `onInbound` (default: store and resolve). */
  connect(onInbound?: (m: InboundMessage) => Promise<void>): Promise<void>;
}

async function harness(options: Partial<TelegramAdapterOptions> = {}): Promise<Harness> {
  const tg = await FakeTelegram.start();
  const clock = new ObservedClock();
  const log = captureLog();
  const registry = options.registry ?? new PollerRegistry();
  const received: InboundMessage[] = [];
  const stop = new AbortController();
  const adapter = createTelegramAdapter({
    account: account(),
    botToken: tg.token,
    apiRoot: tg.apiRoot,
    clock,
    log,
    registry,
    pollTimeoutSeconds: 1,
    backoff: { initialMs: 1000, maxMs: 8000, jitter: 0 },
    ...options,
  });
  return {
    tg,
    clock,
    log,
    adapter,
    received,
    registry,
    connect: (onInbound) =>
      adapter.connect({
        signal: stop.signal,
        onInbound: onInbound ?? ((m) => {
          received.push(m);
          return Promise.resolve();
        }),
      }),
    async [Symbol.asyncDispose]() {
      stop.abort();
      await adapter.disconnect();
      await tg.close();
    },
  };
}

function offsetOf(call: { params: Json }): number {
  return Number(call.params.offset ?? 0);
}

Deno.test("connect() delivers a Telegram DM as an InboundMessage and shows connected", async () => {
  await using h = await harness();
  await h.connect();
  const update = h.tg.dm("hello there");
  await waitUntil(() => h.received.length === 1, { message: "the DM" });
  const message = update.message as Json;
  assert.deepEqual(h.received[0], {
    channel: "telegram",
    accountId: "default",
    chatId: "42",
    chatType: "dm",
    senderId: "42",
    senderName: "Ann",
    senderUsername: "ann",
    text: "hello there",
    mentionsBot: false,
    replyToBot: false,
    messageId: String(message.message_id),
    updateId: String(update.update_id),
    timestamp: Number(message.date) * 1000,
  });
  const status = h.adapter.status();
  assert.equal(status.running, true);
  assert.equal(status.connected, true);
  assert.equal(status.mode, "polling");
  assert.equal(status.tokenSource, "config");
  assert.equal(status.lastInboundAt, h.clock.now());
  assert.deepEqual(status.bot, { id: "123456789", username: "claw_test_bot" });
  assert.equal(h.tg.calls("deleteWebhook").length, 1);
  assert.equal(h.tg.maxPollers(), 1);
});

Deno.test("the update offset moves past an update only after the handler resolved", async () => {
  await using h = await harness();
  let release!: () => void;
  const stored = new Promise<void>((resolve) => release = resolve);
  await h.connect(async (m) => {
    h.received.push(m);
    await stored;
  });
  const update = h.tg.dm("keep me");
  const id = Number(update.update_id);
  await waitUntil(() => h.received.length === 1);
  // While the handler is pending, no poll confirms the update.
  assert.ok(h.tg.calls("getUpdates").every((c) => offsetOf(c) <= id));
  assert.equal(h.tg.pendingUpdates().length, 1);
  release();
  await waitUntil(() => h.tg.calls("getUpdates").some((c) => offsetOf(c) === id + 1), {
    message: "a poll with offset update_id + 1",
  });
  assert.equal(h.tg.pendingUpdates().length, 0);
});

Deno.test("a rejected handler leaves the update unconfirmed and it is delivered again", async () => {
  await using h = await harness();
  const seen: string[] = [];
  await h.connect((m) => {
    seen.push(m.updateId!);
    return seen.length === 1 ? Promise.reject(new Error("disk full")) : Promise.resolve();
  });
  const update = h.tg.dm("try twice");
  await waitUntil(() => seen.length === 1);
  await h.clock.tick(0);
  assert.equal(h.tg.pendingUpdates().length, 1);
  assert.ok(h.log.lines.some((l) => l.startsWith("warn Cannot store Telegram update")));
  h.clock.advance(1000); // the pause before fetching it again
  await waitUntil(() => seen.length === 2, { message: "the re-delivery" });
  assert.deepEqual(seen, [String(update.update_id), String(update.update_id)]);
  await waitUntil(() => h.tg.pendingUpdates().length === 0);
});

Deno.test("group mentions, text mentions, replies to the bot and forum topics are normalized", async () => {
  await using h = await harness();
  await h.connect();
  h.tg.group("no mention here");
  h.tg.group("hi", { mention: true });
  h.tg.group("hey", { mention: "text_mention" });
  const botMessage = (await h.adapter.sendText({ chatId: String(GROUP_ID) }, "earlier reply"))
    .messageId!;
  h.tg.group("about that", { replyToBot: Number(botMessage) });
  h.tg.topic("in a topic", 7);
  await waitUntil(() => h.received.length === 5, { message: "five group messages" });
  const [plain, mention, textMention, reply, topic] = h.received;
  assert.equal(plain.chatType, "group");
  assert.equal(plain.chatId, String(GROUP_ID));
  assert.equal(plain.mentionsBot, false);
  assert.equal(plain.threadId, undefined);
  assert.equal(mention.text, "@claw_test_bot hi");
  assert.equal(mention.mentionsBot, true);
  assert.equal(textMention.mentionsBot, true);
  assert.equal(reply.replyToBot, true);
  assert.equal(reply.replyToMessageId, botMessage);
  assert.equal(reply.mentionsBot, false);
  assert.equal(topic.threadId, "7");
  // A topic message "replies" to the topic's opening message: that is not a reply.
  assert.equal(topic.replyToBot, false);
  assert.equal(topic.replyToMessageId, undefined);
});

Deno.test("normalizeTelegramUpdate() reads commands to the bot, bots, the General topic and captions", () => {
  const bot = { id: 9, username: "claw_bot" };
  const base = { message_id: 5, date: 1_700_000_000, from: { ...ANN } };
  const forum = { id: -100, type: "supergroup", is_forum: true, title: "F" };
  const command = normalizeTelegramUpdate(
    {
      update_id: 1,
      message: {
        ...base,
        chat: forum,
        text: "/status@Claw_Bot",
        entities: [{ type: "bot_command", offset: 0, length: 16 }],
      },
    },
    "ops",
    bot,
  )!;
  assert.equal(command.message?.mentionsBot, true);
  assert.equal(command.message?.threadId, "1");
  assert.equal(command.message?.accountId, "ops");
  const caption = normalizeTelegramUpdate(
    {
      update_id: 2,
      message: {
        ...base,
        from: { id: 3, is_bot: true },
        chat: { id: -5, type: "group" },
        caption: "pic",
      },
    },
    "default",
    bot,
  )!;
  assert.equal(caption.message?.text, "pic");
  assert.equal(caption.message?.senderIsBot, true);
  assert.deepEqual(
    normalizeTelegramUpdate({ update_id: 3, edited_message: base }, "default", bot),
    {
      updateId: 3,
    },
  );
  assert.equal(normalizeTelegramUpdate({ message: base }, "default", bot), undefined);
});

Deno.test("sendChunks() sends long HTML replies as ordered chunks, replying once, in the topic", async () => {
  await using h = await harness();
  const paragraph = "**Step** `x < y` & more words here. ".repeat(40);
  const reply = Array.from({ length: 6 }, (_, i) => `${i + 1}. ${paragraph}`).join("\n\n");
  const { chunks, parseMode } = formatOutbound(reply, { channel: "telegram", limit: 4096 });
  assert.ok(chunks.length >= 2);
  const results = await h.adapter.sendChunks({ chatId: String(GROUP_ID), threadId: "7" }, chunks, {
    parseMode,
    replyToMessageId: "55",
  });
  const sent = h.tg.sent();
  assert.equal(results.length, chunks.length);
  assert.deepEqual(sent.map((s) => s.text), chunks);
  assert.deepEqual(sent.map((s) => s.replyToMessageId), [
    55,
    ...chunks.slice(1).map(() => undefined),
  ]);
  assert.ok(sent.every((s) => s.threadId === 7 && s.parseMode === "HTML"));
  assert.ok(sent.every((s) => s.plainText.length <= 4096));
  assert.ok(sent[0].plainText.startsWith("1. Step x < y & more"));
  assert.deepEqual(results.map((r) => r.messageId), sent.map((s) => String(s.messageId)));
  assert.equal(h.adapter.status().lastOutboundAt, h.clock.now());
  // The General topic (1) is addressed without message_thread_id, as Telegram requires.
  await h.adapter.sendText({ chatId: String(GROUP_ID), threadId: "1" }, "general");
  assert.equal(h.tg.sent().at(-1)?.threadId, undefined);
});

Deno.test("a 429 answer is retried after exactly retry_after seconds", async () => {
  await using h = await harness();
  h.tg.rateLimitNext("sendMessage", 1, 3);
  const sending = h.adapter.sendText({ chatId: "42" }, "hello");
  await waitUntil(() => h.clock.delays.includes(3000), { message: "the 3 s wait" });
  await h.clock.tick(2999);
  assert.equal(h.tg.calls("sendMessage").length, 1);
  assert.equal(h.tg.sent().length, 0);
  await h.clock.tick(1);
  const result = await sending;
  assert.equal(h.tg.calls("sendMessage").length, 2);
  assert.equal(result.messageId, String(h.tg.sent()[0].messageId));
});

Deno.test("a 409 conflict shows in status with the reason and backs off, never connected", async () => {
  await using h = await harness();
  h.tg.conflictNext(3);
  await h.connect();
  const polls = () => h.tg.calls("getUpdates").length;
  await waitUntil(() => h.adapter.status().lastError === CONFLICT_REASON);
  let status = h.adapter.status();
  assert.equal(status.connected, false);
  assert.equal(status.running, true);
  assert.equal(status.healthState, "conflict");
  assert.equal(status.lastError, "another process polls this bot token: 409 Conflict");
  // Backoff: no poll until the clock moves (1 s, then 2 s, then 4 s).
  await h.clock.tick(999);
  assert.equal(polls(), 1);
  await h.clock.tick(1);
  await waitUntil(() => h.adapter.status().reconnectAttempts === 2);
  assert.equal(polls(), 2);
  await h.clock.tick(1999);
  assert.equal(polls(), 2);
  assert.equal(h.adapter.status().connected, false);
  await h.clock.tick(1);
  await waitUntil(() => h.adapter.status().reconnectAttempts === 3);
  assert.equal(polls(), 3);
  await h.clock.tick(4000);
  await waitUntil(() => h.adapter.status().connected, { message: "connected after the conflict" });
  status = h.adapter.status();
  assert.equal(status.healthState, undefined);
  // One warning for the conflict, however often it repeated, and one line when it recovered.
  assert.equal(h.log.lines.filter((l) => l.includes("409 Conflict")).length, 1);
  assert.ok(
    h.log.lines.some((l) => l.startsWith("info Telegram account {accountId} is polling again")),
  );
});

Deno.test("a webhook set by another deployment shows as a 409 reason, not connected", async () => {
  await using h = await harness();
  await h.connect();
  await waitUntil(() => h.adapter.status().connected);
  h.tg.setWebhook("https://example.invalid/hook");
  await waitUntil(() => h.adapter.status().lastError === WEBHOOK_CONFLICT_REASON);
  assert.equal(h.adapter.status().connected, false);
  assert.equal(h.adapter.status().healthState, "webhook");
});

Deno.test("disconnect() then connect() (a config change) goes on with one poller and no loss", async () => {
  await using h = await harness();
  await h.connect();
  const first = h.tg.dm("before");
  await waitUntil(() => h.received.length === 1);
  await h.adapter.disconnect("config changed");
  assert.equal(h.adapter.status().running, false);
  const second = h.tg.dm("while stopped");
  await h.connect();
  await waitUntil(() => h.received.length === 2);
  assert.deepEqual(
    h.received.map((m) => m.updateId),
    [first, second].map((u) => String(u.update_id)),
  );
  assert.equal(h.adapter.status().connected, true);
  assert.equal(h.adapter.status().lastError, undefined);
});

Deno.test("a second adapter for the same bot token is refused until the first stops", async () => {
  await using h = await harness();
  await h.connect();
  const second = createTelegramAdapter({
    account: account("backup"),
    botToken: h.tg.token,
    apiRoot: h.tg.apiRoot,
    clock: h.clock,
    log: h.log,
    registry: h.registry,
    pollTimeoutSeconds: 1,
  });
  const stop = new AbortController();
  const onInbound = () => Promise.resolve();
  await assert.rejects(second.connect({ signal: stop.signal, onInbound }), (err) => {
    assert.ok(isOpenClawError(err, "TELEGRAM_TOKEN_IN_USE"));
    assert.equal(
      err.message,
      'Cannot poll Telegram for account "backup": account "default" already polls the same bot token in this process',
    );
    return true;
  });
  assert.equal(second.status().connected, false);
  assert.match(String(second.status().lastError), /already polls the same bot token/);
  await h.adapter.disconnect();
  assert.equal(h.adapter.status().running, false);
  assert.equal(h.registry.size, 0);
  await second.connect({ signal: stop.signal, onInbound });
  await waitUntil(() => second.status().connected);
  stop.abort();
  await second.disconnect();
  assert.equal(h.registry.size, 0);
});

Deno.test("HTML that Telegram rejects is sent again as plain text", async () => {
  await using h = await harness();
  const result = await h.adapter.sendText({ chatId: "42" }, "<b>5 < 6</b> <blink>x</blink>", {
    parseMode: "HTML",
  });
  assert.equal(h.tg.calls("sendMessage").length, 2);
  const [sent] = h.tg.sent();
  assert.equal(sent.parseMode, undefined);
  assert.equal(sent.text, "5 < 6 x");
  assert.equal(result.messageId, String(sent.messageId));
  assert.ok(h.log.lines.some((l) => l.includes("sent it as plain text")));
});

Deno.test("typing() repeats the chat action every 4 s until the turn ends", async () => {
  await using h = await harness();
  const turn = new AbortController();
  const typing = h.adapter.typing({ chatId: String(GROUP_ID), threadId: "1" }, turn.signal);
  const actions = () => h.tg.calls("sendChatAction");
  await waitUntil(() => actions().length === 1);
  assert.equal(actions()[0].params.action, "typing");
  // Typing, unlike sends, carries the General topic's id.
  assert.equal(actions()[0].params.message_thread_id, 1);
  await h.clock.tick(4000);
  await waitUntil(() => actions().length === 2);
  await h.clock.tick(4000);
  await waitUntil(() => actions().length === 3);
  turn.abort();
  await typing;
  await h.clock.tick(12_000);
  assert.equal(actions().length, 3);
});

Deno.test("probe() reports the bot's identity and stores it in status", async () => {
  await using h = await harness();
  const result = await h.adapter.probe();
  assert.equal(result.ok, true);
  assert.deepEqual(result.bot, { id: "123456789", username: "claw_test_bot", name: "Claw" });
  assert.deepEqual(h.adapter.status().probe, result);
  assert.equal(h.adapter.status().lastProbeAt, h.clock.now());
});

Deno.test("the bot token never appears in errors, status or logs", async () => {
  await using tg = await FakeTelegram.start();
  const wrong = "987654321:AAWrongToken_abcdefghijklmnopqrstuvw";
  const log = captureLog();
  const clock = new FakeClock();
  const signal = new AbortController().signal;
  const onInbound = () => Promise.resolve();
  // Rejected by the server: 401.
  const rejected = createTelegramAdapter({
    account: account(),
    botToken: wrong,
    apiRoot: tg.apiRoot,
    clock,
    log,
  });
  const err401 = await rejected.connect({ signal, onInbound }).then(() => undefined, (e) => e);
  assert.match(String(err401?.message), /Telegram rejected the bot token: 401 Unauthorized/);
  const probe = await rejected.probe();
  assert.equal(probe.ok, false);
  assert.equal(probe.issues?.[0]?.kind, "auth");
  // Unreachable server: the fetch error names the URL, token included.
  const closed = await FakeTelegram.start();
  const deadRoot = closed.apiRoot;
  await closed.close();
  const offline = createTelegramAdapter({
    account: account(),
    botToken: wrong,
    apiRoot: deadRoot,
    clock,
    log,
  });
  const errNet = await offline.connect({ signal, onInbound }).then(() => undefined, (e) => e);
  assert.match(String(errNet?.message), /^Cannot reach the Telegram Bot API \(getMe\)/);
  const texts = [
    err401?.message,
    errNet?.message,
    JSON.stringify(rejected.status()),
    JSON.stringify(offline.status()),
    JSON.stringify(probe),
    ...log.lines,
  ].join("\n");
  assert.ok(!texts.includes(wrong), texts);
  assert.ok(!texts.includes("AAWrongToken"), texts);
});

Deno.test("the token comes from TELEGRAM_BOT_TOKEN for the default account, else connect() says none", async () => {
  await using h = await harness({ botToken: undefined, env: {} });
  const signal = new AbortController().signal;
  await assert.rejects(
    h.adapter.connect({ signal, onInbound: () => Promise.resolve() }),
    (err) => isOpenClawError(err, "TELEGRAM_TOKEN_MISSING"),
  );
  assert.equal(h.adapter.status().configured, false);
  const fromEnv = createTelegramAdapter({
    account: account(),
    env: { TELEGRAM_BOT_TOKEN: h.tg.token },
    apiRoot: h.tg.apiRoot,
    clock: h.clock,
  });
  assert.equal(fromEnv.status().tokenSource, "env");
  assert.equal((await fromEnv.probe()).ok, true);
  const named = createTelegramAdapter({
    account: account("ops", { accounts: { ops: {} } }),
    env: { TELEGRAM_BOT_TOKEN: h.tg.token },
    apiRoot: h.tg.apiRoot,
  });
  assert.equal(named.status().configured, false);
});

Deno.test("the fake Bot API answers like Telegram: bodies, limits, HTML, 401, 409 and 429", async () => {
  await using tg = await FakeTelegram.start();
  const call = async (method: string, body?: BodyInit, type = "application/json") => {
    const res = await fetch(`${tg.apiRoot}/bot${tg.token}/${method}`, {
      method: "POST",
      headers: body === undefined ? {} : { "content-type": type },
      body,
    });
    return { status: res.status, body: await res.json() };
  };
  const form = new URLSearchParams({
    chat_id: "42",
    text: "hi",
    reply_parameters: JSON.stringify({ message_id: 3 }),
  });
  const sent = await call("sendMessage", form, "application/x-www-form-urlencoded");
  assert.equal(sent.body.ok, true);
  assert.equal(sent.body.result.text, "hi");
  assert.equal(tg.sent()[0].replyToMessageId, 3);
  const long = await call("sendMessage", JSON.stringify({ chat_id: 42, text: "x".repeat(4097) }));
  assert.deepEqual(long, {
    status: 400,
    body: { ok: false, error_code: 400, description: "Bad Request: message is too long" },
  });
  const html = await call(
    "sendMessage",
    JSON.stringify({ chat_id: 42, text: "<b>open", parse_mode: "HTML" }),
  );
  assert.match(html.body.description, /^Bad Request: can't parse entities: /);
  const unknown = await fetch(`${tg.apiRoot}/bot1:nope/getMe`).then((r) => r.json());
  assert.deepEqual(unknown, { ok: false, error_code: 401, description: "Unauthorized" });
  tg.rateLimitNext("sendChatAction", 1, 2);
  const limited = await call("sendChatAction", JSON.stringify({ chat_id: 42, action: "typing" }));
  assert.equal(limited.status, 429);
  assert.deepEqual(limited.body.parameters, { retry_after: 2 });
  // A newer poll supersedes a held one with 409, as the real server does.
  const held = call("getUpdates", JSON.stringify({ timeout: 5 }));
  await waitUntil(() => tg.pollers() === 1);
  const newer = await call("getUpdates", JSON.stringify({ timeout: 0 }));
  assert.deepEqual(newer.body, { ok: true, result: [] });
  assert.equal((await held).body.error_code, 409);
  assert.equal(tg.maxPollers(), 2);
});

Deno.test("apiRoot comes from channels.telegram.apiRoot and must not contain /bot<token>", async () => {
  await using tg = await FakeTelegram.start();
  const adapter = createTelegramAdapter({
    account: account(undefined, { apiRoot: `${tg.apiRoot}/` }),
    botToken: tg.token,
  });
  assert.equal((await adapter.probe()).ok, true);
  assert.equal(adapter.status().baseUrl, tg.apiRoot);
  assert.throws(
    () =>
      createTelegramAdapter({
        account: account(undefined, { apiRoot: `${tg.apiRoot}/bot${tg.token}` }),
        botToken: tg.token,
      }),
    (err) => {
      assert.ok(isOpenClawError(err, "TELEGRAM_API_ROOT_INVALID"));
      assert.ok(!err.message.includes(tg.token));
      return true;
    },
  );
});
