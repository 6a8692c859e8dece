/**
 * The Feishu / Lark channel: {@linkcode createFeishuAdapter} returns a `ChannelAdapter`
 * (lib/channels/types.ts) for one app account, speaking the open platform's wire protocol
 * directly (why: adapter.ts). Import this module lazily, only when `channels.feishu` is
 * configured.
 *
 * ```ts
 * import { createFeishuAdapter } from "./lib/channels/feishu/mod.ts";
 * const account = resolveChannelAccount(config, "feishu", accountId);
 * const feishu = createFeishuAdapter({ account, appId, appSecret, credentialSource: "secretRef" });
 * await feishu.connect({ signal, onInbound });      // long connection by default
 * // webhook mode: mount feishu.webhookHandler at feishu.webhookPath (POST)
 * ```
 *
 * Options of `createFeishuAdapter` ({@linkcode FeishuAdapterOptions}; defaults in brackets):
 *
 * | option | meaning |
 * |---|---|
 * | `account` | `resolveChannelAccount(config, "feishu", id)` (required): id, policies for status, `raw` keys |
 * | `appId` | App ID `cli_...` [`account.raw.appId`] |
 * | `appSecret` | App Secret, SecretRef resolved by the caller [`account.raw.appSecret` if a plain string] |
 * | `credentialSource` | shown as `credentialSource`/`tokenSource` in status [`config`, `none` without a secret] |
 * | `domain` | `feishu` \| `lark` \| origin URL (`http://127.0.0.1:...` for fakes) [`account.raw.domain` -> `feishu`] |
 * | `connectionMode` | `websocket` \| `webhook` [`account.raw.connectionMode` -> `websocket`] |
 * | `encryptKey`, `verificationToken` | webhook mode's keys (encryptKey required there) [`account.raw.*`] |
 * | `clock`, `log`, `random` | injectables [system clock, `getLogger("channels/feishu")`, `Math.random`] |
 * | `requestTimeoutMs` | per REST call [15000] |
 * | `probeTimeoutMs` | per probe step [10000] |
 * | `handlerTimeoutMs` | wait for the journal before leaving an event unacknowledged [10000] |
 * | `tokenRefreshMarginMs` | refresh the tenant token this early [600000] |
 * | `pongTimeoutMs` | long connection: silence after a ping that means dead [30000] |
 * | `openTimeoutMs` | long connection: socket open deadline [15000] |
 * | `backoff` | reconnect backoff [1 s doubling to 60 s, ±20 %] |
 * | `sendAttempts`, `maxRetryAfterMs` | REST tries and the longest rate-limit wait [4, 60000] |
 * | `webhookMaxSkewMs` | webhook timestamp tolerance [3600000] |
 *
 * Config keys read from the account block: `appId`, `appSecret`, `domain`, `connectionMode`,
 * `encryptKey`, `verificationToken`, `webhookPath` [`/feishu/events`], `replyInThread`
 * (`enabled`\|`disabled`), `renderMode` (`raw` sends `text` messages, otherwise `post` with
 * Markdown). Access rules (`dmPolicy`, `groupPolicy`, `requireMention`, ...) stay with the core
 * (access.ts); the adapter only reports `mentionsBot`.
 *
 * @module
 */
export {
  createFeishuAdapter,
  DEFAULT_WEBHOOK_PATH,
  EventNotStoredError,
  type FeishuChannelAdapter,
} from "./adapter.ts";
export {
  type FeishuAdapterOptions,
  type FeishuConnectionMode,
  type ResolvedFeishuOptions,
  resolveFeishuOptions,
} from "./options.ts";
export {
  createFeishuWebhookHandler,
  type FeishuWebhookHandler,
  type FeishuWebhookOptions,
} from "./webhook.ts";
export { decryptFeishuPayload, feishuSignature } from "./crypto.ts";
export { decodeFrame, encodeFrame, type Frame, type FrameHeaderEntry } from "./frame.ts";
export { feishuContent, parseFeishuTarget } from "./send.ts";
export type { FeishuProbeResult } from "./probe.ts";
export type { FeishuLogger } from "./_log.ts";
export type { EventOutcome } from "./events.ts";
export { resolveFeishuBaseUrl } from "./urls.ts";
export { FEISHU_TEXT_CHUNK_LIMIT } from "./constants.ts";
