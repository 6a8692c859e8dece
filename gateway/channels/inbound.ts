/**
 * The inbound path of every channel: adapter -> journal -> access -> routing -> agent turn ->
 * outbound.
 *
 * 1. {@linkcode InboundPipeline.accept} is the adapters' `onInbound`: it stores the message in
 *    the journal (fsynced) and only then resolves, so the adapter moves the platform's offset /
 *    sequence past a message only once it is safe. A message seen before is acknowledged and
 *    not handled again.
 * 2. Each message is handled in its chat's lane (lanes.ts), in arrival order: access
 *    (gatekeeper.ts), then the turn through `dispatchTurn` in the routed session (the runtime
 *    queues turns per session), with "typing..." shown while it runs and unmentioned group
 *    messages in front as context.
 * 3. The reply is stripped of silent tokens, prefixed, converted and split for the platform
 *    (`formatForAccount`) and sent in the thread/topic (reply.ts keeps it if the send fails);
 *    the session records its last route, and the journal marks the message answered.
 *
 * On start, {@linkcode InboundPipeline.replay} handles what the journal holds unanswered (a crash
 * or `kill -9` between receipt and reply): each such message is answered once. On stop, running
 * turns are aborted and their messages stay in the journal for the next start.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import type { Clock } from "../../lib/clock.ts";
import type { AgentTurnResult } from "../../lib/agent/contract.ts";
import { normalizeAgentId } from "../../lib/agent/session_key.ts";
import {
  formatWithHistory,
  type GroupHistory,
  historyKey,
} from "../../lib/channels/group_history.ts";
import {
  type InboundJournal,
  inboundKey,
  type PendingInbound,
} from "../../lib/channels/inbound_store.ts";
import { formatForAccount } from "../../lib/channels/outbound_format.ts";
import type { InboundMessage, OutboundTarget } from "../../lib/channels/types.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { errorMessage } from "../../lib/errors.ts";
import { type AgentHost, dispatchTurn, failedTurn } from "../agent_runtime.ts";
import type { AccountRunner } from "./account_runner.ts";
import type { Admitted, Gatekeeper } from "./gatekeeper.ts";
import type { LastRouteRecorder } from "./last_route.ts";
import { Lanes } from "./lanes.ts";
import type { ReplySender } from "./reply.ts";
import type { ChannelPlatform } from "./types.ts";

/** What {@linkcode InboundPipeline} needs. */
export interface InboundPipelineOptions {
  /** Runs turns (the gateway state). */
  host: AgentHost & { readonly config: OpenClawConfig };
  journal: InboundJournal;
  gatekeeper: Gatekeeper;
  history: GroupHistory;
  replies: ReplySender;
  lastRoutes: LastRouteRecorder;
  runnerFor(channel: string, accountId: string): AccountRunner | undefined;
  platformFor(channel: string): ChannelPlatform | undefined;
  clock: Clock;
  log: Logger;
}

function targetOf(message: InboundMessage): OutboundTarget {
  return { chatId: message.chatId, ...(message.threadId ? { threadId: message.threadId } : {}) };
}

function where(message: InboundMessage): string {
  return `${message.channel}/${message.accountId} ${message.chatType} ${message.chatId} from ` +
    message.senderId;
}

/** The inbound path (see the module doc). */
export class InboundPipeline {
  readonly #o: InboundPipelineOptions;
  readonly #lanes = new Lanes();
  readonly #abort = new AbortController();
  #stopping = false;

  /** @param options The host, journal, access, replies and the running accounts. */
  constructor(options: InboundPipelineOptions) {
    this.#o = options;
  }

  /**
   * The adapters' `onInbound`: resolves once the message is journaled (see the module doc).
   *
   * @throws When the gateway is stopping or the journal refused it (the adapter must not ack).
   */
  readonly accept = async (message: InboundMessage): Promise<void> => {
    if (this.#stopping) throw new Error("the gateway is stopping");
    let stored: "stored" | "duplicate";
    try {
      stored = await this.#o.journal.append(message);
    } catch (err) {
      // A message without its ids can never be stored: acknowledge it rather than loop on it.
      if (err instanceof TypeError) {
        this.#o.log.warn(`ignored a malformed ${message.channel} message: ${err.message}`);
        return;
      }
      throw err;
    }
    if (stored === "duplicate") {
      this.#o.log.debug(`duplicate ${where(message)} (already journaled)`);
      return;
    }
    this.#enqueue(inboundKey(message), message);
  };

  /**
   * Handles the messages a previous run left unanswered, each once, in their chats' order.
   *
   * @param pending From the journal's `recover()`.
   */
  replay(pending: readonly PendingInbound[]): void {
    if (pending.length === 0) return;
    this.#o.log.info(`answering ${pending.length} message(s) left unanswered before the restart`);
    for (const p of pending) this.#enqueue(p.key, p.message);
  }

  #enqueue(key: string, message: InboundMessage): void {
    void this.#lanes.run(historyKey(message), () => this.#handle(key, message));
  }

  async #handle(key: string, message: InboundMessage): Promise<void> {
    if (this.#stopping) return;
    try {
      if (message.text.trim() === "") {
        this.#o.log.info(`drop ${where(message)}: empty (no text)`);
        await this.#o.journal.markDropped(key, "empty");
        return;
      }
      const admitted = await this.#o.gatekeeper.admit(message);
      if ("refused" in admitted) {
        await this.#o.journal.markDropped(key, admitted.refused);
        return;
      }
      await this.#answer(key, message, admitted);
    } catch (err) {
      // The message stays in the journal; the next start tries again (bounded by its attempts).
      if (!this.#stopping) {
        this.#o.log.error(`cannot handle ${where(message)}: ${errorMessage(err)}`);
      }
    }
  }

  async #answer(key: string, message: InboundMessage, admitted: Admitted): Promise<void> {
    const { account, decision, route } = admitted;
    await this.#o.journal.begin(key);
    let text = message.text;
    if (decision.scope === "group" && decision.historyLimit > 0) {
      const kept = this.#o.history.take(historyKey(message));
      text = formatWithHistory(kept, {
        senderId: message.senderId,
        ...(message.senderName ? { senderName: message.senderName } : {}),
        text: message.text,
        timestamp: message.timestamp,
      });
    }
    const result = await this.#runTurn(message, admitted, text);
    if (result.stopReason === "aborted") {
      // Stopping: the message stays journaled for the next start. Otherwise an operator
      // aborted the run, and a half-written answer is not sent.
      if (this.#stopping) return;
      this.#o.log.info(`no reply to ${where(message)}: the turn was aborted`);
      await this.#o.journal.markDropped(key, "aborted");
      return;
    }
    if (result.stopReason === "error" || result.stopReason === "timeout") {
      this.#o.log.warn(`turn for ${where(message)} failed: ${result.error ?? result.stopReason}`);
      await this.#o.journal.markDropped(key, "turn failed");
      return;
    }
    // Recorded before the reply goes out: once the person sees it, "last" already points here.
    if (route.updatesLastRoute) await this.#recordLastRoute(message, route.agentId, result);
    const formatted = formatForAccount(result.text, account);
    if (formatted.chunks.length === 0) {
      this.#o.log.info(`no reply to ${where(message)}: the answer was silent`);
    } else {
      const always = this.#o.platformFor(message.channel)?.alwaysReplyTo === true;
      const replyTo = account.replyToMode === "off" && !always ? undefined : message.messageId;
      const sent = await this.#o.replies.send({
        channel: message.channel,
        accountId: message.accountId,
        target: targetOf(message),
        chunks: formatted.chunks,
        ...(formatted.parseMode ? { parseMode: formatted.parseMode } : {}),
        ...(replyTo ? { replyToMessageId: replyTo } : {}),
        sourceKey: key,
      });
      if (sent.ok) {
        this.#o.log.debug(
          `replied to ${
            where(message)
          } in ${formatted.chunks.length} message(s) (${route.sessionKey})`,
        );
      }
    }
    await this.#o.journal.markAnswered(key);
  }

  async #runTurn(message: InboundMessage, admitted: Admitted, text: string) {
    const { route, decision } = admitted;
    const runId = crypto.randomUUID();
    const request = {
      runId,
      agentId: route.agentId,
      sessionKey: route.sessionKey,
      message: text,
      // A non-owner DM must not become the main session's last route (stock's rule).
      ...(route.updatesLastRoute ? { channel: message.channel } : {}),
      ...(decision.group?.systemPrompt ? { extraSystemPrompt: decision.group.systemPrompt } : {}),
      signal: this.#abort.signal,
    };
    const typing = new AbortController();
    this.#o.runnerFor(message.channel, message.accountId)?.adapter.keepTyping(
      targetOf(message),
      typing.signal,
    );
    try {
      const runtime = await this.#o.host.agent();
      return await dispatchTurn(this.#o.host, runtime, request);
    } catch (err) {
      return failedTurn(request, errorMessage(err));
    } finally {
      typing.abort();
    }
  }

  async #recordLastRoute(
    message: InboundMessage,
    agentId: string,
    result: AgentTurnResult,
  ): Promise<void> {
    const platform = this.#o.platformFor(message.channel);
    const sessionKey = result.sessionKey;
    if (!platform || !sessionKey) return;
    try {
      await this.#o.lastRoutes.record(normalizeAgentId(agentId), sessionKey, {
        channel: message.channel,
        to: platform.replyTarget(message),
        accountId: message.accountId,
      }, this.#o.host.config.session?.mainKey);
    } catch (err) {
      this.#o.log.debug(`cannot record the last route of ${sessionKey}: ${errorMessage(err)}`);
    }
  }

  /** Messages being handled or waiting, by chat. */
  get busyChats(): number {
    return this.#lanes.size;
  }

  /**
   * Stops taking messages and aborts running turns (their messages stay journaled); resolves
   * when every lane has settled or `budgetMs` passed.
   */
  async stop(budgetMs = 5_000): Promise<void> {
    this.#stopping = true;
    this.#abort.abort(new Error("the gateway is stopping"));
    const clock = this.#o.clock;
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    await Promise.race([
      this.#lanes.idle(),
      new Promise<void>((resolve) => timer = clock.setTimeout(resolve, budgetMs)),
    ]).finally(() => clock.clearTimeout(timer));
  }
}
