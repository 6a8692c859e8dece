/**
 * The one outbound interface: every automated or replied message that leaves the gateway for a
 * person (a heartbeat alert, a cron announcement, a reply to a chat platform) goes through
 * {@linkcode Outbound.deliver}. It is the single choke point that strips the silent tokens
 * (`HEARTBEAT_OK`, stock's `NO_REPLY`), so an ack can never reach a chat platform, whatever path
 * produced the text. Channels implement {@linkcode ChannelSink} and register with the outbound;
 * until a channel is connected, a delivery to it is skipped with `channel-not-connected`.
 * Operator clients (dashboard, WebChat, CLI) are always reachable: they get a `chat` event on
 * the session.
 *
 * @module
 */

/** The channel id that stands for operator clients (a `chat` event on the session). */
export const OPERATOR_CHANNEL = "webchat";

/**
 * Where a message goes.
 *
 * - `{ channel, to?, accountId? }` -- that channel (`"telegram"`, ..., or `"webchat"` for operator
 *   clients), recipient and account.
 * - `"last"` -- the channel the session was most recently contacted on.
 * - `"none"` -- nowhere: the run is internal (recorded as skipped, `target-none`).
 */
export type DeliveryTarget =
  | { channel: string; to?: string; accountId?: string }
  | "last"
  | "none";

/** What produced the message; decides how silent tokens are treated. */
export type DeliveryKind = "heartbeat" | "cron" | "reply";

/** Why a delivery did not send anything. */
export type DeliverySkipReason =
  /** The channel has no connected transport in this gateway (yet). */
  | "channel-not-connected"
  /** The target is `"none"`. */
  | "target-none"
  /** `"last"`, but the session was never contacted on any channel. */
  | "no-last-target"
  /** The text was only a silent token (`HEARTBEAT_OK` / `NO_REPLY`), or empty. */
  | "silent"
  /** A heartbeat ack (`HEARTBEAT_OK` within the ack budget) with `showOk` off. */
  | "ack-hidden"
  /** A heartbeat alert with `showAlerts` off. */
  | "alerts-hidden"
  /** `directPolicy: "block"` and the target is a direct message. */
  | "dm-blocked"
  /** The channel has accounts and `accountId` names none of them. */
  | "unknown-account"
  /** The channel's transport failed to send (the error is in `error`). */
  | "send-failed";

/** Heartbeat visibility for this delivery (resolved by the caller; see lib/heartbeat/config.ts). */
export interface DeliveryVisibility {
  /** Deliver a heartbeat ack (as the text `HEARTBEAT_OK`). @default false */
  showOk?: boolean;
  /** Deliver alert text. @default true */
  showAlerts?: boolean;
}

/** Options of {@linkcode Outbound.deliver}. */
export interface DeliverOptions {
  /** The agent the message is from. */
  agentId: string;
  /** The session it belongs to (resolves `"last"`; operator `chat` events carry it). */
  sessionKey?: string;
  kind: DeliveryKind;
  /** Heartbeat visibility; only `kind: "heartbeat"` reads it. */
  visibility?: DeliveryVisibility;
  /** Heartbeat ack budget: a token with at most this much other text is an ack. @default 300 */
  ackMaxChars?: number;
  /** `"block"` refuses direct-message targets (`dm-blocked`). @default "allow" */
  directPolicy?: "allow" | "block";
  /** Run id for the operator `chat` event (a new id when absent). */
  runId?: string;
}

/** Where a delivery went (or would have gone). */
export interface DeliveryRoute {
  channel?: string;
  to?: string;
  accountId?: string;
}

/** The outcome of {@linkcode Outbound.deliver}; it never throws for a failed send. */
export type DeliveryResult =
  | (DeliveryRoute & {
    status: "sent";
    channel: string;
    /** The text that was sent (tokens stripped). */
    text: string;
    messageId?: string;
  })
  | (DeliveryRoute & {
    status: "skipped";
    reason: DeliverySkipReason;
    /** Set with `send-failed`. */
    error?: string;
  });

/** A route check without sending: whether a target can be reached right now. */
export type TargetProbe =
  | (DeliveryRoute & { ok: true; channel: string })
  | (DeliveryRoute & { ok: false; reason: DeliverySkipReason });

/** One message for a channel transport (already normalised: never a silent token). */
export interface ChannelMessage {
  to?: string;
  accountId?: string;
  text: string;
  agentId: string;
  sessionKey?: string;
  kind: DeliveryKind;
}

/** What a channel implements to receive outbound messages. */
export interface ChannelSink {
  /** Sends one message; throws when the platform refused it. */
  send(message: ChannelMessage): Promise<{ messageId?: string }>;
  /** True when `to` is a direct message (for `directPolicy: "block"`). @default false */
  isDirect?(to: string | undefined, accountId: string | undefined): boolean;
  /** Account ids the channel knows; when given, another `accountId` is `unknown-account`. */
  accounts?(): readonly string[];
}

/** The outbound choke point. */
export interface Outbound {
  /**
   * Delivers `text` to `target` after normalising it: silent tokens are stripped on every path;
   * a token-only text is never sent (a heartbeat ack is sent as `HEARTBEAT_OK` only with
   * `visibility.showOk`). Never throws; a failed send is `skipped` with `send-failed`.
   *
   * @example
   * ```ts
   * const r = await outbound.deliver("last", "Disk is 95% full", {
   *   agentId: "main",
   *   sessionKey: "agent:main:main",
   *   kind: "cron",
   * });
   * if (r.status === "skipped") log.info(`not delivered: ${r.reason}`);
   * ```
   */
  deliver(target: DeliveryTarget, text: string, options: DeliverOptions): Promise<DeliveryResult>;
  /** Checks whether `target` is reachable now (no send): the cheap pre-check of heartbeats. */
  probe(target: DeliveryTarget, options: DeliverOptions): Promise<TargetProbe>;
  /** Connects a channel transport; returns the function that disconnects it. */
  registerChannel(channel: string, sink: ChannelSink): () => void;
  /** Ids of the connected channels (operator clients not included). */
  connectedChannels(): string[];
}
