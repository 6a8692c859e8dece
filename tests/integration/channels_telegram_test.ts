/**
 * Telegram end to end: a real gateway process polls the fake Bot API (tests/fixtures/
 * fake_telegram.ts, reached through `channels.telegram.apiRoot`) and answers with the fake model
 * provider. DM pairing, the group mention rule, long replies, heartbeats to a chat, a hot config
 * edit, a 409 conflict in status, and a `kill -9` between receipt and reply.
 */
import assert from "node:assert/strict";
import { ANN, FakeTelegram, GROUP_ID, type SentMessage } from "../fixtures/fake_telegram.ts";
import { type FakeProvider, startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import {
  freePort,
  type GatewayProcess,
  makeSandbox,
  runCli,
  spawnGateway,
  startGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";
import { AGENT_TEST_TOKEN } from "./_agent_setup.ts";

/** A gateway config: the fake model, Telegram on the fake Bot API, plus `telegram` and `extra`. */
function config(fake: FakeProvider, tg: FakeTelegram, telegram = "", extra = ""): string {
  return `{
    gateway: { mode: "local", auth: { mode: "token", token: "${AGENT_TEST_TOKEN}" } },
    models: {
      mode: "replace",
      providers: {
        fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
      },
    },
    agents: { defaults: { model: "fake/m1" ${extra} } },
    channels: {
      telegram: { botToken: "${tg.token}", apiRoot: "${tg.apiRoot}", ${telegram} },
    },
  }`;
}

async function operator(gw: GatewayProcess): Promise<RawClient> {
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const hello = await c.request("connect", cliConnectParams(AGENT_TEST_TOKEN));
  assert.equal(hello.ok, true, JSON.stringify(hello));
  return c;
}

/** Waits until the bot has sent a message matching `pattern` (plain text); returns it. */
function sentMatching(tg: FakeTelegram, pattern: RegExp, timeoutMs = 20_000): Promise<SentMessage> {
  return waitUntil(() => tg.sent().find((s) => pattern.test(s.plainText)), {
    timeoutMs,
    message: () => `a sent message matching ${pattern}; sent: ${JSON.stringify(tg.sent())}`,
  });
}

/** The user texts the model received, in order. */
function modelInputs(fake: FakeProvider): string {
  return JSON.stringify(fake.requests.map((r) => r.body.messages));
}

async function connected(gw: GatewayProcess): Promise<void> {
  await gw.waitFor(/channel telegram\/default connected/, 20_000);
}

Deno.test("an unknown Telegram user gets a pairing code; once approved, the model answers", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Hello Ann, how can I help?" });
  await using gw = await startGateway(sb, config(fake, tg));
  await connected(gw);
  tg.dm("hi there");
  const pairing = await sentMatching(tg, /Pairing code:/);
  assert.equal(pairing.chatId, String(ANN.id));
  const code = /Pairing code:\s*([A-Z2-9]{8})/.exec(pairing.plainText)?.[1];
  assert.ok(code, pairing.plainText);
  assert.match(pairing.plainText, /openclaw pairing approve telegram [A-Z2-9]{8}/);
  assert.match(pairing.plainText, /expires in 60 minutes/);
  assert.equal(fake.requests.length, 0, "no model call for an unapproved sender");
  await gw.waitFor(/pairing request \(sender 42 is not approved yet\)/);
  // Writing the same message again gets the same code.
  tg.dm("hello?");
  await waitUntil(() => tg.sent().filter((s) => s.plainText.includes(code)).length === 2);

  const approve = await runCli(sb, ["pairing", "approve", "telegram", code], {
    env: { OPENCLAW_GATEWAY_TOKEN: AGENT_TEST_TOKEN },
  });
  assert.equal(approve.code, 0, approve.stdout + approve.stderr);
  tg.dm("what can you do?");
  const reply = await sentMatching(tg, /Hello Ann/);
  assert.equal(reply.chatId, String(ANN.id));
  assert.match(modelInputs(fake), /what can you do\?/);
  assert.ok(tg.calls("sendChatAction").length >= 1, "typing was shown while the turn ran");
});

Deno.test("a group message without a mention is ignored and logged; with a mention it is answered with the context", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Booked for noon." });
  await using gw = await startGateway(sb, config(fake, tg, `groupPolicy: "open"`));
  await connected(gw);
  tg.group("anyone up for lunch?");
  await gw.waitFor(/mention required \(group -1001234567890: the bot was not mentioned\)/);
  await gw.waitFor(/telegram\/default group -1001234567890 from 42/);
  assert.equal(fake.requests.length, 0);
  tg.group("book a table please", { mention: true });
  const reply = await sentMatching(tg, /Booked for noon/);
  assert.equal(reply.chatId, String(GROUP_ID));
  const input = modelInputs(fake);
  assert.match(input, /Chat messages since your last reply - for context/);
  assert.match(input, /anyone up for lunch\?/);
  assert.match(input, /book a table please/);
  assert.equal(tg.sent().length, 1, "the unmentioned message got no reply");
});

Deno.test("a reply longer than 4096 characters arrives as ordered chunks", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const paragraphs = ["alpha", "bravo", "charlie"].map((w, i) =>
    `Part ${i + 1}: ` + `${w} `.repeat(450).trim()
  );
  fake.enqueue({ text: paragraphs.join("\n\n") });
  await using gw = await startGateway(sb, config(fake, tg, `allowFrom: ["${ANN.id}"]`));
  await connected(gw);
  tg.dm("write a long story");
  await waitUntil(
    () => tg.sent().length >= 2 && tg.sent().some((s) => /Part 3/.test(s.plainText)),
    {
      timeoutMs: 20_000,
      message: () => `chunks; sent: ${tg.sent().length}`,
    },
  );
  const sent = tg.sent();
  assert.ok(sent.every((s) => s.text.length <= 4096), "every chunk within the limit");
  const joined = sent.map((s) => s.plainText).join("\n\n");
  assert.ok(joined.indexOf("Part 1") < joined.indexOf("Part 2"));
  assert.ok(joined.indexOf("Part 2") < joined.indexOf("Part 3"));
  assert.equal(joined.replace(/\s+/g, " "), paragraphs.join(" ").replace(/\s+/g, " "));
});

Deno.test("heartbeats with target telegram deliver alerts to the chat; HEARTBEAT_OK never reaches it", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "HEARTBEAT_OK" }, { text: "Disk is 95% full on /var" });
  await writeFile(`${sb.stateDir}/workspace/HEARTBEAT.md`, "# Checklist\n- check the disk\n");
  await using gw = await startGateway(
    sb,
    config(fake, tg, "", `, heartbeat: { every: "30m", target: "telegram", to: "${ANN.id}" }`),
  );
  await connected(gw);
  const c = await operator(gw);
  const wake = async () => {
    const r = await c.request("wake", { mode: "now", text: "check now" });
    assert.equal(r.ok, true, JSON.stringify(r));
  };
  await wake();
  await waitUntil(() => fake.requests.length === 1 && fake.pending() === 1);
  await gw.waitFor(/heartbeat main: ok-token|heartbeat main: .*ack/, 20_000);
  assert.equal(tg.sent().length, 0, "HEARTBEAT_OK was not sent");
  await wake();
  const alert = await sentMatching(tg, /Disk is 95% full/);
  assert.equal(alert.chatId, String(ANN.id));
  assert.ok(!tg.sent().some((s) => /HEARTBEAT_OK/.test(s.plainText)));
  c.close();
});

Deno.test('a heartbeat with target "last" reaches the chat the main session was last contacted from', async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Noted." }, { text: "Reminder: the report is due today" });
  await writeFile(`${sb.stateDir}/workspace/HEARTBEAT.md`, "# Checklist\n- deadlines\n");
  await using gw = await startGateway(
    sb,
    config(fake, tg, `allowFrom: ["${ANN.id}"]`, `, heartbeat: { every: "30m", target: "last" }`),
  );
  await connected(gw);
  tg.dm("remember the report");
  await sentMatching(tg, /Noted\./);
  const c = await operator(gw);
  const r = await c.request("wake", { mode: "now", text: "check deadlines" });
  assert.equal(r.ok, true, JSON.stringify(r));
  const alert = await sentMatching(tg, /Reminder: the report is due today/);
  assert.equal(alert.chatId, String(ANN.id));
  c.close();
});

Deno.test("a reply the platform refused is kept, counted in channels.status, and resent once", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Your weekly report" });
  tg.failNext("sendMessage", 1, { error_code: 400, description: "Bad Request: chat not found" });
  await using gw = await startGateway(sb, config(fake, tg, `allowFrom: ["${ANN.id}"]`));
  await connected(gw);
  const c = await operator(gw);
  tg.dm("send me the report");
  const account = await waitUntil(async () => {
    const s = await c.request("channels.status", {});
    const a = s.payload.channelAccounts.telegram[0];
    return a.failedOutbound === 1 ? { a, summary: s.payload.channels.telegram } : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100, message: "a kept reply in channels.status" });
  assert.equal(account.summary.failedReplies, 1);
  await gw.waitFor(/failed after 0 of 1 message\(s\): .*chat not found.*; kept for retry/);
  const list = await c.request("channels.failed.list", {});
  assert.equal(list.ok, true, JSON.stringify(list));
  if (list.payload.failed.length === 1) {
    assert.match(list.payload.failed[0].lastError, /chat not found/);
    const resend = await c.request("channels.failed.resend", { all: true });
    assert.equal(resend.ok, true, JSON.stringify(resend));
  }
  // Resent by the operator (or by the retry timer first), exactly once.
  await sentMatching(tg, /Your weekly report/);
  const after = await c.request("channels.failed.list", {});
  assert.deepEqual(after.payload.failed, []);
  assert.equal(tg.sent().filter((m) => /Your weekly report/.test(m.plainText)).length, 1);
  c.close();
});

Deno.test("a channels.telegram edit reconnects Telegram without restarting the gateway", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "pong" },
  });
  await using gw = await startGateway(sb, config(fake, tg, `allowFrom: ["${ANN.id}"]`));
  await connected(gw);
  const c = await operator(gw);
  const before = (await c.request("status", {})).payload.pid;
  await writeFile(
    sb.configPath,
    config(fake, tg, `allowFrom: ["${ANN.id}"], responsePrefix: "[bot]"`),
  );
  await gw.waitFor(/channel telegram restarted for a config change/, 20_000);
  await waitUntil(() => gw.output().split(/channel telegram\/default connected/).length === 3, {
    timeoutMs: 20_000,
    message: "the second connect",
  });
  // The same process, and the operator connection stayed up through the reconnect.
  const status = await c.request("status", {});
  assert.equal(status.ok, true);
  assert.equal(status.payload.pid, before);
  assert.equal(tg.maxPollers(), 1, "the old poller stopped before the new one started");
  tg.dm("ping");
  const reply = await sentMatching(tg, /pong/);
  assert.match(reply.plainText, /^\[bot\] pong/);
  c.close();
});

Deno.test("a 409 conflict shows in channels.status and health with the reason", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  // Another poller holds the token: every getUpdates is answered 409.
  tg.conflictNext(1000);
  await using gw = await startGateway(sb, config(fake, tg));
  const c = await operator(gw);
  const first = await c.request("channels.status", {});
  assert.equal(first.ok, true, JSON.stringify(first));
  assert.deepEqual(first.payload.channelOrder, ["telegram"]);
  assert.equal(first.payload.channelLabels.telegram, "Telegram");
  assert.equal(first.payload.channelDefaultAccountId.telegram, "default");
  const account = await waitUntil(async () => {
    const r = await c.request("channels.status", {});
    const a = r.payload.channelAccounts.telegram[0];
    return a.connected === false && /409|Conflict/.test(a.lastError ?? "") ? a : undefined;
  }, { timeoutMs: 20_000, intervalMs: 200, message: "a 409 in channels.status" });
  assert.equal(account.running, true);
  assert.equal(account.healthState, "conflict");
  const health = await c.request("health", {});
  const telegram = health.payload.channels.telegram;
  assert.equal(telegram.connected, false);
  assert.match(telegram.lastError, /another process polls this bot token: 409 Conflict/);
  c.close();
});

Deno.test("kill -9 after the update was stored but before the reply: the restart answers it exactly once", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  // The first turn hangs (the gateway dies during it); the second answers.
  fake.enqueue({ text: "too late", delayMs: 60_000 }, { text: "Here is your answer." });
  const text = config(fake, tg, `allowFrom: ["${ANN.id}"]`);
  await writeFile(sb.configPath, text);
  const port = freePort();
  {
    const gw = spawnGateway(sb, ["--port", String(port)], { port });
    await gw.waitFor(/channel telegram\/default connected/, 20_000);
    tg.dm("are you there?");
    await waitUntil(() => fake.requests.length === 1, { timeoutMs: 20_000 });
    await gw.stop("SIGKILL");
  }
  await using gw = spawnGateway(sb, ["--port", String(port)], { port });
  await gw.waitFor(/answering 1 message\(s\) left unanswered/, 20_000);
  await sentMatching(tg, /Here is your answer/);
  await connected(gw);
  // Give a duplicate a chance to show up: the poller confirms the offset and the journal dedupes.
  await waitUntil(() => tg.pendingUpdates().length === 0, { timeoutMs: 20_000 });
  assert.equal(tg.sent().length, 1, JSON.stringify(tg.sent()));
  assert.equal(fake.requests.length, 2);
});
