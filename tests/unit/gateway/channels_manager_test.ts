/**
 * `ChannelManager` in-process against the fake Telegram and Discord servers: `channels.status`
 * has stock's shape (a channel without a transport here is listed with the reason), a change of
 * one channel's block restarts that channel only, and a connected channel takes outbound
 * deliveries (`target: "telegram", to: …`) while `directPolicy: "block"` refuses DMs.
 */
import assert from "node:assert/strict";
import { getLogger } from "../../../lib/log/logger.ts";
import { ChannelManager } from "../../../gateway/channels/manager.ts";
import { systemClock } from "../../../lib/clock.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { startFakeDiscord } from "../../fixtures/fake_discord.ts";
import { FakeTelegram } from "../../fixtures/fake_telegram.ts";
import { channelsHost } from "../../fixtures/channels_host.ts";
import { makeSandbox, waitUntil } from "../../helpers.ts";

Deno.test("ChannelManager: status in stock's shape; a block change restarts only that channel", async () => {
  await using sb = await makeSandbox({ createStateDir: true });
  await using tg = await FakeTelegram.start();
  await using discord = await startFakeDiscord();
  const channels = (discordExtra: string) => ({
    telegram: { botToken: tg.token, apiRoot: tg.apiRoot },
    discord: { token: discord.token, responsePrefix: discordExtra },
    whatsapp: { allowFrom: ["+15555550123"] },
  });
  const first = { channels: channels("a") } as unknown as OpenClawConfig;
  const h = channelsHost(sb.stateDir, first);
  // The Discord adapter reads DISCORD_API_URL from the environment the gateway passes it.
  const manager = await ChannelManager.open(h, systemClock, getLogger("test"), {
    DISCORD_API_URL: discord.apiUrl,
  });
  try {
    await manager.start();
    const ready = await waitUntil(async () => {
      const s = await manager.status();
      const ok = s.channelAccounts.telegram?.[0]?.connected &&
        s.channelAccounts.discord?.[0]?.connected;
      return ok ? s : undefined;
    }, { message: "both channels connected" });
    assert.deepEqual(ready.channelOrder, ["telegram", "discord", "whatsapp"]);
    assert.deepEqual({ ...ready.channelLabels }, {
      telegram: "Telegram",
      discord: "Discord",
      whatsapp: "WhatsApp",
    });
    assert.equal(ready.channelDefaultAccountId.telegram, "default");
    assert.equal(ready.channels.telegram.connected, true);
    assert.equal(ready.channels.telegram.failedReplies, 0);
    const wa = ready.channelAccounts.whatsapp[0];
    assert.equal(wa.running, false);
    assert.equal(wa.lastError, "not linked — run openclaw channels login --channel whatsapp");
    assert.ok(ready.statusIssues?.some((i) => i.channel === "whatsapp"));

    const getMeBefore = tg.calls("getMe").length;
    const identifiesBefore = discord.identifies.length + discord.resumes.length;
    h.config = { channels: channels("b") } as unknown as OpenClawConfig;
    const restarted = await manager.reload(first, h.config);
    assert.deepEqual(restarted, ["discord"]);
    await waitUntil(async () => (await manager.status()).channelAccounts.discord[0].connected);
    assert.equal(tg.calls("getMe").length, getMeBefore, "Telegram was not touched");
    assert.ok(discord.identifies.length + discord.resumes.length > identifiesBefore);

    // A connected channel is an outbound sink.
    assert.deepEqual(h.outbound.connectedChannels().sort(), ["discord", "telegram"]);
    const sent = await h.outbound.deliver({ channel: "telegram", to: "42" }, "Disk is full", {
      agentId: "main",
      kind: "heartbeat",
    });
    assert.equal(sent.status, "sent");
    assert.equal(tg.sent().at(-1)?.plainText, "Disk is full");
    const blocked = await h.outbound.deliver({ channel: "telegram", to: "42" }, "alert", {
      agentId: "main",
      kind: "heartbeat",
      directPolicy: "block",
    });
    assert.deepEqual(blocked.status === "skipped" && blocked.reason, "dm-blocked");
    const ack = await h.outbound.deliver({ channel: "telegram", to: "42" }, "HEARTBEAT_OK", {
      agentId: "main",
      kind: "heartbeat",
    });
    assert.equal(ack.status, "skipped");
    assert.equal(tg.sent().filter((m) => /HEARTBEAT_OK/.test(m.plainText)).length, 0);

    const health = manager.healthSummary();
    assert.equal(health.telegram.connected, true);
    assert.ok(Object.hasOwn(health.telegram.accounts, "default"));
  } finally {
    await manager.stop("test");
  }
  assert.equal(tg.pollers(), 0, "the poller stopped");
});
