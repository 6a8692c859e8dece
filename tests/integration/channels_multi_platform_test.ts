/**
 * The chapter's multi-platform template (tests/fixtures/chapter/s2_multi_platform.json5, as a
 * user copies it, `YOUR_TOKEN` and all) on fake endpoints: Telegram through `apiRoot`, Discord
 * through `DISCORD_API_URL`, WhatsApp with no linked phone. The gateway starts all three, and
 * `channels status --json` and `health` tell each one's true state: Telegram and Discord
 * connected, WhatsApp waiting for `openclaw channels login`.
 */
import assert from "node:assert/strict";
import { startFakeDiscord } from "../fixtures/fake_discord.ts";
import { FakeTelegram } from "../fixtures/fake_telegram.ts";
import { freePort, makeSandbox, runCli, spawnGateway, waitUntil } from "../helpers.ts";

const TEMPLATE = new URL("../fixtures/chapter/s2_multi_platform.json5", import.meta.url);
const NOT_LINKED = "not linked — run openclaw channels login --channel whatsapp";

Deno.test("the multi-platform template starts Telegram and Discord and shows WhatsApp awaiting login", async () => {
  await using tg = await FakeTelegram.start({ bots: [{ token: "YOUR_TOKEN" }] });
  await using discord = await startFakeDiscord({ token: "YOUR_TOKEN" });
  await using sb = await makeSandbox({ config: await Deno.readTextFile(TEMPLATE) });
  const env = { DISCORD_API_URL: discord.apiUrl };
  for (
    const args of [
      ["config", "set", "gateway.mode", "local"],
      ["config", "set", "channels.telegram.apiRoot", tg.apiRoot],
    ]
  ) {
    const r = await runCli(sb, args, { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
  const port = freePort();
  await using gw = spawnGateway(sb, ["--port", String(port)], { port, env });
  await gw.waitFor(/channel telegram\/default connected/, 30_000);
  await gw.waitFor(/channel discord\/default connected/, 30_000);
  await gw.waitFor(/channel whatsapp\/default not started: not linked/);

  const status = await waitUntil(async () => {
    const r = await runCli(sb, ["channels", "status", "--json"], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = JSON.parse(r.stdout);
    return s.channelAccounts.telegram[0].connected && s.channelAccounts.discord[0].connected
      ? s
      : undefined;
  }, { timeoutMs: 20_000, intervalMs: 250, message: "telegram and discord connected" });
  assert.equal(status.gatewayReachable, true);
  assert.deepEqual(status.channelOrder, ["whatsapp", "telegram", "discord"]);
  const whatsapp = status.channelAccounts.whatsapp[0];
  assert.equal(whatsapp.running, false);
  assert.equal(whatsapp.connected, false);
  assert.equal(whatsapp.linked, false);
  assert.equal(whatsapp.lastError, NOT_LINKED);
  assert.equal(status.channels.whatsapp.lastError, NOT_LINKED);
  assert.equal(status.channels.telegram.connected, true);
  assert.equal(status.channels.discord.connected, true);

  const health = await runCli(sb, ["health"], { env });
  assert.equal(health.code, 0, health.stdout + health.stderr);
  assert.match(health.stdout, /Channel telegram: running, connected\n/);
  assert.match(health.stdout, /Channel discord: running, connected\n/);
  assert.match(
    health.stdout,
    new RegExp(`Channel whatsapp: not running, not connected \\(${NOT_LINKED}\\)`),
  );
});
