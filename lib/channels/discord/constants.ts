/**
 * Discord wire constants (API v10, gateway JSON encoding) used by the Discord adapter: opcodes,
 * intent bits, application flags, close codes, channel and message types. Values are Discord's
 * documented numbers; only the ones the adapter uses are listed.
 *
 * @module
 */

/** The API and gateway version spoken. */
export const DISCORD_API_VERSION = 10;
/** The public REST base (stock's `DISCORD_API_URL` replaces it). */
export const DISCORD_API_BASE = `https://discord.com/api/v${DISCORD_API_VERSION}`;
/** Longest message content Discord accepts. */
export const DISCORD_MAX_MESSAGE_LENGTH = 2000;

/** Gateway opcodes. */
export const GatewayOp = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  RESUME: 6,
  RECONNECT: 7,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
} as const;

/** Gateway intent bits (the ones the adapter may request). */
export const GatewayIntent = {
  GUILDS: 1 << 0,
  GUILD_MEMBERS: 1 << 1,
  GUILD_PRESENCES: 1 << 8,
  GUILD_MESSAGES: 1 << 9,
  GUILD_MESSAGE_REACTIONS: 1 << 10,
  DIRECT_MESSAGES: 1 << 12,
  DIRECT_MESSAGE_REACTIONS: 1 << 13,
  MESSAGE_CONTENT: 1 << 15,
} as const;

/** Intent names as logged and shown in status, in bit order. */
export const INTENT_NAMES: ReadonlyMap<number, string> = new Map([
  [GatewayIntent.GUILDS, "guilds"],
  [GatewayIntent.GUILD_MEMBERS, "guildMembers"],
  [GatewayIntent.GUILD_PRESENCES, "guildPresences"],
  [GatewayIntent.GUILD_MESSAGES, "guildMessages"],
  [GatewayIntent.GUILD_MESSAGE_REACTIONS, "guildMessageReactions"],
  [GatewayIntent.DIRECT_MESSAGES, "directMessages"],
  [GatewayIntent.DIRECT_MESSAGE_REACTIONS, "directMessageReactions"],
  [GatewayIntent.MESSAGE_CONTENT, "messageContent"],
]);

/** Application flags (`GET /oauth2/applications/@me` -> `flags`) that grant privileged intents. */
export const ApplicationFlag = {
  GATEWAY_PRESENCE: 1 << 12,
  GATEWAY_PRESENCE_LIMITED: 1 << 13,
  GATEWAY_GUILD_MEMBERS: 1 << 14,
  GATEWAY_GUILD_MEMBERS_LIMITED: 1 << 15,
  GATEWAY_MESSAGE_CONTENT: 1 << 18,
  GATEWAY_MESSAGE_CONTENT_LIMITED: 1 << 19,
} as const;

/** A privileged intent: the application flags that grant it and its Developer Portal toggle. */
export interface PrivilegedIntent {
  intent: number;
  /** Either flag grants it (the `_LIMITED` one is set for apps in fewer than 100 servers). */
  flags: number;
  /** The switch under Bot -> Privileged Gateway Intents. */
  toggle: string;
  /** What the bot misses without it. */
  effect: string;
}

/** The privileged intents, with where to switch them on. */
export const PRIVILEGED_INTENTS: readonly PrivilegedIntent[] = [
  {
    intent: GatewayIntent.MESSAGE_CONTENT,
    flags: ApplicationFlag.GATEWAY_MESSAGE_CONTENT |
      ApplicationFlag.GATEWAY_MESSAGE_CONTENT_LIMITED,
    toggle: "MESSAGE CONTENT INTENT",
    effect: "guild messages that do not mention the bot arrive without text " +
      "(DMs and mentions still work)",
  },
  {
    intent: GatewayIntent.GUILD_MEMBERS,
    flags: ApplicationFlag.GATEWAY_GUILD_MEMBERS | ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED,
    toggle: "SERVER MEMBERS INTENT",
    effect: "member events are not delivered",
  },
  {
    intent: GatewayIntent.GUILD_PRESENCES,
    flags: ApplicationFlag.GATEWAY_PRESENCE | ApplicationFlag.GATEWAY_PRESENCE_LIMITED,
    toggle: "PRESENCE INTENT",
    effect: "presence updates are not delivered",
  },
];

/** Where the privileged intent switches are in the Developer Portal. */
export const PORTAL_INTENTS_PATH = "Bot \u2192 Privileged Gateway Intents";

/** Gateway close codes the adapter treats specially. */
export const GatewayClose = {
  UNKNOWN_ERROR: 4000,
  AUTHENTICATION_FAILED: 4004,
  INVALID_SEQ: 4007,
  SESSION_TIMED_OUT: 4009,
  INVALID_SHARD: 4010,
  SHARDING_REQUIRED: 4011,
  INVALID_API_VERSION: 4012,
  INVALID_INTENTS: 4013,
  DISALLOWED_INTENTS: 4014,
} as const;

/** Close codes after which reconnecting cannot help (fix the token or the config first). */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  GatewayClose.AUTHENTICATION_FAILED,
  GatewayClose.INVALID_SHARD,
  GatewayClose.SHARDING_REQUIRED,
  GatewayClose.INVALID_API_VERSION,
  GatewayClose.INVALID_INTENTS,
  GatewayClose.DISALLOWED_INTENTS,
]);

/** Close codes after which the session cannot be resumed (identify again). */
export const NON_RESUMABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  GatewayClose.INVALID_SEQ,
  GatewayClose.SESSION_TIMED_OUT,
]);

/** Channel types the adapter distinguishes. */
export const ChannelType = {
  GUILD_TEXT: 0,
  DM: 1,
  GROUP_DM: 3,
  ANNOUNCEMENT_THREAD: 10,
  PUBLIC_THREAD: 11,
  PRIVATE_THREAD: 12,
} as const;

/** Thread channel types: their messages belong to the parent channel's conversation. */
export const THREAD_CHANNEL_TYPES: ReadonlySet<number> = new Set([
  ChannelType.ANNOUNCEMENT_THREAD,
  ChannelType.PUBLIC_THREAD,
  ChannelType.PRIVATE_THREAD,
]);

/** A reply to another message. */
export const REPLY_MESSAGE_TYPE = 19;
/** Message types that carry a user's text (others are joins, pins, thread notices ...). */
export const USER_MESSAGE_TYPES: ReadonlySet<number> = new Set([0, REPLY_MESSAGE_TYPE]);

/** Message flags the adapter sets on sends. */
export const MessageFlag = {
  SUPPRESS_EMBEDS: 1 << 2,
  SUPPRESS_NOTIFICATIONS: 1 << 12,
} as const;
