/**
 * Session keys as stock writes them: `agent:<agentId>:<mainKey>` for an agent's main session,
 * `agent:<agentId>:<channel>:direct:<peer>` (and the other `session.dmScope` shapes) for direct
 * chats, `agent:<agentId>:<channel>:<group|channel>:<id>` for rooms, and the `global` sentinel.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";

/** The agent used when nothing else names one. */
export const DEFAULT_AGENT_ID = "main";
/** The main session's key suffix unless `session.mainKey` says otherwise. */
export const DEFAULT_MAIN_KEY = "main";
/** The account id used when a channel has a single (unnamed) account. */
export const DEFAULT_ACCOUNT_ID = "default";

/** How direct messages are grouped into sessions (`session.dmScope`). */
export type DmScope = "main" | "per-peer" | "per-channel-peer" | "per-account-channel-peer";

/** What a peer is: a person (direct chat), a group, or a channel/room. */
export type PeerKind = "direct" | "group" | "channel";

const VALID_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function lower(value: string | undefined | null): string {
  return (value ?? "").trim().toLowerCase();
}

/** Normalises an agent id the way stock does (lowercase, `[a-z0-9_-]`, at most 64 chars). */
export function normalizeAgentId(value: string | undefined | null): string {
  const trimmed = (value ?? "").trim();
  if (!trimmed) return DEFAULT_AGENT_ID;
  if (VALID_ID.test(trimmed)) return trimmed.toLowerCase();
  return trimmed.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+/, "").replace(/-+$/, "")
    .slice(0, 64) || DEFAULT_AGENT_ID;
}

/** Normalises `session.mainKey` (lowercase; empty means `main`). */
export function normalizeMainKey(value: string | undefined | null): string {
  return lower(value) || DEFAULT_MAIN_KEY;
}

/** Returns `agent:<agentId>:<mainKey>`. */
export function buildMainSessionKey(agentId: string, mainKey?: string): string {
  return `agent:${normalizeAgentId(agentId)}:${normalizeMainKey(mainKey)}`;
}

/** Inputs of {@linkcode buildPeerSessionKey}. */
export interface PeerSessionKeyInput {
  agentId: string;
  mainKey?: string;
  channel: string;
  accountId?: string;
  peerKind?: PeerKind;
  peerId?: string;
  /** @default "main" */
  dmScope?: DmScope;
}

/**
 * Returns the session key of a conversation with a peer. Direct chats follow `dmScope` (all of
 * them share the main session by default); groups and channels always get their own key.
 */
export function buildPeerSessionKey(input: PeerSessionKeyInput): string {
  const agent = normalizeAgentId(input.agentId);
  const channel = lower(input.channel) || "unknown";
  const kind = input.peerKind ?? "direct";
  const peer = lower(input.peerId);
  if (kind === "direct") {
    const scope = input.dmScope ?? "main";
    if (!peer || scope === "main") return buildMainSessionKey(agent, input.mainKey);
    if (scope === "per-peer") return `agent:${agent}:direct:${peer}`;
    if (scope === "per-channel-peer") return `agent:${agent}:${channel}:direct:${peer}`;
    const account = lower(input.accountId) || DEFAULT_ACCOUNT_ID;
    return `agent:${agent}:${channel}:${account}:direct:${peer}`;
  }
  return `agent:${agent}:${channel}:${kind}:${peer || "unknown"}`;
}

/** Splits `agent:<agentId>:<rest>`; `undefined` for other shapes (`global`, legacy keys). */
export function parseAgentSessionKey(key: string): { agentId: string; rest: string } | undefined {
  const trimmed = key.trim();
  if (!trimmed.toLowerCase().startsWith("agent:")) return undefined;
  const after = trimmed.slice("agent:".length);
  const colon = after.indexOf(":");
  if (colon <= 0 || colon === after.length - 1) return undefined;
  return { agentId: normalizeAgentId(after.slice(0, colon)), rest: after.slice(colon + 1) };
}

/**
 * Returns the agent a session key names (`agent:<agentId>:<rest>`, id normalised), or
 * `undefined` when the key names none (`global`, bare keys, malformed `agent:` keys, no key).
 *
 * @example
 * ```ts
 * agentIdFromSessionKey("agent:Ops:main"); // "ops"
 * agentIdFromSessionKey("main"); // undefined
 * ```
 */
export function agentIdFromSessionKey(key: string | undefined): string | undefined {
  return key === undefined ? undefined : parseAgentSessionKey(key)?.agentId;
}

/** What kind of conversation a session key is (stock `kind` in `sessions.list` rows). */
export type SessionKind = "direct" | "group" | "global" | "unknown";

/**
 * Tells what kind of conversation a session key is: the `global` and `unknown` sentinels are
 * themselves, keys with a `:group:` or `:channel:` segment are group chats, everything else
 * (main sessions included) is direct.
 */
export function sessionKind(key: string): SessionKind {
  if (key === "global") return "global";
  if (key === "unknown") return "unknown";
  return /:(group|channel):/.test(key) ? "group" : "direct";
}

/**
 * Turns a session key as a client sent it into the key the store uses: agent-scoped keys keep
 * their shape (agent id normalised), `global` stays, `main` (or the configured main key) becomes
 * the agent's main key, and any other bare key is scoped to the agent (`agent:<id>:<key>`).
 *
 * @throws {OpenClawError} `SESSION_KEY_INVALID` for an empty key, one longer than 512 characters,
 *   or a malformed `agent:` key.
 */
export function canonicalSessionKey(raw: string, agentId: string, mainKey?: string): string {
  const key = raw.trim();
  if (!key || key.length > 512) {
    throw new OpenClawError(
      "SESSION_KEY_INVALID",
      `Invalid session key "${key.slice(0, 40)}": expected 1\u2013512 characters`,
      { hint: 'Use a key like "agent:main:main", or omit it for the main session' },
    );
  }
  const parsed = parseAgentSessionKey(key);
  if (parsed) return `agent:${parsed.agentId}:${parsed.rest}`;
  if (key.toLowerCase().startsWith("agent:")) {
    throw new OpenClawError(
      "SESSION_KEY_INVALID",
      `Invalid session key "${key}": expected "agent:<agentId>:<rest>"`,
      { hint: 'Use a key like "agent:main:main"' },
    );
  }
  const lowered = key.toLowerCase();
  if (lowered === "global") return "global";
  if (lowered === DEFAULT_MAIN_KEY || lowered === normalizeMainKey(mainKey)) {
    return buildMainSessionKey(agentId, mainKey);
  }
  return `agent:${normalizeAgentId(agentId)}:${key}`;
}

/** Returns true when `id` is safe as a transcript file name (`<sessionId>.jsonl`). */
export function isValidSessionId(id: string): boolean {
  return SESSION_ID.test(id) && !id.includes("..");
}

/**
 * Checks a caller-supplied session id.
 *
 * @throws {OpenClawError} `SESSION_ID_INVALID` unless it is 1-128 characters of
 *   `[A-Za-z0-9._-]` starting with a letter or digit.
 */
export function assertSessionId(id: string): string {
  if (!isValidSessionId(id)) {
    throw new OpenClawError(
      "SESSION_ID_INVALID",
      `Invalid session id "${id.slice(0, 40)}": expected letters, digits, ".", "_" or "-"`,
      { hint: "Pass a session id from `openclaw sessions`, or omit --session-id" },
    );
  }
  return id;
}
