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
] as const;

/** One event name of {@linkcode GATEWAY_EVENTS}. */
export type GatewayEventName = (typeof GATEWAY_EVENTS)[number];

/** Heartbeat runs and skips, to operator clients (automation.md). */
export const HEARTBEAT_EVENT = "heartbeat" satisfies GatewayEventName;
