/**
 * The QQ channel (official QQ Bot API v2): {@linkcode createQQBotAdapter} and what its options
 * and status use. Import this module lazily (only when `channels.qqbot` is configured).
 *
 * ## `createQQBotAdapter(options)`
 *
 * One adapter serves one `channels.qqbot` account. Options (all but `account` optional):
 *
 * | option | default | what |
 * |---|---|---|
 * | `account` | -- | `resolveChannelAccount(config, "qqbot", accountId)`; status fields, and from `raw`: `appId`, a plain-string `clientSecret`, `token` (`"AppID:AppSecret"`), `sandbox` |
 * | `appId` | `token` halves -> `raw.appId` -> `QQBOT_APP_ID` (default account only) | the bot's AppID |
 * | `clientSecret` | `token` halves -> plain `raw.clientSecret` -> `QQBOT_CLIENT_SECRET` (default account only) | the AppSecret, **SecretRef resolved by the caller** |
 * | `token` | `raw.token` | both at once, `"AppID:AppSecret"` (the `channels add --channel qqbot --token` form) |
 * | `credentialSource` | `"config"` | label shown as `credentialSource` in status for option-given secrets (`secretRef`, ...) |
 * | `tokenUrl` | `QQBOT_TOKEN_URL` -> `https://bots.qq.com/app/getAppAccessToken` | token endpoint (http only on loopback: point it at a fake) |
 * | `apiBaseUrl` | `QQBOT_API_URL` -> sandbox base if `sandbox` -> `https://api.sgroup.qq.com` | OpenAPI base, also used for `GET /gateway` |
 * | `sandbox` | `raw.sandbox === true` | use `https://sandbox.api.sgroup.qq.com` |
 * | `intents` | `1 << 25` (GROUP_AND_C2C) | IDENTIFY intents: C2C messages and group @-messages |
 * | `env` | process environment | where the `QQBOT_*` fallbacks are read |
 * | `clock` | `systemClock` | timers (heartbeat, deadlines, token refresh, backoff) |
 * | `log` | `getLogger("channels/qqbot")` | structured log; never receives a secret |
 * | `random` | `Math.random` | backoff jitter, op 9 delay |
 * | `requestTimeoutMs` | 15000 | per HTTP request (token fetch included) |
 * | `probeTimeoutMs` | 10000 | deadline of `probe()` |
 * | `tokenRefreshAheadMs` | 300000 | fetch a new access token this long before expiry (at most half its lifetime) |
 * | `resumeStore` | none | `createQQBotResumeStore(path)`: resume the session after a restart |
 * | `backoff` | 1 s ×2 up to 60 s, ±20 % | reconnect backoff |
 * | `maxQueuedDispatches` | 512 | dispatches waiting for `onInbound` before the connection is dropped and resumed |
 *
 * Behaviour the wiring must know:
 * - `connect()` throws `CHANNEL_NOT_CONFIGURED` (no AppID/AppSecret, hint names the keys),
 *   `CHANNEL_AUTH_FAILED` (AppSecret refused) or `CHANNEL_CONNECT_FAILED`; afterwards it
 *   reconnects by itself. A fatal gateway close (bot offline 4914, banned 4915, intents 4013/4014)
 *   stops the loop: `status().running` false with `lastError`.
 * - Inbound: DMs have `chatType: "dm"`, `chatId` = user openid; group @-messages `chatType:
 *   "group"`, `chatId` = group openid, `mentionsBot: true`. `messageId` is the `msg_id` to reply
 *   to, `updateId` the event id.
 * - Outbound: pass the inbound `messageId` as `replyToMessageId` (every chunk carries it as a
 *   passive reply, with `msg_seq` 1, 2, ...); without it the chat's latest inbound message within
 *   the reply window (DM 60 min, group 5 min) is used. A chat id never seen inbound must be
 *   written `c2c:<openid>` or `group:<group_openid>`. Messages are at most 5000 characters
 *   (`formatForAccount` with the `qqbot` account view splits at 5000).
 * - `sendTyping()` is a no-op; QQ has no pairing flow.
 *
 * @module
 */
export {
  createQQBotAdapter,
  type QQBotAdapterOptions,
  type QQBotChannelAdapter,
} from "./adapter.ts";
export { createQQBotResumeStore, type QQBotResumeStore } from "./resume_store.ts";
export type { QQResumeState } from "./gateway_client.ts";
export { resolveQQBotCredentials, splitQQBotToken } from "./credentials.ts";
export {
  DEFAULT_QQBOT_INTENTS,
  QQBOT_MAX_MESSAGE_LENGTH,
  QQIntent,
  qqIntentNames,
} from "./constants.ts";
