import assert from "node:assert/strict";
import {
  type AccessDecision,
  decideAccess,
  describeDrop,
  matchSender,
  normalizeSenderEntry,
} from "../../../lib/channels/access.ts";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import type { InboundMessage } from "../../../lib/channels/types.ts";
import { config, groupMessage, message } from "./_fixtures.ts";

function decide(
  channels: Record<string, unknown>,
  msg: InboundMessage,
  extra: { approved?: string[]; activation?: "mention" | "always"; raw?: Record<string, unknown> } =
    {},
): AccessDecision {
  const c = config({ ...extra.raw, channels });
  const account = resolveChannelAccount(c, msg.channel, msg.accountId, { agentId: "main" });
  return decideAccess({
    message: msg,
    account,
    approvedSenders: extra.approved,
    activation: extra.activation,
  });
}

function reasonOf(d: AccessDecision): string {
  return d.allow ? "allow" : d.reason;
}

Deno.test("decideAccess() asks an unknown DM sender to pair by default", () => {
  const d = decide({ telegram: {} }, message());
  assert.equal(reasonOf(d), "pairing request");
  assert.ok(!d.allow && d.pairing);
});

Deno.test("decideAccess() lets allowFrom and approved pairings through under pairing", () => {
  assert.equal(reasonOf(decide({ telegram: { allowFrom: ["tg:42"] } }, message())), "allow");
  const approved = decide({ telegram: {} }, message(), { approved: ["42"] });
  assert.ok(approved.allow && approved.via === "pairing-store");
  // Legacy @username entries match the sender's username.
  assert.equal(
    reasonOf(decide({ telegram: { allowFrom: ["@Ann_B"] } }, message({ senderUsername: "ann_b" }))),
    "allow",
  );
});

Deno.test("decideAccess() blocks strangers under allowlist and drops DMs under disabled", () => {
  const d = decide({ telegram: { dmPolicy: "allowlist", allowFrom: ["7"] } }, message());
  assert.equal(reasonOf(d), "blocked");
  assert.ok(!d.allow && d.detail === "sender 42 is not in allowFrom");
  assert.equal(reasonOf(decide({ telegram: { dmPolicy: "disabled" } }, message())), "disabled");
});

Deno.test('decideAccess() opens DMs only with "*"', () => {
  const d = decide({ telegram: { dmPolicy: "open", allowFrom: ["*"] } }, message());
  assert.ok(d.allow && d.via === "open");
});

Deno.test("decideAccess() never hands out pairing codes on channels without pairing (QQ)", () => {
  const d = decide(
    { qqbot: { dmPolicy: "pairing", allowFrom: ["A"] } },
    message({ channel: "qqbot", senderId: "B" }),
  );
  assert.equal(reasonOf(d), "blocked");
});

Deno.test("decideAccess() drops other bots unless allowBots is on", () => {
  const bot = message({ senderIsBot: true });
  assert.equal(reasonOf(decide({ telegram: { allowFrom: ["42"] } }, bot)), "blocked");
  assert.equal(
    reasonOf(decide({ telegram: { allowFrom: ["42"], allowBots: true } }, bot)),
    "allow",
  );
});

Deno.test("decideAccess() fails closed for groups not listed under groupPolicy allowlist", () => {
  const d = decide({ telegram: { allowFrom: ["42"] } }, groupMessage({ mentionsBot: true }));
  assert.ok(!d.allow && d.reason === "blocked" && d.detail === "group -100 is not in groups");
});

Deno.test("decideAccess() requires a mention in listed groups and keeps the rest as context", () => {
  const channels = { telegram: { groups: { "*": {} } } };
  const quiet = decide(channels, groupMessage());
  assert.equal(reasonOf(quiet), "mention required");
  assert.ok(!quiet.allow && quiet.recordHistory && quiet.historyLimit === 50);
  const mentioned = decide(channels, groupMessage({ mentionsBot: true }));
  assert.ok(mentioned.allow && mentioned.via === "mention" && mentioned.scope === "group");
  const reply = decide(channels, groupMessage({ replyToBot: true }));
  assert.ok(reply.allow && reply.via === "reply");
});

Deno.test("decideAccess() honours implicitMentions.replyToBot: false", () => {
  const d = decide(
    { defaults: { implicitMentions: { replyToBot: false } }, telegram: { groups: { "*": {} } } },
    groupMessage({ replyToBot: true }),
  );
  assert.equal(reasonOf(d), "mention required");
});

Deno.test("decideAccess() counts a mention pattern of the routed agent as a mention", () => {
  const d = decide(
    { telegram: { groups: { "*": {} } } },
    groupMessage({ text: "Clawd, status?" }),
    {
      raw: { agents: { list: [{ id: "main", groupChat: { mentionPatterns: ["^clawd\\b"] } }] } },
    },
  );
  assert.ok(d.allow && d.via === "pattern");
});

Deno.test('decideAccess() resolves requireMention topic → group → "*" → channel', () => {
  const channels = {
    telegram: {
      requireMention: true,
      groups: {
        "*": { requireMention: true },
        "-100": { requireMention: false, topics: { "7": { requireMention: true } } },
      },
    },
  };
  assert.equal(reasonOf(decide(channels, groupMessage())), "allow");
  assert.equal(reasonOf(decide(channels, groupMessage({ threadId: "7" }))), "mention required");
  assert.equal(reasonOf(decide(channels, groupMessage({ threadId: "8" }))), "allow");
  assert.equal(reasonOf(decide(channels, groupMessage({ chatId: "-200" }))), "mention required");
});

Deno.test("decideAccess() lifts the mention gate for /activation always", () => {
  const d = decide({ telegram: { groups: { "*": {} } } }, groupMessage(), { activation: "always" });
  assert.ok(d.allow && d.via === "not-required");
});

Deno.test("decideAccess() checks group senders: group allowFrom → groupAllowFrom → allowFrom", () => {
  const base = { groups: { "*": { requireMention: false } } };
  assert.equal(
    reasonOf(decide({ telegram: { ...base, allowFrom: ["7"] } }, groupMessage())),
    "blocked",
  );
  assert.equal(
    reasonOf(
      decide({ telegram: { ...base, allowFrom: ["7"], groupAllowFrom: ["42"] } }, groupMessage()),
    ),
    "allow",
  );
  const perGroup = {
    groupAllowFrom: ["42"],
    groups: { "-100": { requireMention: false, allowFrom: ["9"] } },
  };
  assert.equal(reasonOf(decide({ telegram: perGroup }, groupMessage())), "blocked");
  // The DM pairing store never admits group senders.
  assert.equal(
    reasonOf(
      decide({ telegram: { ...base, allowFrom: ["7"] } }, groupMessage(), { approved: ["42"] }),
    ),
    "blocked",
  );
});

Deno.test('decideAccess() treats groupAllowFrom without groups as "these people, any group"', () => {
  const channels = { telegram: { groupAllowFrom: ["42"], requireMention: false } };
  assert.equal(reasonOf(decide(channels, groupMessage())), "allow");
  assert.equal(reasonOf(decide(channels, groupMessage({ senderId: "5" }))), "blocked");
});

Deno.test("decideAccess() serves every group under open and none under disabled", () => {
  const open = decide(
    { telegram: { groupPolicy: "open", allowFrom: ["7"] } },
    groupMessage({ mentionsBot: true }),
  );
  assert.equal(reasonOf(open), "allow");
  const off = decide(
    { telegram: { groupPolicy: "disabled", groups: { "*": {} } } },
    groupMessage(),
  );
  assert.equal(reasonOf(off), "disabled");
  const groupOff = decide({ telegram: { groups: { "-100": { enabled: false } } } }, groupMessage());
  assert.equal(reasonOf(groupOff), "disabled");
  const perGroupOpen = decide(
    {
      telegram: {
        allowFrom: ["7"],
        groups: { "-100": { groupPolicy: "open", requireMention: false } },
      },
    },
    groupMessage(),
  );
  assert.equal(reasonOf(perGroupOpen), "allow");
});

Deno.test("decideAccess() applies Feishu's chat-id groupAllowFrom and open-group default", () => {
  const feishu = (over: Partial<InboundMessage>) =>
    groupMessage({ channel: "feishu", chatId: "oc_1", senderId: "ou_1", ...over });
  assert.equal(
    reasonOf(decide({ feishu: { groupAllowFrom: ["oc_1"] } }, feishu({}))),
    "mention required",
  );
  assert.equal(reasonOf(decide({ feishu: { groupAllowFrom: ["oc_2"] } }, feishu({}))), "blocked");
  assert.equal(reasonOf(decide({ feishu: { groupPolicy: "open" } }, feishu({}))), "allow");
});

Deno.test("decideAccess() refuses everything on a disabled channel", () => {
  assert.equal(
    reasonOf(decide({ telegram: { enabled: false, allowFrom: ["42"] } }, message())),
    "disabled",
  );
});

Deno.test("describeDrop() writes the chapter's reason words with ids only", () => {
  const msg = groupMessage({ text: "secret plans" });
  const d = decide({ telegram: { groups: { "*": {} } } }, msg);
  assert.ok(!d.allow);
  const line = describeDrop(msg, d);
  assert.equal(
    line,
    "telegram/default group -100 from 42: mention required (group -100: the bot was not mentioned)",
  );
  assert.ok(!line.includes("secret"));
});

Deno.test("normalizeSenderEntry() / matchSender() strip channel prefixes and WhatsApp punctuation", () => {
  assert.equal(normalizeSenderEntry("telegram", "TG:123"), "123");
  assert.equal(normalizeSenderEntry("discord", "discord:99"), "99");
  assert.equal(normalizeSenderEntry("whatsapp", "+1 (555) 010-0123"), "+15550100123");
  const msg = { channel: "telegram", senderId: "42", senderUsername: "ann" };
  assert.equal(matchSender(["1", "*"], msg), "wildcard");
  assert.equal(matchSender(["*", "telegram:42"], msg), "id");
  assert.equal(matchSender(["@ANN"], msg), "username");
  assert.equal(matchSender(["constructor", "__proto__"], msg), undefined);
});
