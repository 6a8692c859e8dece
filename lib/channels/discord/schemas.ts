/**
 * Checks for the parts of Discord's JSON the adapter reads (gateway frames, READY, messages,
 * channels, the application and the bot user, rate-limit answers), written with lib/json_guard.ts.
 * Only the fields we use are listed; unknown fields are dropped. Every frame passes one of these
 * before it is acted on, so a malformed payload is a logged parse error, never a crash or a
 * prototype lookup.
 *
 * @module
 */
import {
  array,
  boolean,
  guard,
  type Infer,
  nullish,
  number,
  object,
  optional,
  string,
  unknown,
  withDefault,
} from "../../json_guard.ts";

const Snowflake = string({ pattern: /^\d{1,20}$/ });
const int = number({ int: true });

/** Any gateway frame: `{op, d, s, t}`. */
export const GatewayFrameSchema = guard(object({
  op: int,
  d: optional(unknown),
  s: nullish(int),
  t: nullish(string()),
}));
export type GatewayFrame = Infer<typeof GatewayFrameSchema>;

/** op 10 `d`. */
export const HelloSchema = guard(object({ heartbeat_interval: number({ positive: true }) }));

const user = object({
  id: Snowflake,
  username: string(),
  global_name: nullish(string()),
  bot: optional(boolean),
});
/** A user (author, mention, the bot itself). */
export const UserSchema = guard(user);
export type DiscordUser = Infer<typeof UserSchema>;

/** `READY` dispatch `d`. */
export const ReadySchema = guard(object({
  session_id: string({ min: 1 }),
  resume_gateway_url: string({ min: 1 }),
  user,
  application: optional(object({ id: Snowflake, flags: optional(int) })),
}));
export type Ready = Infer<typeof ReadySchema>;

const channel = object({
  id: Snowflake,
  type: int,
  guild_id: nullish(Snowflake),
  parent_id: nullish(Snowflake),
});
/** A channel or thread, as in `GUILD_CREATE`, `CHANNEL_*`, `THREAD_*` and `GET /channels/{id}`. */
export const ChannelSchema = guard(channel);
export type DiscordChannel = Infer<typeof ChannelSchema>;

/** `GUILD_CREATE` `d` (only its channels and active threads). */
export const GuildCreateSchema = guard(object({
  id: Snowflake,
  channels: optional(array(channel)),
  threads: optional(array(channel)),
}));

/** `THREAD_LIST_SYNC` `d`. */
export const ThreadListSyncSchema = guard(object({
  guild_id: Snowflake,
  threads: array(channel),
}));

/** `MESSAGE_CREATE` `d`. */
export const MessageSchema = guard(object({
  id: Snowflake,
  channel_id: Snowflake,
  guild_id: nullish(Snowflake),
  author: user,
  member: nullish(object({ nick: nullish(string()) })),
  content: withDefault(string(), ""),
  timestamp: optional(string()),
  type: withDefault(int, 0),
  webhook_id: nullish(Snowflake),
  mentions: withDefault(array(user), []),
  message_reference: nullish(object({ message_id: optional(Snowflake) })),
  referenced_message: nullish(object({ id: Snowflake, author: optional(user) })),
}));
export type DiscordMessage = Infer<typeof MessageSchema>;

/** `GET /gateway/bot`. */
export const GatewayBotSchema = guard(object({
  url: string({ min: 1 }),
  shards: optional(int),
  session_start_limit: optional(object({
    total: optional(int),
    remaining: optional(int),
    reset_after: optional(number()),
  })),
}));

/** `GET /oauth2/applications/@me`. */
export const ApplicationSchema = guard(object({
  id: Snowflake,
  name: optional(string()),
  flags: withDefault(int, 0),
}));
export type DiscordApplication = Infer<typeof ApplicationSchema>;

/** A created message (`POST /channels/{id}/messages`). */
export const CreatedMessageSchema = guard(object({ id: Snowflake }));

/** A 429 body. */
export const RateLimitBodySchema = guard(object({
  retry_after: optional(number({ min: 0 })),
  global: optional(boolean),
  message: optional(string()),
}));

/** An error body (`{code, message}`). */
export const ErrorBodySchema = guard(object({
  code: optional(int),
  message: optional(string()),
}));
