/**
 * Discord for the channel layer: the adapter of lib/channels/discord for one account (token
 * from `token` -- plain or a SecretRef -- or `DISCORD_BOT_TOKEN` for the default account;
 * `DISCORD_API_URL` overrides the API base), with its resume state in
 * `<stateDir>/discord/<account>-session.json` so a restarted gateway resumes the session and
 * Discord replays what the journal had not stored. Outbound recipients: `user:<id>` (a DM),
 * `channel:<id>` or a bare channel id, optionally `:thread:<id>`.
 *
 * @module
 */
import { createDiscordAdapter, createFileResumeStore } from "../../../lib/channels/discord/mod.ts";
import type { OutboundTarget } from "../../../lib/channels/types.ts";
import { joinPath } from "../../../lib/paths.ts";
import type { ChannelPlatform, PlatformAdapter, PlatformInput } from "../types.ts";

const THREAD = /^(.+):thread:(\d{1,20})$/;

function create(input: PlatformInput): PlatformAdapter {
  const accountId = input.account.accountId;
  return createDiscordAdapter({
    account: input.account,
    token: input.credential("token"),
    tokenSource: input.credentialSource("token"),
    env: input.env,
    clock: input.clock,
    log: input.log,
    resumeStore: createFileResumeStore(
      joinPath(input.stateDir, "discord", `${accountId}-session.json`),
      { clock: input.clock },
    ),
  });
}

function parseTarget(to: string): OutboundTarget {
  const raw = to.trim().replace(/^discord:/i, "");
  const m = THREAD.exec(raw);
  return m ? { chatId: m[1], threadId: m[2] } : { chatId: raw };
}

/** The Discord platform. */
export const platform: ChannelPlatform = {
  label: "Discord",
  detailLabel: "Discord Bot",
  credentialKey: "token",
  create,
  isDirect: (to) => /^user:/i.test(parseTarget(to).chatId),
  parseTarget,
  directTarget: (senderId) => ({ chatId: `user:${senderId}` }),
  // A DM is recorded by user, so `directPolicy: "block"` recognises it.
  replyTarget: (m) =>
    m.chatType === "dm"
      ? `user:${m.senderId}`
      : m.threadId
      ? `${m.chatId}:thread:${m.threadId}`
      : m.chatId,
};
