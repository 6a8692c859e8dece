/**
 * The per-account view of `channels.<id>`: which accounts a channel has, which one is the
 * default, and one account's settings with the channel root merged under it as stock merges them.
 *
 * Merge rules (stock 2026.9.6): an account inherits every key it omits from the channel root
 * (`dmPolicy`, `allowFrom`, `groupPolicy`, `groupAllowFrom`, ...) -- never from `accounts.default`,
 * except WhatsApp named accounts, which resolve account -> `accounts.default` -> root. The merge
 * is shallow, so an account's `groups` replaces the root's (`groups: {}` isolates an account).
 * Credentials are not inherited by named accounts: one token must not feed two pollers.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { DEFAULT_ACCOUNT_ID } from "../agent/session_key.ts";
import { listChannelIds, NOT_CHANNEL_KEYS } from "./dormant.ts";
import type {
  ChannelAccountConfig,
  ChunkMode,
  DmPolicy,
  GroupConfig,
  GroupPolicy,
  ReplyToMode,
} from "./types.ts";

export { DEFAULT_ACCOUNT_ID, listChannelIds };

/** Hard per-message text limits of the platforms (characters). */
export const PLATFORM_TEXT_LIMITS: ReadonlyMap<string, number> = new Map([
  ["telegram", 4096],
  ["discord", 2000],
  ["qqbot", 5000],
]);

/** `textChunkLimit` defaults per channel (stock); others get {@link DEFAULT_TEXT_CHUNK_LIMIT}. */
const TEXT_CHUNK_DEFAULTS: ReadonlyMap<string, number> = new Map([
  ["telegram", 4000],
  ["discord", 2000],
  ["whatsapp", 4000],
  ["feishu", 4000],
  ["qqbot", 5000],
]);

/** `textChunkLimit` when neither the config nor the channel table says otherwise. */
export const DEFAULT_TEXT_CHUNK_LIMIT = 4000;
/** `historyLimit` default (stock). */
export const DEFAULT_HISTORY_LIMIT = 50;
/** The largest `historyLimit` honoured (stock caps it). */
export const MAX_HISTORY_LIMIT = 200;

/** Credential keys a named account never inherits from the channel root. */
const CREDENTIAL_KEYS = new Set([
  "token",
  "botToken",
  "tokenFile",
  "appToken",
  "appId",
  "appSecret",
  "encryptKey",
  "verificationToken",
  "clientSecret",
  "signingSecret",
  "webhookSecret",
  "password",
  "authDir",
]);

type Block = Record<string, unknown>;

function asBlock(value: unknown): Block | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Block
    : undefined;
}

function own(block: Block | undefined, key: string): unknown {
  return block && Object.hasOwn(block, key) ? block[key] : undefined;
}

/**
 * Normalizes an account id: trimmed, lowercase, `[a-z0-9_-]`, at most 64 characters; empty is
 * `default`.
 *
 * @param value An account id as written in the config or on the command line.
 * @returns The id the stores and session keys use.
 * @example
 * ```ts
 * normalizeAccountId(" Work "); // "work"
 * normalizeAccountId(undefined); // "default"
 * ```
 */
export function normalizeAccountId(value: string | undefined | null): string {
  const id = (value ?? "").trim().toLowerCase().replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 64);
  return id || DEFAULT_ACCOUNT_ID;
}

function channelBlock(config: OpenClawConfig, channel: string): Block | undefined {
  return NOT_CHANNEL_KEYS.has(channel)
    ? undefined
    : asBlock(own(asBlock(config.channels), channel));
}

/**
 * Lists a channel's account ids (normalized): the keys of `accounts`, or `["default"]` when the
 * channel has no `accounts` block.
 *
 * @param config The parsed config.
 * @param channel A channel id.
 * @returns Account ids; empty when the channel is not configured.
 */
export function listAccountIds(config: OpenClawConfig, channel: string): string[] {
  const block = channelBlock(config, channel);
  if (!block) return [];
  const accounts = asBlock(block.accounts);
  const ids = accounts ? [...new Set(Object.keys(accounts).map(normalizeAccountId))] : [];
  return ids.length > 0 ? ids : [DEFAULT_ACCOUNT_ID];
}

/**
 * The account used when none is named: `defaultAccount`, else an account named `default`,
 * else the first one.
 *
 * @param config The parsed config.
 * @param channel A channel id.
 * @returns An account id (`default` for unconfigured channels).
 */
export function resolveDefaultAccountId(config: OpenClawConfig, channel: string): string {
  const ids = listAccountIds(config, channel);
  const preferred = own(channelBlock(config, channel), "defaultAccount");
  if (typeof preferred === "string" && ids.includes(normalizeAccountId(preferred))) {
    return normalizeAccountId(preferred);
  }
  return ids.includes(DEFAULT_ACCOUNT_ID) ? DEFAULT_ACCOUNT_ID : ids[0] ?? DEFAULT_ACCOUNT_ID;
}

function accountBlock(root: Block, accountId: string): Block | undefined {
  const accounts = asBlock(root.accounts);
  if (!accounts) return undefined;
  for (const [key, value] of Object.entries(accounts)) {
    if (normalizeAccountId(key) === accountId) return asBlock(value);
  }
  return undefined;
}

function mergedBlock(channel: string, root: Block, accountId: string, isDefault: boolean): Block {
  const base: Block = Object.create(null);
  for (const [key, value] of Object.entries(root)) {
    if (key === "accounts" || key === "defaultAccount") continue;
    if (!isDefault && CREDENTIAL_KEYS.has(key)) continue;
    base[key] = value;
  }
  const layers: (Block | undefined)[] = [];
  if (channel === "whatsapp" && accountId !== DEFAULT_ACCOUNT_ID) {
    layers.push(accountBlock(root, DEFAULT_ACCOUNT_ID));
  }
  layers.push(accountBlock(root, accountId));
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value !== undefined) base[key] = value;
    }
  }
  return base;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((v) => String(v).trim()).filter((v) => v !== "");
}

function pick<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === "string" && (allowed as readonly string[]).includes(value)
    ? value as T
    : undefined;
}

const GROUP_POLICIES = ["allowlist", "open", "disabled"] as const;
const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;

function toGroupConfig(value: unknown): GroupConfig | undefined {
  const b = asBlock(value);
  if (!b) return undefined;
  const out: GroupConfig = {};
  if (typeof b.enabled === "boolean") out.enabled = b.enabled;
  if (typeof b.requireMention === "boolean") out.requireMention = b.requireMention;
  const allowFrom = stringList(b.allowFrom);
  if (allowFrom) out.allowFrom = allowFrom;
  const policy = pick(b.groupPolicy, GROUP_POLICIES);
  if (policy) out.groupPolicy = policy;
  if (typeof b.historyLimit === "number") out.historyLimit = b.historyLimit;
  if (typeof b.systemPrompt === "string") out.systemPrompt = b.systemPrompt;
  const skills = stringList(b.skills);
  if (skills) out.skills = skills;
  if (typeof b.agentId === "string") out.agentId = b.agentId;
  const topics = asBlock(b.topics);
  if (topics) out.topics = groupMap(topics);
  return out;
}

function groupMap(block: Block | undefined): Map<string, GroupConfig> {
  const out = new Map<string, GroupConfig>();
  for (const [id, value] of Object.entries(block ?? {})) {
    const group = toGroupConfig(value);
    if (group) out.set(id.trim(), group);
  }
  return out;
}

function messagesGroupChatPatterns(config: OpenClawConfig): string[] | undefined {
  const groupChat = asBlock(own(asBlock(config.messages), "groupChat"));
  return stringList(own(groupChat, "mentionPatterns"));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Mention patterns of an agent: `agents.list[<agentId>].groupChat.mentionPatterns`, else
 * `messages.groupChat.mentionPatterns`; on WhatsApp (where the bot is a person's account and has
 * no native mention) derived from the agent's identity name and emoji when neither is set.
 */
function resolveMentionPatterns(
  config: OpenClawConfig,
  channel: string,
  agentId: string | undefined,
): string[] {
  const entry = agentId
    ? config.agents?.list?.find((a) => a.id.trim().toLowerCase() === agentId.toLowerCase())
    : undefined;
  const explicit = stringList(entry?.groupChat?.mentionPatterns) ??
    messagesGroupChatPatterns(config);
  if (explicit) return explicit;
  if (channel !== "whatsapp") return [];
  const identity = entry?.identity ?? config.identity;
  const derived: string[] = [];
  if (identity?.name?.trim()) derived.push(`@?${escapeRegex(identity.name.trim())}`);
  if (identity?.emoji?.trim()) derived.push(escapeRegex(identity.emoji.trim()));
  return derived;
}

function chunkModeOf(block: Block): ChunkMode {
  const streaming = asBlock(block.streaming);
  return pick(own(streaming, "chunkMode"), ["length", "newline"] as const) ??
    pick(block.chunkMode, ["length", "newline"] as const) ?? "length";
}

function defaultDmPolicy(channel: string, allowFrom: string[]): DmPolicy {
  // QQ has no pairing: allowlist once a concrete sender is listed, else open.
  if (channel === "qqbot") return allowFrom.some((e) => e !== "*") ? "allowlist" : "open";
  return "pairing";
}

/** Options of {@linkcode resolveChannelAccount}. */
export interface ResolveChannelAccountOptions {
  /** The agent the message routes to (picks its mention patterns). */
  agentId?: string;
}

/**
 * Resolves one channel account's settings, with defaults applied.
 *
 * @param config The parsed config.
 * @param channel A channel id (`telegram`, ...).
 * @param accountId The account; the channel's default account when omitted.
 * @param options The routed agent, for mention patterns.
 * @returns The account view; `enabled: false` when the channel is not configured at all (and
 *   then `groupPolicy` is `allowlist`, failing closed as stock does).
 * @example
 * ```ts
 * const tg = resolveChannelAccount(config, "telegram");
 * tg.dmPolicy; // "pairing" unless configured
 * tg.textChunkLimit; // 4000
 * ```
 */
export function resolveChannelAccount(
  config: OpenClawConfig,
  channel: string,
  accountId?: string,
  options: ResolveChannelAccountOptions = {},
): ChannelAccountConfig {
  const id = channel.trim().toLowerCase();
  const root = channelBlock(config, id);
  const defaultAccount = resolveDefaultAccountId(config, id);
  const account = accountId === undefined ? defaultAccount : normalizeAccountId(accountId);
  const block = root ? mergedBlock(id, root, account, account === defaultAccount) : {};
  const dm = asBlock(block.dm);
  const allowFrom = stringList(block.allowFrom) ?? stringList(own(dm, "allowFrom")) ?? [];
  const defaults = asBlock(own(asBlock(config.channels), "defaults"));
  const groupPolicy = pick(block.groupPolicy, GROUP_POLICIES) ??
    (root ? pick(own(defaults, "groupPolicy"), GROUP_POLICIES) : undefined) ?? "allowlist";
  const implicit = asBlock(own(defaults, "implicitMentions"));
  const hard = PLATFORM_TEXT_LIMITS.get(id) ?? Number.POSITIVE_INFINITY;
  const configuredLimit = typeof block.textChunkLimit === "number" ? block.textChunkLimit : 0;
  const textChunkLimit = Math.min(
    configuredLimit > 0 ? configuredLimit : TEXT_CHUNK_DEFAULTS.get(id) ?? DEFAULT_TEXT_CHUNK_LIMIT,
    hard,
  );
  const history = typeof block.historyLimit === "number" ? block.historyLimit : undefined;
  const responsePrefix = typeof block.responsePrefix === "string"
    ? block.responsePrefix
    : asBlock(config.messages)?.responsePrefix;
  const view: ChannelAccountConfig = {
    channel: id,
    accountId: account,
    enabled: root !== undefined && block.enabled !== false && own(dm, "enabled") !== false,
    dmPolicy: pick(block.dmPolicy, DM_POLICIES) ?? pick(own(dm, "policy"), DM_POLICIES) ??
      defaultDmPolicy(id, allowFrom),
    allowFrom,
    groupPolicy: groupPolicy as GroupPolicy,
    groups: groupMap(asBlock(block.groups)),
    mentionPatterns: resolveMentionPatterns(config, id, options.agentId),
    replyToBotIsMention: own(implicit, "replyToBot") !== false,
    historyLimit: Math.min(Math.max(0, history ?? DEFAULT_HISTORY_LIMIT), MAX_HISTORY_LIMIT),
    textChunkLimit,
    chunkMode: chunkModeOf(block),
    replyToMode: pick(block.replyToMode, ["off", "first", "all", "batched"] as const) ??
      (id === "feishu" ? "all" : "off") as ReplyToMode,
    raw: block,
  };
  if (typeof block.name === "string") view.name = block.name;
  const groupAllowFrom = stringList(block.groupAllowFrom);
  if (groupAllowFrom) view.groupAllowFrom = groupAllowFrom;
  if (typeof block.requireMention === "boolean") view.requireMention = block.requireMention;
  if (typeof responsePrefix === "string") view.responsePrefix = responsePrefix;
  if (typeof block.dmHistoryLimit === "number") view.dmHistoryLimit = block.dmHistoryLimit;
  if (typeof block.mediaMaxMb === "number") view.mediaMaxMb = block.mediaMaxMb;
  return view;
}

/**
 * Lists every configured channel account (enabled or not), for the channel subsystem and
 * `channels list`.
 *
 * @param config The parsed config.
 * @returns One view per channel account, channels in file order.
 */
export function listChannelAccounts(config: OpenClawConfig): ChannelAccountConfig[] {
  return listChannelIds(config).flatMap((channel) =>
    listAccountIds(config, channel).map((id) => resolveChannelAccount(config, channel, id))
  );
}
