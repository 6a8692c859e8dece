/**
 * The gateway's {@linkcode Outbound}: the one place automated and replied text leaves for a
 * person. Order of a delivery: normalise the text (silent tokens stripped; an ack or an empty
 * text is never sent, unless a heartbeat ack with `showOk`), then resolve the target (`none`,
 * `last` from the session store, a channel), then send -- operator clients get a `chat` event on
 * the session, a connected channel gets the message, any other channel is skipped with
 * `channel-not-connected`.
 *
 * @module
 */
import type { GatewayEventName } from "../lib/protocol/events.ts";
import { canonicalSessionKey, normalizeAgentId } from "../lib/agent/session_key.ts";
import { readSessionEntry } from "../lib/heartbeat/session_entry.ts";
import { classifyReply, HEARTBEAT_OK } from "../lib/outbound/silent_tokens.ts";
import { isOperatorSurface } from "../lib/outbound/target.ts";
import {
  type ChannelSink,
  type DeliverOptions,
  type DeliveryResult,
  type DeliveryTarget,
  OPERATOR_CHANNEL,
  type Outbound,
  type TargetProbe,
} from "../lib/outbound/types.ts";
import { assistantMessage } from "./agent_runtime.ts";

/** What the outbound needs from the gateway. */
export interface OutboundHost {
  readonly stateDir: string;
  /** The running config's `session.mainKey` (for canonical session keys). */
  mainKey(): string | undefined;
  now(): number;
  broadcast(
    event: GatewayEventName,
    payload: unknown,
    options?: { dropIfSlow?: boolean },
  ): void;
}

type Text = { ok: true; text: string } | { ok: false; result: DeliveryResult };

/** Decides what of `text` may be sent (see the module doc). */
function normalise(text: string, options: DeliverOptions): Text {
  const heartbeat = options.kind === "heartbeat";
  const reply = classifyReply(text, { heartbeat, ackMaxChars: options.ackMaxChars });
  if (reply.kind === "ack") {
    if (options.visibility?.showOk === true) return { ok: true, text: HEARTBEAT_OK };
    return { ok: false, result: { status: "skipped", reason: "ack-hidden" } };
  }
  if (reply.kind === "empty") return { ok: false, result: { status: "skipped", reason: "silent" } };
  if (heartbeat && options.visibility?.showAlerts === false) {
    return { ok: false, result: { status: "skipped", reason: "alerts-hidden" } };
  }
  return { ok: true, text: reply.text };
}

/**
 * Creates the outbound of one gateway start.
 *
 * @param host The state it reads sessions from and broadcasts on.
 * @returns The outbound; channels register their sinks on it.
 * @example
 * ```ts
 * const outbound = createOutbound({ stateDir, mainKey: () => undefined, now: Date.now, broadcast });
 * await outbound.deliver("none", "hi", { agentId: "main", kind: "cron" }); // skipped, target-none
 * ```
 */
export function createOutbound(host: OutboundHost): Outbound {
  const sinks = new Map<string, ChannelSink>();

  const sessionKeyOf = (options: DeliverOptions): string | undefined => {
    if (!options.sessionKey) return undefined;
    try {
      return canonicalSessionKey(
        options.sessionKey,
        normalizeAgentId(options.agentId),
        host.mainKey(),
      );
    } catch {
      return options.sessionKey;
    }
  };

  const probe = async (target: DeliveryTarget, options: DeliverOptions): Promise<TargetProbe> => {
    if (target === "none") return { ok: false, reason: "target-none" };
    let route: { channel: string; to?: string; accountId?: string };
    if (target === "last") {
      const key = sessionKeyOf(options);
      const entry = key
        ? await readSessionEntry(host.stateDir, normalizeAgentId(options.agentId), key)
        : undefined;
      const last = typeof entry?.lastChannel === "string" ? entry.lastChannel.trim() : "";
      if (!last) return { ok: false, reason: "no-last-target" };
      const lastTo = typeof entry?.lastTo === "string" ? entry.lastTo : undefined;
      const lastAccount = typeof entry?.lastAccountId === "string"
        ? entry.lastAccountId
        : undefined;
      route = isOperatorSurface(last) ? { channel: OPERATOR_CHANNEL } : {
        channel: last.toLowerCase(),
        ...(lastTo ? { to: lastTo } : {}),
        ...(lastAccount ? { accountId: lastAccount } : {}),
      };
    } else {
      route = { ...target, channel: target.channel.trim().toLowerCase() };
    }
    if (isOperatorSurface(route.channel)) return { ok: true, channel: OPERATOR_CHANNEL };
    const sink = sinks.get(route.channel);
    if (!sink) return { ...route, ok: false, reason: "channel-not-connected" };
    const accounts = sink.accounts?.();
    if (route.accountId && accounts && !accounts.includes(route.accountId)) {
      return { ...route, ok: false, reason: "unknown-account" };
    }
    if (options.directPolicy === "block" && sink.isDirect?.(route.to, route.accountId)) {
      return { ...route, ok: false, reason: "dm-blocked" };
    }
    return { ...route, ok: true };
  };

  const sendToOperators = (text: string, options: DeliverOptions): DeliveryResult => {
    const ts = host.now();
    const runId = options.runId ?? crypto.randomUUID();
    host.broadcast("chat", {
      runId,
      sessionKey: sessionKeyOf(options) ?? "",
      agentId: normalizeAgentId(options.agentId),
      seq: 1,
      state: "final",
      message: assistantMessage(text, ts),
      stopReason: "stop",
    });
    return { status: "sent", channel: OPERATOR_CHANNEL, text };
  };

  return {
    async deliver(target, text, options) {
      const normalised = normalise(typeof text === "string" ? text : "", options);
      const route = await probe(target, options);
      if (!route.ok) {
        const { ok: _ok, ...skipped } = route;
        return { ...skipped, status: "skipped" };
      }
      if (!normalised.ok) return { ...normalised.result, channel: route.channel };
      const { ok: _ok, ...where } = route;
      if (route.channel === OPERATOR_CHANNEL) return sendToOperators(normalised.text, options);
      const sink = sinks.get(route.channel);
      if (!sink) return { ...where, status: "skipped", reason: "channel-not-connected" };
      try {
        const sent = await sink.send({
          ...(route.to ? { to: route.to } : {}),
          ...(route.accountId ? { accountId: route.accountId } : {}),
          text: normalised.text,
          agentId: options.agentId,
          ...(options.sessionKey ? { sessionKey: options.sessionKey } : {}),
          kind: options.kind,
        });
        return {
          ...where,
          status: "sent",
          text: normalised.text,
          ...(sent.messageId ? { messageId: sent.messageId } : {}),
        };
      } catch (err) {
        return {
          ...where,
          status: "skipped",
          reason: "send-failed",
          error: err instanceof Error ? err.message : String(err),
        };
      }
    },
    probe,
    registerChannel(channel, sink) {
      const id = channel.trim().toLowerCase();
      sinks.set(id, sink);
      return () => {
        if (sinks.get(id) === sink) sinks.delete(id);
      };
    },
    connectedChannels: () => [...sinks.keys()],
  };
}
