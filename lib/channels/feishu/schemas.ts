/**
 * The shapes of what Feishu sends us, as zod schemas (types come from them): REST answers, the
 * long-connection endpoint and pong config, and the event v2 envelope with the
 * `im.message.receive_v1` payload. Everything from the network passes one of these before use;
 * only the fields the adapter reads are typed, the rest passes through loosely.
 *
 * @module
 */
import { z } from "zod";

/** Every JSON answer: `code` 0 is success. */
export const ApiEnvelopeSchema = z.looseObject({
  code: z.number().int(),
  msg: z.string().optional(),
});

/** `tenant_access_token/internal`. */
export const TenantTokenSchema = z.looseObject({
  code: z.literal(0),
  tenant_access_token: z.string().min(1),
  /** Seconds until it expires. */
  expire: z.number().int().positive(),
});

/** `bot/v3/info`. */
export const BotInfoSchema = z.looseObject({
  code: z.literal(0),
  bot: z.looseObject({
    open_id: z.string().min(1),
    app_name: z.string().optional(),
    activate_status: z.number().optional(),
  }),
});

/** The bot as `bot/v3/info` describes it. */
export type BotInfo = z.infer<typeof BotInfoSchema>["bot"];

/** `im/v1/messages` create and reply. */
export const SentMessageSchema = z.looseObject({
  code: z.literal(0),
  data: z.looseObject({ message_id: z.string().min(1) }),
});

/** The long connection's client settings (seconds), from the endpoint and every pong. */
export const ClientConfigSchema = z.looseObject({
  PingInterval: z.number().positive().optional(),
  ReconnectCount: z.number().optional(),
  ReconnectInterval: z.number().optional(),
  ReconnectNonce: z.number().optional(),
});

/** Long-connection settings. */
export type ClientConfig = z.infer<typeof ClientConfigSchema>;

/** `callback/ws/endpoint`. */
export const WsEndpointSchema = z.looseObject({
  code: z.literal(0),
  data: z.looseObject({
    URL: z.string().min(1),
    ClientConfig: ClientConfigSchema.optional(),
  }),
});

const IdSchema = z.looseObject({
  open_id: z.string().optional(),
  user_id: z.string().optional(),
  union_id: z.string().optional(),
});

/** One entry of `message.mentions`. */
export const MentionSchema = z.looseObject({
  key: z.string(),
  id: IdSchema.optional(),
  name: z.string().optional(),
});

/** A mention (`@_user_1` -> who). */
export type Mention = z.infer<typeof MentionSchema>;

/** The `event` of `im.message.receive_v1`. */
export const MessageEventSchema = z.looseObject({
  sender: z.looseObject({
    sender_id: IdSchema.optional(),
    /** `user`, or `app` for bots. */
    sender_type: z.string().optional(),
  }),
  message: z.looseObject({
    message_id: z.string().min(1),
    root_id: z.string().optional(),
    parent_id: z.string().optional(),
    thread_id: z.string().optional(),
    /** Epoch ms, as a string. */
    create_time: z.string().optional(),
    chat_id: z.string().min(1),
    /** `p2p` or `group`. */
    chat_type: z.string(),
    message_type: z.string(),
    /** JSON text whose shape depends on `message_type`. */
    content: z.string(),
    mentions: z.array(MentionSchema).max(200).optional(),
  }),
});

/** A received message event. */
export type MessageEvent = z.infer<typeof MessageEventSchema>;

/** An event v2 envelope (`schema: "2.0"`). */
export const EventEnvelopeSchema = z.looseObject({
  schema: z.literal("2.0"),
  header: z.looseObject({
    event_id: z.string().min(1).max(128),
    event_type: z.string(),
    create_time: z.string().optional(),
    /** The verification token (checked in webhook mode). */
    token: z.string().optional(),
    app_id: z.string().optional(),
    tenant_key: z.string().optional(),
  }),
  event: z.unknown(),
});

/** An event v2 envelope. */
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** The URL check Feishu sends when a webhook URL is saved. */
export const UrlVerificationSchema = z.looseObject({
  type: z.literal("url_verification"),
  challenge: z.string().max(512),
  token: z.string().optional(),
});
