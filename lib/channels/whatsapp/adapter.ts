/**
 * The WhatsApp channel adapter: one linked account over WhatsApp Web (multi-device), through
 * Baileys.
 *
 * `connect()`: stored credentials? (if not: status `not linked -- run openclaw channels login
 * --channel whatsapp` and `WHATSAPP_NOT_LINKED`, without loading Baileys) -> load Baileys ->
 * connection loop (connection.ts: restarts on 515, backoff on drops, stops on logout) -> resolves
 * at the first `open`. Inbound (inbound.ts): `notify` messages deduplicated, normalized with
 * E.164 ids (normalize.ts), awaited through the handler, then marked read when
 * `sendReadReceipts` is on. Outbound (send.ts): chunks in order, the first quoting the message it
 * answers. `keepTyping()` shows "typing..." while a turn runs. `logout()` unlinks the device.
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";
import { getLogger } from "../../log/mod.ts";
import type {
  ChannelAccountSnapshot,
  ConnectOptions,
  OutboundTarget,
  ProbeResult,
  SendOptions,
  SendResult,
} from "../types.ts";
import { type BackendOverrides, resolveBackend } from "./_backend.ts";
import { BoundedMap } from "./_bounded.ts";
import type { WhatsAppLogger } from "./_log.ts";
import { endSocket } from "./_watch.ts";
import {
  clearAuthDir,
  readLinkedIdentity,
  readLinkedIdentitySync,
  WhatsAppAuthStore,
} from "./auth_store.ts";
import { loginCommand } from "./constants.ts";
import { WhatsAppConnection } from "./connection.ts";
import { WhatsAppInbound } from "./inbound.ts";
import { logoutWhatsApp, type WhatsAppLogoutResult } from "./logout.ts";
import { type SelfIdentity, selfIdentityOf } from "./normalize.ts";
import {
  type ResolvedWhatsAppOptions,
  resolveWhatsAppOptions,
  type WhatsAppAdapterOptions,
  type WhatsAppChannelAdapter,
} from "./options.ts";
import { type SendContext, sendWhatsAppChunks, sendWhatsAppText, targetJid } from "./send.ts";
import type { WhatsAppSocket } from "./socket.ts";
import { WhatsAppStatus } from "./status.ts";
import { PresenceLoops } from "./typing.ts";

/** Ids of messages the bot sent, remembered to recognize replies to it. */
const SENT_LIMIT = 2048;

interface Running {
  controller: AbortController;
  loop: Promise<void>;
}

class WhatsAppAdapter implements WhatsAppChannelAdapter {
  readonly channel = "whatsapp";
  readonly accountId: string;
  readonly authDir: string;
  readonly #o: ResolvedWhatsAppOptions;
  readonly #overrides: BackendOverrides;
  readonly #log: WhatsAppLogger;
  readonly #status: WhatsAppStatus;
  readonly #inbound: WhatsAppInbound;
  readonly #presence: PresenceLoops;
  readonly #sentIds = new BoundedMap<string, true>(SENT_LIMIT);
  readonly #send: SendContext;
  #running?: Running;
  #connecting = false;
  #socket?: WhatsAppSocket;
  #self?: SelfIdentity;

  constructor(options: WhatsAppAdapterOptions) {
    this.#o = resolveWhatsAppOptions(options);
    this.#overrides = {
      makeSocket: options.makeSocket,
      initAuthCreds: options.initAuthCreds,
      reviveKey: options.reviveKey,
    };
    this.accountId = this.#o.accountId;
    this.authDir = this.#o.authDir;
    this.#log = options.log ?? getLogger("channels/whatsapp");
    this.#status = new WhatsAppStatus(options.account, this.#o.clock);
    const linked = selfIdentityOf(readLinkedIdentitySync(this.authDir));
    if (linked) this.#status.setLinked(linked);
    else this.#status.notLinked();
    this.#inbound = new WhatsAppInbound({
      accountId: this.accountId,
      clock: this.#o.clock,
      log: this.#log,
      sendReadReceipts: this.#o.sendReadReceipts,
      selfChatMode: this.#o.selfChatMode,
      handlerTimeoutMs: this.#o.handlerTimeoutMs,
      maxQueued: this.#o.maxQueuedMessages,
      sentByBot: (id) => this.#sentIds.has(id),
      onStored: () => this.#status.inbound(),
    });
    this.#presence = new PresenceLoops({
      clock: this.#o.clock,
      log: this.#log,
      // async: "not connected" must be a rejection the loop logs, never a throw in a timer.
      send: async (presence, jid) => await this.#requireSocket().sendPresenceUpdate(presence, jid),
      intervalMs: this.#o.typingIntervalMs,
      max: this.#o.maxTypingLoops,
    });
    this.#send = {
      socket: () => this.#requireSocket(),
      recent: (jid, id) => this.#inbound.recent(jid, id),
      sent: (id) => this.#sentIds.set(id, true),
    };
  }

  /**
   * Connects (see the module doc).
   *
   * @param options Where inbound messages go, and the signal that disconnects.
   * @throws {OpenClawError} `WHATSAPP_NOT_LINKED`, `WHATSAPP_LOGGED_OUT`, `WHATSAPP_REPLACED`,
   *   `WHATSAPP_FORBIDDEN`, `CHANNEL_CONNECT_FAILED`, `CHANNEL_ALREADY_CONNECTED`.
   */
  async connect(options: ConnectOptions): Promise<void> {
    if (this.#running || this.#connecting) {
      throw new OpenClawError(
        "CHANNEL_ALREADY_CONNECTED",
        `Cannot connect WhatsApp account "${this.accountId}": it is already connected`,
      );
    }
    this.#connecting = true;
    try {
      await this.#start(options);
    } finally {
      this.#connecting = false;
    }
  }

  async #start(options: ConnectOptions): Promise<void> {
    const identity = await readLinkedIdentity(this.authDir);
    if (!identity) {
      this.#status.notLinked();
      throw new OpenClawError(
        "WHATSAPP_NOT_LINKED",
        `Cannot start WhatsApp account "${this.accountId}": not linked`,
        { hint: `Run ${loginCommand(this.accountId)} and scan the QR code` },
      );
    }
    this.#status.setLinked(selfIdentityOf(identity));
    options.signal.throwIfAborted();
    const backend = await resolveBackend(this.#overrides);
    const store = await WhatsAppAuthStore.open({
      dir: this.authDir,
      initCreds: backend.initAuthCreds,
      reviveKey: backend.reviveKey,
      log: this.#log,
    });
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal.reason);
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
    const connection = new WhatsAppConnection({
      accountId: this.accountId,
      backend,
      store,
      status: this.#status,
      clock: this.#o.clock,
      log: this.#log,
      backoff: this.#o.backoff,
      connectTimeoutMs: this.#o.connectTimeoutMs,
      browser: this.#o.browser,
      webSocketUrl: this.#o.webSocketUrl,
      onSocket: (socket, self) => {
        this.#socket = socket;
        if (self) this.#self = self;
      },
      onMessages: (upsert, socket) => {
        const self = this.#self ?? selfIdentityOf(socket.user ?? store.identity);
        if (!self) {
          this.#log.warn("WhatsApp messages skipped: the linked number is unknown");
          return;
        }
        void this.#inbound.handle(upsert, { socket, self, onInbound: options.onInbound });
      },
    });
    const loop = connection.run(controller.signal).catch((err) => {
      this.#log.error("WhatsApp connection loop failed: {reason}", {
        reason: err instanceof Error ? err.message : String(err),
      });
    }).finally(() => {
      options.signal.removeEventListener("abort", onAbort);
      this.#socket = undefined;
      if (this.#running?.loop === loop) this.#running = undefined;
    });
    this.#running = { controller, loop };
    try {
      await connection.ready;
    } catch (err) {
      controller.abort(err);
      await loop;
      throw err;
    }
  }

  /**
   * Stops the connection; resolves when the socket is closed and queued messages are handled.
   *
   * @param reason Why (the abort reason).
   */
  async disconnect(reason = "disconnect"): Promise<void> {
    const running = this.#running;
    if (!running) return;
    running.controller.abort(new Error(reason));
    await running.loop;
    await this.#inbound.idle();
  }

  /** Sends one message (see send.ts). */
  async sendText(target: OutboundTarget, text: string, options?: SendOptions): Promise<SendResult> {
    return await this.#sending(() => sendWhatsAppText(this.#send, target, text, options));
  }

  /** Sends chunks in order, the first one quoting `replyToMessageId`. */
  async sendChunks(
    target: OutboundTarget,
    chunks: readonly string[],
    options?: SendOptions,
  ): Promise<SendResult[]> {
    return await this.#sending(() =>
      sendWhatsAppChunks(this.#send, target, chunks, options, () => this.#status.outbound())
    );
  }

  /** Shows "typing..." once (presence `composing`). */
  async sendTyping(target: OutboundTarget): Promise<void> {
    await this.#requireSocket().sendPresenceUpdate("composing", targetJid(target));
  }

  keepTyping(target: OutboundTarget, signal: AbortSignal): void {
    let jid: string;
    try {
      jid = targetJid(target);
    } catch (err) {
      this.#log.debug("WhatsApp typing skipped: {reason}", {
        reason: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    this.#presence.start(jid, signal);
  }

  /**
   * Checks the account without disturbing it: WhatsApp Web allows one session per credential
   * set, so a probe never opens a second socket (it would replace the running one). Linked and
   * connected is `ok`; otherwise the reason and what to do.
   *
   * @returns The result, also kept in status.
   */
  probe(): Promise<ProbeResult> {
    const started = this.#o.clock.now();
    let result: ProbeResult;
    const self = this.#self ?? selfIdentityOf(readLinkedIdentitySync(this.authDir));
    const bot = self ? { id: self.jid, username: self.e164, name: self.name } : undefined;
    if (!self) {
      const message = "not linked";
      result = {
        ok: false,
        error: message,
        issues: [{ kind: "auth", message, fix: `Run ${loginCommand(this.accountId)}` }],
      };
    } else if (this.#socket && this.#status.isConnected) {
      result = { ok: true, bot };
    } else {
      const error = this.#status.snapshot().lastError ?? "not connected";
      result = { ok: false, error, bot, issues: [{ kind: "runtime", message: error }] };
    }
    result.elapsedMs = this.#o.clock.now() - started;
    this.#status.probed(result);
    return Promise.resolve(result);
  }

  /** The account's status (no network, no file IO). */
  status(): ChannelAccountSnapshot {
    return this.#status.snapshot();
  }

  async logout(): Promise<WhatsAppLogoutResult> {
    const socket = this.#socket;
    const wasLinked = this.#status.linked || (await readLinkedIdentity(this.authDir)) !== undefined;
    if (!socket) {
      await this.disconnect("logout");
      const result = await logoutWhatsApp({
        ...this.#overrides,
        stateDir: "",
        accountId: this.accountId,
        authDir: this.authDir,
        clock: this.#o.clock,
        log: this.#log,
      });
      this.#status.loggedOut();
      return result;
    }
    let unlinkedOnPhone = false;
    try {
      await socket.logout();
      unlinkedOnPhone = true;
    } catch (err) {
      this.#log.warn("WhatsApp logout could not unlink the device: {reason}", {
        reason: err instanceof Error ? err.message : String(err),
      });
    }
    await endSocket(socket);
    await this.disconnect("logout");
    // The close that follows the logout (401) may have deleted them already.
    const cleared = (await clearAuthDir(this.authDir)) ||
      (wasLinked && (await readLinkedIdentity(this.authDir)) === undefined);
    this.#status.loggedOut();
    return {
      accountId: this.accountId,
      authDir: this.authDir,
      wasLinked,
      unlinkedOnPhone,
      cleared,
    };
  }

  #requireSocket(): WhatsAppSocket {
    if (this.#socket) return this.#socket;
    const state = this.#status.health;
    const hint = state === "logged-out" || state === "not-linked"
      ? `Run ${loginCommand(this.accountId)}`
      : undefined;
    throw new OpenClawError(
      "WHATSAPP_NOT_CONNECTED",
      `Cannot send on WhatsApp account "${this.accountId}": not connected (${state})`,
      { hint },
    );
  }

  async #sending<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      this.#status.sendFailed(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }
}

/**
 * Creates the adapter of one WhatsApp account (see the module doc and
 * {@linkcode WhatsAppAdapterOptions}).
 *
 * @param options The account view, the state dir, and overrides (`makeSocket` for tests).
 * @returns The adapter; nothing connects (and Baileys is not loaded) until `connect()`.
 * @example
 * ```ts
 * const account = resolveChannelAccount(config, "whatsapp");
 * const whatsapp = createWhatsAppAdapter({ account, stateDir: resolveStateDir() });
 * await whatsapp.connect({ signal, onInbound: (m) => journal.append(m) });
 * await whatsapp.sendChunks({ chatId: m.chatId }, chunks, { replyToMessageId: m.messageId });
 * ```
 */
export function createWhatsAppAdapter(options: WhatsAppAdapterOptions): WhatsAppChannelAdapter {
  return new WhatsAppAdapter(options);
}

export type { WhatsAppAdapterOptions, WhatsAppChannelAdapter };
