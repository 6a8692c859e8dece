/**
 * The WhatsApp channel through a fake Baileys socket (tests/fixtures/fake_baileys.ts): the
 * shared QR login (515 restart inside the routine), credentials on disk, the adapter's inbound
 * path (E.164 ids, mentions, replies, dedupe, read receipts after storing), sends, typing,
 * logout and reconnects on a fake clock. One test pins our socket interface and constants to
 * the real Baileys package.
 */
import assert from "node:assert/strict";
import type { WASocket } from "baileys";
import { decideAccess } from "../../../lib/channels/access.ts";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import { formatForAccount } from "../../../lib/channels/outbound_format.ts";
import type { InboundMessage } from "../../../lib/channels/types.ts";
import {
  createWhatsAppAdapter,
  DisconnectCode,
  logoutWhatsApp,
  resolveWhatsAppAuthDir,
  startWhatsAppLogin,
  validateWhatsAppConfig,
  type WhatsAppAdapterOptions,
  type WhatsAppChannelAdapter,
  type WhatsAppLoginOptions,
  type WhatsAppQr,
  type WhatsAppSocket,
} from "../../../lib/channels/whatsapp/mod.ts";
import {
  parseWithBuffers,
  stringifyWithBuffers,
} from "../../../lib/channels/whatsapp/_buffer_json.ts";
import { isOpenClawError } from "../../../lib/errors.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { FakeBaileys, type FakeBaileysSocket, fakeMessage } from "../../fixtures/fake_baileys.ts";
import { freePort, tempDir, waitUntil } from "../../helpers.ts";
import { config } from "./_fixtures.ts";

/** The bot's linked number. */
const BOT = { id: "15550001111:7@s.whatsapp.net", lid: "99887766:7@lid", name: "Clawd phone" };
const BOT_JID = "15550001111@s.whatsapp.net";
const BOT_LID = "99887766@lid";
const ANN = "15551234567@s.whatsapp.net";
const ANN_E164 = "+15551234567";
const BOB = "447700900123@s.whatsapp.net";
const GROUP = "120363041234567890@g.us";

function mode(path: string): number {
  return Deno.statSync(path).mode! & 0o777;
}

/** Writes linked credentials as a finished login leaves them. */
function seedLinked(stateDir: string, accountId = "default"): string {
  const dir = resolveWhatsAppAuthDir({ stateDir, accountId });
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  Deno.writeTextFileSync(`${dir}/creds.json`, JSON.stringify({ me: BOT, registered: false }), {
    mode: 0o600,
  });
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Login
// ---------------------------------------------------------------------------------------------

function login(stateDir: string, baileys: FakeBaileys, over: Partial<WhatsAppLoginOptions> = {}) {
  const qrs: WhatsAppQr[] = [];
  const states: string[] = [];
  const session = startWhatsAppLogin({
    stateDir,
    ...baileys.seams(),
    onQr: (qr) => void qrs.push(qr),
    onState: (s) => void states.push(s),
    ...over,
  });
  return { session, qrs, states };
}

Deno.test("startWhatsAppLogin() shows a QR code for the terminal and the dashboard, then links", async () => {
  await using tmp = await tempDir();
  const baileys = new FakeBaileys();
  const { session, qrs } = login(tmp.path, baileys);
  const socket = await baileys.socket(1);
  socket.qr("2@ref-one,noise,identity,adv");
  const qr = await session.waitForQr();
  assert.equal(qr?.index, 1);
  assert.equal(qr?.qr, "2@ref-one,noise,identity,adv");
  assert.match(qr!.terminal, /[█▀▄]/);
  assert.match(qr!.dataUrl, /^data:image\/png;base64,/);
  assert.ok(qr!.dataUrl.length <= 16384, "stock's web.login limit");
  const png = Uint8Array.from(atob(qr!.dataUrl.split(",")[1]), (c) => c.charCodeAt(0));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  await waitUntil(() => qrs.length === 1);
  socket.qr("2@ref-two,noise,identity,adv");
  assert.equal((await session.waitForQr(1))?.index, 2);
  socket.credsUpdate({ me: BOT });
  socket.open();
  const result = await session.result;
  assert.equal(result.status, "linked");
  assert.equal(result.e164, "+15550001111");
  assert.equal(result.jid, BOT.id);
  assert.equal(result.restarts, 0);
  assert.equal(session.state, "connected");
  assert.ok(socket.ended, "the login's socket is closed; the channel connects on its own");
  assert.equal(await session.waitForQr(2), undefined);
});

Deno.test("startWhatsAppLogin() survives the post-scan 515 by reconnecting with the saved credentials", async () => {
  await using tmp = await tempDir();
  const baileys = new FakeBaileys();
  const { session, states } = login(tmp.path, baileys);
  const first = await baileys.socket(1);
  first.qr();
  await session.waitForQr();
  first.pair(BOT); // creds.update with `me`, then close 515 restart required
  const second = await baileys.socket(2);
  assert.deepEqual(second.init.auth.creds.me, BOT, "the restart logs in with the new identity");
  assert.equal(first.listeners("connection.update"), 0, "the first socket's listeners are gone");
  second.open();
  const result = await session.result;
  assert.equal(result.status, "linked");
  assert.equal(result.restarts, 1);
  assert.deepEqual(states, ["waiting-for-scan", "restarting", "connected"]);
});

Deno.test("startWhatsAppLogin() stores credentials 0600 in a 0700 directory, in Baileys' format", async () => {
  await using tmp = await tempDir();
  const baileys = new FakeBaileys();
  const { session } = login(tmp.path, baileys);
  const first = await baileys.socket(1);
  first.qr();
  await first.init.auth.keys.set({
    "pre-key": { "1": { public: new Uint8Array([1, 2, 3]), private: new Uint8Array([4, 5]) } },
    "session": { "15550001111.0": { raw: new Uint8Array([9]) } },
  });
  first.pair(BOT);
  const second = await baileys.socket(2);
  second.credsUpdate({ nextPreKeyId: 31 });
  second.open();
  const { authDir } = await session.result;
  assert.equal(authDir, `${tmp.path}/credentials/whatsapp/default`);
  assert.equal(mode(authDir), 0o700);
  for (
    const file of ["creds.json", "creds.json.bak", "pre-key-1.json", "session-15550001111.0.json"]
  ) {
    assert.equal(mode(`${authDir}/${file}`), 0o600, file);
  }
  const creds = JSON.parse(Deno.readTextFileSync(`${authDir}/creds.json`));
  assert.equal(creds.me.id, BOT.id);
  assert.deepEqual(creds.noiseKey.private, { type: "Buffer", data: btoa("\x07".repeat(32)) });
  const leftovers = [...Deno.readDirSync(authDir)].filter((e) => e.name.endsWith(".tmp"));
  assert.deepEqual(leftovers, [], "atomic writes leave no temp files");
  const keys = await first.init.auth.keys.get("pre-key", ["1", "2"]);
  assert.deepEqual([...(keys["1"] as { public: Uint8Array }).public], [1, 2, 3]);
  assert.equal(keys["2"], null);
});

Deno.test("startWhatsAppLogin() says already-linked, and relinks with force", async () => {
  await using tmp = await tempDir();
  seedLinked(tmp.path);
  const baileys = new FakeBaileys();
  const again = await login(tmp.path, baileys).session.result;
  assert.equal(again.status, "already-linked");
  assert.equal(again.e164, "+15550001111");
  assert.equal(baileys.sockets.length, 0, "no socket when already linked");
  const forced = login(tmp.path, baileys, { force: true }).session;
  const socket = await baileys.socket(1);
  assert.equal(socket.init.auth.creds.me, undefined, "force starts from fresh credentials");
  socket.qr();
  socket.pair({ id: "15559990000:2@s.whatsapp.net" });
  (await baileys.socket(2)).open();
  assert.equal((await forced.result).e164, "+15559990000");
});

Deno.test("startWhatsAppLogin() fails with WHATSAPP_LOGIN_TIMEOUT when the QR codes run out", async () => {
  await using tmp = await tempDir();
  const baileys = new FakeBaileys();
  const { session, states } = login(tmp.path, baileys);
  const socket = await baileys.socket(1);
  socket.qr();
  socket.credsUpdate({ nextPreKeyId: 31 }); // unpaired credentials reach the disk
  socket.close(DisconnectCode.timedOut, "QR refs attempts ended");
  await assert.rejects(session.result, (err) => {
    assert.ok(isOpenClawError(err, "WHATSAPP_LOGIN_TIMEOUT"));
    assert.match(err.message, /none of the 1 QR codes was scanned/);
    return true;
  });
  assert.equal(states.at(-1), "failed");
  const authDir = resolveWhatsAppAuthDir({ stateDir: tmp.path });
  assert.throws(() => Deno.statSync(authDir), Deno.errors.NotFound, "nothing left behind");
});

Deno.test("startWhatsAppLogin() times out on its clock and can be cancelled", async () => {
  await using tmp = await tempDir();
  const clock = new FakeClock();
  const baileys = new FakeBaileys();
  const timed = login(tmp.path, baileys, { clock, timeoutMs: 60_000 }).session;
  (await baileys.socket(1)).qr();
  await clock.tick(60_000);
  await assert.rejects(timed.result, (err) => isOpenClawError(err, "WHATSAPP_LOGIN_TIMEOUT"));
  assert.ok(baileys.sockets[0].ended);

  const cancelled = login(tmp.path, baileys).session;
  await baileys.socket(2);
  await cancelled.cancel();
  await assert.rejects(cancelled.result, { name: "AbortError" });
  assert.equal(cancelled.state, "cancelled");
  assert.ok(baileys.sockets[1].ended);
});

Deno.test("logoutWhatsApp() unlinks the device on the phone and deletes only credential files", async () => {
  await using tmp = await tempDir();
  const dir = seedLinked(tmp.path);
  Deno.writeTextFileSync(`${dir}/pre-key-1.json`, "{}");
  Deno.writeTextFileSync(`${dir}/notes.txt`, "not ours");
  const baileys = new FakeBaileys();
  const done = logoutWhatsApp({ stateDir: tmp.path, ...baileys.seams() });
  const socket = await baileys.socket(1);
  socket.open();
  const result = await done;
  assert.deepEqual(
    { wasLinked: result.wasLinked, unlinked: result.unlinkedOnPhone, cleared: result.cleared },
    { wasLinked: true, unlinked: true, cleared: true },
  );
  assert.ok(socket.loggedOut);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["notes.txt"]);
});

// ---------------------------------------------------------------------------------------------
// Adapter
// ---------------------------------------------------------------------------------------------

interface Harness extends AsyncDisposable {
  adapter: WhatsAppChannelAdapter;
  baileys: FakeBaileys;
  socket: FakeBaileysSocket;
  clock: FakeClock;
  inbound: InboundMessage[];
  stateDir: string;
  /** Set to make the handler wait (or fail) for the next message. */
  handler: { hold?: Promise<void>; reject?: boolean };
  /** Delivers messages and waits until the adapter has processed them. */
  deliver(...messages: Parameters<FakeBaileysSocket["upsert"]>[0]): Promise<void>;
}

async function connected(
  options:
    & { whatsapp?: Record<string, unknown>; root?: Record<string, unknown> }
    & Partial<
      WhatsAppAdapterOptions
    > = {},
): Promise<Harness> {
  const tmp = await tempDir();
  seedLinked(tmp.path);
  const baileys = new FakeBaileys();
  const clock = new FakeClock();
  const inbound: InboundMessage[] = [];
  const handler: Harness["handler"] = {};
  const { whatsapp, root, ...adapterOptions } = options;
  const account = resolveChannelAccount(
    config({ ...root, channels: { whatsapp: { allowFrom: [ANN_E164], ...whatsapp } } }),
    "whatsapp",
  );
  const adapter = createWhatsAppAdapter({
    account,
    stateDir: tmp.path,
    env: {},
    clock,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    backoff: { jitter: 0 },
    ...baileys.seams(),
    ...adapterOptions,
  });
  const controller = new AbortController();
  let processed = 0;
  const connecting = adapter.connect({
    signal: controller.signal,
    onInbound: async (m) => {
      try {
        const hold = handler.hold;
        if (hold) await hold;
        if (handler.reject) throw new Error("journal unavailable");
        inbound.push(m);
      } finally {
        processed++;
      }
    },
  });
  const socket = await baileys.socket(1);
  socket.open();
  await connecting;
  return {
    adapter,
    baileys,
    socket,
    clock,
    inbound,
    stateDir: tmp.path,
    handler,
    async deliver(...messages) {
      const target = processed + messages.length;
      baileys.sockets.at(-1)!.upsert(messages);
      await waitUntil(() => processed >= target, { message: `${messages.length} message(s)` });
      // The read receipt follows the handler's promise; let it go out.
      await new Promise((r) => setTimeout(r, 0));
    },
    async [Symbol.asyncDispose]() {
      controller.abort();
      await adapter.disconnect();
      await tmp[Symbol.asyncDispose]();
    },
  };
}

Deno.test("createWhatsAppAdapter() refuses to connect until linked, without loading Baileys", async () => {
  await using tmp = await tempDir();
  const account = resolveChannelAccount(config({ channels: { whatsapp: {} } }), "whatsapp");
  let made = 0;
  const adapter = createWhatsAppAdapter({
    account,
    stateDir: tmp.path,
    env: {},
    makeSocket: () => {
      made++;
      throw new Error("unreachable");
    },
    initAuthCreds: () => ({}),
  });
  assert.equal(
    adapter.status().lastError,
    "not linked — run openclaw channels login --channel whatsapp",
  );
  await assert.rejects(
    adapter.connect({ signal: new AbortController().signal, onInbound: async () => {} }),
    (err) => {
      assert.ok(isOpenClawError(err, "WHATSAPP_NOT_LINKED"));
      assert.equal(err.hint, "Run openclaw channels login --channel whatsapp and scan the QR code");
      return true;
    },
  );
  assert.equal(made, 0);
  const snap = adapter.status();
  assert.deepEqual(
    [snap.configured, snap.running, snap.connected, snap.healthState],
    [false, false, false, "not-linked"],
  );
});

Deno.test("adapter.status() shows the linked number and the connection state", async () => {
  await using h = await connected();
  const snap = h.adapter.status();
  assert.equal(snap.connected, true);
  assert.equal(snap.running, true);
  assert.equal(snap.configured, true);
  assert.equal(snap.linked, true);
  assert.equal(snap.mode, "web");
  assert.equal(snap.healthState, "connected");
  assert.deepEqual(snap.self, { jid: BOT_JID, lid: BOT_LID, e164: "+15550001111", name: BOT.name });
  const probe = await h.adapter.probe();
  assert.equal(probe.ok, true);
  assert.equal(probe.bot?.username, "+15550001111");
  assert.equal(h.baileys.sockets.length, 1, "a probe never opens a second session");
});

Deno.test("a DM from an allowFrom number arrives with the E.164 sender id and passes allowFrom", async () => {
  await using h = await connected();
  await h.deliver(fakeMessage({ chat: ANN, id: "A1", text: "hi bot", pushName: "Ann" }));
  const [m] = h.inbound;
  assert.deepEqual(
    {
      chatId: m.chatId,
      chatType: m.chatType,
      senderId: m.senderId,
      senderName: m.senderName,
      text: m.text,
      messageId: m.messageId,
      timestamp: m.timestamp,
    },
    {
      chatId: ANN_E164,
      chatType: "dm",
      senderId: ANN_E164,
      senderName: "Ann",
      text: "hi bot",
      messageId: "A1",
      timestamp: 1_767_225_600_000,
    },
  );
  const account = resolveChannelAccount(
    config({ channels: { whatsapp: { allowFrom: ["+1 (555) 123-4567"] } } }),
    "whatsapp",
  );
  assert.deepEqual(decideAccess({ message: m, account }), {
    allow: true,
    scope: "dm",
    via: "allowFrom",
    historyLimit: 0,
  });
  assert.equal(h.adapter.status().lastInboundAt, h.clock.now());
});

Deno.test("a DM from a LID-addressed sender uses the phone number Baileys gives as remoteJidAlt", async () => {
  await using h = await connected();
  await h.deliver(
    fakeMessage({ chat: "123456789@lid", remoteJidAlt: BOB, id: "L1" }),
    fakeMessage({ chat: "555000111@lid", id: "L2" }),
  );
  assert.deepEqual(h.inbound.map((m) => [m.chatId, m.senderId]), [
    ["+447700900123", "+447700900123"],
    ["555000111@lid", "555000111@lid"],
  ]);
});

Deno.test("group messages: a JID mention of the bot or its identity name passes the mention gate", async () => {
  await using h = await connected({
    whatsapp: { groupPolicy: "open", groups: { "*": { requireMention: true } } },
    root: { agents: { list: [{ id: "main", identity: { name: "Clawd", emoji: "🦞" } }] } },
  });
  await h.deliver(
    fakeMessage({
      chat: GROUP,
      participant: BOB,
      id: "G1",
      text: "@15550001111 status?",
      mentions: [BOT_JID],
    }),
    fakeMessage({
      chat: GROUP,
      participant: BOB,
      id: "G2",
      text: "@99887766 hi",
      mentions: ["99887766:7@lid"],
    }),
    fakeMessage({ chat: GROUP, participant: BOB, id: "G3", text: "Clawd, what's up?" }),
    fakeMessage({ chat: GROUP, participant: BOB, id: "G4", text: "just chatting" }),
  );
  assert.deepEqual(h.inbound.map((m) => [m.chatId, m.chatType, m.senderId, m.mentionsBot]), [
    [GROUP, "group", "+447700900123", true],
    [GROUP, "group", "+447700900123", true],
    [GROUP, "group", "+447700900123", false],
    [GROUP, "group", "+447700900123", false],
  ]);
  const account = resolveChannelAccount(
    config({
      channels: { whatsapp: { groupPolicy: "open", groups: { "*": { requireMention: true } } } },
      agents: { list: [{ id: "main", identity: { name: "Clawd", emoji: "🦞" } }] },
    }),
    "whatsapp",
    undefined,
    { agentId: "main" },
  );
  const decisions = h.inbound.map((message) => {
    const d = decideAccess({ message, account });
    return d.allow ? d.via : d.reason;
  });
  assert.deepEqual(decisions, ["mention", "mention", "pattern", "mention required"]);
});

Deno.test("a quoted reply to the bot's message is a reply to the bot", async () => {
  await using h = await connected({ whatsapp: { groupPolicy: "open" } });
  const [sent] = await h.adapter.sendChunks({ chatId: GROUP }, ["here you go"]);
  await h.deliver(
    fakeMessage({
      chat: GROUP,
      participant: BOB,
      id: "Q1",
      text: "thanks!",
      quoted: { id: sent.messageId!, participant: BOT.id },
    }),
    fakeMessage({
      chat: GROUP,
      participant: BOB,
      id: "Q2",
      text: "re: ann",
      quoted: { id: "A9", participant: ANN },
    }),
  );
  assert.deepEqual(h.inbound.map((m) => [m.replyToBot, m.replyToMessageId]), [
    [true, sent.messageId],
    [false, "A9"],
  ]);
});

Deno.test("adapter.sendChunks() sends a long reply in 4000-character chunks, quoting only in the first", async () => {
  await using h = await connected();
  await h.deliver(fakeMessage({ chat: ANN, id: "A1", text: "write a lot" }));
  const [m] = h.inbound;
  const account = resolveChannelAccount(config({ channels: { whatsapp: {} } }), "whatsapp");
  const reply = Array.from({ length: 300 }, (_, i) => `Line ${i}: ${"lorem ipsum ".repeat(3)}`)
    .join("\n");
  const { chunks } = formatForAccount(reply, account);
  assert.ok(chunks.length >= 3 && chunks.every((c) => c.length <= 4000));
  const results = await h.adapter.sendChunks({ chatId: m.chatId }, chunks, {
    replyToMessageId: m.messageId,
  });
  assert.equal(results.length, chunks.length);
  assert.deepEqual(h.socket.sent.map((s) => s.jid), chunks.map(() => ANN));
  assert.deepEqual(h.socket.sent.map((s) => s.text), chunks);
  assert.equal(h.socket.sent[0].quoted?.key.id, "A1");
  assert.equal(h.socket.sent[0].quoted?.message?.conversation, "write a lot");
  assert.ok(h.socket.sent.slice(1).every((s) => s.quoted === undefined));
  assert.equal(h.adapter.status().lastOutboundAt, h.clock.now());
});

Deno.test("adapter.sendChunks() reports how many chunks went out before a failure", async () => {
  await using h = await connected();
  const original = h.socket.sendMessage.bind(h.socket);
  let calls = 0;
  h.socket.sendMessage = (...args) =>
    ++calls === 2 ? Promise.reject(new Error("rate-overlimit")) : original(...args);
  await assert.rejects(
    h.adapter.sendChunks({ chatId: ANN_E164 }, ["one", "two", "three"]),
    (err: Error & { sentCount?: number }) => {
      assert.equal(err.name, "PartialSendError");
      assert.equal(err.sentCount, 1);
      return true;
    },
  );
  assert.equal(h.adapter.status().lastSendError, "Sent 1 of 3 WhatsApp messages: rate-overlimit");
  await assert.rejects(
    h.adapter.sendText({ chatId: "not a number" }, "x"),
    (err) => isOpenClawError(err, "WHATSAPP_TARGET_INVALID"),
  );
});

Deno.test("adapter.keepTyping() shows composing while a turn runs, then paused", async () => {
  await using h = await connected();
  const turn = new AbortController();
  h.adapter.keepTyping({ chatId: ANN_E164 }, turn.signal);
  assert.deepEqual(h.socket.presence, [{ type: "composing", jid: ANN }]);
  await h.clock.tick(6000);
  await h.clock.tick(6000);
  assert.equal(h.socket.presence.length, 3);
  turn.abort();
  await h.clock.tick(0);
  assert.deepEqual(h.socket.presence.at(-1), { type: "paused", jid: ANN });
  await h.clock.tick(60_000);
  assert.equal(h.socket.presence.length, 4, "no refresh after the turn");
});

Deno.test("read receipts go out only after the handler stored the message", async () => {
  await using h = await connected();
  let release!: () => void;
  h.handler.hold = new Promise<void>((r) => release = r);
  h.socket.upsert([fakeMessage({ chat: ANN, id: "R1" })]);
  await h.clock.tick(0);
  assert.deepEqual(h.socket.reads, [], "no blue ticks while the journal has not stored it");
  release();
  h.handler.hold = undefined;
  await waitUntil(() => h.socket.reads.length === 1);
  assert.deepEqual(h.socket.reads[0], [{ remoteJid: ANN, fromMe: false, id: "R1" }]);

  h.handler.reject = true;
  await h.deliver(fakeMessage({ chat: ANN, id: "R2" }));
  assert.equal(h.socket.reads.length, 1, "a message that was not stored stays unread");
  h.handler.reject = false;
  await h.deliver(fakeMessage({ chat: ANN, id: "R2" }));
  assert.deepEqual(h.inbound.map((m) => m.messageId), ["R1", "R2"], "redelivery is processed");
  assert.equal(h.socket.reads.length, 2);
});

Deno.test("read receipts are not sent with sendReadReceipts: false", async () => {
  await using h = await connected({ whatsapp: { sendReadReceipts: false } });
  await h.deliver(fakeMessage({ chat: ANN, id: "N1" }));
  assert.equal(h.inbound.length, 1);
  assert.deepEqual(h.socket.reads, []);
});

Deno.test("duplicates, history, own messages and status updates never reach the handler", async () => {
  await using h = await connected();
  const message = fakeMessage({ chat: ANN, id: "D1" });
  h.socket.upsert([message, message]);
  h.socket.upsert([fakeMessage({ chat: ANN, id: "H1" })], "append");
  h.socket.upsert([
    fakeMessage({ chat: ANN, id: "O1", fromMe: true }),
    fakeMessage({ chat: "status@broadcast", participant: ANN, id: "S1" }),
    { key: { remoteJid: ANN, id: "P1" }, message: { protocolMessage: { type: 0 } } },
  ]);
  await h.deliver(fakeMessage({ chat: ANN, id: "D2" })); // batches run in order: D2 comes last
  assert.deepEqual(h.inbound.map((m) => m.messageId), ["D1", "D2"]);
});

Deno.test("a phone-side logout stops the channel, deletes the credentials and says how to log in", async () => {
  await using h = await connected();
  const authDir = h.adapter.authDir;
  h.socket.close(DisconnectCode.loggedOut, "Connection Failure");
  await waitUntil(() => !h.adapter.status().running);
  const snap = h.adapter.status();
  assert.equal(snap.lastError, "logged out — run openclaw channels login --channel whatsapp");
  assert.deepEqual([snap.connected, snap.linked, snap.healthState], [false, false, "logged-out"]);
  assert.equal(h.baileys.sockets.length, 1, "no reconnect after a logout");
  assert.throws(() => Deno.statSync(`${authDir}/creds.json`), Deno.errors.NotFound);
  await assert.rejects(
    h.adapter.sendText({ chatId: ANN_E164 }, "hello?"),
    (err) =>
      isOpenClawError(err, "WHATSAPP_NOT_CONNECTED") && /channels login/.test(err.hint ?? ""),
  );
});

Deno.test("adapter.logout() unlinks through the running socket and deletes the credentials", async () => {
  await using h = await connected();
  const result = await h.adapter.logout();
  assert.deepEqual([result.wasLinked, result.unlinkedOnPhone, result.cleared], [true, true, true]);
  assert.ok(h.socket.loggedOut);
  assert.equal(h.adapter.status().running, false);
  assert.equal(h.baileys.sockets.length, 1);
});

Deno.test("other closes reconnect after the backoff on the clock; 515 restarts at once", async () => {
  await using h = await connected();
  h.socket.close(DisconnectCode.connectionClosed, "Connection Closed");
  await waitUntil(() => h.adapter.status().healthState === "reconnecting");
  let snap = h.adapter.status();
  assert.deepEqual([snap.connected, snap.reconnectAttempts, snap.lastError], [
    false,
    1,
    "Connection Closed (428)",
  ]);
  await h.clock.tick(999);
  assert.equal(h.baileys.sockets.length, 1, "waits the backoff");
  await h.clock.tick(1);
  const second = await h.baileys.socket(2);
  second.close(DisconnectCode.unavailableService, "Service Unavailable");
  await waitUntil(() => h.adapter.status().reconnectAttempts === 2);
  await h.clock.tick(1999);
  assert.equal(h.baileys.sockets.length, 2, "the second wait is twice as long");
  await h.clock.tick(1);
  const third = await h.baileys.socket(3);
  third.open();
  await waitUntil(() => h.adapter.status().connected);
  snap = h.adapter.status();
  assert.equal(snap.reconnectAttempts, undefined, "reset once connected");
  assert.equal(snap.lastError, undefined);
  third.close(DisconnectCode.restartRequired, "Stream Errored (restart required)");
  const fourth = await h.baileys.socket(4);
  fourth.open();
  await waitUntil(() => h.adapter.status().connected);
  await h.deliver(fakeMessage({ chat: ANN, id: "after-reconnect" }));
  assert.deepEqual(h.inbound.map((m) => m.messageId), ["after-reconnect"]);
  assert.equal(third.listeners("messages.upsert"), 0, "old sockets deliver nothing");
});

Deno.test("a session replaced by another WhatsApp Web client stops instead of fighting it", async () => {
  await using h = await connected();
  h.socket.close(DisconnectCode.connectionReplaced, "Stream Errored (conflict)");
  await waitUntil(() => !h.adapter.status().running);
  const snap = h.adapter.status();
  assert.equal(snap.healthState, "replaced");
  assert.match(String(snap.lastError), /another WhatsApp Web session/);
  await h.clock.tick(120_000);
  assert.equal(h.baileys.sockets.length, 1);
});

// ---------------------------------------------------------------------------------------------
// Config and the real package
// ---------------------------------------------------------------------------------------------

Deno.test("validateWhatsAppConfig() names non-E.164 numbers and non-group keys by path", () => {
  assert.deepEqual(
    validateWhatsAppConfig({
      allowFrom: ["+15551234567", "*", "alice"],
      groups: {
        "*": { requireMention: true },
        "family": {},
        [GROUP]: { allowFrom: ["+44 7700 900123"] },
      },
      sendReadReceipts: "yes",
      accounts: { work: { groupAllowFrom: ["bob"] } },
    }).map((i) => i.path),
    [
      "channels.whatsapp.allowFrom[2]",
      "channels.whatsapp.sendReadReceipts",
      "channels.whatsapp.groups.family",
      "channels.whatsapp.accounts.work.groupAllowFrom[0]",
    ],
  );
  assert.deepEqual(validateWhatsAppConfig({ allowFrom: ["+15551234567"] }), []);
});

Deno.test("the socket interface, close codes and credential format match the real Baileys package", async () => {
  // Type level: the real socket must be usable wherever the adapter takes ours (deno check).
  const _fits: (real: WASocket) => WhatsAppSocket = (real) => real;
  const b = await import("baileys");
  for (const [name, code] of Object.entries(DisconnectCode)) {
    assert.equal(Reflect.get(b.DisconnectReason, name), code, name);
  }
  const creds = b.initAuthCreds();
  const ours = stringifyWithBuffers(creds);
  assert.equal(ours, JSON.stringify(creds, b.BufferJSON.replacer));
  assert.deepEqual(parseWithBuffers(ours), JSON.parse(ours, b.BufferJSON.reviver));
});

Deno.test("the real Baileys socket runs on our auth store and reports a refused connection", async () => {
  await using tmp = await tempDir();
  const port = freePort();
  const login = startWhatsAppLogin({
    stateDir: tmp.path,
    webSocketUrl: `ws://127.0.0.1:${port}/ws/chat`,
    maxRestarts: 1,
  });
  await assert.rejects(login.result, (err) => {
    assert.ok(isOpenClawError(err, "WHATSAPP_LOGIN_FAILED"));
    assert.match(err.message, /ECONNREFUSED/);
    return true;
  });
  assert.equal(login.state, "failed");
});
