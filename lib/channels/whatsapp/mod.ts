/**
 * WhatsApp (WhatsApp Web, multi-device) for the channel subsystem, the CLI and the dashboard.
 * Import this module lazily -- only when `channels.whatsapp` is configured or someone logs in.
 * Even then Baileys itself loads only inside `connect()` / a login (baileys.ts), and not at all
 * for an account that is not linked.
 *
 * **Runtime** -- `createWhatsAppAdapter(options)` returns a {@linkcode WhatsAppChannelAdapter}:
 *
 * ```ts
 * const account = resolveChannelAccount(config, "whatsapp", accountId);
 * const whatsapp = createWhatsAppAdapter({ account, stateDir });
 * await whatsapp.connect({ signal, onInbound }); // WHATSAPP_NOT_LINKED until someone logs in
 * whatsapp.keepTyping({ chatId: m.chatId }, turnSignal);
 * await whatsapp.sendChunks({ chatId: m.chatId }, formatForAccount(reply, account).chunks, {
 *   replyToMessageId: m.messageId,
 * });
 * ```
 *
 * Options (defaults in brackets): `account` (the resolved view; `raw.sendReadReceipts` [true],
 * `raw.selfChatMode` [false], `raw.authDir`), `stateDir` (credentials under
 * `<stateDir>/credentials/whatsapp/<account>/`), `authDir` [account.raw.authDir], `env`
 * [process env; `OPENCLAW_WHATSAPP_WEB_SOCKET_URL`], `webSocketUrl`, `sendReadReceipts`,
 * `selfChatMode`, `browser` [["OpenClaw", "Gateway", VERSION]], `clock` [systemClock], `log`
 * [getLogger("channels/whatsapp")], `backoff` [1 s doubling to 60 s], `connectTimeoutMs`
 * [60000], `handlerTimeoutMs` [30000], `typingIntervalMs` [6000], `maxTypingLoops` [64],
 * `maxQueuedMessages` [512], and the test seams `makeSocket` [Baileys `makeWASocket`],
 * `initAuthCreds` [Baileys `initAuthCreds`], `reviveKey`.
 *
 * Inbound messages: DMs have `chatId` = `senderId` = the sender's E.164 number (`allowFrom` is
 * E.164); groups have the group JID (`...@g.us`) as `chatId`. `mentionsBot` comes from
 * `contextInfo.mentionedJid`; identity-name patterns are applied by lib/channels/access.ts from
 * `account.mentionPatterns` (config_view.ts derives them on WhatsApp). Status extras: `linked`,
 * `self` (`{ jid, e164, name }`), `mode: "web"`, `healthState`, `lastSendError`.
 *
 * **Login** -- `startWhatsAppLogin({ stateDir, accountId, onQr, signal })`, shared by
 * `openclaw channels login --channel whatsapp [--account A]` and the `web.login.*` RPC:
 *
 * ```ts
 * // CLI
 * const login = startWhatsAppLogin({ stateDir, accountId, authDir, force, signal,
 *   onQr: (qr) => writeStderr(qr.terminal) });
 * const linked = await login.result; // { status: "linked" | "already-linked", e164, jid, ... }
 * // RPC web.login.start: keep `login` per account, answer with the first code
 * const qr = await login.waitForQr(); // qr.dataUrl is "data:image/png;base64,..."
 * // RPC web.login.wait: the next code (pass the index shown) or the result
 * ```
 *
 * **Logout** -- `adapter.logout()` while the channel runs (unlinks through its socket), else
 * `logoutWhatsApp({ stateDir, accountId })`; both delete the credentials.
 *
 * **Config** -- `validateWhatsAppConfig(channels.whatsapp)` lists problems with dotted paths
 * (non-E.164 `allowFrom`, group keys that are not `...@g.us`, wrong types).
 *
 * @module
 */
export {
  createWhatsAppAdapter,
  type WhatsAppAdapterOptions,
  type WhatsAppChannelAdapter,
} from "./adapter.ts";
export { resolveWhatsAppOptions, WEB_SOCKET_URL_ENV } from "./options.ts";
export {
  startWhatsAppLogin,
  type WhatsAppLogin,
  type WhatsAppLoginOptions,
  type WhatsAppLoginResult,
  type WhatsAppLoginState,
} from "./login.ts";
export { logoutWhatsApp, type WhatsAppLogoutOptions, type WhatsAppLogoutResult } from "./logout.ts";
export { renderQrDataUrl, renderQrTerminal, type WhatsAppQr } from "./qr.ts";
export { resolveWhatsAppAuthDir } from "./auth_dir.ts";
export { type LinkedIdentity, readLinkedIdentity } from "./auth_store.ts";
export {
  validateWhatsAppConfig,
  type WhatsAppConfigIssue,
  type WhatsAppSettings,
  whatsAppSettings,
} from "./config.ts";
export {
  chatJidOf,
  e164ToJid,
  isGroupJid,
  jidToE164,
  normalizeE164,
  normalizeJid,
  personId,
} from "./jid.ts";
export { DisconnectCode, loggedOutMessage, loginCommand, notLinkedMessage } from "./constants.ts";
export type { WhatsAppHealth } from "./status.ts";
export type { WhatsAppLogger } from "./_log.ts";
export type {
  MakeWhatsAppSocket,
  WAMessageLike,
  WhatsAppCreds,
  WhatsAppSocket,
  WhatsAppSocketInit,
} from "./socket.ts";
