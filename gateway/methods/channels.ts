/**
 * The channel methods: `channels.status` (stock's shape: each channel and account with its real
 * state, probes on request), the kept replies that could not be sent -- listed, resent or
 * dropped by an operator (`channels.failed.*`) -- and the WhatsApp session: the QR login the
 * dashboard and `openclaw channels login` run inside the gateway (`web.login.start` answers
 * with the first code as a PNG data URL and as text for a terminal; `web.login.wait` with the
 * next code or the outcome, the channel restarted once linked) and `channels.logout`.
 *
 * @module
 */
import { z } from "zod";
import { OpenClawError } from "../../lib/errors.ts";
import type { ChannelsControl } from "../channels/types.ts";
import type { GatewayState } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

const ChannelId = z.string().trim().min(1).max(64);

/** The channel layer of the running gateway, or the error saying why there is none. */
function channelsOf(state: GatewayState): ChannelsControl {
  const control = state.channels;
  if (!control) {
    const sub = state.subsystems().channels;
    throw new OpenClawError(
      "CHANNELS_UNAVAILABLE",
      `Cannot reach the channels: the channels subsystem is ${sub?.status ?? "not running"}` +
        (sub?.error ? ` (${sub.error})` : ""),
      { hint: "See `openclaw health` and `openclaw logs`" },
    );
  }
  return control;
}

/** `{id}` or `{all: true}`: which kept replies an operation applies to. */
const Which = z.looseObject({
  id: z.string().trim().min(1).max(100).optional(),
  ids: z.array(z.string().trim().min(1).max(100)).max(1000).optional(),
  all: z.boolean().optional(),
}).refine((p) => p.all === true || p.id !== undefined || (p.ids?.length ?? 0) > 0, {
  message: "name the reply with id (or ids), or pass all: true",
});

function idsOf(p: z.output<typeof Which>): string[] {
  if (p.all === true) return [];
  return [...(p.id ? [p.id] : []), ...(p.ids ?? [])];
}

const AccountId = z.string().trim().min(1).max(64);
const LoginWaitMs = z.int().min(1000).max(120_000);

/** The channel methods. */
export const channelsMethods: MethodDefinition[] = [
  defineMethod({
    name: "channels.status",
    scope: "operator.read",
    params: z.looseObject({
      probe: z.boolean().optional(),
      timeoutMs: z.int().min(100).max(120_000).optional(),
      channel: ChannelId.optional(),
    }),
    handler: ({ state, params }) =>
      channelsOf(state).status({
        probe: params.probe === true,
        ...(params.timeoutMs ? { timeoutMs: params.timeoutMs } : {}),
        ...(params.channel ? { channel: params.channel.toLowerCase() } : {}),
      }),
  }),
  defineMethod({
    name: "channels.logout",
    scope: "operator.admin",
    params: z.looseObject({ channel: ChannelId, accountId: AccountId.optional() }),
    handler: ({ state, params }) =>
      channelsOf(state).logins.logout(params.channel.toLowerCase(), params.accountId),
  }),
  defineMethod({
    name: "web.login.start",
    scope: "operator.admin",
    params: z.looseObject({
      channel: ChannelId.optional(),
      accountId: AccountId.optional(),
      force: z.boolean().optional(),
      timeoutMs: LoginWaitMs.optional(),
      verbose: z.boolean().optional(),
    }),
    handler: ({ state, params }) =>
      channelsOf(state).logins.start({
        channel: params.channel?.toLowerCase() ?? "whatsapp",
        ...(params.accountId ? { accountId: params.accountId } : {}),
        force: params.force === true,
        ...(params.timeoutMs ? { timeoutMs: params.timeoutMs } : {}),
      }),
  }),
  defineMethod({
    name: "web.login.wait",
    scope: "operator.admin",
    params: z.looseObject({
      channel: ChannelId.optional(),
      accountId: AccountId.optional(),
      sessionKey: z.string().trim().min(1).max(100).optional(),
      timeoutMs: LoginWaitMs.optional(),
      currentQrDataUrl: z.string().max(65_536).optional(),
      qrIndex: z.int().min(0).max(1000).optional(),
    }),
    handler: ({ state, params }) =>
      channelsOf(state).logins.wait({
        channel: params.channel?.toLowerCase() ?? "whatsapp",
        ...(params.accountId ? { accountId: params.accountId } : {}),
        ...(params.sessionKey ? { sessionKey: params.sessionKey } : {}),
        ...(params.timeoutMs ? { timeoutMs: params.timeoutMs } : {}),
        ...(params.currentQrDataUrl ? { currentQrDataUrl: params.currentQrDataUrl } : {}),
        ...(params.qrIndex !== undefined ? { qrIndex: params.qrIndex } : {}),
      }),
  }),
  defineMethod({
    name: "channels.failed.list",
    scope: "operator.read",
    params: z.looseObject({
      channel: ChannelId.optional(),
      accountId: z.string().trim().min(1).max(64).optional(),
    }),
    handler: ({ state, params }) => ({
      failed: channelsOf(state).failedReplies({
        ...(params.channel ? { channel: params.channel.toLowerCase() } : {}),
        ...(params.accountId ? { accountId: params.accountId } : {}),
      }),
    }),
  }),
  defineMethod({
    name: "channels.failed.resend",
    scope: "operator.admin",
    params: Which,
    handler: async ({ state, params }) => ({
      results: await channelsOf(state).resendFailed(idsOf(params)),
    }),
  }),
  defineMethod({
    name: "channels.failed.drop",
    scope: "operator.admin",
    params: Which,
    handler: async ({ state, params }) => ({
      dropped: await channelsOf(state).dropFailed(idsOf(params)),
    }),
  }),
];
