import assert from "node:assert/strict";
import {
  InboundJournal,
  inboundJournalPath,
  inboundKey,
} from "../../../lib/channels/inbound_store.ts";
import { isOpenClawError } from "../../../lib/errors.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { tempDir } from "../../helpers.ts";
import { message } from "./_fixtures.ts";

async function open(dir: string, clock: FakeClock, extra = {}) {
  return await InboundJournal.open(inboundJournalPath(dir), { clock, ...extra });
}

Deno.test("inboundKey() prefers the update id and scopes message ids by chat", () => {
  assert.equal(inboundKey(message({ updateId: "900" })), "telegram:default:u:900");
  assert.equal(inboundKey(message()), "telegram:default:m:42:1");
});

Deno.test("InboundJournal.append() stores a message durably and dedupes repeats", async () => {
  await using dir = await tempDir("openclaw-journal-");
  const clock = new FakeClock();
  const j = await open(dir.path, clock);
  assert.equal(await j.append(message({ updateId: "1" })), "stored");
  assert.equal(await j.append(message({ updateId: "1" })), "duplicate");
  const [a, b] = await Promise.all([
    j.append(message({ updateId: "2" })),
    j.append(message({ updateId: "2" })),
  ]);
  assert.deepEqual([a, b].sort(), ["duplicate", "stored"]);
  await j.close();
  const path = inboundJournalPath(dir.path);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.equal((await Deno.readTextFile(path)).trim().split("\n").length, 2);
});

Deno.test("InboundJournal.recover() lists unanswered messages after a restart, once each", async () => {
  await using dir = await tempDir("openclaw-journal-");
  const clock = new FakeClock();
  const j = await open(dir.path, clock);
  await j.append(message({ updateId: "1", text: "answered" }));
  await j.append(message({ updateId: "2", text: "dropped" }));
  await j.append(message({ updateId: "3", text: "pending" }));
  await j.markAnswered("telegram:default:u:1");
  await j.markDropped("telegram:default:u:2", "pairing request");
  // No close(): a kill -9 leaves the file as it is.
  const again = await open(dir.path, clock);
  const pending = await again.recover();
  assert.deepEqual(pending.map((p) => p.message.text), ["pending"]);
  assert.equal(pending[0].attempts, 0);
  // A redelivery of an answered message stays a duplicate after the restart.
  assert.equal(await again.append(message({ updateId: "1" })), "duplicate");
  await again.begin(pending[0].key);
  await again.markAnswered(pending[0].key);
  await again.close();
  const third = await open(dir.path, clock);
  assert.deepEqual(await third.recover(), []);
  await third.close();
  await j.close();
});

Deno.test("InboundJournal.recover() turns crash-looping and stale messages into dead letters", async () => {
  await using dir = await tempDir("openclaw-journal-");
  const clock = new FakeClock();
  const j = await open(dir.path, clock, { maxAttempts: 2, maxAgeMs: 60_000 });
  await j.append(message({ updateId: "poison" }));
  await j.begin("telegram:default:u:poison");
  await j.begin("telegram:default:u:poison");
  clock.advance(30_000);
  await j.append(message({ updateId: "old" }));
  clock.advance(40_000);
  await j.append(message({ updateId: "fresh" }));
  await j.close();
  const again = await open(dir.path, clock, { maxAttempts: 2, maxAgeMs: 60_000 });
  assert.deepEqual((await again.recover()).map((p) => p.message.updateId), ["old", "fresh"]);
  assert.deepEqual(again.deadLetters().map((d) => [d.message.updateId, d.reason]), [[
    "poison",
    "attempts",
  ]]);
  clock.advance(60_001);
  assert.deepEqual(await again.recover(), []);
  assert.deepEqual(again.deadLetters().map((d) => d.reason), ["attempts", "expired", "expired"]);
  assert.equal(await again.resubmit("telegram:default:u:poison"), true);
  assert.deepEqual(again.unanswered().map((p) => [p.message.updateId, p.attempts]), [[
    "poison",
    0,
  ]]);
  assert.equal(await again.discardDeadLetter("telegram:default:u:old"), true);
  assert.deepEqual(again.counts(), { pending: 1, dead: 1, failed: 0 });
  await again.close();
});

Deno.test("InboundJournal.append() refuses messages beyond maxPending", async () => {
  await using dir = await tempDir("openclaw-journal-");
  const j = await open(dir.path, new FakeClock(), { maxPending: 2 });
  await j.append(message({ updateId: "1" }));
  await j.append(message({ updateId: "2" }));
  await assert.rejects(
    () => j.append(message({ updateId: "3" })),
    (e) => isOpenClawError(e, "CHANNEL_JOURNAL_FULL"),
  );
  await j.markAnswered("telegram:default:u:1");
  assert.equal(await j.append(message({ updateId: "3" })), "stored");
  await j.close();
});

Deno.test("InboundJournal keeps failed replies with their retry count until resent or dropped", async () => {
  await using dir = await tempDir("openclaw-journal-");
  const clock = new FakeClock();
  const j = await open(dir.path, clock, { maxSendAttempts: 2 });
  const send = {
    channel: "telegram",
    accountId: "default",
    target: { chatId: "42" },
    chunks: ["part 1", "part 2"],
    parseMode: "HTML" as const,
    sourceKey: "telegram:default:u:1",
  };
  const kept = await j.recordFailedSend(send, "429 Too Many Requests");
  assert.equal(kept.attempts, 1);
  assert.equal(kept.exhausted, false);
  const retried = await j.recordSendRetry(kept.id, "network down");
  assert.equal(retried?.attempts, 2);
  assert.equal(retried?.exhausted, true);
  await j.close();
  const again = await open(dir.path, clock, { maxSendAttempts: 2 });
  const [listed] = again.failedSends();
  assert.deepEqual(
    { ...listed, id: "" },
    {
      ...send,
      id: "",
      attempts: 2,
      firstFailedAt: clock.now(),
      lastFailedAt: clock.now(),
      lastError: "network down",
      exhausted: true,
    },
  );
  assert.equal(await again.resolveFailedSend(listed.id, "sent"), true);
  assert.deepEqual(again.failedSends(), []);
  assert.equal(await again.recordSendRetry("nope", "x"), undefined);
  await again.close();
});

Deno.test("InboundJournal skips a torn last line and foreign lines", async () => {
  await using dir = await tempDir("openclaw-journal-");
  const clock = new FakeClock();
  const j = await open(dir.path, clock);
  await j.append(message({ updateId: "1", text: "kept" }));
  await j.close();
  const path = inboundJournalPath(dir.path);
  await Deno.writeTextFile(
    path,
    '{"t":"in","key":"x","at":1,"msg":{"channel":1}}\n[]\n{"t":"in","key":"tele',
    {
      append: true,
    },
  );
  const again = await open(dir.path, clock);
  assert.deepEqual((await again.recover()).map((p) => p.message.text), ["kept"]);
  await again.close();
});

Deno.test("InboundJournal compacts away answered messages and forgets old tombstones", async () => {
  await using dir = await tempDir("openclaw-journal-");
  const clock = new FakeClock();
  const j = await open(dir.path, clock, { retentionMs: 1000, maxTombstones: 10 });
  for (let i = 0; i < 30; i++) {
    await j.append(message({ updateId: String(i), text: "x".repeat(100) }));
    await j.markAnswered(`telegram:default:u:${i}`);
  }
  await j.close();
  clock.advance(2000);
  const again = await open(dir.path, clock, { retentionMs: 1000, maxTombstones: 10 });
  assert.equal((await Deno.readTextFile(inboundJournalPath(dir.path))).trim(), "");
  assert.equal(await again.append(message({ updateId: "1" })), "stored");
  await again.close();
});

Deno.test("InboundJournal.append() cuts huge texts and refuses messages without ids", async () => {
  await using dir = await tempDir("openclaw-journal-");
  const j = await open(dir.path, new FakeClock());
  await j.append(message({ updateId: "1", text: "x".repeat(100_000) }));
  assert.equal(j.unanswered()[0].message.text.length, 32_768);
  await assert.rejects(() => j.append(message({ senderId: "" })), TypeError);
  await j.close();
});
