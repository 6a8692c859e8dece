/**
 * QQ Bot API v2 wire constants used by the QQ adapter: the public endpoints, gateway opcodes,
 * intent bits, close codes, the dispatches we read, and the platform's message limits. Values are
 * the platform's documented numbers; only the ones the adapter uses are listed.
 *
 * @module
 */

/** The app access token endpoint (`POST {appId, clientSecret}`). */
export const QQBOT_TOKEN_URL = "https://bots.qq.com/app/getAppAccessToken";
/** The OpenAPI base. */
export const QQBOT_API_BASE = "https://api.sgroup.qq.com";
/** The sandbox OpenAPI base (a bot under review talks to its sandbox groups here). */
export const QQBOT_SANDBOX_API_BASE = "https://sandbox.api.sgroup.qq.com";

/** The longest text message the adapter sends (stock's `TEXT_CHUNK_LIMIT`). */
export const QQBOT_MAX_MESSAGE_LENGTH = 5000;
/** Passive replies one inbound message accepts (the platform refuses more). */
export const QQBOT_MAX_PASSIVE_REPLIES = 5;
/** How long a C2C message can be replied to passively. */
export const C2C_REPLY_WINDOW_MS = 60 * 60_000;
/** How long a group @-message can be replied to passively. */
export const GROUP_REPLY_WINDOW_MS = 5 * 60_000;

/** Gateway opcodes (Discord-like). */
export const QQOp = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  RESUME: 6,
  RECONNECT: 7,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
} as const;

/** Gateway intent bits. */
export const QQIntent = {
  GUILDS: 1 << 0,
  GUILD_MEMBERS: 1 << 1,
  DIRECT_MESSAGE: 1 << 12,
  /** C2C messages and group @-messages (`C2C_MESSAGE_CREATE`, `GROUP_AT_MESSAGE_CREATE`). */
  GROUP_AND_C2C: 1 << 25,
  INTERACTION: 1 << 26,
  PUBLIC_GUILD_MESSAGES: 1 << 30,
} as const;

/**
 * The intents the adapter identifies with: exactly what carries the two events it handles.
 * Asking for guild intents a bot is not granted makes the platform refuse the session.
 */
export const DEFAULT_QQBOT_INTENTS = QQIntent.GROUP_AND_C2C;

/** Intent names as logged and shown in status, in bit order. */
export const QQ_INTENT_NAMES: ReadonlyMap<number, string> = new Map([
  [QQIntent.GUILDS, "guilds"],
  [QQIntent.GUILD_MEMBERS, "guildMembers"],
  [QQIntent.DIRECT_MESSAGE, "directMessage"],
  [QQIntent.GROUP_AND_C2C, "groupAndC2C"],
  [QQIntent.INTERACTION, "interaction"],
  [QQIntent.PUBLIC_GUILD_MESSAGES, "publicGuildMessages"],
]);

/**
 * Lists the names of the bits set in `bits`.
 *
 * @param bits An intents bitmask.
 * @returns Known names in bit order, unknown bits as numbers.
 */
export function qqIntentNames(bits: number): string[] {
  const names: string[] = [];
  let rest = bits;
  for (const [bit, name] of QQ_INTENT_NAMES) {
    if ((bits & bit) !== 0) {
      names.push(name);
      rest &= ~bit;
    }
  }
  for (let i = 0; i < 31; i++) if ((rest & (1 << i)) !== 0) names.push(String(1 << i));
  return names;
}

/** Gateway close codes the adapter treats specially. */
export const QQClose = {
  /** The client's own "reconnect and resume" close (not 1000, which ends the session). */
  RESUMABLE: 4000,
  INVALID_TOKEN: 4004,
  INVALID_SESSION: 4006,
  INVALID_SEQ: 4007,
  RATE_LIMITED: 4008,
  SESSION_TIMED_OUT: 4009,
  INVALID_SHARD: 4010,
  TOO_MANY_GUILDS: 4011,
  INVALID_VERSION: 4012,
  INVALID_INTENTS: 4013,
  DISALLOWED_INTENTS: 4014,
  BOT_OFFLINE: 4914,
  BOT_BANNED: 4915,
} as const;

/** What reconnecting cannot fix, with the reason shown in status. */
export const QQ_FATAL_CLOSE_CODES: ReadonlyMap<number, string> = new Map([
  [QQClose.INVALID_SHARD, "invalid shard"],
  [QQClose.TOO_MANY_GUILDS, "too many guilds for one shard"],
  [QQClose.INVALID_VERSION, "invalid gateway version"],
  [QQClose.INVALID_INTENTS, "invalid intents"],
  [QQClose.DISALLOWED_INTENTS, "the bot is not allowed these intents"],
  [
    QQClose.BOT_OFFLINE,
    "the bot is offline (not published): only the sandbox environment may connect",
  ],
  [QQClose.BOT_BANNED, "the bot is banned"],
]);

/** Close codes after which the session is gone: identify anew (4900-4913 too). */
export const QQ_NEW_SESSION_CLOSE_CODES: ReadonlySet<number> = new Set([
  QQClose.INVALID_SESSION,
  QQClose.INVALID_SEQ,
]);

/** True for the platform's internal-error close codes (reconnect with a new session). */
export function isInternalErrorClose(code: number): boolean {
  return code >= 4900 && code <= 4913;
}

/** How long to wait after close 4008 (sent too fast). */
export const RATE_LIMITED_CLOSE_WAIT_MS = 60_000;

/** The dispatches the adapter turns into inbound messages. */
export const QQEvent = {
  READY: "READY",
  RESUMED: "RESUMED",
  C2C_MESSAGE_CREATE: "C2C_MESSAGE_CREATE",
  GROUP_AT_MESSAGE_CREATE: "GROUP_AT_MESSAGE_CREATE",
} as const;

/** `msg_type` of a plain text message. */
export const MSG_TYPE_TEXT = 0;

/**
 * OpenAPI error codes that mean "the access token is not valid": the token is fetched anew and
 * the call tried once more.
 */
export const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([11241, 11242, 11243, 11244]);

/** OpenAPI error codes that mean "too many requests" (retried after a short wait). */
export const RATE_LIMIT_ERROR_CODES: ReadonlySet<number> = new Set([22009]);

/** `msg_id` + `msg_seq` was used already (the platform dropped the duplicate). */
export const DUPLICATE_MSG_SEQ_CODE = 40054005;
