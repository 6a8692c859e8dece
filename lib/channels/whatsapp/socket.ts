/**
 * The part of a Baileys socket (`WASocket`) the adapter uses, as our own interface: the three
 * events it listens to, the four calls it makes, and who the socket is logged in as. The real
 * socket is created by baileys.ts (the only module that loads the package); tests use
 * tests/fixtures/fake_baileys.ts. A type-level test assigns the real `WASocket` to
 * {@linkcode WhatsAppSocket}, so this interface cannot drift from the library unnoticed.
 *
 * Message shapes are the subset of Baileys' protobuf types (`proto.IWebMessageInfo`) we read,
 * with the same field names and nullability.
 *
 * @module
 */
import type { WhatsAppLogger } from "./_log.ts";

/** A message key (`proto.IMessageKey` plus Baileys' LID extras). */
export interface WAMessageKeyLike {
  remoteJid?: string | null;
  fromMe?: boolean | null;
  id?: string | null;
  /** The sender inside a group. */
  participant?: string | null;
  /** The chat's other address (phone number when `remoteJid` is a LID, or the reverse). */
  remoteJidAlt?: string;
  /** The sender's other address in a group. */
  participantAlt?: string;
}

/** `proto.IContextInfo`: mentions and the quoted message. */
export interface WAContextInfoLike {
  mentionedJid?: string[] | null;
  /** Author of the quoted message. */
  participant?: string | null;
  /** Id of the quoted message. */
  stanzaId?: string | null;
  quotedMessage?: WAMessageContentLike | null;
}

/** A media message: only its caption and context matter here. */
export interface WAMediaLike {
  caption?: string | null;
  contextInfo?: WAContextInfoLike | null;
}

/** A wrapper message (`ephemeralMessage`, `viewOnceMessage`, ...) around the real one. */
export interface WAFutureProofLike {
  message?: WAMessageContentLike | null;
}

/** `proto.IMessage`: the content kinds the adapter understands. */
export interface WAMessageContentLike {
  conversation?: string | null;
  extendedTextMessage?: { text?: string | null; contextInfo?: WAContextInfoLike | null } | null;
  imageMessage?: WAMediaLike | null;
  videoMessage?: WAMediaLike | null;
  documentMessage?: WAMediaLike | null;
  audioMessage?: { contextInfo?: WAContextInfoLike | null } | null;
  stickerMessage?: { contextInfo?: WAContextInfoLike | null } | null;
  locationMessage?: { contextInfo?: WAContextInfoLike | null } | null;
  contactMessage?: { displayName?: string | null; contextInfo?: WAContextInfoLike | null } | null;
  ephemeralMessage?: WAFutureProofLike | null;
  viewOnceMessage?: WAFutureProofLike | null;
  viewOnceMessageV2?: WAFutureProofLike | null;
  documentWithCaptionMessage?: WAFutureProofLike | null;
  editedMessage?: WAFutureProofLike | null;
  protocolMessage?: unknown;
  reactionMessage?: unknown;
  pollUpdateMessage?: unknown;
  senderKeyDistributionMessage?: unknown;
}

/** Protobuf's 64-bit integer, as `messageTimestamp` may be one. */
export interface LongLike {
  toNumber(): number;
}

/** A message (`WAMessage`). */
export interface WAMessageLike {
  key: WAMessageKeyLike;
  message?: WAMessageContentLike | null;
  /** Seconds since the epoch. */
  messageTimestamp?: number | LongLike | null;
  pushName?: string | null;
}

/** `connection.update` (Baileys `Partial<ConnectionState>`). */
export interface ConnectionUpdate {
  connection?: "open" | "connecting" | "close";
  /** Why it closed: a Boom error whose `output.statusCode` is a {@linkcode DisconnectCode}. */
  lastDisconnect?: { error: Error | undefined; date: Date };
  /** A new QR code to show (each lasts about 20-60 s). */
  qr?: string;
  isNewLogin?: boolean;
}

/** `messages.upsert`: `notify` is new traffic, `append` history or own-device sync. */
export interface MessagesUpsert {
  messages: WAMessageLike[];
  type: "append" | "notify";
}

/** The events the adapter listens to. */
export interface WhatsAppEventMap {
  "connection.update": ConnectionUpdate;
  /** Part of the credentials changed; Baileys has already merged it into `auth.creds`. */
  "creds.update": Partial<WhatsAppCreds>;
  "messages.upsert": MessagesUpsert;
}

/** Baileys' event emitter, for the events we use. */
export interface WhatsAppEvents {
  on(event: "connection.update", listener: (update: ConnectionUpdate) => void): void;
  on(event: "creds.update", listener: (update: Partial<WhatsAppCreds>) => void): void;
  on(event: "messages.upsert", listener: (upsert: MessagesUpsert) => void): void;
  off(event: "connection.update", listener: (update: ConnectionUpdate) => void): void;
  off(event: "creds.update", listener: (update: Partial<WhatsAppCreds>) => void): void;
  off(event: "messages.upsert", listener: (upsert: MessagesUpsert) => void): void;
}

/** Who the socket is logged in as (Baileys `Contact`). */
export interface WhatsAppUser {
  /** `<digits>:<device>@s.whatsapp.net`. */
  id: string;
  /** `<lid>:<device>@lid`, when WhatsApp told us. */
  lid?: string;
  name?: string;
}

/** Presence states we send. */
export type WhatsAppPresence = "composing" | "paused" | "available" | "unavailable";

/** A Baileys socket, as far as the adapter uses it. */
export interface WhatsAppSocket {
  readonly ev: WhatsAppEvents;
  /** Set once the connection is open. */
  readonly user: WhatsAppUser | undefined;
  sendMessage(
    jid: string,
    content: { text: string },
    options?: { quoted?: WAMessageLike },
  ): Promise<WAMessageLike | undefined>;
  sendPresenceUpdate(type: WhatsAppPresence, toJid?: string): Promise<void>;
  /** Marks messages read (blue ticks). */
  readMessages(keys: WAMessageKeyLike[]): Promise<void>;
  /** Unlinks this device on the phone, then closes. */
  logout(msg?: string): Promise<void>;
  /** Closes the connection without unlinking. */
  end(error: Error | undefined): void | Promise<void>;
}

/**
 * Credentials (Baileys `AuthenticationCreds`): opaque here except for who we are. Buffers
 * inside are serialized by auth_store.ts the way Baileys does.
 */
export interface WhatsAppCreds {
  /** Set once a phone linked this device. */
  me?: { id: string; lid?: string; name?: string };
  registered?: boolean;
  [field: string]: unknown;
}

/** The Signal key store Baileys reads and writes (`SignalKeyStore`). */
export interface WhatsAppKeyStore {
  get(type: string, ids: string[]): Promise<Record<string, unknown>>;
  set(data: Record<string, Record<string, unknown>>): Promise<void>;
}

/** What a socket logs in with (Baileys `AuthenticationState`). */
export interface WhatsAppAuthState {
  creds: WhatsAppCreds;
  keys: WhatsAppKeyStore;
}

/** What {@linkcode MakeWhatsAppSocket} gets. */
export interface WhatsAppSocketInit {
  auth: WhatsAppAuthState;
  /** Shown on the phone under "Linked devices": `[name, browser, version]`. */
  browser: [string, string, string];
  /** Overrides the WhatsApp Web WebSocket URL (`OPENCLAW_WHATSAPP_WEB_SOCKET_URL`). */
  webSocketUrl?: string;
  log: WhatsAppLogger;
}

/** Creates a socket that starts connecting at once (Baileys `makeWASocket`). */
export type MakeWhatsAppSocket = (
  init: WhatsAppSocketInit,
) => WhatsAppSocket | Promise<WhatsAppSocket>;

/**
 * The status code of a `close` (Baileys puts it on a Boom error as `output.statusCode`).
 *
 * @param update A `connection.update` with `connection: "close"`.
 * @returns The code, or `undefined` when the error carries none.
 */
export function disconnectCode(update: ConnectionUpdate): number | undefined {
  const error = update.lastDisconnect?.error as { output?: { statusCode?: unknown } } | undefined;
  const code = error?.output?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/**
 * Why a connection closed, in one line.
 *
 * @param update A `connection.update` with `connection: "close"`.
 * @returns `"<message> (<code>)"`, or a generic line.
 */
export function disconnectReason(update: ConnectionUpdate): string {
  const code = disconnectCode(update);
  const message = update.lastDisconnect?.error?.message?.replace(/\s+/g, " ").trim() ||
    "connection closed";
  return code === undefined ? message : `${message} (${code})`;
}
