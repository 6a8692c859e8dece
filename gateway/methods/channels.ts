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
import type { z } from "zod";
import { OpenClawError } from "../../lib/errors.ts";
import type { ChannelsControl } from "../channels/types.ts";
import type { GatewayState } from "../state.ts";
import type * as P from "./channels_params.ts";
import { defineMethod, LazyParams, type MethodDefinition } from "./registry.ts";

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

type Schemas = typeof P;

/** The params schemas, loaded with zod on first need. */
const schemas = () => import("./channels_params.ts");

/** No params at all: every field of a loose all-optional schema is absent, so is its output. */
function noParams(params: Record<string, unknown>): Record<string, never> | undefined {
  for (const _ in params) return undefined;
  return Object.getPrototypeOf(params) === Object.prototype ? {} : undefined;
}

function idsOf(p: z.output<Schemas["Which"]>): string[] {
  if (p.all === true) return [];
  return [...(p.id ? [p.id] : []), ...(p.ids ?? [])];
}

/** The channel methods. */
export const channelsMethods: MethodDefinition[] = [
  defineMethod({
    name: "channels.status",
    scope: "operator.read",
    params: new LazyParams(async () => (await schemas()).StatusParams, noParams),
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
    params: new LazyParams(async () => (await schemas()).LogoutParams),
    handler: ({ state, params }) =>
      channelsOf(state).logins.logout(params.channel.toLowerCase(), params.accountId),
  }),
  defineMethod({
    name: "web.login.start",
    scope: "operator.admin",
    params: new LazyParams(async () => (await schemas()).LoginStartParams, noParams),
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
    params: new LazyParams(async () => (await schemas()).LoginWaitParams, noParams),
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
    params: new LazyParams(async () => (await schemas()).FailedListParams, noParams),
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
    params: new LazyParams(async () => (await schemas()).Which),
    handler: async ({ state, params }) => ({
      results: await channelsOf(state).resendFailed(idsOf(params)),
    }),
  }),
  defineMethod({
    name: "channels.failed.drop",
    scope: "operator.admin",
    params: new LazyParams(async () => (await schemas()).Which),
    handler: async ({ state, params }) => ({
      dropped: await channelsOf(state).dropFailed(idsOf(params)),
    }),
  }),
];
