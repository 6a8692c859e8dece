/**
 * Feishu / Lark end to end: a real gateway process talks to the fake open platform
 * (tests/fixtures/fake_feishu.ts, reached through `channels.feishu.domain`) and answers with the
 * fake model provider. Long connection (the default): DM allowlist and pairing, the group
 * @-mention rule, long replies, heartbeats, a config edit that reconnects only Feishu. Webhook
 * mode: the gateway's own port serves `/feishu/events` — URL check, a signed and encrypted
 * event answered, a forged signature refused.
 */
import assert from "node:assert/strict";
import { type FakeFeishu, startFakeFeishu } from "../fixtures/fake_feishu.ts";
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
import { channelConfig, count, operator, waitForAccount, wake } from "./_channel_e2e.ts";

const ANN = "ou_ann00000000000000000000000000042";
const BOB = "ou_bob00000000000000000000000000077";
const GROUP = "oc_group00000000000000000000000001";

function feishuBlock(feishu: FakeFeishu, extra = ""): string {
  return `feishu: { appId: "${feishu.appId}", appSecret: "${feishu.appSecret}", ` +
    `domain: "${feishu.origin}", ${extra} },`;
}

async function start(
  sb: Sandbox,
  fake: FakeProvider,
  feishu: FakeFeishu,
  extra = "",
  parts: { agentDefaults?: string } = {},
): Promise<GatewayProcess> {
  const gw = await startGateway(
    sb,
    channelConfig(fake, { channels: feishuBlock(feishu, extra), ...parts }),
  );
  await gw.waitFor(/channel feishu\/default connected/, 20_000);
  return gw;
}

function sentMatching(feishu: FakeFeishu, pattern: RegExp) {
  return waitUntil(() => feishu.messages.find((m) => pattern.test(m.text)), {
    timeoutMs: 20_000,
    message: () => `a Feishu message matching ${pattern}: ${JSON.stringify(feishu.messages)}`,
  });
}

Deno.test("a Feishu DM from an allowFrom open_id is answered as a reply, and the event acknowledged", async () => {
  await using feishu = await startFakeFeishu();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "你好, Ann!" });
  await using _gw = await start(sb, fake, feishu, `allowFrom: ["${ANN}"]`);
  const event = feishu.messageEvent({ text: "hello bot", messageId: "om_dm_1" });
  const frame = feishu.pushEvent(event);
  const reply = await sentMatching(feishu, /你好, Ann!/);
  assert.equal(reply.kind, "reply");
  assert.equal(reply.replyTo, "om_dm_1");
  assert.match(JSON.stringify(fake.requests[0].body), /hello bot/);
  await waitUntil(() => feishu.acks.some((a) => a.messageId === frame && a.code === 200));
});

Deno.test("a Feishu DM from an unknown open_id gets a pairing code and no model call", async () => {
  await using feishu = await startFakeFeishu();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using gw = await start(sb, fake, feishu, `allowFrom: ["${ANN}"]`);
  feishu.pushEvent(feishu.messageEvent({ senderOpenId: BOB, text: "let me in" }));
  const pairing = await sentMatching(feishu, /Pairing code:/);
  assert.equal(pairing.receiveIdType, "open_id");
  assert.equal(pairing.receiveId, BOB);
  assert.match(pairing.text, /openclaw pairing approve feishu [A-Z2-9]{8}/);
  await gw.waitFor(new RegExp(`feishu/default dm ${BOB} from ${BOB}: pairing request`));
  assert.equal(fake.requests.length, 0);
});

Deno.test("a Feishu group message needs an @-mention of the bot; the mentioned one is answered", async () => {
  await using feishu = await startFakeFeishu();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Deployed." });
  await using gw = await start(sb, fake, feishu, `groupAllowFrom: ["${GROUP}"]`);
  feishu.pushEvent(feishu.messageEvent({ chatType: "group", text: "anyone deploying?" }));
  await gw.waitFor(new RegExp(`group ${GROUP} from ${ANN}: mention required`));
  assert.equal(fake.requests.length, 0);
  feishu.pushEvent(feishu.messageEvent({
    chatType: "group",
    messageId: "om_group_2",
    text: "@_user_1 please deploy",
    mentions: [{ openId: feishu.botOpenId, name: "clawbot" }],
  }));
  const reply = await sentMatching(feishu, /Deployed\./);
  assert.equal(reply.replyTo, "om_group_2");
  const input = JSON.stringify(fake.requests[0].body);
  assert.match(input, /please deploy/);
  assert.match(input, /anyone deploying\?/, "the unmentioned message came along as context");
  assert.equal(feishu.messages.length, 1);
});

Deno.test("a Feishu reply longer than 4000 characters arrives as ordered chunks", async () => {
  await using feishu = await startFakeFeishu();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const parts = ["alpha", "bravo", "charlie"].map((w, i) =>
    `Part ${i + 1}: ${`${w} `.repeat(400).trim()}`
  );
  fake.enqueue({ text: parts.join("\n\n") });
  await using _gw = await start(sb, fake, feishu, `allowFrom: ["${ANN}"]`);
  feishu.pushEvent(feishu.messageEvent({ text: "the long version please" }));
  await waitUntil(() => feishu.messages.some((m) => /Part 3/.test(m.text)), { timeoutMs: 20_000 });
  const sent = feishu.messages;
  assert.ok(sent.length >= 2, `${sent.length} message(s)`);
  assert.ok(sent.every((m) => m.text.length <= 4000));
  const joined = sent.map((m) => m.text).join(" ").replace(/\s+/g, " ");
  assert.equal(joined, parts.join(" ").replace(/\s+/g, " "));
});

Deno.test("heartbeats with target feishu deliver alerts to the open_id; HEARTBEAT_OK never reaches it", async () => {
  await using feishu = await startFakeFeishu();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "HEARTBEAT_OK" }, { text: "Certificate expires in 3 days" });
  await writeFile(`${sb.stateDir}/workspace/HEARTBEAT.md`, "# Checklist\n- certificates\n");
  await using gw = await start(sb, fake, feishu, `allowFrom: ["${ANN}"]`, {
    agentDefaults: `heartbeat: { every: "30m", target: "feishu", to: "${ANN}" },`,
  });
  const c = await operator(gw);
  await wake(c, "check now");
  await gw.waitFor(/heartbeat main: ok-token|heartbeat main: .*ack/, 20_000);
  assert.equal(feishu.messages.length, 0, "HEARTBEAT_OK was not sent");
  await wake(c, "check again");
  const alert = await sentMatching(feishu, /Certificate expires in 3 days/);
  assert.equal(alert.receiveIdType, "open_id");
  assert.equal(alert.receiveId, ANN);
  c.close();
});

Deno.test("a channels.feishu edit reconnects Feishu only; Telegram stays connected", async () => {
  await using feishu = await startFakeFeishu();
  await using tg = await FakeTelegram.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "pong" },
  });
  const text = (extra: string) =>
    channelConfig(fake, {
      channels: feishuBlock(feishu, `allowFrom: ["${ANN}"] ${extra}`) +
        `telegram: { botToken: "${tg.token}", apiRoot: "${tg.apiRoot}", allowFrom: ["${TG_ANN.id}"] },`,
    });
  await using gw = await startGateway(sb, text(""));
  await gw.waitFor(/channel feishu\/default connected/, 20_000);
  await gw.waitFor(/channel telegram\/default connected/, 20_000);
  await writeFile(sb.configPath, text(`, responsePrefix: "[fs]"`));
  await gw.waitFor(/channel feishu restarted for a config change/, 20_000);
  await waitUntil(() => count(gw, /channel feishu\/default connected/) === 2, {
    timeoutMs: 20_000,
  });
  assert.equal(count(gw, /channel telegram\/default connected/), 1, "Telegram was not touched");
  assert.doesNotMatch(gw.output(), /channel telegram restarted/);
  await waitUntil(() => feishu.openSockets === 1, { message: "the old long connection closed" });
  feishu.pushEvent(feishu.messageEvent({ text: "ping" }));
  const reply = await sentMatching(feishu, /pong/);
  assert.match(reply.text, /^\[fs\] pong/);
});

Deno.test("Feishu webhook mode: the gateway's port answers the URL check and signed, encrypted events", async () => {
  await using feishu = await startFakeFeishu();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Webhook works." });
  const webhook = `connectionMode: "webhook", encryptKey: "${feishu.encryptKey}", ` +
    `verificationToken: "${feishu.verificationToken}", allowFrom: ["${ANN}"]`;
  await using gw = await start(sb, fake, feishu, webhook);
  const url = `http://127.0.0.1:${gw.port}/feishu/events`;
  assert.equal(feishu.openSockets, 0, "no long connection in webhook mode");

  const check = await fetch(
    await feishu.webhookRequest({
      type: "url_verification",
      challenge: "c-123",
      token: feishu.verificationToken,
    }, { url, unsigned: true }),
  );
  assert.equal(check.status, 200);
  assert.deepEqual(await check.json(), { challenge: "c-123" });

  const forged = await fetch(
    await feishu.webhookRequest(feishu.messageEvent({ text: "forged" }), {
      url,
      badSignature: true,
    }),
  );
  await forged.body?.cancel();
  assert.equal(forged.status, 401);

  const res = await fetch(
    await feishu.webhookRequest(
      feishu.messageEvent({ text: "via webhook", messageId: "om_wh_1" }),
      {
        url,
      },
    ),
  );
  await res.body?.cancel();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-openclaw-delivery-accepted"), "durable");
  const reply = await sentMatching(feishu, /Webhook works\./);
  assert.equal(reply.replyTo, "om_wh_1");
  assert.equal(fake.requests.length, 1, "the forged event never reached the model");
  const c = await operator(gw);
  const account = await waitForAccount(c, "feishu", (a) => a.connected === true, "connected");
  assert.equal(account.mode, "webhook");
  assert.equal(account.webhookPath, "/feishu/events");
  c.close();
});
