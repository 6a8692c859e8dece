/**
 * Listening to one socket: its QR codes, credential updates and messages go to handlers, and
 * its open/close become promises the login routine and the connection loop await. Disposing
 * removes every listener, so a replaced socket can never deliver into the next one's state.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import type { WhatsAppLogger } from "./_log.ts";
import {
  type ConnectionUpdate,
  disconnectCode,
  disconnectReason,
  type MessagesUpsert,
  type WhatsAppCreds,
  type WhatsAppSocket,
} from "./socket.ts";

/** How a socket closed. */
export interface SocketClose {
  /** Baileys' status code (see `DisconnectCode`). */
  code?: number;
  /** One line. */
  reason: string;
}

/** The first thing that happened to a socket: it opened, or it closed first. */
export type FirstOutcome = { open: true } | { open: false; close: SocketClose };

/** Handlers of {@linkcode watchSocket}. */
export interface WatchHandlers {
  onQr?(qr: string): void;
  onCreds(update: Partial<WhatsAppCreds>): void;
  onMessages?(upsert: MessagesUpsert): void;
}

/** A watched socket. */
export interface SocketWatch extends Disposable {
  /** Resolves at the first `open` or `close`. */
  readonly first: Promise<FirstOutcome>;
  /** Resolves when the socket closes. */
  readonly closed: Promise<SocketClose>;
}

/**
 * Subscribes to a socket's events.
 *
 * @param socket The socket.
 * @param handlers Where QR codes, credential updates and messages go.
 * @param log Where handler errors are reported.
 * @returns The open/close promises; dispose to unsubscribe.
 */
export function watchSocket(
  socket: WhatsAppSocket,
  handlers: WatchHandlers,
  log: WhatsAppLogger,
): SocketWatch {
  let resolveFirst!: (outcome: FirstOutcome) => void;
  let resolveClosed!: (close: SocketClose) => void;
  const first = new Promise<FirstOutcome>((r) => resolveFirst = r);
  const closed = new Promise<SocketClose>((r) => resolveClosed = r);
  const guard = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.warn("WhatsApp {what} handler failed: {reason}", { what, reason: errorMessage(err) });
    }
  };
  const onConnection = (update: ConnectionUpdate) => {
    if (typeof update.qr === "string" && update.qr !== "" && handlers.onQr) {
      const qr = update.qr;
      guard("QR", () => handlers.onQr!(qr));
    }
    if (update.connection === "open") resolveFirst({ open: true });
    if (update.connection === "close") {
      const close: SocketClose = { code: disconnectCode(update), reason: disconnectReason(update) };
      resolveFirst({ open: false, close });
      resolveClosed(close);
    }
  };
  const onCreds = (update: Partial<WhatsAppCreds>) =>
    guard("creds", () => handlers.onCreds(update));
  const onMessages = (upsert: MessagesUpsert) =>
    guard("messages", () => handlers.onMessages?.(upsert));
  socket.ev.on("connection.update", onConnection);
  socket.ev.on("creds.update", onCreds);
  if (handlers.onMessages) socket.ev.on("messages.upsert", onMessages);
  return {
    first,
    closed,
    [Symbol.dispose]() {
      socket.ev.off("connection.update", onConnection);
      socket.ev.off("creds.update", onCreds);
      if (handlers.onMessages) socket.ev.off("messages.upsert", onMessages);
    },
  };
}

/** Closes a socket without unlinking; never throws. */
export async function endSocket(socket: WhatsAppSocket | undefined): Promise<void> {
  if (!socket) return;
  try {
    await socket.end(undefined);
  } catch { /* already closed */ }
}
