/**
 * Feishu / Lark for the channel layer: the adapter of lib/channels/feishu for one app account.
 * Credentials from the account's block -- `appId`, `appSecret`, and for webhook mode
 * `encryptKey` / `verificationToken` -- each plain or a SecretRef resolved from the gateway's
 * secret snapshot. Long connection by default; with `connectionMode: "webhook"` the adapter's
 * handler is served on the gateway's own port at `webhookPath` (default `/feishu/events`,
 * gateway/http/channel_webhooks.ts).
 *
 * Outbound recipients: a chat id (`oc_...`, DMs and groups), or an open_id (`ou_...`, also written
 * `user:ou_...`) for a DM; `feishu:` / `lark:` prefixes are accepted, and `:thread:<id>` names a
 * topic thread. A DM is recorded as `user:<open_id>`, so `directPolicy: "block"` knows it.
 *
 * @module
 */
import { createFeishuAdapter } from "../../../lib/channels/feishu/mod.ts";
import type { OutboundTarget } from "../../../lib/channels/types.ts";
import type { ChannelPlatform, PlatformAdapter, PlatformInput } from "../types.ts";

const THREAD = /^(.+):thread:([A-Za-z0-9_-]{1,128})$/;

function create(input: PlatformInput): PlatformAdapter {
  const secret = (key: string) => input.credential(key);
  const adapter = createFeishuAdapter({
    account: input.account,
    ...(secret("appId") ? { appId: secret("appId") } : {}),
    ...(secret("appSecret") ? { appSecret: secret("appSecret") } : {}),
    ...(secret("encryptKey") ? { encryptKey: secret("encryptKey") } : {}),
    ...(secret("verificationToken") ? { verificationToken: secret("verificationToken") } : {}),
    credentialSource: input.credentialSource("appSecret"),
    clock: input.clock,
    log: input.log,
  });
  const webhook = adapter.mode === "webhook"
    ? { path: adapter.webhookPath, handler: (request: Request) => adapter.webhookHandler(request) }
    : undefined;
  return Object.assign(adapter, {
    // Feishu has no typing indicator for bots (see the adapter's sendTyping).
    keepTyping(_target: OutboundTarget, _signal: AbortSignal): void {},
    ...(webhook ? { webhook } : {}),
  });
}

function parseTarget(to: string): OutboundTarget {
  const raw = to.trim().replace(/^(?:feishu|lark):/i, "");
  const m = THREAD.exec(raw);
  return m ? { chatId: m[1], threadId: m[2] } : { chatId: raw };
}

/** The Feishu platform. */
export const platform: ChannelPlatform = {
  label: "Feishu",
  detailLabel: "Feishu / Lark Bot",
  credentialKey: "appSecret",
  create,
  isDirect: (to) => /^(?:(?:user|open_id|dm):)?o[un]_/i.test(parseTarget(to).chatId),
  parseTarget,
  directTarget: (senderId) => ({ chatId: `user:${senderId}` }),
  replyTarget: (m) =>
    m.chatType === "dm"
      ? `user:${m.senderId}`
      : m.threadId
      ? `${m.chatId}:thread:${m.threadId}`
      : m.chatId,
};
