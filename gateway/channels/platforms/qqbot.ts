/**
 * QQ (official QQ Bot API v2) for the channel layer: the adapter of lib/channels/qqbot for one
 * bot account. Credentials, first match wins: `token: "AppID:AppSecret"` (what `channels add
 * --channel qqbot --token` writes), `appId` + `clientSecret` -- each plain or a SecretRef resolved
 * from the gateway's secret snapshot -- and for the default account `QQBOT_APP_ID` /
 * `QQBOT_CLIENT_SECRET`. `QQBOT_TOKEN_URL` / `QQBOT_API_URL` move the endpoints (local fakes).
 * The session's resume state lives in `<stateDir>/qqbot/<account>-session.json`, so a restarted
 * gateway resumes and QQ replays what the journal had not stored.
 *
 * Every chunk of a reply is a passive reply to the inbound message (`msg_id` + `msg_seq`),
 * whatever `replyToMode` says. Outbound recipients: `c2c:<openid>` (a user) or
 * `group:<group_openid>`, also in stock's `qqbot:c2c:...` / `qqbot:group:...` form.
 *
 * @module
 */
import { createQQBotAdapter, createQQBotResumeStore } from "../../../lib/channels/qqbot/mod.ts";
import type { OutboundTarget } from "../../../lib/channels/types.ts";
import { joinPath } from "../../../lib/paths.ts";
import type { ChannelPlatform, PlatformAdapter, PlatformInput } from "../types.ts";

function create(input: PlatformInput): PlatformAdapter {
  const token = input.credential("token");
  const clientSecret = input.credential("clientSecret");
  const appId = input.credential("appId");
  const adapter = createQQBotAdapter({
    account: input.account,
    ...(token ? { token } : {}),
    ...(appId ? { appId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
    credentialSource: input.credentialSource(token ? "token" : "clientSecret"),
    env: input.env,
    clock: input.clock,
    log: input.log,
    resumeStore: createQQBotResumeStore(
      joinPath(input.stateDir, "qqbot", `${input.account.accountId}-session.json`),
      { clock: input.clock },
    ),
  });
  return Object.assign(adapter, {
    // QQ shows bots no "typing...".
    keepTyping(_target: OutboundTarget, _signal: AbortSignal): void {},
  });
}

function parseTarget(to: string): OutboundTarget {
  const raw = to.trim().replace(/^qqbot:/i, "");
  const m = /^(c2c|user|group):(.+)$/i.exec(raw);
  if (!m) return { chatId: raw };
  return { chatId: `${m[1].toLowerCase() === "group" ? "group" : "c2c"}:${m[2].trim()}` };
}

/** The QQ platform. */
export const platform: ChannelPlatform = {
  label: "QQ",
  detailLabel: "QQ Bot",
  credentialKey: "clientSecret",
  create,
  isDirect: (to) => parseTarget(to).chatId.startsWith("c2c:"),
  parseTarget,
  directTarget: (senderId) => ({ chatId: `c2c:${senderId}` }),
  replyTarget: (m) => `${m.chatType === "group" ? "group" : "c2c"}:${m.chatId}`,
  alwaysReplyTo: true,
};
