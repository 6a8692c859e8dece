/**
 * The first step of an inbound message after the journal: who may talk to the bot. It resolves
 * the account's settings from the running config (so an `allowFrom` or `requireMention` edit
 * applies to the next message), routes the message to an agent (whose mention patterns count),
 * decides access (access.ts, with the pairing store's approvals for DMs) and handles a refusal:
 * logged at info with the chapter's word and the sender and chat (`openclaw logs` answers "why
 * no response?"), a `pairing request` answered with the sender's code through the adapter, and
 * an unmentioned group message kept as context for the next mentioned turn.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import type { Clock } from "../../lib/clock.ts";
import { type AccessDecision, decideAccess, describeDrop } from "../../lib/channels/access.ts";
import { resolveChannelAccount } from "../../lib/channels/config_view.ts";
import { type GroupHistory, historyKey } from "../../lib/channels/group_history.ts";
import { formatForAccount } from "../../lib/channels/outbound_format.ts";
import { type ChannelPairing, pairingReplyText } from "../../lib/channels/pairing.ts";
import { type ChannelRoute, resolveChannelRoute } from "../../lib/channels/session_keys.ts";
import type { ChannelAccountConfig, InboundMessage } from "../../lib/channels/types.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { ReplySender } from "./reply.ts";

/** A message that may be answered, with its settings and route. */
export interface Admitted {
  account: ChannelAccountConfig;
  decision: Extract<AccessDecision, { allow: true }>;
  route: ChannelRoute;
}

/** What {@linkcode Gatekeeper} needs. */
export interface GatekeeperOptions {
  config(): OpenClawConfig;
  pairing: ChannelPairing;
  history: GroupHistory;
  replies: ReplySender;
  clock: Clock;
  log: Logger;
}

/** Decides access for inbound messages and handles refusals (see the module doc). */
export class Gatekeeper {
  readonly #o: GatekeeperOptions;

  /** @param options Config, pairing, history, replies, clock and log. */
  constructor(options: GatekeeperOptions) {
    this.#o = options;
  }

  #approved(message: InboundMessage): string[] {
    if (message.chatType !== "dm") return [];
    try {
      return this.#o.pairing.approvedSenders(message.channel, message.accountId);
    } catch (err) {
      this.#o.log.warn(
        `cannot read the approved senders of ${message.channel}: ${errorMessage(err)}`,
      );
      return [];
    }
  }

  /**
   * Decides whether `message` is answered; a refusal is logged and handled here.
   *
   * @param message The journaled message.
   * @returns The account, decision and route when it is answered; the refusal's reason otherwise.
   */
  async admit(message: InboundMessage): Promise<Admitted | { refused: string }> {
    const config = this.#o.config();
    const { channel, accountId } = message;
    const base = resolveChannelAccount(config, channel, accountId);
    let route = resolveChannelRoute(config, message, { allowFrom: base.allowFrom });
    const account = resolveChannelAccount(config, channel, accountId, { agentId: route.agentId });
    const decision = decideAccess({ message, account, approvedSenders: this.#approved(message) });
    if (!decision.allow) {
      this.#o.log.info(`drop ${describeDrop(message, decision)}`);
      if (decision.pairing) await this.#sendPairingCode(message, account);
      if (decision.recordHistory && message.text.trim() !== "") {
        this.#o.history.record(historyKey(message), {
          senderId: message.senderId,
          ...(message.senderName ? { senderName: message.senderName } : {}),
          text: message.text,
          timestamp: message.timestamp,
          messageId: message.messageId,
        }, decision.historyLimit ?? 0);
      }
      return { refused: decision.reason };
    }
    const groupAgent = decision.group?.agentId;
    if (groupAgent) {
      route = resolveChannelRoute(config, message, {
        groupAgentId: groupAgent,
        allowFrom: account.allowFrom,
      });
    }
    return { account, decision, route };
  }

  /** Issues (or re-sends) the sender's pairing code and sends it through the adapter. */
  async #sendPairingCode(message: InboundMessage, account: ChannelAccountConfig): Promise<void> {
    const where = `${message.channel}/${message.accountId} sender ${message.senderId}`;
    try {
      const meta: Record<string, string> = {};
      if (message.senderName) meta.name = message.senderName;
      if (message.senderUsername) meta.username = message.senderUsername;
      const result = await this.#o.pairing.request({
        channel: message.channel,
        accountId: message.accountId,
        senderId: message.senderId,
        meta,
      });
      if (result.kind === "limit") {
        this.#o.log.info(
          `pairing request from ${where} not issued: ${result.pending} requests already pending ` +
            `(openclaw pairing list --channel ${message.channel})`,
        );
        return;
      }
      const { request } = result;
      this.#o.log.info(
        `pairing request ${result.kind === "created" ? "created" : "repeated"} for ${where} ` +
          `(openclaw pairing list --channel ${message.channel})`,
      );
      const text = pairingReplyText({
        channel: message.channel,
        senderId: message.senderId,
        code: request.code,
        expiresAt: request.expiresAt,
        now: this.#o.clock.now(),
      });
      const formatted = formatForAccount(text, { ...account, responsePrefix: undefined });
      await this.#o.replies.send({
        channel: message.channel,
        accountId: message.accountId,
        target: {
          chatId: message.chatId,
          ...(message.threadId ? { threadId: message.threadId } : {}),
        },
        chunks: formatted.chunks,
        ...(formatted.parseMode ? { parseMode: formatted.parseMode } : {}),
      });
    } catch (err) {
      this.#o.log.warn(`cannot answer the pairing request of ${where}: ${errorMessage(err)}`);
    }
  }
}
