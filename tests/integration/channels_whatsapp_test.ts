/**
 * WhatsApp end to end: a real gateway process with the fake model provider. WhatsApp Web cannot
 * be reached or faked at the protocol level, so the gateway runs with the test seam of
 * gateway/channels/platforms/whatsapp.ts (`OPENCLAW_TEST=1`, `OPENCLAW_TEST_WHATSAPP_FAKE`):
 * its Baileys sockets are the fake of tests/fixtures/fake_baileys.ts, driven from here over
 * tests/fixtures/fake_baileys_remote.ts. QR login through the running gateway, DM allowlist and
 * pairing, the group mention rule with the identity name, long replies, heartbeats, a config
 * edit that reconnects only WhatsApp, and logout.
 */
import assert from "node:assert/strict";
import { FakeBaileysRemote, type RemoteSocketHandle } from "../fixtures/fake_baileys_remote.ts";
import { fakeMessage } from "../fixtures/fake_baileys.ts";
import { type FakeProvider, startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { ANN as TG_ANN, FakeTelegram } from "../fixtures/fake_telegram.ts";
import {
  type GatewayProcess,
  makeSandbox,
  runCli,
  type Sandbox,
  startGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";
import { AGENT_TEST_TOKEN } from "./_agent_setup.ts";
import {
  accountStatus,
  channelConfig,
  count,
  operator,
  waitForAccount,
  wake,
} from "./_channel_e2e.ts";

/** The bot's linked phone. */
const BOT = { id: "15550001111:7@s.whatsapp.net", name: "Clawd phone" };
const ANN = "+15551234567";
const ANN_JID = "15551234567@s.whatsapp.net";
const BOB_JID = "447700900123@s.whatsapp.net";
const GROUP = "120363041234567890@g.us";
const CLI_ENV = { OPENCLAW_GATEWAY_TOKEN: AGENT_TEST_TOKEN };

function config(
  fake: FakeProvider,
  whatsapp: string,
  extra: Partial<Parameters<typeof channelConfig>[1]> = {},
) {
  return channelConfig(fake, { channels: `whatsapp: { ${whatsapp} },`, ...extra });
}

/** Stores a linked session as a finished login leaves it. */
async function seedLinked(sb: Sandbox): Promise<void> {
  const dir = `${sb.stateDir}/credentials/whatsapp/default`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(`${dir}/creds.json`, JSON.stringify({ me: BOT, registered: true }), {
    mode: 0o600,
  });
}

/** Starts a gateway on a linked account and opens its socket. */
async function linkedGateway(
  sb: Sandbox,
  wa: FakeBaileysRemote,
  text: string,
): Promise<{ gw: GatewayProcess; socket: RemoteSocketHandle }> {
  await seedLinked(sb);
  const gw = await startGateway(sb, text, { env: wa.env() });
  const socket = await wa.socket(1);
  assert.equal(socket.linked, true);
  socket.open();
  await gw.waitFor(/channel whatsapp\/default connected/, 20_000);
  return { gw, socket };
}

function sentMatching(wa: FakeBaileysRemote, pattern: RegExp) {
  return waitUntil(() => wa.sent.find((s) => pattern.test(s.text)), {
    timeoutMs: 20_000,
    message: () => `a WhatsApp message matching ${pattern}: ${JSON.stringify(wa.sent)}`,
  });
}

Deno.test("channels login draws the QR code in the terminal; after the scan the running gateway connects WhatsApp", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using gw = await startGateway(sb, config(fake, `allowFrom: ["${ANN}"]`), { env: wa.env() });
  await gw.waitFor(
    /channel whatsapp\/default not started: not linked — run openclaw channels login --channel whatsapp/,
  );
  const c = await operator(gw);
  const before = await accountStatus(c, "whatsapp");
  assert.equal(before.running, false);
  assert.equal(before.lastError, "not linked — run openclaw channels login --channel whatsapp");
  assert.equal(wa.sockets.length, 0, "an unlinked account opens no socket");

  const login = runCli(sb, ["channels", "login", "--channel", "whatsapp"], { env: CLI_ENV });
  const first = await wa.socket(1);
  first.qr("2@test-ref,noise,identity,adv"); // rendered in the gateway, handed to the CLI
  first.pair(BOT); // the phone scanned: WhatsApp stores the identity and closes with 515
  const restarted = await wa.socket(2);
  assert.equal(restarted.linked, true, "the login reconnects with the saved credentials");
  restarted.open();
  const channel = await wa.socket(3); // the gateway restarted the channel with the new session
  channel.open();
  const out = await login;
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /Scan this QR code with WhatsApp/);
  assert.match(out.stdout, /[█▀▄]{10,}/, "the code is drawn with block characters");
  assert.match(out.stdout, /WhatsApp default: Linked to \+15550001111/);
  const after = await waitForAccount(c, "whatsapp", (a) => a.connected === true, "connected");
  assert.equal(after.linked, true);
  const creds = `${sb.stateDir}/credentials/whatsapp/default/creds.json`;
  assert.equal(Deno.statSync(creds).mode! & 0o777, 0o600);
  const status = await runCli(sb, ["channels", "status", "--json"], { env: CLI_ENV });
  const wa0 = JSON.parse(status.stdout).channelAccounts.whatsapp[0];
  assert.equal(wa0.connected, true);
  c.close();
});

Deno.test("web.login.start answers with the QR code as a PNG data URL; web.login.wait with the outcome", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using gw = await startGateway(sb, config(fake, `allowFrom: ["${ANN}"]`), { env: wa.env() });
  const c = await operator(gw);
  const starting = c.request("web.login.start", { channel: "whatsapp" });
  (await wa.socket(1)).qr();
  const start = await starting;
  assert.equal(start.ok, true, JSON.stringify(start));
  assert.match(start.payload.qrDataUrl, /^data:image\/png;base64,/);
  assert.ok(start.payload.qrDataUrl.length <= 16384);
  assert.equal(start.payload.connected, false);
  const waiting = c.request("web.login.wait", {
    channel: "whatsapp",
    sessionKey: start.payload.sessionKey,
    currentQrDataUrl: start.payload.qrDataUrl,
  });
  (await wa.socket(1)).pair(BOT);
  (await wa.socket(2)).open();
  (await wa.socket(3)).open();
  const done = await waiting;
  assert.equal(done.ok, true, JSON.stringify(done));
  assert.equal(done.payload.connected, true);
  assert.equal(done.payload.e164, "+15550001111");
  await waitForAccount(c, "whatsapp", (a) => a.connected === true, "connected");
  c.close();
});

Deno.test("a WhatsApp DM from an allowFrom number is answered, with typing and a read receipt", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Hello Ann!" });
  const { gw, socket } = await linkedGateway(sb, wa, config(fake, `allowFrom: ["${ANN}"]`));
  await using _gw = gw;
  socket.upsert([fakeMessage({ chat: ANN_JID, id: "A1", text: "hi bot", pushName: "Ann" })]);
  const reply = await sentMatching(wa, /Hello Ann!/);
  assert.equal(reply.jid, ANN_JID);
  assert.match(JSON.stringify(fake.requests[0].body), /hi bot/);
  assert.ok(wa.presence.some((p) => p.presence === "composing" && p.jid === ANN_JID));
  await waitUntil(() => wa.reads.some((r) => r.keys.some((k) => k.id === "A1")));
});

Deno.test("a WhatsApp DM from an unknown number gets a pairing code and no model call", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const { gw, socket } = await linkedGateway(sb, wa, config(fake, `allowFrom: ["${ANN}"]`));
  await using _gw = gw;
  socket.upsert([fakeMessage({ chat: BOB_JID, id: "B1", text: "who are you?" })]);
  const pairing = await sentMatching(wa, /Pairing code:/);
  assert.equal(pairing.jid, BOB_JID);
  assert.match(pairing.text, /openclaw pairing approve whatsapp [A-Z2-9]{8}/);
  await gw.waitFor(/whatsapp\/default dm \+447700900123 from \+447700900123: pairing request/);
  assert.equal(fake.requests.length, 0);
});

Deno.test("a WhatsApp group message needs a mention; the agent's identity name counts as one", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Table booked." });
  // The chapter's starter: identity Clawd, every group with requireMention.
  const text = config(fake, `allowFrom: ["${ANN}"], groups: { "*": { requireMention: true } }`, {
    top: `identity: { name: "Clawd", emoji: "🦞" },`,
  });
  const { gw, socket } = await linkedGateway(sb, wa, text);
  await using _gw = gw;
  socket.upsert([fakeMessage({ chat: GROUP, participant: ANN_JID, id: "G1", text: "lunch?" })]);
  await gw.waitFor(/group 120363041234567890@g\.us from \+15551234567: mention required/);
  assert.equal(fake.requests.length, 0);
  socket.upsert([
    fakeMessage({ chat: GROUP, participant: ANN_JID, id: "G2", text: "@Clawd book a table" }),
  ]);
  const reply = await sentMatching(wa, /Table booked\./);
  assert.equal(reply.jid, GROUP);
  const input = JSON.stringify(fake.requests[0].body);
  assert.match(input, /book a table/);
  assert.match(input, /lunch\?/, "the unmentioned message came along as context");
  assert.equal(wa.sent.length, 1);
});

Deno.test("a WhatsApp reply longer than 4000 characters arrives as ordered chunks", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const parts = ["alpha", "bravo", "charlie"].map((w, i) =>
    `Part ${i + 1}: ${`${w} `.repeat(400).trim()}`
  );
  fake.enqueue({ text: parts.join("\n\n") });
  const text = config(fake, `allowFrom: ["${ANN}"], replyToMode: "first"`);
  const { gw, socket } = await linkedGateway(sb, wa, text);
  await using _gw = gw;
  socket.upsert([fakeMessage({ chat: ANN_JID, id: "L1", text: "a long story please" })]);
  await waitUntil(() => wa.sent.some((s) => /Part 3/.test(s.text)), { timeoutMs: 20_000 });
  assert.ok(wa.sent.length >= 2, `${wa.sent.length} message(s)`);
  assert.ok(wa.sent.every((s) => s.text.length <= 4000));
  assert.equal(wa.sent[0].quotedId, "L1", "replyToMode first: the first chunk quotes the question");
  assert.ok(wa.sent.slice(1).every((s) => s.quotedId === undefined));
  const joined = wa.sent.map((s) => s.text).join(" ").replace(/\s+/g, " ");
  assert.equal(joined, parts.join(" ").replace(/\s+/g, " "));
});

Deno.test("heartbeats with target whatsapp deliver alerts to the number; HEARTBEAT_OK never reaches it", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "HEARTBEAT_OK" }, { text: "The backup failed tonight" });
  await writeFile(`${sb.stateDir}/workspace/HEARTBEAT.md`, "# Checklist\n- backups\n");
  const text = config(fake, `allowFrom: ["${ANN}"]`, {
    agentDefaults: `heartbeat: { every: "30m", target: "whatsapp", to: "${ANN}" },`,
  });
  const { gw } = await linkedGateway(sb, wa, text);
  await using _gw = gw;
  const c = await operator(gw);
  await wake(c, "check now");
  await gw.waitFor(/heartbeat main: ok-token|heartbeat main: .*ack/, 20_000);
  assert.equal(wa.sent.length, 0, "HEARTBEAT_OK was not sent");
  await wake(c, "check again");
  const alert = await sentMatching(wa, /The backup failed tonight/);
  assert.equal(alert.jid, ANN_JID);
  c.close();
});

Deno.test("a channels.whatsapp edit reconnects WhatsApp only; Telegram stays connected", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using tg = await FakeTelegram.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "pong" },
  });
  const text = (prefix: string) =>
    channelConfig(fake, {
      channels: `whatsapp: { allowFrom: ["${ANN}"] ${prefix} },
        telegram: { botToken: "${tg.token}", apiRoot: "${tg.apiRoot}", allowFrom: ["${TG_ANN.id}"] },`,
    });
  const { gw } = await linkedGateway(sb, wa, text(""));
  await using _gw = gw;
  await gw.waitFor(/channel telegram\/default connected/, 20_000);
  await writeFile(sb.configPath, text(`, responsePrefix: "[wa]"`));
  await gw.waitFor(/channel whatsapp restarted for a config change/, 20_000);
  const again = await wa.socket(2);
  again.open();
  await waitUntil(() => count(gw, /channel whatsapp\/default connected/) === 2);
  assert.equal(count(gw, /channel telegram\/default connected/), 1, "Telegram was not touched");
  assert.doesNotMatch(gw.output(), /channel telegram restarted/);
  again.upsert([fakeMessage({ chat: ANN_JID, id: "P1", text: "ping" })]);
  const reply = await sentMatching(wa, /pong/);
  assert.match(reply.text, /^\[wa\] pong/);
});

Deno.test("channels logout unlinks through the running socket and status says how to log in again", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const { gw } = await linkedGateway(sb, wa, config(fake, `allowFrom: ["${ANN}"]`));
  await using _gw = gw;
  const out = await runCli(sb, ["channels", "logout", "--channel", "whatsapp"], { env: CLI_ENV });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /WhatsApp default: logged out/);
  assert.deepEqual(wa.logouts, [1], "the phone was told through the live socket");
  assert.equal(wa.sockets.length, 1, "no second socket");
  const c = await operator(gw);
  const account = await waitForAccount(c, "whatsapp", (a) => a.connected === false, "logged out");
  assert.equal(account.lastError, "logged out — run openclaw channels login --channel whatsapp");
  const list = await runCli(sb, ["channels", "list"], { env: CLI_ENV });
  assert.match(list.stdout, /WhatsApp default: enabled, not configured, not linked/);
  c.close();
});

Deno.test("the WhatsApp test seam is refused outside a test run and for anything but a fixture name", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await seedLinked(sb);
  const text = config(fake, `allowFrom: ["${ANN}"]`);
  {
    await using gw = await startGateway(sb, text, { env: { ...wa.env(), OPENCLAW_TEST: "" } });
    await gw.waitFor(
      /channel whatsapp\/default cannot start: Refusing OPENCLAW_TEST_WHATSAPP_FAKE: only a test run/,
    );
  }
  {
    await using gw = await startGateway(sb, text, {
      env: { ...wa.env(), OPENCLAW_TEST_WHATSAPP_FAKE: "../../main.ts" },
    });
    await gw.waitFor(/cannot start: Refusing OPENCLAW_TEST_WHATSAPP_FAKE="\.\.\/\.\.\/main\.ts"/);
  }
  assert.equal(wa.sockets.length, 0);
});

Deno.test("config validate names a channels.whatsapp.allowFrom entry that is not E.164", async () => {
  await using sb = await makeSandbox({
    config:
      `{ gateway: { mode: "local" }, channels: { whatsapp: { allowFrom: ["+15551234567", "alice"] } } }`,
  });
  const out = await runCli(sb, ["config", "validate"]);
  assert.equal(out.code, 78);
  assert.match(
    out.stdout + out.stderr,
    /- channels\.whatsapp\.allowFrom\[1\]: "alice" is not a phone number in E\.164 form/,
  );
});

Deno.test("channels list calls an account linked only once a phone finished the login", async () => {
  await using sb = await makeSandbox({
    config: `{ gateway: { mode: "local" }, channels: { whatsapp: { allowFrom: ["${ANN}"] } } }`,
  });
  // A login that was never scanned leaves credentials without an identity behind.
  const dir = `${sb.stateDir}/credentials/whatsapp/default`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/creds.json`, JSON.stringify({ registered: false }));
  const before = await runCli(sb, ["channels", "list"]);
  assert.match(before.stdout, /WhatsApp default: enabled, not configured, not linked/);
  await seedLinked(sb);
  const after = await runCli(sb, ["channels", "list"]);
  assert.match(after.stdout, /WhatsApp default: enabled, configured, linked/);
});

Deno.test("channels login and logout are for WhatsApp only; logout with nothing linked says so", async () => {
  await using sb = await makeSandbox({
    config: `{ gateway: { mode: "local" }, channels: { whatsapp: { allowFrom: ["${ANN}"] } } }`,
  });
  const feishu = await runCli(sb, ["channels", "login", "--channel", "feishu"]);
  assert.equal(feishu.code, 2);
  assert.match(feishu.stderr, /Cannot log in to feishu: only WhatsApp links by QR code/);
  const logout = await runCli(sb, ["channels", "logout", "--channel", "whatsapp"]);
  assert.equal(logout.code, 0, logout.stdout + logout.stderr);
  assert.match(logout.stdout, /WhatsApp default: not linked \(nothing to log out\)/);
});

Deno.test("a session the phone unlinked while the gateway was down stops WhatsApp without a retry loop", async () => {
  await using wa = await FakeBaileysRemote.start();
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await seedLinked(sb);
  await using gw = await startGateway(sb, config(fake, `allowFrom: ["${ANN}"]`), {
    env: wa.env(),
  });
  (await wa.socket(1)).close(401, "Connection Failure"); // WhatsApp: this device was removed
  await gw.waitFor(
    /channel whatsapp\/default stopped: logged out — run openclaw channels login --channel whatsapp/,
  );
  const c = await operator(gw);
  const account = await accountStatus(c, "whatsapp");
  assert.equal(account.running, false);
  assert.equal(account.lastError, "logged out — run openclaw channels login --channel whatsapp");
  assert.equal(account.nextRetryAt, undefined, "no retry is scheduled");
  assert.equal(account.healthState, "logged-out");
  assert.equal(wa.sockets.length, 1);
  assert.doesNotMatch(gw.output(), /whatsapp\/default cannot connect/);
  c.close();
});
