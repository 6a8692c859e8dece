/**
 * Delivery targets as config and CLI flags spell them (`target: "last" | "none" | <channel>`
 * plus `to` and `accountId`), and which recorded channels are operator surfaces.
 *
 * @module
 */
import { type DeliveryTarget, OPERATOR_CHANNEL } from "./types.ts";

/**
 * Channels a session records for turns from operator clients (`chat.send` -> `webchat`,
 * `openclaw agent` -> `cli`, the HTTP API -> `http`). A delivery to "last" on such a session goes
 * to operator clients as a `chat` event.
 */
const OPERATOR_SURFACES: ReadonlySet<string> = new Set([
  OPERATOR_CHANNEL,
  "cli",
  "http",
  "api",
  "control-ui",
  "dashboard",
]);

/**
 * True when `channel` is an operator surface rather than a chat platform.
 *
 * @example
 * ```ts
 * isOperatorSurface("cli"); // true
 * isOperatorSurface("telegram"); // false
 * ```
 */
export function isOperatorSurface(channel: string): boolean {
  return OPERATOR_SURFACES.has(channel.trim().toLowerCase());
}

/**
 * Builds a {@linkcode DeliveryTarget} from config or flags.
 *
 * @param target `"last"`, `"none"` or a channel id; blank or absent means `"last"`.
 * @param to The recipient on that channel (ignored for `last`/`none`).
 * @param accountId The account on multi-account channels.
 * @returns The target.
 * @example
 * ```ts
 * parseDeliveryTarget("telegram", "12345678"); // { channel: "telegram", to: "12345678" }
 * parseDeliveryTarget(undefined); // "last"
 * ```
 */
export function parseDeliveryTarget(
  target: string | undefined,
  to?: string,
  accountId?: string,
): DeliveryTarget {
  const t = target?.trim().toLowerCase() ?? "";
  if (t === "" || t === "last") return "last";
  if (t === "none") return "none";
  return {
    channel: t,
    ...(to?.trim() ? { to: to.trim() } : {}),
    ...(accountId?.trim() ? { accountId: accountId.trim() } : {}),
  };
}

/**
 * A short label for logs and the `heartbeat` event (`telegram:12345678`, `last`, `none`).
 *
 * @example
 * ```ts
 * describeTarget({ channel: "telegram", to: "1" }); // "telegram:1"
 * ```
 */
export function describeTarget(target: DeliveryTarget): string {
  if (typeof target === "string") return target;
  return target.to ? `${target.channel}:${target.to}` : target.channel;
}
