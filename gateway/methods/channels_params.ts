/**
 * The params schemas of the channel methods (gateway/methods/channels.ts), in their own module
 * so zod loads only when a call needs a schema: `channels.status` with no params, the call the
 * CLI and the dashboard make most, is answered without it.
 *
 * @module
 */
import { z } from "zod";

const ChannelId = z.string().trim().min(1).max(64);
const AccountId = z.string().trim().min(1).max(64);
const LoginWaitMs = z.int().min(1000).max(120_000);

/** `channels.status`. */
export const StatusParams = z.looseObject({
  probe: z.boolean().optional(),
  timeoutMs: z.int().min(100).max(120_000).optional(),
  channel: ChannelId.optional(),
});

/** `channels.logout`. */
export const LogoutParams = z.looseObject({ channel: ChannelId, accountId: AccountId.optional() });

/** `web.login.start`. */
export const LoginStartParams = z.looseObject({
  channel: ChannelId.optional(),
  accountId: AccountId.optional(),
  force: z.boolean().optional(),
  timeoutMs: LoginWaitMs.optional(),
  verbose: z.boolean().optional(),
});

/** `web.login.wait`. */
export const LoginWaitParams = z.looseObject({
  channel: ChannelId.optional(),
  accountId: AccountId.optional(),
  sessionKey: z.string().trim().min(1).max(100).optional(),
  timeoutMs: LoginWaitMs.optional(),
  currentQrDataUrl: z.string().max(65_536).optional(),
  qrIndex: z.int().min(0).max(1000).optional(),
});

/** `channels.failed.list`. */
export const FailedListParams = z.looseObject({
  channel: ChannelId.optional(),
  accountId: z.string().trim().min(1).max(64).optional(),
});

/** `{id}` or `{all: true}`: which kept replies an operation applies to. */
export const Which = z.looseObject({
  id: z.string().trim().min(1).max(100).optional(),
  ids: z.array(z.string().trim().min(1).max(100)).max(1000).optional(),
  all: z.boolean().optional(),
}).refine((p) => p.all === true || p.id !== undefined || (p.ids?.length ?? 0) > 0, {
  message: "name the reply with id (or ids), or pass all: true",
});
