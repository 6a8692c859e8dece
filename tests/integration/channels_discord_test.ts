/**
 * Discord end to end: a real gateway process connects to the fake Discord (REST + gateway
 * WebSocket, tests/fixtures/fake_discord.ts, reached through `DISCORD_API_URL`) and answers with
 * the fake model provider: DM pairing, the guild mention rule, and 2000-character chunks.
 */
import assert from "node:assert/strict";
import { ChannelPairing } from "../../lib/channels/pairing.ts";
import { type FakeDiscord, type SentMessage, startFakeDiscord } from "../fixtures/fake_discord.ts";
import { type FakeProvider, startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { type GatewayProcess, makeSandbox, startGateway, waitUntil } from "../helpers.ts";
import { AGENT_TEST_TOKEN } from "./_agent_setup.ts";

const ANN_ID = "100000000000000042";
const DM_CHANNEL = "300000000000000001";
const GUILD = "400000000000000001";
const GUILD_CHANNEL = "400000000000000002";

function config(fake: FakeProvider, discord: FakeDiscord, extra = ""): string {
  return `{
    gateway: { mode: "local", auth: { mode: "token", token: "${AGENT_TEST_TOKEN}" } },
    models: {
      mode: "replace",
      providers: {
        fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
      },
    },
    agents: { defaults: { model: "fake/m1" } },
    channels: { discord: { token: "${discord.token}", ${extra} } },
  }`;
}

async function start(
  fake: FakeProvider,
  discord: FakeDiscord,
  extra = "",
): Promise<{ gw: GatewayProcess; sb: Awaited<ReturnType<typeof makeSandbox>> }> {
  const sb = await makeSandbox();
  const gw = await startGateway(sb, config(fake, discord, extra), {
    env: { DISCORD_API_URL: discord.apiUrl },
  });
  await gw.waitFor(/channel discord\/default connected/, 20_000);
  return { gw, sb };
}

function sentMatching(discord: FakeDiscord, pattern: RegExp): Promise<SentMessage> {
  return waitUntil(() => discord.messages.find((m) => pattern.test(m.content)), {
    timeoutMs: 20_000,
    message: () => `a Discord message matching ${pattern}: ${JSON.stringify(discord.messages)}`,
  });
}

Deno.test("a Discord DM from an unknown user gets a pairing code; once approved, the model answers", async () => {
  await using discord = await startFakeDiscord();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "Hi from the model" });
  const { gw, sb } = await start(fake, discord);
  await using _gw = gw;
  await using _sb = sb;
  discord.postMessage({ channelId: DM_CHANNEL, content: "hello bot" });
  const pairing = await sentMatching(discord, /Pairing code:/);
  assert.equal(pairing.channelId, DM_CHANNEL);
  const code = /Pairing code:\s*`*\s*([A-Z2-9]{8})/.exec(pairing.content)?.[1];
  assert.ok(code, pairing.content);
  assert.match(pairing.content, /Your Discord user id: 100000000000000042/);
  await gw.waitFor(/discord\/default dm \d+ from 100000000000000042: pairing request/);
  assert.equal(fake.requests.length, 0);

  await new ChannelPairing({ stateDir: sb.stateDir }).approve("discord", { code });
  discord.postMessage({ channelId: DM_CHANNEL, content: "now answer me" });
  const reply = await sentMatching(discord, /Hi from the model/);
  assert.equal(reply.channelId, DM_CHANNEL);
  assert.deepEqual(reply.allowed_mentions, { parse: [] });
  assert.match(JSON.stringify(fake.requests.at(-1)?.body), /now answer me/);
  assert.ok(discord.typing.includes(DM_CHANNEL), "typing was shown while the turn ran");
});

Deno.test("a Discord guild message needs a mention; the mentioned one is answered in its channel", async () => {
  await using discord = await startFakeDiscord({
    guilds: [{ id: GUILD, channels: [{ id: GUILD_CHANNEL, type: 0, guild_id: GUILD }] }],
  });
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  fake.enqueue({ text: "On it." });
  const { gw, sb } = await start(fake, discord, `groupPolicy: "open"`);
  await using _gw = gw;
  await using _sb = sb;
  discord.postMessage({ channelId: GUILD_CHANNEL, guildId: GUILD, content: "someone deploy?" });
  await gw.waitFor(/channel 400000000000000002 from 100000000000000042: mention required/);
  assert.equal(fake.requests.length, 0);
  discord.postMessage({
    channelId: GUILD_CHANNEL,
    guildId: GUILD,
    content: `<@${discord.botId}> please deploy`,
    mentionBot: true,
  });
  const reply = await sentMatching(discord, /On it\./);
  assert.equal(reply.channelId, GUILD_CHANNEL);
  assert.equal(discord.messages.length, 1, "the unmentioned message got no reply");
  const input = JSON.stringify(fake.requests[0].body);
  assert.match(input, /please deploy/);
  assert.match(input, /someone deploy\?/, "the unmentioned message came along as context");
});

Deno.test("a Discord reply longer than 2000 characters arrives as ordered chunks", async () => {
  await using discord = await startFakeDiscord();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const paragraphs = ["one", "two", "three"].map((w, i) =>
    `Section ${i + 1}: ` + `${w} `.repeat(320).trim()
  );
  fake.enqueue({ text: paragraphs.join("\n\n") });
  const { gw, sb } = await start(fake, discord, `allowFrom: ["${ANN_ID}"]`);
  await using _gw = gw;
  await using _sb = sb;
  discord.postMessage({ channelId: DM_CHANNEL, content: "a long one please" });
  await waitUntil(() => discord.messages.some((m) => /Section 3/.test(m.content)), {
    timeoutMs: 20_000,
    message: () => `the last chunk: ${discord.messages.length} sent`,
  });
  const sent = discord.messages;
  assert.ok(sent.length >= 2, `${sent.length} message(s)`);
  assert.ok(sent.every((m) => m.content.length <= 2000));
  const joined = sent.map((m) => m.content).join("\n\n");
  assert.equal(joined.replace(/\s+/g, " "), paragraphs.join(" ").replace(/\s+/g, " "));
});
