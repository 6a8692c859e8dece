/**
 * Which gateway intents a Discord account asks for, and whether the application may have them.
 *
 * Stock users meet a bot that is online, can send, and never answers: the identify asked for
 * message content the application was not granted, so guild messages arrive without text (or the
 * gateway closes with 4014). Here the intents are computed from the config, logged by name and
 * bitmask, and compared with the application's flags before identify (and by `--probe`), and a
 * missing grant names the exact Developer Portal toggle.
 *
 * @module
 */
import type { ChannelAccountConfig, ChannelStatusIssue } from "../types.ts";
import {
  GatewayIntent,
  INTENT_NAMES,
  PORTAL_INTENTS_PATH,
  PRIVILEGED_INTENTS,
  type PrivilegedIntent,
} from "./constants.ts";

/** The intents of one account. */
export interface DiscordIntents {
  /** The identify bitmask. */
  bits: number;
  /** The intent names, in bit order (for logs and status). */
  names: string[];
}

function own(block: unknown, key: string): unknown {
  return typeof block === "object" && block !== null && Object.hasOwn(block, key)
    ? (block as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Computes the identify intents from an account's config:
 *
 * - `guilds` always (channel and thread metadata, for routing threads to their parent);
 * - `directMessages` unless `dmPolicy` is `disabled`;
 * - `guildMessages` unless `groupPolicy` is `disabled`, and then `messageContent` (unmentioned
 *   messages need their text for mention patterns and group history) unless
 *   `intents.messageContent` is `false`;
 * - `guildMembers` / `guildPresences` only when `intents.guildMembers` / `intents.presence` is
 *   `true`.
 *
 * @param account The resolved account (`raw.intents` holds the `intents.*` keys).
 * @returns The bitmask and names.
 * @example
 * ```ts
 * resolveDiscordIntents(account).names;
 * // ["guilds", "guildMessages", "directMessages", "messageContent"]
 * ```
 */
export function resolveDiscordIntents(account: ChannelAccountConfig): DiscordIntents {
  const config = own(account.raw, "intents");
  let bits = GatewayIntent.GUILDS;
  if (account.dmPolicy !== "disabled") bits |= GatewayIntent.DIRECT_MESSAGES;
  if (account.groupPolicy !== "disabled") {
    bits |= GatewayIntent.GUILD_MESSAGES;
    if (own(config, "messageContent") !== false) bits |= GatewayIntent.MESSAGE_CONTENT;
  }
  if (own(config, "guildMembers") === true) bits |= GatewayIntent.GUILD_MEMBERS;
  if (own(config, "presence") === true) bits |= GatewayIntent.GUILD_PRESENCES;
  return { bits, names: intentNames(bits) };
}

/**
 * Names the bits of an intent bitmask.
 *
 * @param bits A bitmask.
 * @returns Known names in bit order; unknown bits as `bit<n>`.
 */
export function intentNames(bits: number): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < 31; bit++) {
    const value = 1 << bit;
    if ((bits & value) === 0) continue;
    names.push(INTENT_NAMES.get(value) ?? `bit${bit}`);
  }
  return names;
}

/**
 * The privileged intents in `bits` that the application's flags do not grant.
 *
 * @param bits Requested intents.
 * @param applicationFlags `flags` of `GET /oauth2/applications/@me`.
 * @returns The missing ones (empty when everything is granted).
 */
export function missingPrivilegedIntents(
  bits: number,
  applicationFlags: number,
): PrivilegedIntent[] {
  return PRIVILEGED_INTENTS.filter((p) =>
    (bits & p.intent) !== 0 && (applicationFlags & p.flags) === 0
  );
}

/**
 * Describes a missing privileged intent as a status issue naming the portal toggle.
 *
 * @param missing From {@linkcode missingPrivilegedIntents}.
 * @returns `{kind: "intent", message, fix}`; `fix` reads "Discord Developer Portal -> your
 *   application -> Bot -> Privileged Gateway Intents -> MESSAGE CONTENT INTENT: switch it on ...".
 */
export function describeMissingIntent(missing: PrivilegedIntent): ChannelStatusIssue {
  const name = INTENT_NAMES.get(missing.intent) ?? "privileged";
  return {
    kind: "intent",
    message: `The application is not granted the ${missing.toggle} (${name} intent): ` +
      `${missing.effect}`,
    fix: `Discord Developer Portal \u2192 your application \u2192 ${PORTAL_INTENTS_PATH} \u2192 ` +
      `${missing.toggle}: switch it on, save, then restart the channel`,
  };
}
