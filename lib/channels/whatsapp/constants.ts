/**
 * WhatsApp Web facts the adapter acts on: the disconnect status codes Baileys reports (its
 * `DisconnectReason`, pinned against the real package by a test), JID servers, and the words
 * status shows when an operator has to act.
 *
 * @module
 */

/** Baileys `DisconnectReason` codes (`lastDisconnect.error.output.statusCode`). */
export const DisconnectCode = {
  /** The phone unlinked this device (or the session was revoked): credentials are dead. */
  loggedOut: 401,
  /** The account is banned or blocked from WhatsApp Web. */
  forbidden: 403,
  /** Timed out (also: the QR codes of a login ran out unscanned). */
  timedOut: 408,
  connectionClosed: 428,
  /** Another WhatsApp Web session with the same credentials took over. */
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  /** Normal right after a QR scan: reconnect with the saved credentials. */
  restartRequired: 515,
} as const;

/** Server part of a person's JID (phone-number addressing). */
export const USER_SERVER = "s.whatsapp.net";
/** Server part of a person's JID in LID (hidden number) addressing. */
export const LID_SERVER = "lid";
/** Server part of a group JID. */
export const GROUP_SERVER = "g.us";
/** Server part of a newsletter (channel) JID. */
export const NEWSLETTER_SERVER = "newsletter";

/** The command that links (or re-links) an account. */
export function loginCommand(accountId: string): string {
  return accountId === "default"
    ? "openclaw channels login --channel whatsapp"
    : `openclaw channels login --channel whatsapp --account ${accountId}`;
}

/** What status says when the phone unlinked this device. */
export function loggedOutMessage(accountId: string): string {
  return `logged out \u2014 run ${loginCommand(accountId)}`;
}

/** What status says when no credentials are stored yet. */
export function notLinkedMessage(accountId: string): string {
  return `not linked \u2014 run ${loginCommand(accountId)}`;
}
