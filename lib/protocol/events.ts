/**
 * The events a gateway sends to its clients, by name: the list `hello-ok.features.events`
 * advertises and the only names `broadcast` accepts (protocol.md §5; automation.md for
 * `heartbeat` and `cron`).
 *
 * @module
 */

/** Every event name, in the order hello-ok lists them. */
export const GATEWAY_EVENTS = [
  "connect.challenge",
  "tick",
  "presence",
  "health",
  "shutdown",
  "config.changed",
  "agent",
  "chat",
  "sessions.changed",
  "heartbeat",
  "cron",
  "device.pair.requested",
  "device.pair.resolved",
] as const;

/** One event name of {@linkcode GATEWAY_EVENTS}. */
export type GatewayEventName = (typeof GATEWAY_EVENTS)[number];

/** Heartbeat runs and skips, to operator clients (automation.md). */
export const HEARTBEAT_EVENT = "heartbeat" satisfies GatewayEventName;
/** A device asked to be paired (or for more access); payload: the pending request. */
export const DEVICE_PAIR_REQUESTED_EVENT = "device.pair.requested" satisfies GatewayEventName;
/** A pending device request was approved or rejected: `{requestId, deviceId, decision, ts}`. */
export const DEVICE_PAIR_RESOLVED_EVENT = "device.pair.resolved" satisfies GatewayEventName;
