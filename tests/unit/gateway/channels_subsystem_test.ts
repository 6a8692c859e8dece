/**
 * The channels subsystem when the config names no channel: the channel layer is not loaded (no
 * journal is opened), a stand-in answers as a layer without channels, and the reload that adds a
 * channel loads the layer and starts that channel.
 */
import assert from "node:assert/strict";
import { getLogger } from "../../../lib/log/logger.ts";
import { channelsSubsystem } from "../../../gateway/subsystems/channels.ts";
import { inboundJournalPath } from "../../../lib/channels/dormant.ts";
import { systemClock } from "../../../lib/clock.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { FakeTelegram } from "../../fixtures/fake_telegram.ts";
import { channelsHost } from "../../fixtures/channels_host.ts";
import { makeSandbox, waitUntil } from "../../helpers.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

const ctx = { log: getLogger("test"), clock: systemClock };

Deno.test("channelsSubsystem() without channels opens no journal and answers as an empty layer", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  const none = { channels: { defaults: { groupPolicy: "open" } } } as unknown as OpenClawConfig;
  const sub = channelsSubsystem(channelsHost(sb.stateDir, none));
  assert.equal(sub.control(), undefined, "not running yet");
  await sub.start(ctx);
  const control = sub.control()!;
  const status = await control.status({ probe: true });
  assert.deepEqual(status.channelOrder, []);
  assert.deepEqual({ ...status.channels }, {});
  assert.deepEqual({ ...control.healthSummary() }, {});
  assert.deepEqual(control.failedReplies(), []);
  assert.equal(control.canNotifyPairing("telegram", "default"), false);
  assert.equal(control.webhook("/feishu/events"), undefined);
  assert.deepEqual(sub.health!(), {
    channels: 0,
    accounts: 0,
    connected: 0,
    pendingInbound: 0,
    failedReplies: 0,
    deadLetters: 0,
  });
  await sub.reload!({ config: none, previous: none, changed: ["channels.defaults.groupPolicy"] });
  assert.equal(await exists(inboundJournalPath(sb.stateDir)), false, "the journal is not opened");
  await sub.stop({ reason: "test", restart: false });
  assert.equal(sub.control(), undefined);
});

Deno.test("channelsSubsystem(): the reload that adds channels.telegram loads the layer and connects it", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  await using tg = await FakeTelegram.start();
  const none = {} as OpenClawConfig;
  const h = channelsHost(sb.stateDir, none);
  const sub = channelsSubsystem(h);
  await sub.start(ctx);
  try {
    h.config = {
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } },
    } as unknown as OpenClawConfig;
    await sub.reload!({ config: h.config, previous: none, changed: ["channels.telegram"] });
    const status = await waitUntil(async () => {
      const s = await sub.control()!.status();
      return s.channelAccounts.telegram?.[0]?.connected ? s : undefined;
    }, { message: "telegram connected" });
    assert.deepEqual(status.channelOrder, ["telegram"]);
    assert.equal(await exists(inboundJournalPath(sb.stateDir)), true);
    assert.deepEqual(h.outbound.connectedChannels(), ["telegram"]);
    assert.equal(sub.health!().connected, 1);
  } finally {
    await sub.stop({ reason: "test", restart: false });
  }
  // The fake sees the aborted long poll end a moment after the client dropped it.
  await waitUntil(() => tg.pollers() === 0, { timeoutMs: 5_000, message: "the poller stopped" });
});

Deno.test("channelsSubsystem(): a call that needs the layer loads it once, shared by concurrent callers", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  const sub = channelsSubsystem(channelsHost(sb.stateDir, {} as OpenClawConfig));
  await sub.start(ctx);
  try {
    const standIn = sub.control()!;
    const [a, b] = await Promise.all([
      standIn.resendFailed(["x"]),
      standIn.dropFailed([]),
    ]);
    assert.deepEqual(a, [{ id: "x", status: "unknown" }]);
    assert.equal(b, 0);
    assert.notEqual(sub.control(), standIn, "the loaded layer answers from now on");
    assert.equal(await exists(inboundJournalPath(sb.stateDir)), true);
  } finally {
    await sub.stop({ reason: "test", restart: false });
  }
});

Deno.test("channelsSubsystem(): a load that failed is tried again by the next reload, which starts the channel", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  await using tg = await FakeTelegram.start();
  const none = {} as OpenClawConfig;
  const h = channelsHost(sb.stateDir, none);
  const sub = channelsSubsystem(h);
  await sub.start(ctx);
  // A directory where the journal file goes: opening the journal fails.
  const journal = inboundJournalPath(sb.stateDir);
  await Deno.mkdir(journal, { recursive: true });
  try {
    const withTelegram = {
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } },
    } as unknown as OpenClawConfig;
    h.config = withTelegram;
    await assert.rejects(
      Promise.resolve(sub.reload!({ config: withTelegram, previous: none, changed: ["channels"] })),
    );
    await Deno.remove(journal);
    h.config = { ...withTelegram, bindings: [] } as unknown as OpenClawConfig;
    await sub.reload!({ config: h.config, previous: withTelegram, changed: ["bindings"] });
    await waitUntil(async () => (await sub.control()!.status()).channels.telegram?.connected, {
      message: "telegram connected",
    });
  } finally {
    await sub.stop({ reason: "test", restart: false });
  }
});
