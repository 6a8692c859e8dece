/**
 * The shapes every chat platform shares: the adapter a platform implements (Telegram, Discord,
 * WhatsApp, Feishu, QQ), the normalized inbound message the rest of the gateway sees, the status
 * snapshot `channels status` prints, and the resolved per-account config view.
 *
 * The inbound path is: adapter -> {@linkcode InboundHandler} (journals the message durably, see
 * inbound_store.ts) -> access (access.ts) -> routing and session key (session_keys.ts) -> agent
 * turn -> outbound (outbound_format.ts, chunk.ts) -> adapter `sendChunks`.
 *
 * @module
 */

/** A channel id as written under `channels.<id>` (`telegram`, `discord`, `whatsapp`, ...). */
export type ChannelId = string;

/**
 * What kind of conversation a message belongs to. A thread or forum topic is a `group` or
 * `channel` message with a `threadId` (its parent room is `chatId`).
 */
export type ChatType = "dm" | "group" | "channel";

/** One inbound message, the same for every platform. */
export interface InboundMessage {
  /** The channel (`telegram`, `discord`, ...). */
  channel: ChannelId;
  /** The channel account that received it (`default` for single-account channels). */
  accountId: string;
  /** The conversation: the DM chat, the group, or the room (parent room for threads). */
  chatId: string;
  chatType: ChatType;
  /** Forum topic (Telegram) or thread (Discord) inside `chatId`. */
  threadId?: string;
  /** Discord guild, Slack team (routing `bindings[].match.guildId` / `teamId`). */
  guildId?: string;
  teamId?: string;
  /** Sender's platform id (Telegram numeric user id, Discord snowflake, E.164, open_id ...). */
  senderId: string;
  /** Display name. */
  senderName?: string;
  /** `@username` without the `@`, where the platform has one. */
  senderUsername?: string;
  /** True for other bots; they are dropped unless the channel allows bots. */
  senderIsBot?: boolean;
  /** The message text (captions included); empty for media-only messages. */
  text: string;
  /** The platform marked the bot as mentioned (entity, `<@id>`, `@_user_1` ...). */
  mentionsBot: boolean;
  /** The message replies to one of the bot's messages (an implicit mention). */
  replyToBot: boolean;
  /** The platform id of the message it replies to. */
  replyToMessageId?: string;
  /** The platform's message id (unique per chat on Telegram, globally on Discord). */
  messageId: string;
  /** The platform's update/event id when it has one (Telegram `update_id`, Feishu `event_id`). */
  updateId?: string;
  /** When the platform says it was sent (epoch ms). */
  timestamp: number;
}

/**
 * Receives inbound messages from an adapter. The promise resolves once the message is durably
 * journaled (not when it is answered): the adapter must await it before it moves the platform's
 * offset / ack past the message, so a crash never loses it. A rejection means "not stored": the
 * adapter leaves the offset where it is and the platform delivers the message again.
 */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

/** Where an outbound message goes on the platform. */
export interface OutboundTarget {
  /** The chat/room/user to send to. */
  chatId: string;
  /** Thread / forum topic to post in. */
  threadId?: string;
}

/** Options of a send. */
export interface SendOptions {
  /** Reply to this platform message id (quoted reply). */
  replyToMessageId?: string;
  /** `HTML` for Telegram text from outbound_format.ts; plain/markdown otherwise. */
  parseMode?: "HTML";
  /** Send without a notification sound (Telegram `disable_notification`). */
  silent?: boolean;
  /** Aborts a pending send, including a rate-limit wait. */
  signal?: AbortSignal;
}

/** What the platform said about a sent message. */
export interface SendResult {
  /** The platform's id of the new message. */
  messageId?: string;
}

/** One problem a probe found, with the fix when we know it. */
export interface ChannelStatusIssue {
  kind: "intent" | "permissions" | "config" | "auth" | "runtime";
  message: string;
  /** What the operator should do (e.g. the Developer Portal toggle to switch on). */
  fix?: string;
}

/** The result of an active check of a channel account (`channels status --probe`). */
export interface ProbeResult {
  ok: boolean;
  /** How long the probe took. */
  elapsedMs?: number;
  /** Why it failed, in one line. */
  error?: string;
  /** Who the bot is on the platform. */
  bot?: { id?: string; username?: string; name?: string };
  issues?: ChannelStatusIssue[];
}

/**
 * One account's status, as `channels.status` reports it (stock's `AccountSnapshot`; open for
 * platform extras such as `mode` or `intents`). Times are epoch ms.
 */
export interface ChannelAccountSnapshot {
  accountId: string;
  name?: string;
  enabled: boolean;
  /** Credentials are present. */
  configured: boolean;
  /** The transport loop is running (connected or retrying). */
  running: boolean;
  /** The platform connection is up right now. */
  connected: boolean;
  reconnectAttempts?: number;
  lastConnectedAt?: number;
  lastStartAt?: number;
  lastStopAt?: number;
  lastInboundAt?: number;
  lastOutboundAt?: number;
  /** The last failure, in one line (e.g. `409 Conflict: terminated by other getUpdates`). */
  lastError?: string;
  lastProbeAt?: number;
  probe?: ProbeResult;
  /** Transport mode (`polling`, `webhook`, `websocket`, ...). */
  mode?: string;
  dmPolicy?: DmPolicy;
  /** The first entries of `allowFrom` (never secrets). */
  allowFrom?: string[];
  /** Where the token came from: `config`, `env`, `secretRef`, `file`, `none`. */
  tokenSource?: string;
  /** Messages waiting in the inbound journal / failed replies kept for resend. */
  pendingInbound?: number;
  failedOutbound?: number;
  [extra: string]: unknown;
}

/** What the gateway passes to {@linkcode ChannelAdapter.connect}. */
export interface ConnectOptions {
  /** Aborting disconnects; the adapter stops its loop and resolves pending waits. */
  signal: AbortSignal;
  /** Where inbound messages go (await it before acking the platform). */
  onInbound: InboundHandler;
}

/**
 * What every platform implements. One adapter instance serves one channel account.
 *
 * Lifetimes: `connect()` resolves once the first connection is up (or throws why it could not
 * connect); after that the adapter keeps itself connected (reconnects with backoff, see
 * retry.ts) until `signal` aborts or `disconnect()` is called. Nothing it does may throw into the
 * process: failures land in `status().lastError`.
 */
export interface ChannelAdapter {
  readonly channel: ChannelId;
  readonly accountId: string;
  /** Connects and starts delivering inbound messages to `options.onInbound`. */
  connect(options: ConnectOptions): Promise<void>;
  /** Stops the transport; resolves when the last request is settled. Safe to call twice. */
  disconnect(reason?: string): Promise<void>;
  /** Sends one message (already formatted and within the platform's limit). */
  sendText(target: OutboundTarget, text: string, options?: SendOptions): Promise<SendResult>;
  /**
   * Sends chunks in order; only the first carries `replyToMessageId`. Stops at the first failure
   * (the error says how many were sent in `sentCount` when it is a {@linkcode PartialSendError}).
   */
  sendChunks(
    target: OutboundTarget,
    chunks: readonly string[],
    options?: SendOptions,
  ): Promise<SendResult[]>;
  /** Shows "typing..." in the chat (platforms expire it after a few seconds; callers refresh). */
  sendTyping(target: OutboundTarget): Promise<void>;
  /** Actively checks credentials and permissions (`channels status --probe`). */
  probe(signal?: AbortSignal): Promise<ProbeResult>;
  /** The account's current status (cheap; no network). */
  status(): ChannelAccountSnapshot;
}

/** Thrown by `sendChunks` when some chunks went out before a failure. */
export class PartialSendError extends Error {
  /** How many chunks were sent before the failure. */
  readonly sentCount: number;
  /** Results of the chunks that were sent. */
  readonly sent: SendResult[];

  constructor(message: string, sent: SendResult[], cause?: unknown) {
    super(message, { cause });
    this.name = "PartialSendError";
    this.sent = sent;
    this.sentCount = sent.length;
  }
}

/** `dmPolicy`: who may talk to the bot in direct messages. */
export type DmPolicy = "pairing" | "allowlist" | "open" | "disabled";
/** `groupPolicy`: which groups are served. */
export type GroupPolicy = "allowlist" | "open" | "disabled";
/** `streaming.chunkMode` (legacy `chunkMode`). */
export type ChunkMode = "length" | "newline";
/** `replyToMode`: which reply chunks quote the inbound message. */
export type ReplyToMode = "off" | "first" | "all" | "batched";

/** Settings of one group (or `"*"`), or of a forum topic inside it. */
export interface GroupConfig {
  enabled?: boolean;
  requireMention?: boolean;
  /** Senders allowed in this group (overrides `groupAllowFrom`). */
  allowFrom?: string[];
  groupPolicy?: GroupPolicy;
  historyLimit?: number;
  systemPrompt?: string;
  skills?: string[];
  agentId?: string;
  /** Telegram forum topics by thread id or `"*"`. */
  topics?: ReadonlyMap<string, GroupConfig>;
}

/**
 * One channel account's settings: `channels.<id>` with `channels.<id>.accounts.<acc>` merged
 * over it the way stock merges them (see config_view.ts). Maps are `Map`s so a group id like
 * `constructor` is never a prototype lookup.
 */
export interface ChannelAccountConfig {
  channel: ChannelId;
  accountId: string;
  /** False when the channel or the account says `enabled: false`. */
  enabled: boolean;
  name?: string;
  /** @default "pairing" (QQ: "allowlist" with concrete `allowFrom`, else "open") */
  dmPolicy: DmPolicy;
  /** DM allowlist from config (strings; numbers converted). */
  allowFrom: string[];
  /** @default "allowlist" (`channels.defaults.groupPolicy` first) */
  groupPolicy: GroupPolicy;
  /** Group sender allowlist; `undefined` falls back to `allowFrom`. */
  groupAllowFrom?: string[];
  /** Per group id and `"*"`; an account's `groups` replaces the channel's. */
  groups: ReadonlyMap<string, GroupConfig>;
  /** Channel-wide mention default (Feishu); group entries win over it. */
  requireMention?: boolean;
  /** Mention regexes of the routed agent (`agents.list[].groupChat` -> `messages.groupChat`). */
  mentionPatterns: string[];
  /** A reply to the bot counts as a mention. @default true */
  replyToBotIsMention: boolean;
  /** Put before every reply (`channels.<id>.responsePrefix` -> `messages.responsePrefix`). */
  responsePrefix?: string;
  /** Unmentioned group messages kept as context. @default 50 (at most 200; 0 = off) */
  historyLimit: number;
  dmHistoryLimit?: number;
  /** Longest outbound message (capped at the platform's hard limit). */
  textChunkLimit: number;
  /** @default "length" */
  chunkMode: ChunkMode;
  /** @default "off" (Feishu: "all") */
  replyToMode: ReplyToMode;
  mediaMaxMb?: number;
  /** The merged block, for platform keys this view does not type (tokens, apiRoot, webhook...). */
  raw: Readonly<Record<string, unknown>>;
}
