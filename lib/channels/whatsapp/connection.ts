/**
 * The running connection of a linked account: one socket at a time, replaced when it closes.
 *
 * | close code | what happens |
 * |---|---|
 * | 515 restart required | a new socket at once (normal after pairing and server restarts) |
 * | 401 logged out | credentials deleted, loop ends; status: `logged out -- run openclaw channels login --channel whatsapp` |
 * | 440 connection replaced | loop ends: another WhatsApp Web session uses these credentials, and reconnecting would fight it |
 * | 403 forbidden | loop ends: WhatsApp refuses this account |
 * | anything else | a new socket after the backoff (1 s doubling to 60 s with jitter, reset once open) |
 *
 * Before the first `open`, any close but 515 ends the loop and `ready` rejects with why, so the
 * adapter's `connect()` throws (the channel subsystem owns retries of a failed start). A socket
 * that neither opens nor closes within `connectTimeoutMs` counts as a close. All waits run on
 * the injected clock and end when the signal aborts.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../../clock.ts";
import { errorMessage, OpenClawError } from "../../errors.ts";
import { Backoff, type BackoffOptions, sleep } from "../retry.ts";
import type { WhatsAppBackend } from "./baileys.ts";
import type { WhatsAppLogger } from "./_log.ts";
import { endSocket, type FirstOutcome, type SocketClose, watchSocket } from "./_watch.ts";
import type { WhatsAppAuthStore } from "./auth_store.ts";
import { DisconnectCode, loggedOutMessage, notLinkedMessage } from "./constants.ts";
import { type SelfIdentity, selfIdentityOf } from "./normalize.ts";
import type { MessagesUpsert, WhatsAppSocket } from "./socket.ts";
import type { WhatsAppStatus } from "./status.ts";

/** Options of {@linkcode WhatsAppConnection}. */
export interface WhatsAppConnectionOptions {
  accountId: string;
  backend: WhatsAppBackend;
  store: WhatsAppAuthStore;
  status: WhatsAppStatus;
  clock: Clock;
  log: WhatsAppLogger;
  backoff: BackoffOptions;
  connectTimeoutMs: number;
  browser: [string, string, string];
  webSocketUrl?: string;
  /** A socket opened (`socket`) or went away (`undefined`). */
  onSocket(socket: WhatsAppSocket | undefined, self: SelfIdentity | undefined): void;
  /** Messages from the current socket. */
  onMessages(upsert: MessagesUpsert, socket: WhatsAppSocket): void;
}

/** Immediate restarts (515) in a row before they wait like any other close. */
const MAX_QUICK_RESTARTS = 3;

/** How one socket ended, as the loop sees it. */
type Next = "restart" | "backoff" | "stop";

/** Keeps a linked account connected (see the module doc). */
export class WhatsAppConnection {
  readonly #o: WhatsAppConnectionOptions;
  readonly #backoff: Backoff;
  readonly ready: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (err: unknown) => void;
  #opened = false;
  /** 515s in a row without an open; past {@link MAX_QUICK_RESTARTS} they wait the backoff. */
  #quickRestarts = 0;

  /** @param options Backend, store, status, clock, callbacks. */
  constructor(options: WhatsAppConnectionOptions) {
    this.#o = options;
    this.#backoff = new Backoff(options.backoff);
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => {}); // the adapter awaits it; a loop ending later must not be unhandled
  }

  /**
   * Runs until `signal` aborts or a fatal close.
   *
   * @param signal Stops the loop and closes the socket.
   * @returns Resolves when the loop has ended and its socket is closed.
   */
  async run(signal: AbortSignal): Promise<void> {
    this.#o.status.started();
    try {
      while (!signal.aborted) {
        const next = await this.#once(signal);
        if (next === "stop") break;
        if (next === "backoff") {
          const delay = this.#backoff.next();
          this.#o.log.info("WhatsApp account {accountId} reconnecting in {delay} ms", {
            accountId: this.#o.accountId,
            delay,
          });
          await sleep(delay, { clock: this.#o.clock, signal }).catch(() => {});
        }
      }
      this.#rejectReady(new OpenClawError("CHANNEL_STOPPED", "WhatsApp connection stopped"));
    } catch (err) {
      this.#rejectReady(err);
      throw err;
    } finally {
      this.#o.status.stopped();
    }
  }

  /** One socket, from creation to close. */
  async #once(signal: AbortSignal): Promise<Next> {
    const o = this.#o;
    let socket: WhatsAppSocket;
    try {
      socket = await o.backend.makeSocket({
        auth: o.store.state,
        browser: o.browser,
        webSocketUrl: o.webSocketUrl,
        log: o.log,
      });
    } catch (err) {
      return this.#closed({ reason: `Cannot create the WhatsApp socket: ${errorMessage(err)}` });
    }
    let askedForQr = false;
    using watch = watchSocket(socket, {
      onQr: () => {
        // Linked credentials never get a QR code; one means WhatsApp no longer knows them.
        askedForQr = true;
        void endSocket(socket);
      },
      onCreds: (update) => {
        o.store.saveCreds(update).catch((err) =>
          o.log.error("WhatsApp credentials could not be saved: {reason}", {
            reason: errorMessage(err),
          })
        );
      },
      onMessages: (upsert) => o.onMessages(upsert, socket),
    }, o.log);
    try {
      const first = await this.#firstOutcome(watch.first, socket, signal);
      if (!first || signal.aborted) return "stop";
      if (askedForQr) return this.#notLinked();
      if (!first.open) return this.#closed(first.close);
      const self = selfIdentityOf(socket.user ?? o.store.identity);
      this.#opened = true;
      this.#quickRestarts = 0;
      this.#backoff.reset();
      o.status.connected(self);
      o.onSocket(socket, self);
      o.log.info("WhatsApp account {accountId} connected as {number}", {
        accountId: o.accountId,
        number: self?.e164 ?? self?.jid ?? "unknown",
      });
      this.#resolveReady();
      const close = await abortable(watch.closed, signal);
      o.onSocket(undefined, undefined);
      if (!close || signal.aborted) return "stop";
      if (askedForQr) return this.#notLinked();
      return this.#closed(close);
    } finally {
      await endSocket(socket);
      await o.store.flush().catch(() => {});
    }
  }

  /** Waits for open/close, bounded by `connectTimeoutMs`; `undefined` when aborted. */
  async #firstOutcome(
    first: Promise<FirstOutcome>,
    socket: WhatsAppSocket,
    signal: AbortSignal,
  ): Promise<FirstOutcome | undefined> {
    let timer: TimerHandle | undefined;
    const ms = this.#o.connectTimeoutMs;
    const timeout = new Promise<FirstOutcome>((resolve) => {
      timer = this.#o.clock.setTimeout(() => {
        void endSocket(socket);
        resolve({
          open: false,
          close: { code: DisconnectCode.timedOut, reason: `not connected after ${ms} ms (408)` },
        });
      }, ms);
    });
    try {
      return await abortable(Promise.race([first, timeout]), signal);
    } finally {
      this.#o.clock.clearTimeout(timer);
    }
  }

  #notLinked(): Next {
    const message = notLinkedMessage(this.#o.accountId);
    this.#o.status.notLinked();
    this.#rejectReady(new OpenClawError("WHATSAPP_NOT_LINKED", `WhatsApp ${message}`));
    return "stop";
  }

  /** Decides what follows a close (see the table in the module doc). */
  async #closed(close: SocketClose): Promise<Next> {
    const o = this.#o;
    const where = { accountId: o.accountId, reason: close.reason };
    if (close.code === DisconnectCode.restartRequired) {
      o.log.info("WhatsApp account {accountId}: {reason}; restarting the socket", where);
      return ++this.#quickRestarts <= MAX_QUICK_RESTARTS ? "restart" : "backoff";
    }
    if (close.code === DisconnectCode.loggedOut) {
      o.log.warn("WhatsApp account {accountId} was logged out on the phone: {reason}", where);
      await o.store.clear(o.backend.initAuthCreds).catch((err) =>
        o.log.error("WhatsApp credentials could not be deleted: {reason}", {
          reason: errorMessage(err),
        })
      );
      o.status.loggedOut();
      this.#rejectReady(
        new OpenClawError("WHATSAPP_LOGGED_OUT", `WhatsApp ${loggedOutMessage(o.accountId)}`),
      );
      return "stop";
    }
    if (close.code === DisconnectCode.connectionReplaced) {
      const reason = `replaced by another WhatsApp Web session with the same credentials ` +
        `(${close.reason}); restart the channel once the other one is stopped`;
      o.log.warn("WhatsApp account {accountId} stopped: {reason}", { ...where, reason });
      o.status.fatal(reason, "replaced");
      this.#rejectReady(new OpenClawError("WHATSAPP_REPLACED", `WhatsApp connection ${reason}`));
      return "stop";
    }
    if (close.code === DisconnectCode.forbidden) {
      const reason = `WhatsApp refused this account: ${close.reason}`;
      o.log.error("WhatsApp account {accountId} stopped: {reason}", { ...where, reason });
      o.status.fatal(reason, "forbidden");
      this.#rejectReady(new OpenClawError("WHATSAPP_FORBIDDEN", reason));
      return "stop";
    }
    if (!this.#opened) {
      const reason = `Cannot connect to WhatsApp: ${close.reason}`;
      o.status.failed(reason);
      this.#rejectReady(new OpenClawError("CHANNEL_CONNECT_FAILED", reason));
      return "stop";
    }
    o.log.warn("WhatsApp account {accountId} disconnected: {reason}", where);
    o.status.reconnecting(close.reason);
    return "backoff";
  }
}

/** `promise`'s value, or `undefined` as soon as `signal` aborts (the normal way out). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
