/**
 * A gateway whose config names no channel does not load its channel layer at start, yet answers
 * every channel method as a layer with no channel would, starts a channel added to the config
 * while it runs, and still deals at start with what a previous run left in the inbound journal.
 */
import assert from "node:assert/strict";
import { ANN, FakeTelegram } from "../fixtures/fake_telegram.ts";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox, runCli, startGateway, waitUntil, writeFile } from "../helpers.ts";
import { channelConfig, operator } from "./_channel_e2e.ts";
import type { FakeProvider } from "../fixtures/fake_providers/mod.ts";

/** The fake model and no channel at all. */
function noChannels(fake: FakeProvider): string {
  return channelConfig(fake, { channels: "" });
}

Deno.test("a gateway started without channels starts Telegram when channels.telegram is added to the config", async () => {
  await using sb = await makeSandbox();
  await using tg = await FakeTelegram.start();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "pong" },
  });
  await using gw = await startGateway(sb, noChannels(fake));
  const before = await runCli(sb, ["channels", "status", "--json"]);
  assert.equal(before.code, 0, before.stdout + before.stderr);
  assert.deepEqual(JSON.parse(before.stdout).channelOrder, []);

  const set = await runCli(sb, [
    "config",
    "set",
    "channels.telegram",
    JSON.stringify({ botToken: tg.token, apiRoot: tg.apiRoot, allowFrom: [String(ANN.id)] }),
  ]);
  assert.equal(set.code, 0, set.stdout + set.stderr);
  await gw.waitFor(/channel telegram restarted for a config change/, 20_000);
  await gw.waitFor(/channel telegram\/default connected/, 20_000);

  tg.dm("ping");
  const reply = await waitUntil(() => tg.sent().find((s) => /pong/.test(s.plainText)), {
    timeoutMs: 20_000,
    message: () => `the reply; sent: ${JSON.stringify(tg.sent())}`,
  });
  assert.equal(reply.plainText, "pong");
  const after = await runCli(sb, ["channels", "status", "--json"]);
  assert.equal(after.code, 0, after.stdout + after.stderr);
  const status = JSON.parse(after.stdout);
  assert.deepEqual(status.channelOrder, ["telegram"]);
  assert.equal(status.channels.telegram.connected, true);
});

Deno.test("without channels, the channel methods answer as a channel layer with no channel", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using gw = await startGateway(sb, noChannels(fake));
  const c = await operator(gw);
  const ok = async (method: string, params: unknown) => {
    const r = await c.request(method, params);
    assert.equal(r.ok, true, `${method}: ${JSON.stringify(r)}`);
    return r.payload;
  };

  const status = await ok("channels.status", { probe: true });
  assert.deepEqual(
    { ...status, ts: 0 },
    {
      ts: 0,
      channelOrder: [],
      channelLabels: {},
      channelDetailLabels: {},
      channelMeta: [],
      channels: {},
      channelAccounts: {},
      channelDefaultAccountId: {},
    },
  );
  const health = await ok("health", {});
  assert.deepEqual(health.channels, {});
  assert.deepEqual(health.subsystems.channels, { status: "running", required: false });
  assert.deepEqual((await ok("status", {})).subsystems.channels, {
    channels: 0,
    accounts: 0,
    connected: 0,
    pendingInbound: 0,
    failedReplies: 0,
    deadLetters: 0,
    status: "running",
    required: false,
  });
  assert.deepEqual(await ok("channels.failed.list", {}), { failed: [] });
  assert.deepEqual(await ok("channels.failed.resend", { ids: ["a", "a", "b"] }), {
    results: [{ id: "a", status: "unknown" }, { id: "b", status: "unknown" }],
  });
  assert.deepEqual(await ok("channels.failed.drop", { all: true }), { dropped: 0 });
  const pairing = await ok("channels.pairing.list", {});
  assert.deepEqual(pairing.accounts, []);
  assert.deepEqual(pairing.requests, []);

  const wait = await c.request("web.login.wait", {});
  assert.equal(wait.ok, false);
  assert.equal(wait.error.details.code, "CHANNEL_LOGIN_NOT_FOUND");
  const logout = await c.request("channels.logout", { channel: "telegram" });
  assert.equal(logout.ok, false);
  assert.equal(logout.error.details.code, "CHANNEL_LOGOUT_UNSUPPORTED");
  c.close();
});

Deno.test("a message left unanswered in the journal is handled at start after its channel was removed", async () => {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const now = Date.now();
  const message = {
    channel: "telegram",
    accountId: "default",
    chatId: String(ANN.id),
    chatType: "dm",
    senderId: String(ANN.id),
    messageId: "7",
    text: "are you there?",
    timestamp: now,
  };
  const kept = {
    channel: "telegram",
    accountId: "default",
    target: { chatId: String(ANN.id) },
    chunks: ["an old reply"],
  };
  await writeFile(
    `${sb.stateDir}/channels/inbound-journal.jsonl`,
    [
      { t: "in", key: `telegram:default:m:${ANN.id}:7`, at: now, msg: message },
      { t: "out", id: "kept-1", at: now, send: kept, error: "chat not found" },
    ].map((r) => JSON.stringify(r) + "\n").join(""),
  );
  await using gw = await startGateway(sb, noChannels(fake));
  await gw.waitFor(/answering 1 message\(s\) left unanswered before the restart/, 20_000);
  await gw.waitFor(/drop telegram\/default dm .*channel telegram is disabled/, 20_000);
  const c = await operator(gw);
  const list = await c.request("channels.failed.list", {});
  assert.equal(list.ok, true, JSON.stringify(list));
  assert.deepEqual(list.payload.failed.map((f: { id: string }) => f.id), ["kept-1"]);
  c.close();
});
