/**
 * Which agent handles an inbound message, and under which session key: `bindings[]` tried from
 * the most specific match to the least (peer, guild, team, account, channel), then the default
 * agent -- the order stock's `resolveAgentRoute` uses.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { defaultAgentId, hasAgent } from "./agents.ts";
import {
  buildMainSessionKey,
  buildPeerSessionKey,
  DEFAULT_ACCOUNT_ID,
  type DmScope,
  normalizeAgentId,
  type PeerKind,
} from "./session_key.ts";

/** Where a message came from. */
export interface RouteInput {
  channel: string;
  /** The channel account that received it. @default "default" */
  accountId?: string;
  /** The sender (direct chats) or the room. */
  peer?: { kind: PeerKind; id: string };
  /** Discord guild. */
  guildId?: string;
  /** Slack team. */
  teamId?: string;
}

/** Which binding tier chose the agent. */
export type RouteMatch =
  | "binding.peer"
  | "binding.guild"
  | "binding.team"
  | "binding.account"
  | "binding.channel"
  | "default";

/** The agent and session for a message. */
export interface ResolvedRoute {
  agentId: string;
  sessionKey: string;
  mainSessionKey: string;
  matchedBy: RouteMatch;
}

interface BindingMatch {
  channel?: string;
  accountId?: string;
  peer?: string | { kind?: string; id?: string };
  guildId?: string;
  teamId?: string;
}

const DM_SCOPES: readonly DmScope[] = [
  "main",
  "per-peer",
  "per-channel-peer",
  "per-account-channel-peer",
];

function norm(value: string | undefined): string {
  return (value ?? "").trim().toLowerCase();
}

function accountMatches(pattern: string | undefined, actual: string): boolean {
  const p = norm(pattern);
  if (p === "*") return true;
  // A binding without accountId covers the channel's default account only (stock semantics).
  return (p || DEFAULT_ACCOUNT_ID) === actual;
}

function peerMatches(pattern: BindingMatch["peer"], peer: RouteInput["peer"]): boolean {
  if (!peer || pattern === undefined) return false;
  const id = typeof pattern === "string" ? pattern : pattern.id;
  const kind = typeof pattern === "string" ? undefined : pattern.kind;
  if (!id || norm(id) !== norm(peer.id)) return false;
  // Older configs write `dm` for direct chats.
  const k = norm(kind) === "dm" ? "direct" : norm(kind);
  return !k || k === peer.kind;
}

/** Reads `session.dmScope` (the schema keeps `session` loose). */
export function resolveDmScope(config: OpenClawConfig): DmScope {
  const raw = (config.session as { dmScope?: unknown } | undefined)?.dmScope;
  return typeof raw === "string" && (DM_SCOPES as readonly string[]).includes(raw)
    ? raw as DmScope
    : "main";
}

/**
 * Picks the agent for a message and builds its session key. A binding naming an agent that is
 * not configured is ignored (stock falls back the same way).
 */
export function resolveAgentRoute(config: OpenClawConfig, input: RouteInput): ResolvedRoute {
  const channel = norm(input.channel);
  const accountId = norm(input.accountId) || DEFAULT_ACCOUNT_ID;
  const candidates = (config.bindings ?? []).filter((b) => {
    const m = (b.match ?? {}) as BindingMatch;
    return norm(m.channel) === channel && accountMatches(m.accountId, accountId) &&
      hasAgent(config, b.agentId);
  });
  const tiers: [RouteMatch, (m: BindingMatch) => boolean][] = [
    ["binding.peer", (m) => peerMatches(m.peer, input.peer)],
    ["binding.guild", (m) => !m.peer && !!m.guildId && norm(m.guildId) === norm(input.guildId)],
    ["binding.team", (m) => !m.peer && !!m.teamId && norm(m.teamId) === norm(input.teamId)],
    [
      "binding.account",
      (m) => !m.peer && !m.guildId && !m.teamId && !!norm(m.accountId) && norm(m.accountId) !== "*",
    ],
    ["binding.channel", (m) => !m.peer && !m.guildId && !m.teamId],
  ];
  let agentId = defaultAgentId(config);
  let matchedBy: RouteMatch = "default";
  for (const [tier, test] of tiers) {
    const hit = candidates.find((b) => test((b.match ?? {}) as BindingMatch));
    if (hit) {
      agentId = normalizeAgentId(hit.agentId);
      matchedBy = tier;
      break;
    }
  }
  const mainKey = config.session?.mainKey;
  const sessionKey = input.peer
    ? buildPeerSessionKey({
      agentId,
      mainKey,
      channel,
      accountId,
      peerKind: input.peer.kind,
      peerId: input.peer.id,
      dmScope: resolveDmScope(config),
    })
    : buildMainSessionKey(agentId, mainKey);
  return { agentId, sessionKey, mainSessionKey: buildMainSessionKey(agentId, mainKey), matchedBy };
}
