import assert from "node:assert/strict";
import {
  listAccountIds,
  listChannelAccounts,
  listChannelIds,
  normalizeAccountId,
  resolveChannelAccount,
  resolveDefaultAccountId,
} from "../../../lib/channels/config_view.ts";
import { config } from "./_fixtures.ts";

Deno.test("resolveChannelAccount() applies stock defaults to a bare channel block", () => {
  const tg = resolveChannelAccount(
    config({ channels: { telegram: { botToken: "t" } } }),
    "telegram",
  );
  assert.equal(tg.accountId, "default");
  assert.equal(tg.enabled, true);
  assert.equal(tg.dmPolicy, "pairing");
  assert.equal(tg.groupPolicy, "allowlist");
  assert.equal(tg.historyLimit, 50);
  assert.equal(tg.textChunkLimit, 4000);
  assert.equal(tg.chunkMode, "length");
  assert.equal(tg.replyToMode, "off");
  assert.equal(tg.replyToBotIsMention, true);
  assert.deepEqual(tg.allowFrom, []);
  assert.equal(tg.groups.size, 0);
});

Deno.test("resolveChannelAccount() reports an unconfigured channel as disabled and fail-closed", () => {
  const view = resolveChannelAccount(config({}), "discord");
  assert.equal(view.enabled, false);
  assert.equal(view.groupPolicy, "allowlist");
  assert.equal(view.textChunkLimit, 2000);
});

Deno.test("resolveChannelAccount() lets an account inherit omitted keys from the channel root", () => {
  const c = config({
    channels: {
      telegram: {
        allowFrom: ["1"],
        groupPolicy: "open",
        groups: { "-1": { requireMention: false } },
        accounts: { work: { botToken: "w", dmPolicy: "allowlist" }, home: { groups: {} } },
      },
    },
  });
  const work = resolveChannelAccount(c, "telegram", "Work");
  assert.equal(work.accountId, "work");
  assert.equal(work.dmPolicy, "allowlist");
  assert.deepEqual(work.allowFrom, ["1"]);
  assert.equal(work.groupPolicy, "open");
  assert.equal(work.groups.get("-1")?.requireMention, false);
  // An account's groups replace the root's: {} isolates it.
  assert.equal(resolveChannelAccount(c, "telegram", "home").groups.size, 0);
});

Deno.test("resolveChannelAccount() does not hand the root token to a named account", () => {
  const c = config({
    channels: { telegram: { botToken: "root", defaultAccount: "a", accounts: { a: {}, b: {} } } },
  });
  assert.equal(resolveChannelAccount(c, "telegram", "a").raw.botToken, "root");
  assert.equal(resolveChannelAccount(c, "telegram", "b").raw.botToken, undefined);
});

Deno.test("resolveChannelAccount() resolves WhatsApp named accounts through accounts.default", () => {
  const c = config({
    channels: {
      whatsapp: { accounts: { default: { allowFrom: ["+15550001111"] }, biz: {} } },
    },
  });
  assert.deepEqual(resolveChannelAccount(c, "whatsapp", "biz").allowFrom, ["+15550001111"]);
});

Deno.test("resolveChannelAccount() reads Discord's legacy dm block and numbers in allowFrom", () => {
  const c = config({
    channels: { discord: { token: "x", dm: { allowFrom: ["123456789012345678"] } } },
  });
  assert.deepEqual(resolveChannelAccount(c, "discord").allowFrom, ["123456789012345678"]);
  const n = config({ channels: { telegram: { allowFrom: [123456789] } } });
  assert.deepEqual(resolveChannelAccount(n, "telegram").allowFrom, ["123456789"]);
});

Deno.test("resolveChannelAccount() caps textChunkLimit at the platform limit and historyLimit at 200", () => {
  const c = config({
    channels: {
      telegram: { textChunkLimit: 10000, historyLimit: 999, streaming: { chunkMode: "newline" } },
      discord: { textChunkLimit: 1500, chunkMode: "newline" },
    },
  });
  const tg = resolveChannelAccount(c, "telegram");
  assert.equal(tg.textChunkLimit, 4096);
  assert.equal(tg.historyLimit, 200);
  assert.equal(tg.chunkMode, "newline");
  assert.equal(resolveChannelAccount(c, "discord").textChunkLimit, 1500);
  assert.equal(resolveChannelAccount(c, "discord").chunkMode, "newline");
});

Deno.test("resolveChannelAccount() takes responsePrefix from the channel, else messages", () => {
  const c = config({
    messages: { responsePrefix: "🦞" },
    channels: { telegram: {}, discord: { responsePrefix: "[bot]" } },
  });
  assert.equal(resolveChannelAccount(c, "telegram").responsePrefix, "🦞");
  assert.equal(resolveChannelAccount(c, "discord").responsePrefix, "[bot]");
});

Deno.test("resolveChannelAccount() picks the routed agent's mention patterns", () => {
  const c = config({
    agents: {
      list: [{ id: "main", groupChat: { mentionPatterns: ["\\bclawd\\b"] } }, { id: "ops" }],
    },
    messages: { groupChat: { mentionPatterns: ["hey bot"] } },
    channels: { telegram: {}, whatsapp: {} },
  });
  assert.deepEqual(
    resolveChannelAccount(c, "telegram", undefined, { agentId: "main" }).mentionPatterns,
    [
      "\\bclawd\\b",
    ],
  );
  assert.deepEqual(
    resolveChannelAccount(c, "telegram", undefined, { agentId: "ops" }).mentionPatterns,
    [
      "hey bot",
    ],
  );
  const wa = config({ identity: { name: "Clawd", emoji: "🦞" }, channels: { whatsapp: {} } });
  assert.deepEqual(resolveChannelAccount(wa, "whatsapp").mentionPatterns, ["@?Clawd", "🦞"]);
});

Deno.test("resolveChannelAccount() gives QQ allowlist with concrete senders, else open", () => {
  assert.equal(
    resolveChannelAccount(config({ channels: { qqbot: {} } }), "qqbot").dmPolicy,
    "open",
  );
  assert.equal(
    resolveChannelAccount(config({ channels: { qqbot: { allowFrom: ["A1"] } } }), "qqbot").dmPolicy,
    "allowlist",
  );
});

Deno.test("listChannelIds() / listAccountIds() / resolveDefaultAccountId() follow stock rules", () => {
  const c = config({
    channels: {
      defaults: { groupPolicy: "open" },
      telegram: { accounts: { Zed: {}, alpha: {} } },
      discord: { enabled: false },
      whatsapp: { defaultAccount: "b", accounts: { a: {}, b: {} } },
    },
  });
  assert.deepEqual(listChannelIds(c), ["telegram", "discord", "whatsapp"]);
  assert.deepEqual(listAccountIds(c, "telegram"), ["zed", "alpha"]);
  assert.deepEqual(listAccountIds(c, "discord"), ["default"]);
  assert.deepEqual(listAccountIds(c, "slack"), []);
  assert.equal(resolveDefaultAccountId(c, "telegram"), "zed");
  assert.equal(resolveDefaultAccountId(c, "whatsapp"), "b");
  assert.equal(resolveChannelAccount(c, "discord").enabled, false);
  assert.equal(resolveChannelAccount(c, "discord").groupPolicy, "open");
  assert.equal(listChannelAccounts(c).length, 5);
  assert.equal(normalizeAccountId("  "), "default");
  assert.equal(normalizeAccountId("My Bot!"), "my-bot");
});

Deno.test("resolveChannelAccount() keeps prototype-named group ids as plain keys", () => {
  const c = config({
    channels: { telegram: { groups: { constructor: { requireMention: false } } } },
  });
  const groups = resolveChannelAccount(c, "telegram").groups;
  assert.equal(groups.get("constructor")?.requireMention, false);
  assert.equal(groups.get("toString"), undefined);
});
