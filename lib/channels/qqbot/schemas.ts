/**
 * Zod schemas for the parts of the QQ Bot API's JSON the adapter reads: the token answer, gateway
 * frames, HELLO, READY, the two message dispatches, `/gateway`, `/users/@me`, a sent message and
 * an error body. Only the fields we use are listed; unknown fields are dropped. Every payload
 * passes one of these before it is acted on, so a malformed one is a logged parse error, never a
 * crash or a prototype lookup. Ids are bounded strings: openids (32 hex characters) and message
 * ids go into URL paths only after `OPENID` / a length check.
 *
 * @module
 */
import { z } from "zod";

/** An openid or group openid: the platform's opaque ids (hex today; kept to a safe alphabet). */
export const OPENID = /^[A-Za-z0-9_-]{1,128}$/;

const Id = z.string().min(1).max(256);
const OpenId = z.string().regex(OPENID);

/** `POST /app/getAppAccessToken` -> `{access_token, expires_in}` (`expires_in` is a string). */
export const AccessTokenSchema = z.object({
  access_token: z.string().min(1).max(4096),
  expires_in: z.union([z.number(), z.string().regex(/^\d{1,9}$/).transform(Number)]),
});

/** Any gateway frame: `{op, d, s, t, id}` (`id` is the event id of a dispatch). */
export const FrameSchema = z.object({
  op: z.number().int(),
  d: z.unknown().optional(),
  s: z.number().int().nullish(),
  t: z.string().max(128).nullish(),
  id: z.string().max(256).nullish(),
});

/** op 10 `d`. */
export const HelloSchema = z.object({ heartbeat_interval: z.number().positive() });

/** `READY` dispatch `d`. */
export const ReadySchema = z.object({
  session_id: z.string().min(1).max(256),
  version: z.number().optional(),
  user: z.object({
    id: Id,
    username: z.string().max(256).optional(),
    bot: z.boolean().optional(),
  }),
});
export type QQReady = z.infer<typeof ReadySchema>;

const Timestamp = z.union([z.string(), z.number()]).optional();

const Attachment = z.object({ content_type: z.string().max(256).optional() });

/** `C2C_MESSAGE_CREATE` `d`: a user's direct message to the bot. */
export const C2CMessageSchema = z.object({
  id: Id,
  author: z.object({ user_openid: OpenId, id: z.string().optional() }),
  content: z.string().default(""),
  timestamp: Timestamp,
  attachments: z.array(Attachment).optional(),
});
export type QQC2CMessage = z.infer<typeof C2CMessageSchema>;

/** `GROUP_AT_MESSAGE_CREATE` `d`: a group message that @-mentions the bot. */
export const GroupAtMessageSchema = z.object({
  id: Id,
  group_openid: OpenId,
  author: z.object({ member_openid: OpenId, id: z.string().optional() }),
  content: z.string().default(""),
  timestamp: Timestamp,
  attachments: z.array(Attachment).optional(),
});
export type QQGroupAtMessage = z.infer<typeof GroupAtMessageSchema>;

/** `GET /gateway`. */
export const GatewaySchema = z.object({ url: z.string().min(1).max(2048) });

/** `GET /users/@me`. */
export const BotUserSchema = z.object({
  id: Id,
  username: z.string().max(256).optional(),
});
export type QQBotUser = z.infer<typeof BotUserSchema>;

/** A sent message (`POST /v2/.../messages`). */
export const SentMessageSchema = z.object({
  id: z.string().max(256).optional(),
  timestamp: z.union([z.string(), z.number()]).optional(),
});

/** An error body: `{code, message}` (some routes also send `err_code`, `trace_id`). */
export const ErrorBodySchema = z.object({
  code: z.number().int().optional(),
  err_code: z.number().int().optional(),
  message: z.string().max(1000).optional(),
  trace_id: z.string().max(256).optional(),
});
