import assert from "node:assert/strict";
import {
  ChannelPairing,
  generatePairingCode,
  PAIRING_CODE_ALPHABET,
  pairingReplyText,
  pairingRequestId,
} from "../../../lib/channels/pairing.ts";
import {
  allowFromFilePath,
  pairingFilePath,
  readAllowFromStore,
} from "../../../lib/channels/pairing_store.ts";
import { isOpenClawError } from "../../../lib/errors.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { tempDir } from "../../helpers.ts";

async function setup() {
  const dir = await tempDir("openclaw-pairing-");
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0));
  const pairing = new ChannelPairing({ stateDir: dir.path, clock });
  return { dir, clock, pairing };
}

Deno.test("generatePairingCode() returns 8 characters from the unambiguous alphabet", () => {
  for (let i = 0; i < 200; i++) {
    const code = generatePairingCode();
    assert.match(code, /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
  }
  const fixed = generatePairingCode((b) => b.fill(33));
  assert.equal(fixed, PAIRING_CODE_ALPHABET[1].repeat(8));
});

Deno.test("ChannelPairing.request() gives a new sender a code and the same code on a repeat", async () => {
  const { dir, clock, pairing } = await setup();
  await using _ = dir;
  const first = await pairing.request({
    channel: "telegram",
    senderId: "42",
    meta: { name: "Ann" },
  });
  assert.equal(first.kind, "created");
  assert.ok(first.kind === "created");
  assert.equal(first.request.expiresAt, clock.now() + 3600_000);
  clock.advance(10 * 60_000);
  const again = await pairing.request({ channel: "telegram", senderId: "42" });
  assert.ok(again.kind === "existing");
  assert.equal(again.request.code, first.request.code);
  assert.equal(again.request.expiresAt, first.request.expiresAt);
  assert.equal(again.previousSeenAt, first.request.createdAt);
  assert.equal(again.request.lastSeenAt, clock.now());
  // Stock's file layout and shape.
  const file = JSON.parse(await Deno.readTextFile(pairingFilePath(dir.path, "telegram")));
  assert.equal(file.version, 1);
  assert.deepEqual(Object.keys(file.requests[0]).sort(), [
    "code",
    "createdAt",
    "id",
    "lastSeenAt",
    "meta",
  ]);
  assert.deepEqual(file.requests[0].meta, { name: "Ann", accountId: "default" });
  assert.equal((await Deno.stat(pairingFilePath(dir.path, "telegram"))).mode! & 0o777, 0o600);
});

Deno.test("ChannelPairing.request() refuses a 4th pending sender per account until one expires", async () => {
  const { dir, clock, pairing } = await setup();
  await using _ = dir;
  for (const id of ["1", "2", "3"]) {
    assert.equal((await pairing.request({ channel: "telegram", senderId: id })).kind, "created");
  }
  assert.deepEqual(await pairing.request({ channel: "telegram", senderId: "4" }), {
    kind: "limit",
    pending: 3,
  });
  // Another account has its own three.
  assert.equal(
    (await pairing.request({ channel: "telegram", accountId: "work", senderId: "4" })).kind,
    "created",
  );
  clock.advance(3600_000);
  assert.equal((await pairing.request({ channel: "telegram", senderId: "4" })).kind, "created");
  assert.deepEqual((await pairing.list("telegram", "default")).map((p) => p.senderId), ["4"]);
});

Deno.test("ChannelPairing.approve() adds the sender to the allow store and removes the request", async () => {
  const { dir, pairing } = await setup();
  await using _ = dir;
  const r = await pairing.request({ channel: "telegram", senderId: "42" });
  assert.ok(r.kind === "created");
  const approved = await pairing.approve("telegram", { code: r.request.code.toLowerCase() });
  assert.equal(approved.senderId, "42");
  assert.deepEqual(pairing.approvedSenders("telegram"), ["42"]);
  assert.deepEqual(await pairing.list("telegram"), []);
  const store = JSON.parse(
    await Deno.readTextFile(allowFromFilePath(dir.path, "telegram", "default")),
  );
  assert.deepEqual(store, { version: 1, allowFrom: ["42"] });
  assert.ok(
    allowFromFilePath(dir.path, "telegram", "default").endsWith(
      "/credentials/telegram-allowFrom.json",
    ),
  );
  assert.ok(
    allowFromFilePath(dir.path, "telegram", "work").endsWith(
      "/credentials/telegram-work-allowFrom.json",
    ),
  );
});

Deno.test("ChannelPairing.approve() refuses unknown and expired codes", async () => {
  const { dir, clock, pairing } = await setup();
  await using _ = dir;
  await assert.rejects(
    () => pairing.approve("telegram", { code: "ZZZZZZZZ" }),
    (e) =>
      isOpenClawError(e, "PAIRING_NOT_FOUND") &&
      e.message === "No pending pairing request found for code: ZZZZZZZZ",
  );
  const r = await pairing.request({ channel: "telegram", senderId: "42" });
  assert.ok(r.kind === "created");
  clock.advance(3600_000);
  await assert.rejects(
    () => pairing.approve("telegram", { code: r.request.code }),
    /No pending pairing request/,
  );
  assert.deepEqual(pairing.approvedSenders("telegram"), []);
});

Deno.test("ChannelPairing.reject() dismisses by requestId; the sender may ask again", async () => {
  const { dir, pairing } = await setup();
  await using _ = dir;
  const r = await pairing.request({ channel: "discord", accountId: "work", senderId: "99" });
  assert.ok(r.kind === "created");
  assert.equal(
    r.request.requestId,
    await pairingRequestId("discord", "work", "99", new Date(r.request.createdAt).toISOString()),
  );
  assert.equal(r.request.requestId.length, 32);
  await pairing.reject("discord", { requestId: r.request.requestId });
  assert.deepEqual(await pairing.list("discord"), []);
  assert.deepEqual(pairing.approvedSenders("discord", "work"), []);
  assert.equal(
    (await pairing.request({ channel: "discord", accountId: "work", senderId: "99" })).kind,
    "created",
  );
});

Deno.test("ChannelPairing.revoke() removes an approved sender", async () => {
  const { dir, pairing } = await setup();
  await using _ = dir;
  const r = await pairing.request({ channel: "telegram", senderId: "42" });
  assert.ok(r.kind === "created");
  await pairing.approve("telegram", { code: r.request.code });
  assert.equal(await pairing.revoke("telegram", "default", "42"), true);
  assert.deepEqual(pairing.approvedSenders("telegram"), []);
});

Deno.test("pairing store reads a bare-array allowFrom file and refuses corrupt or unsafe files", async () => {
  await using dir = await tempDir("openclaw-pairing-");
  await Deno.mkdir(`${dir.path}/credentials`);
  await Deno.writeTextFile(
    allowFromFilePath(dir.path, "telegram", "default"),
    '["1", 2, "", null]',
  );
  assert.deepEqual(readAllowFromStore(dir.path, "telegram", "default"), ["1", "2"]);
  await Deno.writeTextFile(pairingFilePath(dir.path, "telegram"), "{not json");
  const pairing = new ChannelPairing({ stateDir: dir.path, clock: new FakeClock() });
  await assert.rejects(
    () => pairing.request({ channel: "telegram", senderId: "1" }),
    (e) => isOpenClawError(e, "PAIRING_STORE_INVALID"),
  );
  // The corrupt file is left for the operator, not overwritten.
  assert.equal(await Deno.readTextFile(pairingFilePath(dir.path, "telegram")), "{not json");
  assert.throws(
    () => pairingFilePath(dir.path, "../etc"),
    (e) => isOpenClawError(e, "PAIRING_ID_INVALID"),
  );
  assert.throws(
    () => allowFromFilePath(dir.path, "telegram", "a/b"),
    (e) => isOpenClawError(e, "PAIRING_ID_INVALID"),
  );
});

Deno.test("pairingReplyText() states the id, the code, the command and the expiry", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0);
  const text = pairingReplyText({
    channel: "telegram",
    senderId: "42",
    code: "ABCD2345",
    expiresAt: now + 3600_000,
    now,
  });
  assert.equal(
    text,
    [
      "OpenClaw: access not configured.",
      "",
      "Your Telegram user id: 42",
      "",
      "Pairing code:",
      "```",
      "ABCD2345",
      "```",
      "This code expires in 60 minutes (at 2026-01-01 13:00 UTC).",
      "",
      "Ask the bot owner to approve with:",
      "```",
      "openclaw pairing approve telegram ABCD2345",
      "```",
    ].join("\n"),
  );
  assert.match(
    pairingReplyText({
      channel: "telegram",
      senderId: "42",
      code: "X",
      expiresAt: now + 30_000,
      now,
    }),
    /expires in 1 minute \(/,
  );
});
