/**
 * The Telegram channel adapter: one bot account over our Bot API client (bot_api.ts), long polling.
 *
 * `connect()` claims the token (one poller per token in the process), checks it with `getMe`,
 * removes a stale webhook (`deleteWebhook`, pending updates kept) and starts the poll loop
 * (poller.ts); it throws when the token is missing, in use, rejected, or the server unreachable --
 * the channel subsystem retries that with backoff. After that the loop keeps itself running until
 * `disconnect()` or the signal; failures only show in `status()`. Sends go through send.ts (HTML,
 * reply, topic, 429 waits, plain-text fallback); `typing()` keeps "typing..." up while a turn runs.
 *
 * Webhook mode is not implemented: polling works everywhere without a public URL.
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";
import { getLogger } from "../../log/mod.ts";
import type {
  ChannelAccountSnapshot,
  ChannelAdapter,
  ConnectOptions,
  OutboundTarget,
  ProbeResult,
  SendOptions,
  SendResult,
} from "../types.ts";
import { callTelegram, createBotApi, DEFAULT_API_ROOT, PollTransport } from "./api.ts";
import type { BotApi } from "./bot_api.ts";
import { TelegramApiError } from "./errors.ts";
import type { BotIdentity } from "./normalize.ts";
import {
  type ResolvedTelegramOptions,
  resolveTelegramOptions,
  type TelegramAdapterOptions,
} from "./options.ts";
import { type TelegramLogger, TelegramPoller } from "./poller.ts";
import { type PollerRegistry, processPollerRegistry } from "./poller_registry.ts";
import {
  chatIdParam,
  type SenderContext,
  sendTelegramChunks,
  sendTelegramText,
  threadParam,
} from "./send.ts";
import { TelegramStatus } from "./status.ts";
import { scrubToken } from "./token.ts";
import { keepTyping } from "./typing.ts";
import { probeTelegram } from "./probe.ts";

interface Session {
  controller: AbortController;
  done: Promise<void>;
}

/** A Telegram bot account (see the module doc). */
export class TelegramAdapter implements ChannelAdapter {
  readonly channel = "telegram";
  readonly accountId: string;
  readonly #o: ResolvedTelegramOptions;
  readonly #log: TelegramLogger;
  readonly #registry: PollerRegistry;
  readonly #status: TelegramStatus;
  readonly #privacyMatters: boolean;
  #sendApi?: BotApi;
  #session?: Session;
  #stopping?: Promise<void>;
  /** Set while `connect()` runs, so `disconnect()` can abort it and wait for it. */
  #connecting?: { abort: AbortController; settled: Promise<void> };

  /** @param options See {@linkcode TelegramAdapterOptions}. */
  constructor(options: TelegramAdapterOptions) {
    this.#o = resolveTelegramOptions(options);
    this.accountId = this.#o.accountId;
    this.#log = options.log ?? getLogger("channels/telegram");
    this.#registry = options.registry ?? processPollerRegistry;
    const account = options.account;
    this.#status = new TelegramStatus(account, this.#o.clock, {
      configured: this.#o.token !== "",
      tokenSource: this.#o.tokenSource,
      baseUrl: this.#o.apiRoot === DEFAULT_API_ROOT ? undefined : this.#o.apiRoot,
    });
    this.#privacyMatters = account.requireMention === false ||
      [...account.groups.values()].some((g) => g.requireMention === false);
  }

  /**
   * Starts polling (see the module doc).
   *
   * @param options Where inbound messages go, and the signal that disconnects.
   * @throws {OpenClawError} `TELEGRAM_TOKEN_MISSING`, `TELEGRAM_TOKEN_IN_USE`,
   *   `CHANNEL_ALREADY_CONNECTED`; {@linkcode TelegramApiError} when `getMe` fails.
   */
  async connect(options: ConnectOptions): Promise<void> {
    const token = this.#requireToken();
    if (this.#session || this.#connecting) {
      throw new OpenClawError(
        "CHANNEL_ALREADY_CONNECTED",
        `Cannot connect Telegram account "${this.accountId}": it is already connected`,
      );
    }
    const abort = new AbortController();
    const attempt = this.#connectOnce(
      token,
      options,
      AbortSignal.any([options.signal, abort.signal]),
    );
    this.#connecting = { abort, settled: attempt.then(() => {}, () => {}) };
    try {
      await attempt;
    } finally {
      this.#connecting = undefined;
    }
  }

  /**
   * Stops polling (and a `connect()` still in progress); resolves when the last poll has settled
   * and the token is released.
   *
   * @param reason Why (for the abort reason).
   */
  async disconnect(reason = "disconnect"): Promise<void> {
    const connecting = this.#connecting;
    connecting?.abort.abort(new Error(reason));
    await connecting?.settled;
    const session = this.#session;
    if (session) {
      this.#session = undefined;
      session.controller.abort(new Error(reason));
      this.#stopping = session.done;
    }
    await this.#stopping;
  }

  /** Sends one message (see send.ts). */
  async sendText(target: OutboundTarget, text: string, options?: SendOptions): Promise<SendResult> {
    return await this.#sending(() => sendTelegramText(this.#sender(), target, text, options), 1);
  }

  /** Sends chunks in order, the first one quoting `replyToMessageId`. */
  async sendChunks(
    target: OutboundTarget,
    chunks: readonly string[],
    options?: SendOptions,
  ): Promise<SendResult[]> {
    return await this.#sending(
      () =>
        sendTelegramChunks(this.#sender(), target, chunks, options, () => this.#status.outbound()),
      0,
    );
  }

  /** Sends one "typing..." chat action (in the topic, the General topic included). */
  async sendTyping(target: OutboundTarget): Promise<void> {
    const token = this.#requireToken();
    const thread = threadParam(target, true);
    const api = this.#api();
    await callTelegram(
      "sendChatAction",
      (s) =>
        api.sendChatAction(
          chatIdParam(target.chatId),
          "typing",
          thread === undefined ? {} : { message_thread_id: thread },
          s,
        ),
      { token, clock: this.#o.clock, timeoutMs: this.#o.requestTimeoutMs },
    );
  }

  /**
   * Keeps "typing..." visible until `signal` aborts (re-sent every `typingIntervalMs`).
   *
   * @param target Chat and topic.
   * @param signal Abort when the turn ends.
   * @returns Resolves once typing has stopped; never rejects.
   */
  typing(target: OutboundTarget, signal: AbortSignal): Promise<void> {
    return keepTyping(() => this.sendTyping(target), {
      clock: this.#o.clock,
      signal,
      intervalMs: this.#o.typingIntervalMs,
      maxMs: this.#o.maxTypingMs,
      onError: (err) =>
        this.#log.debug("Telegram typing failed for account {accountId}: {reason}", {
          accountId: this.accountId,
          reason: this.#scrub(err),
        }),
    });
  }

  /**
   * Checks the token with `getMe` (bounded by `probeTimeoutMs`).
   *
   * @param signal Aborts the probe.
   * @returns The bot's identity, or why the check failed.
   */
  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    const result = await probeTelegram({
      api: this.#o.token === "" ? undefined : this.#api(),
      token: this.#o.token,
      clock: this.#o.clock,
      timeoutMs: this.#o.probeTimeoutMs,
      needsGroupMessages: this.#privacyMatters,
      signal,
    });
    this.#status.probed(result);
    return result;
  }

  /** The account's status (no network). */
  status(): ChannelAccountSnapshot {
    return this.#status.snapshot();
  }

  async #connectOnce(token: string, options: ConnectOptions, signal: AbortSignal): Promise<void> {
    await this.#stopping;
    signal.throwIfAborted();
    const claim = this.#claim(token);
    const transport = new PollTransport({
      token,
      apiRoot: this.#o.apiRoot,
      backstopSeconds: this.#backstopSeconds(),
    });
    let bot: BotIdentity;
    try {
      bot = await this.#identify(transport.api, signal);
      signal.throwIfAborted();
    } catch (err) {
      transport.close();
      claim.release();
      throw err;
    }
    this.#startLoop(bot, transport, claim, options);
    this.#log.info("Telegram account {accountId} polling as @{username}", {
      accountId: this.accountId,
      username: bot.username,
    });
  }

  #requireToken(): string {
    if (this.#o.token !== "") return this.#o.token;
    const err = new OpenClawError(
      "TELEGRAM_TOKEN_MISSING",
      `Cannot start Telegram account "${this.accountId}": no bot token configured`,
      { hint: "Set channels.telegram.botToken (or TELEGRAM_BOT_TOKEN for the default account)" },
    );
    this.#status.failed(err.message, "unconfigured");
    throw err;
  }

  #claim(token: string) {
    try {
      return this.#registry.claim(token, this.accountId);
    } catch (err) {
      this.#status.failed(this.#scrub(err), "token-in-use");
      throw err;
    }
  }

  /** `getMe` (who am I: for mentions and replies) then `deleteWebhook` (polling needs none). */
  async #identify(api: BotApi, signal: AbortSignal): Promise<BotIdentity> {
    const call = {
      token: this.#o.token,
      clock: this.#o.clock,
      timeoutMs: this.#o.requestTimeoutMs,
      signal,
    };
    try {
      const me = await callTelegram("getMe", (s) => api.getMe(s), call);
      const bot = { id: me.id, username: me.username ?? "" };
      this.#status.bot(bot);
      await callTelegram(
        "deleteWebhook",
        (s) => api.deleteWebhook({ drop_pending_updates: false }, s),
        call,
      );
      return bot;
    } catch (err) {
      const health = err instanceof TelegramApiError && err.kind === "unauthorized"
        ? "unauthorized"
        : "disconnected";
      this.#status.failed(this.#scrub(err), health);
      throw err;
    }
  }

  #startLoop(
    bot: BotIdentity,
    transport: PollTransport,
    claim: { release(): void },
    options: ConnectOptions,
  ): void {
    const controller = new AbortController();
    const onAbort = () => void this.disconnect("signal aborted");
    options.signal.addEventListener("abort", onAbort, { once: true });
    const poller = new TelegramPoller({
      accountId: this.accountId,
      token: this.#o.token,
      bot,
      transport,
      clock: this.#o.clock,
      log: this.#log,
      status: this.#status,
      onInbound: options.onInbound,
      pollTimeoutSeconds: this.#o.pollTimeoutSeconds,
      limit: this.#o.pollLimit,
      allowedUpdates: this.#o.allowedUpdates,
      requestTimeoutMs: this.#o.requestTimeoutMs,
      handlerTimeoutMs: this.#o.handlerTimeoutMs,
      backoff: this.#o.backoff,
    });
    this.#status.started();
    const done = poller.run(controller.signal).finally(() => {
      options.signal.removeEventListener("abort", onAbort);
      transport.close();
      claim.release();
      this.#status.stopped();
    });
    this.#session = { controller, done };
  }

  #backstopSeconds(): number {
    return this.#o.pollTimeoutSeconds + Math.ceil(this.#o.requestTimeoutMs / 1000) + 10;
  }

  #api(): BotApi {
    this.#sendApi ??= createBotApi({
      token: this.#o.token,
      apiRoot: this.#o.apiRoot,
      backstopSeconds: this.#backstopSeconds(),
    });
    return this.#sendApi;
  }

  #sender(): SenderContext {
    return {
      api: this.#api(),
      token: this.#requireToken(),
      clock: this.#o.clock,
      requestTimeoutMs: this.#o.requestTimeoutMs,
      maxAttempts: this.#o.sendAttempts,
      maxWaitMs: this.#o.maxRetryAfterMs,
      onPlainFallback: (err) =>
        this.#log.warn("Telegram rejected the HTML of a reply ({reason}); sent it as plain text", {
          reason: this.#scrub(err),
        }),
    };
  }

  /** Runs a send, recording success (`outbound` times) and failure (`lastError`). */
  async #sending<T>(send: () => Promise<T>, outboundMarks: number): Promise<T> {
    try {
      const result = await send();
      for (let i = 0; i < outboundMarks; i++) this.#status.outbound();
      return result;
    } catch (err) {
      this.#status.sendFailed(this.#scrub(err));
      throw err;
    }
  }

  #scrub(err: unknown): string {
    return scrubToken(err instanceof Error ? err.message : String(err), this.#o.token);
  }
}

/**
 * Creates the Telegram adapter of one channel account.
 *
 * @param options Token (resolved), `apiRoot`, the account view, clock, logger, limits -- see
 *   {@linkcode TelegramAdapterOptions}.
 * @returns The adapter; call `connect()` to start polling.
 * @throws {OpenClawError} `TELEGRAM_API_ROOT_INVALID` for a bad `apiRoot`.
 * @example
 * ```ts
 * const telegram = createTelegramAdapter({ botToken, account: resolveChannelAccount(config, "telegram") });
 * await telegram.connect({ signal, onInbound: (message) => journal.append(message) });
 * await telegram.sendChunks({ chatId: message.chatId, threadId: message.threadId }, chunks, {
 *   parseMode: "HTML",
 *   replyToMessageId: message.messageId,
 * });
 * ```
 */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  return new TelegramAdapter(options);
}
