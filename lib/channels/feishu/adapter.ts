/**
 * The Feishu / Lark channel adapter: one app (bot) account over the open platform's REST API and
 * its long connection (default) or webhook events.
 *
 * **Why the wire protocol and not `@larksuiteoapi/node-sdk`.** The SDK (1.74) is one 6 MB
 * bundled `index.js` (29 MB unpacked with its typings) that pulls in axios, protobufjs, ws,
 * qs and lodash -- several MB of modules to parse at gateway start for an adapter that uses
 * four REST calls (`tenant_access_token/internal`, `bot/v3/info`, `im/v1/messages` create and
 * reply), one endpoint call and a WebSocket speaking a nine-field protobuf message. Written
 * directly that is a few hundred lines on Deno's `fetch`, `WebSocket` and `node:crypto`, loaded
 * only when Feishu is configured. It also puts in our hands what the SDK hides and stock
 * suffered from: when an event is acknowledged (after the journal stored it, see events.ts),
 * and whether the long connection is alive (ping watchdog + frame age, see ws_client.ts; the
 * SDK's socket "silently dies and still reports OK"). Golden frames from the SDK's own
 * generated codec pin our encoder (tests).
 *
 * **Flow.** `connect()`: credentials check -> tenant token + `bot/v3/info` (the bot's open_id,
 * for mentions) -> websocket mode: the long-connection loop, resolved once the first socket is
 * open; webhook mode: ready, events arrive through {@linkcode FeishuChannelAdapter.webhookHandler}
 * mounted by the gateway at `webhookPath`. Either way each event goes through events.ts: dedupe
 * by `event_id`, normalize, await the inbound handler, then acknowledge.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { OpenClawError } from "../../errors.ts";
import { getLogger } from "../../log/mod.ts";
import type {
  ChannelAccountSnapshot,
  ChannelAdapter,
  ConnectOptions,
  InboundHandler,
  OutboundTarget,
  SendOptions,
  SendResult,
} from "../types.ts";
import { type FeishuLogger, Scrubber } from "./_log.ts";
import { RecentMap } from "./_recent.ts";
import { FeishuApi } from "./api.ts";
import { EventNotStoredError, FeishuEvents } from "./events.ts";
import { FeishuApiError, FeishuHttp } from "./http.ts";
import {
  type FeishuAdapterOptions,
  type ResolvedFeishuOptions,
  resolveFeishuOptions,
} from "./options.ts";
import { type FeishuProbeResult, probeFeishu } from "./probe.ts";
import { FeishuSender } from "./send.ts";
import { FeishuStatus } from "./status.ts";
import { TenantTokens } from "./token.ts";
import { createFeishuWebhookHandler, type FeishuWebhookHandler } from "./webhook.ts";
import { WsClient } from "./ws_client.ts";

/** Stock's default webhook path. */
export const DEFAULT_WEBHOOK_PATH = "/feishu/events";

/** The Feishu adapter: a {@linkcode ChannelAdapter} plus Feishu specifics. */
export interface FeishuChannelAdapter extends ChannelAdapter {
  /** `websocket` or `webhook`. */
  readonly mode: "websocket" | "webhook";
  /** Where the gateway mounts {@linkcode webhookHandler} (`webhookPath`, default `/feishu/events`). */
  readonly webhookPath: string;
  /**
   * Webhook mode's HTTP handler (signature, decryption, URL check, events). Mount it at
   * `webhookPath`; before `connect()` it answers URL checks and refuses events with 500 (Feishu
   * redelivers). In websocket mode it refuses everything with 404.
   */
  readonly webhookHandler: FeishuWebhookHandler;
}

class FeishuAdapter implements FeishuChannelAdapter {
  readonly channel = "feishu";
  readonly accountId: string;
  readonly mode: "websocket" | "webhook";
  readonly webhookPath: string;
  readonly webhookHandler: FeishuWebhookHandler;
  readonly #o: ResolvedFeishuOptions;
  readonly #clock: Clock;
  readonly #log: FeishuLogger;
  readonly #scrubber: Scrubber;
  readonly #api: FeishuApi;
  readonly #sender: FeishuSender;
  readonly #events: FeishuEvents;
  readonly #status: FeishuStatus;
  readonly #sent = new RecentMap<string, true>(1000);
  readonly #threadRoots = new RecentMap<string, string>(1000);
  #botOpenId?: string;
  #onInbound?: InboundHandler;
  #controller?: AbortController;
  #connecting = false;
  #ws?: WsClient;
  #loop?: Promise<void>;
  #webhookReady = false;

  constructor(options: FeishuAdapterOptions) {
    const o = resolveFeishuOptions(options);
    this.#o = o;
    this.accountId = o.accountId;
    this.mode = o.connectionMode;
    this.#clock = o.clock;
    this.#log = options.log ?? getLogger("channels/feishu");
    this.#scrubber = new Scrubber([o.appSecret, o.encryptKey, o.verificationToken]);
    const http = new FeishuHttp({
      baseUrl: o.baseUrl,
      clock: o.clock,
      scrubber: this.#scrubber,
      log: this.#log,
      timeoutMs: o.requestTimeoutMs,
      maxAttempts: o.sendAttempts,
      maxRateLimitWaitMs: o.maxRetryAfterMs,
    });
    const tokens = new TenantTokens({
      http,
      appId: o.appId,
      appSecret: o.appSecret,
      clock: o.clock,
      scrubber: this.#scrubber,
      refreshMarginMs: o.tokenRefreshMarginMs,
    });
    this.#api = new FeishuApi(http, tokens);
    this.#sender = new FeishuSender({
      api: this.#api,
      msgType: o.msgType,
      replyInThread: o.replyInThread,
      threadRoot: (id) => this.#threadRoots.get(id),
      onSent: (id) => {
        this.#sent.set(id, true);
        this.#status.outbound();
      },
    });
    this.#events = new FeishuEvents({
      accountId: o.accountId,
      clock: o.clock,
      log: this.#log,
      scrubber: this.#scrubber,
      handlerTimeoutMs: o.handlerTimeoutMs,
      botOpenId: () => this.#botOpenId,
      sentByBot: (id) => this.#sent.has(id),
      handler: () => this.#onInbound,
      onDelivered: (message, rootId) => {
        if (message.threadId && rootId) this.#threadRoots.set(message.threadId, rootId);
        this.#status.inbound();
      },
    });
    const rawPath = options.account.raw.webhookPath;
    this.webhookPath = typeof rawPath === "string" && rawPath.startsWith("/")
      ? rawPath
      : DEFAULT_WEBHOOK_PATH;
    this.#status = new FeishuStatus(options.account, o.clock, {
      configured: this.#configured,
      mode: o.connectionMode,
      domain: o.domainName,
      credentialSource: o.credentialSource,
      baseUrl: o.domainName === "custom" ? o.baseUrl : undefined,
      webhookPath: o.connectionMode === "webhook" ? this.webhookPath : undefined,
    });
    this.webhookHandler = o.connectionMode === "webhook"
      ? createFeishuWebhookHandler({
        encryptKey: o.encryptKey,
        verificationToken: o.verificationToken,
        onEvent: (payload) => this.#events.handle(payload),
        clock: o.clock,
        maxSkewMs: o.webhookMaxSkewMs,
        log: this.#log,
      })
      : () => Promise.resolve(new Response(null, { status: 404 }));
  }

  get #configured(): boolean {
    return this.#o.appId !== "" && this.#o.appSecret !== "";
  }

  #fail(code: string, message: string, hint?: string): never {
    this.#status.failed(message);
    throw new OpenClawError(code, message, { hint });
  }

  #notConfigured(): never {
    const where = this.accountId === "default"
      ? "channels.feishu"
      : `channels.feishu.accounts.${this.accountId}`;
    return this.#fail(
      "CHANNEL_NOT_CONFIGURED",
      `Cannot start feishu account "${this.accountId}": appId and appSecret are required`,
      `Set ${where}.appId and ${where}.appSecret (a SecretRef works for the secret)`,
    );
  }

  async connect(options: ConnectOptions): Promise<void> {
    if (!this.#configured) this.#notConfigured();
    if (this.#controller || this.#connecting) {
      this.#fail(
        "CHANNEL_ALREADY_CONNECTED",
        `Cannot connect Feishu account "${this.accountId}": it is already connected`,
      );
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal.reason);
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
    this.#connecting = true;
    this.#status.started();
    try {
      await this.#identify(controller.signal);
      this.#onInbound = options.onInbound;
      if (this.mode === "webhook") {
        this.#webhookReady = true;
        controller.signal.addEventListener("abort", () => this.#stopped(), { once: true });
      } else {
        await this.#startLongConnection(controller.signal);
      }
      this.#controller = controller;
    } catch (err) {
      options.signal.removeEventListener("abort", onAbort);
      controller.abort();
      this.#onInbound = undefined;
      this.#status.stopped();
      throw err;
    } finally {
      this.#connecting = false;
    }
  }

  /** Fetches a token and the bot's identity; throws a clear error when either fails. */
  async #identify(signal: AbortSignal): Promise<void> {
    try {
      const bot = await this.#api.botInfo(signal);
      this.#botOpenId = bot.open_id;
      this.#status.bot(bot.open_id, bot.app_name);
    } catch (err) {
      const why = this.#scrubber.scrub(err);
      if (err instanceof FeishuApiError && err.route.includes("tenant_access_token")) {
        this.#fail(
          "CHANNEL_AUTH_FAILED",
          `Feishu refused the app credentials of account "${this.accountId}": ${why}`,
          "Check appId/appSecret in the developer console (Credentials & Basic Info)",
        );
      }
      if (err instanceof FeishuApiError) {
        this.#fail(
          "CHANNEL_CONNECT_FAILED",
          `Cannot read the Feishu bot's info: ${why}`,
          "Enable the Bot capability of the app and publish a version",
        );
      }
      this.#fail("CHANNEL_CONNECT_FAILED", `Cannot reach Feishu: ${why}`);
    }
  }

  async #startLongConnection(signal: AbortSignal): Promise<void> {
    const o = this.#o;
    const client = new WsClient({
      http: this.#api.http,
      appId: o.appId,
      appSecret: o.appSecret,
      clock: o.clock,
      log: this.#log,
      scrubber: this.#scrubber,
      random: o.random,
      pongTimeoutMs: o.pongTimeoutMs,
      openTimeoutMs: o.openTimeoutMs,
      backoff: o.backoff,
      onEvent: (payload) => this.#events.handle(payload),
    });
    this.#ws = client;
    const loop: Promise<void> = client.run(signal).catch((err) => {
      this.#log.error("feishu long connection loop failed: {error}", {
        error: this.#scrubber.scrub(err),
      });
    }).finally(() => {
      this.#stopped();
      if (this.#loop === loop) this.#loop = undefined;
    });
    this.#loop = loop;
    try {
      await client.ready;
    } catch {
      await loop;
      this.#fail(
        "CHANNEL_CONNECT_FAILED",
        `Cannot open the Feishu long connection: ${client.state.lastError ?? "stopped"}`,
        'Subscribe the app to im.message.receive_v1 with "Receive events through persistent ' +
          'connection" in the developer console, or set connectionMode: "webhook"',
      );
    }
  }

  #stopped(): void {
    this.#webhookReady = false;
    this.#status.stopped();
  }

  async disconnect(reason = "stopped"): Promise<void> {
    const controller = this.#controller;
    if (!controller) return;
    this.#controller = undefined;
    controller.abort(new Error(reason));
    await this.#loop;
    const ws = this.#ws;
    if (ws) {
      // Wait (bounded) for the close handshake, so a restart never overlaps two sockets.
      let timer: ReturnType<Clock["setTimeout"]> | undefined;
      await Promise.race([
        ws.socketClosed,
        new Promise<void>((resolve) => timer = this.#clock.setTimeout(resolve, 5000)),
      ]);
      this.#clock.clearTimeout(timer);
    }
    this.#onInbound = undefined;
    this.#stopped();
  }

  async #sending<T>(send: () => Promise<T>): Promise<T> {
    if (!this.#configured) this.#notConfigured();
    try {
      return await send();
    } catch (err) {
      // Errors are scrubbed where they are made (http.ts); status gets one line.
      this.#status.sendFailed(this.#scrubber.scrub(err));
      throw err;
    }
  }

  sendText(target: OutboundTarget, text: string, options?: SendOptions): Promise<SendResult> {
    return this.#sending(() => this.#sender.sendText(target, text, options));
  }

  sendChunks(
    target: OutboundTarget,
    chunks: readonly string[],
    options?: SendOptions,
  ): Promise<SendResult[]> {
    return this.#sending(() => this.#sender.sendChunks(target, chunks, options));
  }

  /**
   * Feishu has no typing indicator (stock shows one with a reaction on the inbound message,
   * which needs that message's id); this resolves without a call.
   */
  sendTyping(_target: OutboundTarget): Promise<void> {
    return Promise.resolve();
  }

  async probe(signal?: AbortSignal): Promise<FeishuProbeResult> {
    let result: FeishuProbeResult;
    if (!this.#configured) {
      result = {
        ok: false,
        error: "appId and appSecret are not configured",
        issues: [{
          kind: "config",
          message: "appId and appSecret are not configured",
          fix: "Set channels.feishu.appId and channels.feishu.appSecret",
        }],
      };
    } else {
      result = await probeFeishu(this.#api, {
        clock: this.#clock,
        scrubber: this.#scrubber,
        timeoutMs: this.#o.probeTimeoutMs,
        signal,
      });
      if (result.ok && result.bot?.id) this.#status.bot(result.bot.id, result.bot.name);
    }
    this.#status.probed(result);
    return result;
  }

  status(): ChannelAccountSnapshot {
    const ws = this.mode === "websocket" ? this.#ws : undefined;
    return this.#status.snapshot({
      ws: ws?.state,
      wsConnected: ws?.connected(this.#clock.now()),
      webhookReady: this.#webhookReady,
    });
  }
}

export { EventNotStoredError };
export type { FeishuAdapterOptions };

/**
 * Creates the adapter of one Feishu / Lark app account (see the module doc).
 *
 * @param options The account's settings, the resolved credentials, and overrides (see
 *   {@linkcode FeishuAdapterOptions}).
 * @returns A {@linkcode FeishuChannelAdapter}; nothing connects until `connect()`.
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` for a bad `domain`, `connectionMode`,
 *   `replyInThread` or `renderMode`, or webhook mode without an `encryptKey`.
 * @example
 * ```ts
 * const account = resolveChannelAccount(config, "feishu");
 * const feishu = createFeishuAdapter({ account, appSecret: secrets.feishuAppSecret });
 * await feishu.connect({ signal, onInbound: (m) => journal.append(m) });
 * await feishu.sendChunks({ chatId: m.chatId, threadId: m.threadId }, chunks, {
 *   replyToMessageId: m.messageId,
 * });
 * ```
 */
export function createFeishuAdapter(options: FeishuAdapterOptions): FeishuChannelAdapter {
  return new FeishuAdapter(options);
}
