/**
 * A channel as the outbound choke point sees it ({@linkcode ChannelSink}): heartbeat and cron
 * deliveries with `target: "<channel>", to: "<chat>"` (or `"last"`, resolved by the outbound
 * from the session's recorded route) are formatted for the platform like any reply
 * (`formatForAccount`, with the delivery's kind, so an ack never leaves) and sent through the
 * account's adapter. `isDirect` lets the outbound honour `directPolicy: "block"`; `accounts`
 * makes an unknown `accountId` a skip rather than a send.
 *
 * @module
 */
import {
  listAccountIds,
  normalizeAccountId,
  resolveChannelAccount,
  resolveDefaultAccountId,
} from "../../lib/channels/config_view.ts";
import { formatForAccount } from "../../lib/channels/outbound_format.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { OpenClawError } from "../../lib/errors.ts";
import type { ChannelSink } from "../../lib/outbound/types.ts";
import type { ReplySender } from "./reply.ts";
import type { ChannelPlatform } from "./types.ts";

/** What {@linkcode createChannelSink} needs. */
export interface ChannelSinkOptions {
  channel: string;
  platform: ChannelPlatform;
  config(): OpenClawConfig;
  replies: ReplySender;
}

/**
 * Creates the outbound sink of one channel.
 *
 * @param options The channel, its platform, the running config and the reply sender.
 * @returns The sink to `registerChannel` on the outbound.
 */
export function createChannelSink(options: ChannelSinkOptions): ChannelSink {
  const { channel, platform } = options;
  return {
    async send(message) {
      const config = options.config();
      const accountId = message.accountId
        ? normalizeAccountId(message.accountId)
        : resolveDefaultAccountId(config, channel);
      const to = message.to?.trim();
      if (!to) {
        throw new OpenClawError(
          "CHANNEL_TARGET_MISSING",
          `Cannot deliver to ${channel}: no recipient`,
          { hint: `Set "to" next to target: "${channel}" (a chat id)` },
        );
      }
      const account = resolveChannelAccount(config, channel, accountId, {
        agentId: message.agentId,
      });
      const formatted = formatForAccount(message.text, account, message.kind);
      if (formatted.chunks.length === 0) return {};
      const outcome = await options.replies.send({
        channel,
        accountId,
        target: platform.parseTarget(to),
        chunks: formatted.chunks,
        ...(formatted.parseMode ? { parseMode: formatted.parseMode } : {}),
      });
      if (!outcome.ok) throw new Error(outcome.error);
      const first = outcome.results[0]?.messageId;
      return first ? { messageId: first } : {};
    },
    isDirect: (to) => to !== undefined && platform.isDirect(to),
    accounts: () => listAccountIds(options.config(), channel),
  };
}
