/**
 * QQ end to end: a real gateway process talks to the fake QQ Bot platform
 * (tests/fixtures/fake_qqbot.ts, reached through `QQBOT_TOKEN_URL` / `QQBOT_API_URL`) and answers
 * with the fake model provider: the DM allowlist (QQ has no pairing: an unknown sender is
 * dropped with the reason logged), passive replies with `msg_id`/`msg_seq` on every chunk, group
 * @-messages, 5000-character chunks, the three ways to give credentials, and a config edit that
 * reconnects only QQ.
 */
import assert from "node:assert/strict";
import {
  FAKE_QQ_GROUP,
  FAKE_QQ_USER,
  type FakeQQBot,
  startFakeQQBot,
} from "../fixtures/fake_qqbot.ts";
import { type FakeProvider, startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { ANN as TG_ANN, FakeTelegram } from "../fixtures/fake_telegram.ts";
import {
  type GatewayProcess,
  makeSandbox,
  type Sandbox,
  startGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";
import { channelConfig, count, operator, waitForAccount } from "./_channel_e2e.ts";

const STRANGER = "F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0";

function endpoints(qq: FakeQQBot): Record<string, string> {
  return { QQBOT_TOKEN_URL: qq.tokenUrl, QQBOT_API_URL: qq.apiUrl };
}

async function start(
  sb: Sandbox,
  fake: FakeProvider,
  qq: FakeQQBot,
  qqbot: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const gw = await startGateway(sb, channelConfig(fake, { channels: `qqbot: { ${qqbot} },` }), {
    env: { ...endpoints(qq), ...env },
  });
  await gw.waitFor(/channel qqbot\/default connected/, 20_000);
  return gw;
}

function sentMatching(qq: FakeQQBot, pattern: RegExp) {
  return waitUntil(() => qq.messages.find((m) => pattern.test(m.content)), {
    timeoutMs: 20_000,
    message: () => `a QQ message matching ${pattern}: ${JSON.stringify(qq.messages)}`,
  });
}

Deno.test('a QQ DM from an allowFrom openid is answered as a passive reply (token "AppID:AppSecret")', async () => {
  await using qq = await startFakeQQBot();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Hi from the bot" });
  await using gw = await start(
    sb,
    fake,
    qq,
    `token: "${qq.appId}:${qq.clientSecret}", allowFrom: ["${FAKE_QQ_USER}"]`,
  );
  const { d } = qq.postC2C({ content: "hello" });
  const reply = await sentMatching(qq, /Hi from the bot/);
  assert.equal(reply.kind, "c2c");
  assert.equal(reply.openid, FAKE_QQ_USER);
  assert.equal(reply.msg_id, d.id);
  assert.equal(reply.msg_seq, 1);
  assert.match(JSON.stringify(fake.requests[0].body), /hello/);
  const c = await operator(gw);
  const account = await waitForAccount(c, "qqbot", (a) => a.connected === true, "connected");
  assert.equal(account.dmPolicy, "allowlist", "QQ's default once allowFrom names someone");
  c.close();
});

Deno.test("a QQ DM from an openid not in allowFrom is dropped with the reason logged (no pairing)", async () => {
  await using qq = await startFakeQQBot();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using gw = await start(
    sb,
    fake,
    qq,
    `appId: "${qq.appId}", clientSecret: "${qq.clientSecret}", allowFrom: ["${FAKE_QQ_USER}"]`,
  );
  qq.postC2C({ content: "let me in", userOpenid: STRANGER });
  // Long ids are shortened in the log (F0F0F0…F0F0).
  await gw.waitFor(
    /drop qqbot\/default dm F0F0F0\S* from \S+: blocked \(sender \S+ is not in allowFrom\)/,
  );
  assert.equal(qq.messages.length, 0, "no pairing code, no reply");
  assert.equal(fake.requests.length, 0);
  assert.doesNotMatch(gw.output(), /pairing request created/);
});

Deno.test("a QQ group @-message is answered in the group (clientSecret from a SecretRef)", async () => {
  await using qq = await startFakeQQBot();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Group answer" });
  await using _gw = await start(
    sb,
    fake,
    qq,
    `appId: "${qq.appId}", clientSecret: { source: "env", provider: "default", id: "QQ_SECRET" },
     allowFrom: ["${FAKE_QQ_USER}"], groupPolicy: "open"`,
    { QQ_SECRET: qq.clientSecret },
  );
  const { d } = qq.postGroupAt({ content: "what's the weather?" });
  const reply = await sentMatching(qq, /Group answer/);
  assert.equal(reply.kind, "group");
  assert.equal(reply.openid, FAKE_QQ_GROUP);
  assert.equal(reply.msg_id, d.id);
  assert.match(JSON.stringify(fake.requests[0].body), /what's the weather\?/);
});

Deno.test("a QQ reply longer than 5000 characters goes out in 5000-character passive replies (QQBOT_* env)", async () => {
  await using qq = await startFakeQQBot();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const parts = ["alpha", "bravo", "charlie"].map((w, i) =>
    `Part ${i + 1}: ${`${w} `.repeat(500).trim()}`
  );
  fake.enqueue({ text: parts.join("\n\n") });
  await using _gw = await start(sb, fake, qq, `allowFrom: ["${FAKE_QQ_USER}"]`, {
    QQBOT_APP_ID: qq.appId,
    QQBOT_CLIENT_SECRET: qq.clientSecret,
  });
  const { d } = qq.postC2C({ content: "tell me everything" });
  await waitUntil(() => qq.messages.some((m) => /Part 3/.test(m.content)), { timeoutMs: 20_000 });
  const sent = qq.messages;
  assert.ok(sent.length >= 2, `${sent.length} message(s)`);
  assert.ok(sent.every((m) => m.content.length <= 5000));
  assert.ok(sent.every((m) => m.msg_id === d.id), "every chunk answers the message");
  assert.deepEqual(sent.map((m) => m.msg_seq), sent.map((_, i) => i + 1));
  const joined = sent.map((m) => m.content).join(" ").replace(/\s+/g, " ");
  assert.equal(joined, parts.join(" ").replace(/\s+/g, " "));
});

Deno.test("a channels.qqbot edit reconnects QQ only; Telegram stays connected", async () => {
  await using qq = await startFakeQQBot();
  await using tg = await FakeTelegram.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "pong" },
  });
  const text = (extra: string) =>
    channelConfig(fake, {
      channels:
        `qqbot: { appId: "${qq.appId}", clientSecret: "${qq.clientSecret}", allowFrom: ["${FAKE_QQ_USER}"] ${extra} },
        telegram: { botToken: "${tg.token}", apiRoot: "${tg.apiRoot}", allowFrom: ["${TG_ANN.id}"] },`,
    });
  await using gw = await startGateway(sb, text(""), { env: endpoints(qq) });
  await gw.waitFor(/channel qqbot\/default connected/, 20_000);
  await gw.waitFor(/channel telegram\/default connected/, 20_000);
  await writeFile(sb.configPath, text(`, responsePrefix: "[qq]"`));
  await gw.waitFor(/channel qqbot restarted for a config change/, 20_000);
  await waitUntil(() => count(gw, /channel qqbot\/default connected/) === 2, { timeoutMs: 20_000 });
  assert.equal(count(gw, /channel telegram\/default connected/), 1, "Telegram was not touched");
  assert.doesNotMatch(gw.output(), /channel telegram restarted/);
  assert.equal(qq.openSockets, 1, "the old gateway connection closed");
  qq.postC2C({ content: "ping" });
  const reply = await sentMatching(qq, /pong/);
  assert.match(reply.content, /^\[qq\] pong/);
});
