/**
 * Who may talk to the bot: the access decision for one inbound message, before any agent work.
 *
 * Direct messages follow `dmPolicy`: `pairing` (default; an unknown sender gets a pairing code),
 * `allowlist` (`allowFrom` plus the approved pairings), `open` (only with `"*"` in `allowFrom`),
 * `disabled`. Group messages follow `groupPolicy` (`allowlist` default | `open` | `disabled`),
 * then the group list (`groups` ids or `"*"`), then the sender list (`groups.<id>.allowFrom` ->
 * `groupAllowFrom` -> `allowFrom`; never the DM pairing store), then the mention gate
 * (`requireMention`, default true: a platform mention, a reply to the bot, or a mention pattern).
 *
 * A refusal carries the chapter's words as `reason` (`blocked`, `pairing request`,
 * `mention required`, plus `disabled`) so a log search answers "why no response?". An
 * unmentioned message from a permitted sender in a permitted group says `recordHistory: true`:
 * the caller keeps it as context for the next mentioned turn (group_history.ts).
 *
 * @module
 */
import type { ChannelAccountConfig, GroupConfig, InboundMessage } from "./types.ts";
import { MAX_HISTORY_LIMIT } from "./config_view.ts";
import { compileMentionPatterns, matchesMentionPattern, type MentionMatcher } from "./mention.ts";

/** Channels where `dmPolicy: "pairing"` hands out codes (stock's list; QQ is not one). */
export const PAIRING_CHANNELS: ReadonlySet<string> = new Set([
  "discord",
  "feishu",
  "googlechat",
  "imessage",
  "irc",
  "line",
  "matrix",
  "mattermost",
  "msteams",
  "nextcloud-talk",
  "nostr",
  "signal",
  "slack",
  "sms",
  "synology-chat",
  "telegram",
  "twitch",
  "whatsapp",
  "zalo",
  "zalouser",
]);

/** Why a message was not processed (the words `openclaw logs` is searched for). */
export type AccessReason = "blocked" | "pairing request" | "mention required" | "disabled";

/** How a permitted message got in. */
export type AccessVia =
  | "allowFrom"
  | "pairing-store"
  | "open"
  | "mention"
  | "reply"
  | "pattern"
  | "not-required";

/** The decision for one message. */
export type AccessDecision =
  | {
    allow: true;
    scope: "dm" | "group";
    via: AccessVia;
    /** The group (or topic) entry that applied, for its prompt, skills and agent. */
    group?: GroupConfig;
    /** Context window of unmentioned messages for this chat (0 = none). */
    historyLimit: number;
  }
  | {
    allow: false;
    reason: AccessReason;
    /** One line for the log (ids, never secrets). */
    detail: string;
    /** `pairing request`: the caller issues or re-sends the sender's pairing code. */
    pairing?: boolean;
    /** `mention required`: keep the message as context for the next mentioned turn. */
    recordHistory?: boolean;
    historyLimit?: number;
  };

/** Inputs of {@linkcode decideAccess}. */
export interface AccessInput {
  message: InboundMessage;
  account: ChannelAccountConfig;
  /** Senders approved through pairing for this channel account (DMs only). */
  approvedSenders?: readonly string[];
  /** A session's `/activation` override: `always` lifts the mention gate. */
  activation?: "mention" | "always";
  /** Compiled `account.mentionPatterns` (compiled and cached here when omitted). */
  mentions?: MentionMatcher;
}

const PREFIXES: ReadonlyMap<string, readonly string[]> = new Map([
  ["telegram", ["telegram:", "tg:"]],
  ["discord", ["discord:", "user:"]],
  ["whatsapp", ["whatsapp:", "wa:"]],
  ["feishu", ["feishu:", "lark:"]],
  ["qqbot", ["qqbot:", "qq:"]],
]);

/**
 * Normalizes an allowlist entry or a sender id for comparison: channel prefixes (`tg:`,
 * `discord:`, ...) stripped, lowercase; WhatsApp numbers without spaces, dashes or brackets.
 *
 * @param channel The channel the entry belongs to.
 * @param entry An `allowFrom` entry or a sender id.
 * @returns The comparable form.
 */
export function normalizeSenderEntry(channel: string, entry: string): string {
  let value = entry.trim().toLowerCase();
  for (const prefix of PREFIXES.get(channel) ?? [`${channel}:`]) {
    if (value.startsWith(prefix)) {
      value = value.slice(prefix.length).trim();
      break;
    }
  }
  if (channel === "whatsapp") value = value.replace(/[\s\-().]/g, "");
  return value;
}

/**
 * Finds `message`'s sender in an allowlist: `"*"`, the sender id, or (legacy Telegram form) an
 * `@username` entry.
 *
 * @param list Allowlist entries.
 * @param message The inbound message.
 * @returns How it matched, or `undefined` when it did not.
 */
export function matchSender(
  list: readonly string[],
  message: Pick<InboundMessage, "channel" | "senderId" | "senderUsername">,
): "wildcard" | "id" | "username" | undefined {
  const sender = normalizeSenderEntry(message.channel, message.senderId);
  const username = message.senderUsername?.trim().toLowerCase().replace(/^@/, "");
  let found: "wildcard" | "id" | "username" | undefined;
  for (const raw of list) {
    const entry = normalizeSenderEntry(message.channel, raw);
    if (entry === "*") found ??= "wildcard";
    else if (entry !== "" && entry === sender) return "id";
    else if (username && entry.startsWith("@") && entry.slice(1) === username) found = "username";
  }
  return found;
}

function deny(
  reason: AccessReason,
  detail: string,
  extra: Partial<Extract<AccessDecision, { allow: false }>> = {},
): AccessDecision {
  return { allow: false, reason, detail, ...extra };
}

function decideDm(input: AccessInput): AccessDecision {
  const { message, account } = input;
  const historyLimit = account.dmHistoryLimit ?? 0;
  const who = `sender ${message.senderId}`;
  if (account.dmPolicy === "disabled") return deny("disabled", "dmPolicy is disabled");
  if (account.dmPolicy === "open") {
    if (account.allowFrom.some((e) => e.trim() === "*")) {
      return { allow: true, scope: "dm", via: "open", historyLimit };
    }
    return deny("blocked", 'dmPolicy "open" requires allowFrom to include "*"');
  }
  const configured = matchSender(account.allowFrom, message);
  if (configured) return { allow: true, scope: "dm", via: "allowFrom", historyLimit };
  if (matchSender(input.approvedSenders ?? [], message) === "id") {
    return { allow: true, scope: "dm", via: "pairing-store", historyLimit };
  }
  if (account.dmPolicy === "pairing" && PAIRING_CHANNELS.has(account.channel)) {
    return deny("pairing request", `${who} is not approved yet`, { pairing: true });
  }
  return deny("blocked", `${who} is not in allowFrom`);
}

function groupEntries(account: ChannelAccountConfig, message: InboundMessage) {
  const exact = account.groups.get(message.chatId);
  const star = account.groups.get("*");
  const group = exact ?? star;
  const topics = group?.topics;
  const topic = message.threadId !== undefined && topics
    ? topics.get(message.threadId) ?? topics.get("*")
    : undefined;
  return { exact, star, group, topic };
}

function groupListed(account: ChannelAccountConfig, message: InboundMessage): boolean {
  const { exact, star } = groupEntries(account, message);
  if (exact || star) return true;
  const allow = account.groupAllowFrom ?? [];
  // Feishu lists chat ids (`oc_...`) in groupAllowFrom; elsewhere a sender list without any
  // `groups` block means "these people, in any group" (stock's "only you can trigger").
  if (account.channel === "feishu") return allow.includes(message.chatId) || allow.includes("*");
  return account.groups.size === 0 && allow.length > 0;
}

function senderList(
  account: ChannelAccountConfig,
  entry: GroupConfig | undefined,
  policy: string,
): readonly string[] | undefined {
  if (entry?.allowFrom) return entry.allowFrom;
  if (policy === "open") return undefined;
  if (account.channel === "feishu") {
    const raw = account.raw.groupSenderAllowFrom;
    return Array.isArray(raw) ? raw.map(String) : undefined;
  }
  return account.groupAllowFrom ?? account.allowFrom;
}

function mentionVia(input: AccessInput): AccessVia | undefined {
  const { message, account } = input;
  if (message.mentionsBot) return "mention";
  if (message.replyToBot && account.replyToBotIsMention) return "reply";
  const matcher = input.mentions ?? compileMentionPatterns(account.mentionPatterns);
  return matchesMentionPattern(message.text, matcher) ? "pattern" : undefined;
}

function decideGroup(input: AccessInput): AccessDecision {
  const { message, account } = input;
  const { exact, star, group, topic } = groupEntries(account, message);
  const entry = topic ?? exact ?? star;
  const where = `group ${message.chatId}${message.threadId ? ` topic ${message.threadId}` : ""}`;
  const policy = topic?.groupPolicy ?? group?.groupPolicy ?? account.groupPolicy;
  const historyLimit = Math.min(
    Math.max(0, topic?.historyLimit ?? group?.historyLimit ?? account.historyLimit),
    MAX_HISTORY_LIMIT,
  );
  if (policy === "disabled") return deny("disabled", `groupPolicy is disabled (${where})`);
  if (topic?.enabled === false || group?.enabled === false) {
    return deny("disabled", `${where} is disabled`);
  }
  if (policy === "allowlist" && !groupListed(account, message)) {
    return deny("blocked", `${where} is not in groups`);
  }
  const senders = senderList(account, entry, policy);
  if (senders && senders.length > 0 && !matchSender(senders, message)) {
    return deny("blocked", `sender ${message.senderId} is not allowed in ${where}`);
  }
  const required = input.activation === "always"
    ? false
    : input.activation === "mention" || (topic?.requireMention ?? exact?.requireMention ??
      star?.requireMention ?? account.requireMention ??
      !(account.channel === "feishu" && policy === "open"));
  const via = mentionVia(input);
  if (required && !via) {
    return deny("mention required", `${where}: the bot was not mentioned`, {
      recordHistory: historyLimit > 0,
      historyLimit,
    });
  }
  return {
    allow: true,
    scope: "group",
    via: via ?? "not-required",
    ...(entry ? { group: entry } : {}),
    historyLimit,
  };
}

/**
 * Decides whether an inbound message is processed.
 *
 * @param input The message, its account's settings, the approved pairings and the session's
 *   activation override.
 * @returns `{ allow: true, ... }`, or `{ allow: false, reason, detail }` with the chapter's word
 *   for the reason.
 * @example
 * ```ts
 * const d = decideAccess({ message, account, approvedSenders: store.allowFrom });
 * if (!d.allow) log.info(`drop ${message.channel} ${message.chatId}: ${d.reason} (${d.detail})`);
 * ```
 */
export function decideAccess(input: AccessInput): AccessDecision {
  const { message, account } = input;
  if (!account.enabled) return deny("disabled", `channel ${account.channel} is disabled`);
  if (message.senderIsBot && account.raw.allowBots !== true) {
    return deny("blocked", `sender ${message.senderId} is a bot (allowBots is off)`);
  }
  return message.chatType === "dm" ? decideDm(input) : decideGroup(input);
}

/**
 * Formats a refusal as one log line: `<channel>/<account> <chatType> <chatId> from <sender>:
 * <reason> (<detail>)`.
 *
 * @param message The inbound message.
 * @param decision A refusal from {@linkcode decideAccess}.
 * @returns The line (ids only, never message text).
 */
export function describeDrop(
  message: InboundMessage,
  decision: Extract<AccessDecision, { allow: false }>,
): string {
  return `${message.channel}/${message.accountId} ${message.chatType} ${message.chatId} from ` +
    `${message.senderId}: ${decision.reason} (${decision.detail})`;
}
