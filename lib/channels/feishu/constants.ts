/**
 * Feishu / Lark open-platform wire literals: hosts, REST paths, response codes, the
 * long-connection frame vocabulary (`pbbp2.Frame` header keys and message types) and webhook
 * header names. Everything the adapter sends or matches on comes from here.
 *
 * @module
 */

/** The open platform's origin per `domain`. */
export const FEISHU_DOMAINS: ReadonlyMap<string, string> = new Map([
  ["feishu", "https://open.feishu.cn"],
  ["lark", "https://open.larksuite.com"],
]);

/** REST paths below the origin. */
export const FeishuPath = {
  /** POST `{app_id, app_secret}` -> `{code, msg, tenant_access_token, expire}`. */
  TENANT_TOKEN: "/open-apis/auth/v3/tenant_access_token/internal",
  /** GET -> `{code, msg, bot: {open_id, app_name, activate_status}}`. */
  BOT_INFO: "/open-apis/bot/v3/info",
  /** POST `?receive_id_type=` `{receive_id, msg_type, content, uuid}`. */
  MESSAGES: "/open-apis/im/v1/messages",
  /** POST `{AppID, AppSecret}` -> `{code, msg, data: {URL, ClientConfig}}` (long connection). */
  WS_ENDPOINT: "/callback/ws/endpoint",
} as const;

/** `code` values of JSON answers that the adapter acts on. */
export const FeishuCode = {
  OK: 0,
  /** Frequency limit (HTTP 429, or 400 on older APIs). */
  RATE_LIMITED: 99991400,
  /** Per-chat send frequency limit. */
  CHAT_RATE_LIMITED: 230020,
  /** The message a reply points at was withdrawn / does not exist. */
  REPLY_TARGET_WITHDRAWN: 230011,
  REPLY_TARGET_NOT_FOUND: 231003,
} as const;

/** Codes meaning "the tenant token is missing, invalid or expired": fetch a new one, retry once. */
export const TOKEN_INVALID_CODES: ReadonlySet<number> = new Set([99991661, 99991663, 99991668]);

/** Long-connection endpoint codes that retrying cannot fix (bad credentials, forbidden). */
export const WS_FATAL_CODES: ReadonlySet<number> = new Set([403, 514]);

/** `method` of a long-connection frame. */
export const FrameMethod = { CONTROL: 0, DATA: 1 } as const;

/** Header keys of a long-connection frame. */
export const FrameHeader = {
  TYPE: "type",
  MESSAGE_ID: "message_id",
  SUM: "sum",
  SEQ: "seq",
  TRACE_ID: "trace_id",
  BIZ_RT: "biz_rt",
} as const;

/** `type` header values. */
export const FrameType = {
  EVENT: "event",
  CARD: "card",
  PING: "ping",
  PONG: "pong",
} as const;

/** HTTP-like `code` in the payload of an event acknowledgement frame. */
export const AckCode = { OK: 200, FAILED: 500 } as const;

/** Webhook request headers (lowercase, as `Headers` returns them). */
export const WebhookHeader = {
  TIMESTAMP: "x-lark-request-timestamp",
  NONCE: "x-lark-request-nonce",
  SIGNATURE: "x-lark-signature",
} as const;

/** The event type of a received message (event v2). */
export const MESSAGE_RECEIVE_EVENT = "im.message.receive_v1";

/** Mention key of `@all` in message content and `mentions`. */
export const AT_ALL_KEY = "@_all";

/**
 * Server defaults of the long connection until its `ClientConfig` says otherwise (the SDK's
 * values): ping every 120 s.
 */
export const DEFAULT_PING_INTERVAL_MS = 120_000;

/** Largest `content` of one `post`/`text` message the adapter sends (Feishu: 30 KB for post). */
export const MAX_CONTENT_BYTES = 30 * 1024;

/** Default `textChunkLimit` (stock). */
export const FEISHU_TEXT_CHUNK_LIMIT = 4000;
