/**
 * The platform payload checks (lib/json_guard.ts, used by Discord's schemas.ts
 * and Telegram's normalize.ts) accept and reject exactly what the zod schemas they replaced did,
 * and give the same data: the zod originals are kept here as the reference, and random mutations
 * of valid payloads (a field replaced by any JSON value, or removed) must agree.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { z } from "zod";
import * as guards from "../../../lib/channels/discord/schemas.ts";
import { normalizeTelegramUpdate } from "../../../lib/channels/telegram/mod.ts";

const Snowflake = z.string().regex(/^\d{1,20}$/);
const ZUser = z.object({
  id: Snowflake,
  username: z.string(),
  global_name: z.string().nullish(),
  bot: z.boolean().optional(),
});
const ZChannel = z.object({
  id: Snowflake,
  type: z.number().int(),
  guild_id: Snowflake.nullish(),
  parent_id: Snowflake.nullish(),
});

/** The zod schemas schemas.ts had, by export name. */
const reference: Record<string, z.ZodType> = {
  GatewayFrameSchema: z.object({
    op: z.number().int(),
    d: z.unknown().optional(),
    s: z.number().int().nullish(),
    t: z.string().nullish(),
  }),
  HelloSchema: z.object({ heartbeat_interval: z.number().positive() }),
  UserSchema: ZUser,
  ReadySchema: z.object({
    session_id: z.string().min(1),
    resume_gateway_url: z.string().min(1),
    user: ZUser,
    application: z.object({ id: Snowflake, flags: z.number().int().optional() }).optional(),
  }),
  ChannelSchema: ZChannel,
  GuildCreateSchema: z.object({
    id: Snowflake,
    channels: z.array(ZChannel).optional(),
    threads: z.array(ZChannel).optional(),
  }),
  ThreadListSyncSchema: z.object({ guild_id: Snowflake, threads: z.array(ZChannel) }),
  MessageSchema: z.object({
    id: Snowflake,
    channel_id: Snowflake,
    guild_id: Snowflake.nullish(),
    author: ZUser,
    member: z.object({ nick: z.string().nullish() }).nullish(),
    content: z.string().default(""),
    timestamp: z.string().optional(),
    type: z.number().int().default(0),
    webhook_id: Snowflake.nullish(),
    mentions: z.array(ZUser).default([]),
    message_reference: z.object({ message_id: Snowflake.optional() }).nullish(),
    referenced_message: z.object({ id: Snowflake, author: ZUser.optional() }).nullish(),
  }),
  GatewayBotSchema: z.object({
    url: z.string().min(1),
    shards: z.number().int().optional(),
    session_start_limit: z.object({
      total: z.number().int(),
      remaining: z.number().int(),
      reset_after: z.number(),
    }).partial().optional(),
  }),
  ApplicationSchema: z.object({
    id: Snowflake,
    name: z.string().optional(),
    flags: z.number().int().default(0),
  }),
  CreatedMessageSchema: z.object({ id: Snowflake }),
  RateLimitBodySchema: z.object({
    retry_after: z.number().nonnegative().optional(),
    global: z.boolean().optional(),
    message: z.string().optional(),
  }),
  ErrorBodySchema: z.object({
    code: z.number().int().optional(),
    message: z.string().optional(),
  }),
};

const author = { id: "100000000000000042", username: "ann", global_name: "Ann", bot: false };
/** A valid payload for each check. */
const valid: Record<string, Record<string, unknown>> = {
  GatewayFrameSchema: { op: 0, d: { x: 1 }, s: 5, t: "MESSAGE_CREATE" },
  HelloSchema: { heartbeat_interval: 41250 },
  UserSchema: author,
  ReadySchema: {
    session_id: "abc",
    resume_gateway_url: "wss://g",
    user: author,
    application: { id: "1", flags: 8 },
  },
  ChannelSchema: { id: "2", type: 11, guild_id: "3", parent_id: null },
  GuildCreateSchema: { id: "3", channels: [{ id: "2", type: 0 }], threads: [] },
  ThreadListSyncSchema: { guild_id: "3", threads: [{ id: "4", type: 11, parent_id: "2" }] },
  MessageSchema: {
    id: "9",
    channel_id: "2",
    guild_id: "3",
    author,
    member: { nick: "A" },
    content: "hi <@1>",
    timestamp: "2026-01-01T00:00:00.000Z",
    type: 19,
    webhook_id: null,
    mentions: [author],
    message_reference: { message_id: "8" },
    referenced_message: { id: "8", author },
  },
  GatewayBotSchema: {
    url: "wss://g",
    shards: 1,
    session_start_limit: { total: 1000, remaining: 999, reset_after: 1.5 },
  },
  ApplicationSchema: { id: "1", name: "bot", flags: 0 },
  CreatedMessageSchema: { id: "10" },
  RateLimitBodySchema: { retry_after: 0.25, global: false, message: "slow" },
  ErrorBodySchema: { code: 50001, message: "Missing Access" },
};

type Check = { safeParse(v: unknown): { success: boolean; data?: unknown } };
const ours = guards as unknown as Record<string, Check>;

function agree(name: string, value: unknown): void {
  const want = reference[name].safeParse(value);
  const got = ours[name].safeParse(value);
  assert.equal(got.success, want.success, `${name} ${JSON.stringify(value)}`);
  if (want.success) assert.deepEqual(got.data, want.data, `${name} ${JSON.stringify(value)}`);
}

/** Edge values every field is tried with. */
const EDGES: unknown[] = [
  undefined,
  null,
  "",
  "x",
  "12345678901234567890",
  "123456789012345678901",
  "12a",
  0,
  -1,
  1.5,
  2 ** 53,
  -0,
  true,
  [],
  {},
  [{ id: "1", type: 0 }],
];

Deno.test("Discord checks accept, reject and strip exactly as the zod schemas did", () => {
  for (const name of Object.keys(reference)) {
    agree(name, valid[name]);
    agree(name, { ...valid[name], extra: "dropped" });
    for (const bad of [null, [], "x", 1, undefined]) agree(name, bad);
    for (const key of Object.keys(valid[name])) {
      const { [key]: _gone, ...without } = valid[name];
      agree(name, without);
      for (const edge of EDGES) agree(name, { ...valid[name], [key]: edge });
    }
  }
  // A key named like a prototype member is data, not a lookup.
  agree("ErrorBodySchema", JSON.parse('{"__proto__": {"code": 1}, "message": "m"}'));
});

Deno.test("Discord checks agree with zod on random changes to valid payloads", () => {
  const names = Object.keys(reference);
  fc.assert(
    fc.property(
      fc.constantFrom(...names),
      fc.nat(),
      fc.option(fc.jsonValue(), { nil: undefined }),
      (name, pick, value) => {
        const keys = Object.keys(valid[name]);
        const key = keys[pick % keys.length];
        agree(name, { ...valid[name], [key]: value });
        // One level down too (author, application, the session start limit, …).
        const inner = valid[name][key];
        if (inner && typeof inner === "object" && !Array.isArray(inner)) {
          const innerKeys = Object.keys(inner);
          const k2 = innerKeys[pick % innerKeys.length];
          agree(name, { ...valid[name], [key]: { ...inner, [k2]: value } });
        }
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("Telegram updates with a malformed field yield no message, but keep their update_id", () => {
  const bot = { id: 9, username: "claw_bot" };
  const base = {
    update_id: 7,
    message: {
      message_id: 1,
      date: 1_700_000_000,
      chat: { id: 42, type: "private" },
      from: { id: 42, first_name: "Ann" },
      text: "hi",
      entities: [{ type: "bold", offset: 0, length: 2 }],
    },
  };
  assert.equal(normalizeTelegramUpdate(base, "default", bot)?.message?.text, "hi");
  const broken = [
    { ...base.message, message_id: 1.5 },
    { ...base.message, chat: { id: "42", type: "private" } },
    { ...base.message, from: { id: 42, is_bot: "no" } },
    { ...base.message, entities: [{ type: "bold", offset: -1, length: 2 }] },
    { ...base.message, text: 5 },
    { ...base.message, reply_to_message: { message_id: 2 } },
    [],
  ];
  for (const message of broken) {
    assert.deepEqual(normalizeTelegramUpdate({ ...base, message }, "default", bot), {
      updateId: 7,
    });
  }
  for (const id of [-1, 1.5, "7", null]) {
    assert.equal(normalizeTelegramUpdate({ ...base, update_id: id }, "default", bot), undefined);
  }
});
