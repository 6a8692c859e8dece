/**
 * `openclaw channels list|status|add|remove` as the user runs them: config edits keep comments and
 * are validated before anything is written, `list` shows where credentials come from (never the
 * secret), and `status` with the gateway down says so and shows the config's view.
 */
import assert from "node:assert/strict";
import { freePort, makeSandbox, runCli, startGateway, waitUntil } from "../helpers.ts";

/** A port nobody listens on, so "gateway down" never reaches another test's gateway. */
const PORT = freePort();

const COMMENTED = `// my openclaw config
{
  gateway: { mode: "local", port: ${PORT} }, // keep this port
  channels: {
    // the family bot
    telegram: {
      botToken: "123456:family-bot-token", // from BotFather
      dmPolicy: "pairing",
    },
  },
}
`;

Deno.test("channels add writes the token with the config's comments kept, and never prints it", async () => {
  await using sb = await makeSandbox({ config: COMMENTED });
  const r = await runCli(sb, [
    "channels",
    "add",
    "--channel",
    "discord",
    "--token",
    "discord-secret",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Added discord in .*openclaw\.json \(token\)/);
  assert.doesNotMatch(r.stdout + r.stderr, /discord-secret/);
  const text = await Deno.readTextFile(sb.configPath);
  for (const comment of ["// my openclaw config", "// keep this port", "// the family bot"]) {
    assert.ok(text.includes(comment), `lost ${comment}:\n${text}`);
  }
  assert.ok(text.includes("// from BotFather"), text);
  assert.match(text, /discord: \{\s*token: "discord-secret",?\s*\}/);
  const valid = await runCli(sb, ["config", "validate"]);
  assert.equal(valid.code, 0, valid.stderr);
});

Deno.test("channels add refuses a result that would not validate and writes nothing", async () => {
  await using sb = await makeSandbox({ config: COMMENTED });
  const r = await runCli(sb, ["channels", "add", "--channel", "telegram", "--dm-policy", "open"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Refusing to write .*openclaw\.json/);
  assert.match(r.stderr, /channels\.telegram\.dmPolicy: dmPolicy "open" requires allowFrom/);
  assert.equal(await Deno.readTextFile(sb.configPath), COMMENTED);
});

Deno.test("channels add --channel qqbot --token AppID:AppSecret stores both halves", async () => {
  await using sb = await makeSandbox({ config: COMMENTED });
  const r = await runCli(sb, [
    "channels",
    "add",
    "--channel",
    "qqbot",
    "--token",
    "102030:qq-app-secret",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).keys, ["appId", "clientSecret"]);
  const get = await runCli(sb, ["config", "get", "channels.qqbot.appId"]);
  assert.equal(get.stdout.trim(), "102030");
  const bad = await runCli(sb, ["channels", "add", "--channel", "qqbot", "--token", "nocolon"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--token for qqbot is "AppID:AppSecret"/);
});

Deno.test("channels add without credentials, or for an unknown channel, is a usage error", async () => {
  await using sb = await makeSandbox({ config: COMMENTED });
  const none = await runCli(sb, ["channels", "add", "--channel", "discord"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Cannot add discord: no credentials given/);
  assert.match(none.stderr, /--token <token>/);
  const unknown = await runCli(sb, ["channels", "add", "--channel", "telegarm", "--token", "x"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown channel "telegarm"/);
  assert.equal(await Deno.readTextFile(sb.configPath), COMMENTED);
});

Deno.test("channels add --account keeps the existing root account as the default one", async () => {
  await using sb = await makeSandbox({ config: COMMENTED });
  const r = await runCli(sb, [
    "channels",
    "add",
    "--channel",
    "telegram",
    "--account",
    "work",
    "--bot-token",
    "654321:work-bot-token",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse((await runCli(sb, ["channels", "list", "--json"])).stdout);
  const telegram = list.channels.find((c: { id: string }) => c.id === "telegram");
  assert.deepEqual(
    telegram.accounts.map((a: { accountId: string; configured: boolean }) => [
      a.accountId,
      a.configured,
    ]),
    [["default", true], ["work", true]],
  );
  assert.equal(telegram.defaultAccountId, "default");
});

Deno.test("channels remove disables, --delete deletes, comments kept", async () => {
  await using sb = await makeSandbox({ config: COMMENTED });
  const off = await runCli(sb, ["channels", "remove", "--channel", "telegram"]);
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /Disabled telegram/);
  let text = await Deno.readTextFile(sb.configPath);
  assert.match(text, /enabled: false/);
  assert.ok(text.includes("// the family bot"), text);
  const list = JSON.parse((await runCli(sb, ["channels", "list", "--json"])).stdout);
  assert.equal(list.channels[0].accounts[0].enabled, false);

  const del = await runCli(sb, ["channels", "remove", "--channel", "telegram", "--delete"]);
  assert.equal(del.code, 0, del.stderr);
  text = await Deno.readTextFile(sb.configPath);
  assert.doesNotMatch(text, /botToken/);
  assert.ok(text.includes("// keep this port"), text);

  const missing = await runCli(sb, ["channels", "remove", "--channel", "telegram"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot remove telegram: it is not configured/);
  assert.match(missing.stderr, /openclaw channels list/);
});

Deno.test("channels list --json shows accounts, enabled state and credential source, not secrets", async () => {
  await using sb = await makeSandbox({
    config: `{
      gateway: { mode: "local", port: ${PORT} },
      channels: {
        telegram: { botToken: "123456:plain-secret-token" },
        discord: { enabled: false, token: { source: "env", provider: "default", id: "DISCORD_TOKEN_VAR" } },
      },
    }`,
  });
  const r = await runCli(sb, ["channels", "list", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /plain-secret-token/);
  const { channels } = JSON.parse(r.stdout);
  const pick = (id: string) => {
    const c = channels.find((x: { id: string }) => x.id === id);
    const a = c.accounts[0];
    return [a.accountId, a.enabled, a.configured, a.credentialSource];
  };
  assert.deepEqual(pick("telegram"), ["default", true, true, "config"]);
  assert.deepEqual(pick("discord"), ["default", false, true, "secretRef"]);

  const text = await runCli(sb, ["channels", "list"]);
  assert.match(text.stdout, /- Telegram default: enabled, configured, dm:pairing, token:config/);
  assert.match(text.stdout, /- Discord default: disabled, configured, dm:pairing, token:secretRef/);
});

Deno.test("channels list: a token from the environment shows as token:env", async () => {
  await using sb = await makeSandbox({
    config: `{ gateway: { mode: "local", port: ${PORT} }, channels: { telegram: {} } }`,
    env: { TELEGRAM_BOT_TOKEN: "123456:from-env" },
  });
  const r = await runCli(sb, ["channels", "list"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Telegram default: enabled, configured, dm:pairing, token:env/);
});

Deno.test("channels status with the gateway down says so and shows the config view", async () => {
  await using sb = await makeSandbox({ config: COMMENTED });
  const r = await runCli(sb, ["channels", "status"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Gateway not reachable; showing config-only status\./);
  assert.match(r.stdout, /- Telegram default: enabled, configured, dm:pairing, token:config/);
  assert.match(r.stdout, /openclaw gateway/);
  const json = await runCli(sb, ["channels", "status", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.gatewayReachable, false);
  assert.equal(out.configOnly, true);
  assert.equal(out.channels[0].id, "telegram");
});

Deno.test("channels status and status --deep with the gateway running show each account's live state", async () => {
  await using sb = await makeSandbox();
  // A Bot API root where nothing listens: the account runs, retries, and reports why.
  const deadApi = `http://127.0.0.1:${freePort()}`;
  await using _gw = await startGateway(
    sb,
    `{
      gateway: { mode: "local", auth: { mode: "token", token: "channels-cli-test-token-0123" } },
      channels: { telegram: { botToken: "123456:live-test-token", apiRoot: "${deadApi}" } },
    }`,
  );
  const status = await waitUntil(async () => {
    const r = await runCli(sb, ["channels", "status", "--json"]);
    const out = JSON.parse(r.stdout);
    return out.channelAccounts?.telegram?.[0]?.lastError ? out : undefined;
  }, { timeoutMs: 20_000, intervalMs: 200, message: "telegram's lastError in channels status" });
  assert.equal(status.gatewayReachable, true);
  const account = status.channelAccounts.telegram[0];
  assert.deepEqual([account.configured, account.connected], [true, false]);

  const text = await runCli(sb, ["channels", "status"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Gateway reachable\./);
  assert.match(
    text.stdout,
    /- Telegram default: enabled, configured, running, disconnected,.* error:/,
  );
  assert.doesNotMatch(text.stdout, /live-test-token/);

  const probed = await runCli(sb, ["channels", "status", "--probe"]);
  assert.match(probed.stdout, /probe failed/);

  const deep = await runCli(sb, ["status", "--deep"]);
  assert.match(deep.stdout, /fail +Channel telegram +probe failed: /);
});
