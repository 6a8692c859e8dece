import assert from "node:assert/strict";
import {
  channelLayerNeeded,
  inboundJournalPath,
  journalHoldsWork,
  listChannelIds,
} from "../../../lib/channels/dormant.ts";
import { InboundJournal } from "../../../lib/channels/inbound_store.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { tempDir } from "../../helpers.ts";
import { message } from "./_fixtures.ts";

const config = (channels: unknown) => ({ channels }) as OpenClawConfig;

Deno.test("listChannelIds() names every channel block, disabled ones too, but not defaults", () => {
  assert.deepEqual(
    listChannelIds(config({
      defaults: { groupPolicy: "open" },
      modelByChannel: {},
      telegram: { enabled: false },
      discord: {},
      whatsapp: "not a block",
    })),
    ["telegram", "discord"],
  );
  assert.deepEqual(listChannelIds(config(undefined)), []);
  assert.deepEqual(listChannelIds(config([])), []);
});

Deno.test("journalHoldsWork() is false for no file, an empty file and answered messages only", async () => {
  await using dir = await tempDir("openclaw-dormant-");
  const path = inboundJournalPath(dir.path);
  assert.equal(await journalHoldsWork(path), false);
  const clock = new FakeClock();
  const j = await InboundJournal.open(path, { clock });
  assert.equal(await journalHoldsWork(path), false, "the empty file the journal creates");
  await j.append(message({ updateId: "1" }));
  await j.markAnswered("telegram:default:u:1");
  await j.append(message({ updateId: "2" }));
  await j.markDropped("telegram:default:u:2", "pairing request");
  await j.close();
  // The next open compacts the file to its dedupe tombstones.
  await (await InboundJournal.open(path, { clock })).close();
  assert.match(await Deno.readTextFile(path), /"t":"done"/);
  assert.equal(await journalHoldsWork(path), false);
});

Deno.test("journalHoldsWork() is true for an unanswered message, a dead letter or a kept reply", async () => {
  const cases: [string, (j: InboundJournal) => Promise<unknown>][] = [
    ["unanswered", (j) => j.append(message({ updateId: "1" }))],
    ["dead letter", async (j) => {
      await j.append(message({ updateId: "1" }));
      for (let i = 0; i < 3; i++) await j.begin("telegram:default:u:1");
      await j.recover();
    }],
    ["kept reply", (j) =>
      j.recordFailedSend({
        channel: "telegram",
        accountId: "default",
        target: { chatId: "42" },
        chunks: ["hi"],
      }, "chat not found")],
  ];
  for (const [what, make] of cases) {
    await using dir = await tempDir("openclaw-dormant-");
    const path = inboundJournalPath(dir.path);
    const j = await InboundJournal.open(path, { clock: new FakeClock() });
    await make(j);
    await j.close();
    assert.equal(await journalHoldsWork(path), true, what);
    await (await InboundJournal.open(path, { clock: new FakeClock() })).close();
    assert.equal(await journalHoldsWork(path), true, `${what}, after compaction`);
  }
});

Deno.test("journalHoldsWork() counts a torn or foreign line as work (the layer reads it)", async () => {
  await using dir = await tempDir("openclaw-dormant-");
  const path = inboundJournalPath(dir.path);
  await Deno.mkdir(`${dir.path}/channels`);
  await Deno.writeTextFile(
    path,
    '{"t":"done","key":"k","at":1,"outcome":"answered"}\n{"t":"in","ke',
  );
  assert.equal(await journalHoldsWork(path), true);
});

Deno.test("channelLayerNeeded() is true for a configured channel even with no journal", async () => {
  await using dir = await tempDir("openclaw-dormant-");
  assert.equal(await channelLayerNeeded(config({ telegram: { enabled: false } }), dir.path), true);
  assert.equal(await channelLayerNeeded(config({ defaults: {} }), dir.path), false);
});
