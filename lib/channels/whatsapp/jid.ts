/**
 * WhatsApp addresses. A JID is `<user>[:<device>]@<server>`: people are
 * `<digits>@s.whatsapp.net` (or `<id>@lid` when WhatsApp hides the number), groups
 * `<id>@g.us`, newsletters `<id>@newsletter`, and `status@broadcast` is the stories feed.
 * `allowFrom` and the sender ids the rest of the gateway sees are E.164 (`+15551234567`), so
 * this module converts both ways. Pure functions, safe on any input.
 *
 * @module
 */
import { GROUP_SERVER, LID_SERVER, NEWSLETTER_SERVER, USER_SERVER } from "./constants.ts";

/** E.164 allows at most 15 digits; shorter than 6 is no phone number anywhere. */
const E164 = /^\+[1-9]\d{5,14}$/;

/** The parts of a JID. */
export interface JidParts {
  /** The user part without the device suffix (`15551234567`, `120363...`). */
  user: string;
  /** `s.whatsapp.net`, `lid`, `g.us`, `newsletter`, `broadcast`, ... */
  server: string;
  /** The device number of a multi-device JID (`...:12@s.whatsapp.net`). */
  device?: number;
}

/**
 * Splits a JID into user, server and device.
 *
 * @param jid Any string.
 * @returns The parts, or `undefined` when `jid` has no `@` or an empty part.
 * @example
 * ```ts
 * splitJid("15551234567:12@s.whatsapp.net"); // { user: "15551234567", server: "s.whatsapp.net", device: 12 }
 * ```
 */
export function splitJid(jid: string | null | undefined): JidParts | undefined {
  if (typeof jid !== "string") return undefined;
  const at = jid.lastIndexOf("@");
  if (at <= 0 || at === jid.length - 1) return undefined;
  const server = jid.slice(at + 1).toLowerCase();
  let user = jid.slice(0, at);
  let device: number | undefined;
  const colon = user.indexOf(":");
  if (colon !== -1) {
    const d = Number(user.slice(colon + 1));
    if (Number.isInteger(d) && d >= 0) device = d;
    user = user.slice(0, colon);
  }
  // `<user>_<agent>` is an old agent suffix; the person is the part before it.
  const underscore = user.indexOf("_");
  if (underscore !== -1 && server !== GROUP_SERVER) user = user.slice(0, underscore);
  if (user === "") return undefined;
  return device === undefined ? { user, server } : { user, server, device };
}

/**
 * The JID without its device suffix (`15551234567:12@s.whatsapp.net` -> `15551234567@s.whatsapp.net`);
 * the legacy `c.us` server becomes `s.whatsapp.net`.
 *
 * @param jid A JID.
 * @returns The normalized JID, or `undefined` when `jid` is not one.
 */
export function normalizeJid(jid: string | null | undefined): string | undefined {
  const parts = splitJid(jid);
  if (!parts) return undefined;
  const server = parts.server === "c.us" ? USER_SERVER : parts.server;
  return `${parts.user}@${server}`;
}

/**
 * Normalizes a phone number written by a person (`+1 (555) 123-4567`, `whatsapp:+1555...`,
 * `0015551234567`) to E.164.
 *
 * @param value A phone number or an `allowFrom` entry.
 * @returns `+<digits>`, or `undefined` when it is not a plausible E.164 number.
 * @example
 * ```ts
 * normalizeE164("whatsapp:+1 (555) 123-4567"); // "+15551234567"
 * normalizeE164("hello"); // undefined
 * ```
 */
export function normalizeE164(value: string): string | undefined {
  let v = value.trim().toLowerCase();
  for (const prefix of ["whatsapp:", "wa:"]) {
    if (v.startsWith(prefix)) v = v.slice(prefix.length).trim();
  }
  v = v.replace(/[\s\-().]/g, "");
  if (v.startsWith("00")) v = `+${v.slice(2)}`;
  if (!v.startsWith("+")) v = `+${v}`;
  return E164.test(v) ? v : undefined;
}

/**
 * The E.164 number of a person's phone-number JID.
 *
 * @param jid A JID.
 * @returns `+<digits>` for `<digits>[:<device>]@s.whatsapp.net`, else `undefined` (groups,
 *   LIDs, broadcasts).
 */
export function jidToE164(jid: string | null | undefined): string | undefined {
  const parts = splitJid(jid);
  if (!parts || (parts.server !== USER_SERVER && parts.server !== "c.us")) return undefined;
  return normalizeE164(parts.user);
}

/**
 * The JID of an E.164 number.
 *
 * @param e164 A phone number in any form {@linkcode normalizeE164} accepts.
 * @returns `<digits>@s.whatsapp.net`, or `undefined` when it is not a number.
 */
export function e164ToJid(e164: string): string | undefined {
  const n = normalizeE164(e164);
  return n ? `${n.slice(1)}@${USER_SERVER}` : undefined;
}

/**
 * Where to send for a chat id as the gateway keeps it: a JID stays a JID (device suffix
 * dropped), an E.164 number becomes its JID.
 *
 * @param chatId `+15551234567`, `15551234567@s.whatsapp.net`, `120363...@g.us`, `...@lid`.
 * @returns The JID, or `undefined` for anything else.
 */
export function chatJidOf(chatId: string): string | undefined {
  return chatId.includes("@") ? normalizeJid(chatId.trim()) : e164ToJid(chatId);
}

/** True for a group JID (`...@g.us`). */
export function isGroupJid(jid: string | null | undefined): boolean {
  return splitJid(jid)?.server === GROUP_SERVER;
}

/** True for a LID (hidden-number) JID (`...@lid`). */
export function isLidJid(jid: string | null | undefined): boolean {
  return splitJid(jid)?.server === LID_SERVER;
}

/**
 * Why messages in this chat are never inbound: the status feed, broadcast lists, newsletters.
 *
 * @param jid The chat's JID.
 * @returns A reason, or `undefined` for a person or a group.
 */
export function ignoredChatReason(jid: string): string | undefined {
  const parts = splitJid(jid);
  if (!parts) return "not a JID";
  if (parts.server === "broadcast") {
    return parts.user === "status" ? "status update" : "broadcast list";
  }
  if (parts.server === NEWSLETTER_SERVER) return "newsletter";
  if (![USER_SERVER, "c.us", LID_SERVER, GROUP_SERVER].includes(parts.server)) {
    return `unsupported chat type @${parts.server}`;
  }
  return undefined;
}

/**
 * The id the gateway uses for a person: E.164 when the number is known, else the normalized
 * LID JID (which no `allowFrom` number matches, so unknown stays unknown).
 *
 * @param jids The person's JIDs as Baileys gives them (e.g. `participant` and
 *   `participantAlt`), any order.
 * @returns The id, or `undefined` when none is a person's JID.
 */
export function personId(...jids: (string | null | undefined)[]): string | undefined {
  for (const jid of jids) {
    const e164 = jidToE164(jid);
    if (e164) return e164;
  }
  for (const jid of jids) {
    if (isLidJid(jid)) return normalizeJid(jid);
  }
  return undefined;
}
