/**
 * Which agent answers an inbound message and in which session, with keys exactly as stock
 * builds them:
 *
 * | conversation | key |
 * |---|---|
 * | DM, `session.dmScope: "main"` (default) | `agent:<a>:main` |
 * | DM, `per-peer` / `per-channel-peer` / `per-account-channel-peer` | `agent:<a>:direct:<peer>` / `agent:<a>:<ch>:direct:<peer>` / `agent:<a>:<ch>:<acc>:direct:<peer>` |
 * | group (`session.groupScope: "per-group"`, default) | `agent:<a>:<ch>:group:<chatId>` |
 * | room / guild channel | `agent:<a>:<ch>:channel:<chatId>` |
 * | Telegram forum topic | `agent:<a>:telegram:group:<chatId>:topic:<threadId>` |
 * | Discord (and other) threads | `agent:<a>:discord:channel:<channelId>:thread:<threadId>` |
 * | `groupScope: "main"` | `agent:<a>:main` |
 *
 * Peer ids are lowercased. `session.identityLinks` maps one person's ids on several channels to
 * one canonical peer (only when `dmScope` is not `main`). The agent comes from `bindings[]`
 * (lib/agent/routing.ts): exact peer -> parent peer (the room of a thread) -> peer wildcard ->
 * guild -> team -> account -> channel -> the default agent.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { hasAgent } from "../agent/agents.ts";
import {
  resolveAgentRoute,
  resolveDmScope,
  type ResolvedRoute,
  type RouteMatch,
} from "../agent/routing.ts";
import {
  buildMainSessionKey,
  buildPeerSessionKey,
  DEFAULT_ACCOUNT_ID,
  type DmScope,
  normalizeAgentId,
  type PeerKind,
} from "../agent/session_key.ts";
import { normalizeSenderEntry } from "./access.ts";
import type { ChatType, InboundMessage } from "./types.ts";

/** How group chats map to sessions (`session.groupScope`). */
export type GroupScope = "per-group" | "main";

/** Inputs of {@linkcode buildChannelSessionKey}. */
export interface ChannelSessionKeyInput {
  agentId: string;
  channel: string;
  accountId?: string;
  chatType: ChatType;
  chatId: string;
  senderId: string;
  threadId?: string;
  /** @default "main" */
  dmScope?: DmScope;
  /** @default "per-group" */
  groupScope?: GroupScope;
  /** `session.mainKey`. */
  mainKey?: string;
  /** `session.identityLinks`: canonical name -> `["<channel>:<id>", ...]`. */
  identityLinks?: Readonly<Record<string, readonly string[]>>;
}

function lower(value: string | undefined): string {
  return (value ?? "").trim().toLowerCase();
}

function peerKindOf(chatType: ChatType): PeerKind {
  return chatType === "dm" ? "direct" : chatType;
}

function linkedPeer(
  channel: string,
  peerId: string,
  links: ChannelSessionKeyInput["identityLinks"],
): string {
  if (!links) return peerId;
  const wanted = `${lower(channel)}:${lower(peerId)}`;
  for (const [canonical, ids] of Object.entries(links)) {
    if (!Array.isArray(ids)) continue;
    if (ids.some((id) => lower(String(id)) === wanted) && canonical.trim()) {
      return canonical.trim();
    }
  }
  return peerId;
}

/**
 * Builds the session key of a conversation (see the module table).
 *
 * @param input The agent, channel, account, chat, sender, thread and the session settings.
 * @returns The session key.
 * @example
 * ```ts
 * buildChannelSessionKey({
 *   agentId: "main", channel: "telegram", chatType: "group",
 *   chatId: "-1001", senderId: "42", threadId: "7",
 * }); // "agent:main:telegram:group:-1001:topic:7"
 * ```
 */
export function buildChannelSessionKey(input: ChannelSessionKeyInput): string {
  const channel = lower(input.channel) || "unknown";
  if (input.chatType === "dm") {
    const dmScope = input.dmScope ?? "main";
    const peer = dmScope === "main"
      ? input.senderId
      : linkedPeer(channel, input.senderId, input.identityLinks);
    return buildPeerSessionKey({
      agentId: input.agentId,
      mainKey: input.mainKey,
      channel,
      accountId: lower(input.accountId) || DEFAULT_ACCOUNT_ID,
      peerKind: "direct",
      peerId: peer,
      dmScope,
    });
  }
  if (input.groupScope === "main") return buildMainSessionKey(input.agentId, input.mainKey);
  const base = buildPeerSessionKey({
    agentId: input.agentId,
    channel,
    peerKind: peerKindOf(input.chatType),
    peerId: input.chatId,
  });
  const thread = lower(input.threadId);
  if (!thread) return base;
  return `${base}:${channel === "telegram" ? "topic" : "thread"}:${thread}`;
}

/** How {@linkcode resolveChannelRoute} chose the agent. */
export type ChannelRouteMatch =
  | RouteMatch
  | "binding.peer.parent"
  | "binding.peer.wildcard"
  | "group.agentId";

/** The agent and session of an inbound message. */
export interface ChannelRoute {
  agentId: string;
  sessionKey: string;
  mainSessionKey: string;
  matchedBy: ChannelRouteMatch;
  /**
   * False when this DM must not become the main session's "last route" (stock: with
   * `dmScope: "main"` and exactly one concrete `allowFrom` entry, only the owner's DMs do).
   */
  updatesLastRoute: boolean;
}

/** Options of {@linkcode resolveChannelRoute}. */
export interface ChannelRouteOptions {
  /** An agent named by the group or topic entry (`groups.<id>.topics.<t>.agentId`). */
  groupAgentId?: string;
  /** The account's `allowFrom`, for the last-route rule. */
  allowFrom?: readonly string[];
}

type Peer = { kind: PeerKind; id: string };

function threadPeer(message: InboundMessage): Peer | undefined {
  if (message.threadId === undefined || message.chatType === "dm") return undefined;
  const kind = peerKindOf(message.chatType);
  return message.channel === "telegram"
    ? { kind, id: `${message.chatId}:topic:${message.threadId}` }
    : { kind, id: message.threadId };
}

function wildcardAgent(config: OpenClawConfig, message: InboundMessage, peer: Peer) {
  const channel = lower(message.channel);
  const account = lower(message.accountId) || DEFAULT_ACCOUNT_ID;
  for (const binding of config.bindings ?? []) {
    const m = (binding.match ?? {}) as { channel?: string; accountId?: string; peer?: unknown };
    if (lower(m.channel) !== channel || !hasAgent(config, binding.agentId)) continue;
    const acc = lower(m.accountId);
    if (acc !== "*" && (acc || DEFAULT_ACCOUNT_ID) !== account) continue;
    const p = m.peer;
    const id = typeof p === "string" ? p : (p as { id?: string } | undefined)?.id;
    const kind = typeof p === "object" && p ? lower((p as { kind?: string }).kind) : "";
    if (lower(id) !== "*") continue;
    if (kind && (kind === "dm" ? "direct" : kind) !== peer.kind) continue;
    return normalizeAgentId(binding.agentId);
  }
  return undefined;
}

function pickAgent(
  config: OpenClawConfig,
  message: InboundMessage,
  options: ChannelRouteOptions,
): { agentId: string; matchedBy: ChannelRouteMatch } {
  if (options.groupAgentId && hasAgent(config, options.groupAgentId)) {
    return { agentId: normalizeAgentId(options.groupAgentId), matchedBy: "group.agentId" };
  }
  const peer: Peer = message.chatType === "dm"
    ? { kind: "direct", id: message.senderId }
    : { kind: peerKindOf(message.chatType), id: message.chatId };
  const base = {
    channel: message.channel,
    accountId: message.accountId,
    guildId: message.guildId,
    teamId: message.teamId,
  };
  const thread = threadPeer(message);
  const first: ResolvedRoute = resolveAgentRoute(config, { ...base, peer: thread ?? peer });
  if (first.matchedBy === "binding.peer") return first;
  if (thread) {
    const parent = resolveAgentRoute(config, { ...base, peer });
    if (parent.matchedBy === "binding.peer") {
      return { agentId: parent.agentId, matchedBy: "binding.peer.parent" };
    }
  }
  const wildcard = wildcardAgent(config, message, peer);
  if (wildcard) return { agentId: wildcard, matchedBy: "binding.peer.wildcard" };
  return first;
}

function sessionSetting(config: OpenClawConfig, key: string): unknown {
  const session = config.session as Record<string, unknown> | undefined;
  return session && Object.hasOwn(session, key) ? session[key] : undefined;
}

/**
 * Routes an inbound message to an agent and builds its session key.
 *
 * @param config The parsed config (`bindings`, `agents`, `session`).
 * @param message The inbound message.
 * @param options A group/topic agent override and the account's `allowFrom`.
 * @returns The agent, the session key, the agent's main session key, how the agent was chosen,
 *   and whether the message may update the main session's last route.
 */
export function resolveChannelRoute(
  config: OpenClawConfig,
  message: InboundMessage,
  options: ChannelRouteOptions = {},
): ChannelRoute {
  const { agentId, matchedBy } = pickAgent(config, message, options);
  const dmScope = resolveDmScope(config);
  const groupScope = sessionSetting(config, "groupScope") === "main" ? "main" : "per-group";
  const links = sessionSetting(config, "identityLinks");
  const mainKey = config.session?.mainKey;
  const sessionKey = buildChannelSessionKey({
    agentId,
    channel: message.channel,
    accountId: message.accountId,
    chatType: message.chatType,
    chatId: message.chatId,
    senderId: message.senderId,
    threadId: message.threadId,
    dmScope,
    groupScope,
    mainKey,
    identityLinks: typeof links === "object" && links !== null
      ? links as Record<string, string[]>
      : undefined,
  });
  const concrete = (options.allowFrom ?? []).filter((e) => e.trim() !== "*");
  const ownerOnly = message.chatType === "dm" && dmScope === "main" && concrete.length === 1;
  return {
    agentId,
    sessionKey,
    mainSessionKey: buildMainSessionKey(agentId, mainKey),
    matchedBy,
    updatesLastRoute: !ownerOnly ||
      normalizeSenderEntry(message.channel, concrete[0]) ===
        normalizeSenderEntry(message.channel, message.senderId),
  };
}
