/**
 * Zod schemas for the parts of Discord's JSON the adapter reads (gateway frames, READY, messages,
 * channels, the application and the bot user, rate-limit answers). Only the fields we use are
 * listed; unknown fields are dropped. Every frame passes one of these before it is acted on, so a
 * malformed payload is a logged parse error, never a crash or a prototype lookup.
 *
 * @module
 */
import { z } from "zod";

const Snowflake = z.string().regex(/^\d{1,20}$/);

/** Any gateway frame: `{op, d, s, t}`. */
export const GatewayFrameSchema = z.object({
  op: z.number().int(),
  d: z.unknown().optional(),
  s: z.number().int().nullish(),
  t: z.string().nullish(),
});
export type GatewayFrame = z.infer<typeof GatewayFrameSchema>;

/** op 10 `d`. */
export const HelloSchema = z.object({ heartbeat_interval: z.number().positive() });

/** A user (author, mention, the bot itself). */
export const UserSchema = z.object({
  id: Snowflake,
  username: z.string(),
  global_name: z.string().nullish(),
  bot: z.boolean().optional(),
});
export type DiscordUser = z.infer<typeof UserSchema>;

/** `READY` dispatch `d`. */
export const ReadySchema = z.object({
  session_id: z.string().min(1),
  resume_gateway_url: z.string().min(1),
  user: UserSchema,
  application: z.object({ id: Snowflake, flags: z.number().int().optional() }).optional(),
});
export type Ready = z.infer<typeof ReadySchema>;

/** A channel or thread, as in `GUILD_CREATE`, `CHANNEL_*`, `THREAD_*` and `GET /channels/{id}`. */
export const ChannelSchema = z.object({
  id: Snowflake,
  type: z.number().int(),
  guild_id: Snowflake.nullish(),
  parent_id: Snowflake.nullish(),
});
export type DiscordChannel = z.infer<typeof ChannelSchema>;

/** `GUILD_CREATE` `d` (only its channels and active threads). */
export const GuildCreateSchema = z.object({
  id: Snowflake,
  channels: z.array(ChannelSchema).optional(),
  threads: z.array(ChannelSchema).optional(),
});

/** `THREAD_LIST_SYNC` `d`. */
export const ThreadListSyncSchema = z.object({
  guild_id: Snowflake,
  threads: z.array(ChannelSchema),
});

const ReferencedMessageSchema = z.object({ id: Snowflake, author: UserSchema.optional() });

/** `MESSAGE_CREATE` `d`. */
export const MessageSchema = z.object({
  id: Snowflake,
  channel_id: Snowflake,
  guild_id: Snowflake.nullish(),
  author: UserSchema,
  member: z.object({ nick: z.string().nullish() }).nullish(),
  content: z.string().default(""),
  timestamp: z.string().optional(),
  type: z.number().int().default(0),
  webhook_id: Snowflake.nullish(),
  mentions: z.array(UserSchema).default([]),
  message_reference: z.object({ message_id: Snowflake.optional() }).nullish(),
  referenced_message: ReferencedMessageSchema.nullish(),
});
export type DiscordMessage = z.infer<typeof MessageSchema>;

/** `GET /gateway/bot`. */
export const GatewayBotSchema = z.object({
  url: z.string().min(1),
  shards: z.number().int().optional(),
  session_start_limit: z.object({
    total: z.number().int(),
    remaining: z.number().int(),
    reset_after: z.number(),
  }).partial().optional(),
});

/** `GET /oauth2/applications/@me`. */
export const ApplicationSchema = z.object({
  id: Snowflake,
  name: z.string().optional(),
  flags: z.number().int().default(0),
});
export type DiscordApplication = z.infer<typeof ApplicationSchema>;

/** A created message (`POST /channels/{id}/messages`). */
export const CreatedMessageSchema = z.object({ id: Snowflake });

/** A 429 body. */
export const RateLimitBodySchema = z.object({
  retry_after: z.number().nonnegative().optional(),
  global: z.boolean().optional(),
  message: z.string().optional(),
});

/** An error body (`{code, message}`). */
export const ErrorBodySchema = z.object({
  code: z.number().int().optional(),
  message: z.string().optional(),
});
