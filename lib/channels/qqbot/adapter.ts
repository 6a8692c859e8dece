/**
 * The QQ channel adapter: one QQ bot (official Bot API v2) over the gateway WebSocket and the
 * OpenAPI, on Deno's built-in `WebSocket` and `fetch` (no well-kept Deno-friendly SDK exists and
 * the protocol is small).
 *
 * **Flow.** `connect()`: credentials check -> access token (token.ts; refused AppSecret fails here
 * with `CHANNEL_AUTH_FAILED`) -> `GET /gateway` -> gateway loop (gateway_client.ts): HELLO ->
 * IDENTIFY with `GROUP_AND_C2C` -> resolves on READY. Each `C2C_MESSAGE_CREATE` /
 * `GROUP_AT_MESSAGE_CREATE` is normalized (normalize.ts) and handed to `onInbound`, awaited
 * before its sequence is committed, so the resume sequence only moves past stored messages.
 * Replies go out as passive replies with `msg_id` and increasing `msg_seq` (send.ts).
 *
 * QQ has no "typing..." for bots in groups and no pairing flow; `sendTyping()` does nothing.
 *
 * @module
 */
import { type Clock, systemClock, type TimerHandle } from "../../clock.ts";
import { OpenClawError } from "../../errors.ts";
import { getLogger } from "../../log/mod.ts";
import { processEnv } from "../../paths.ts";
import { DEFAULT_ACCOUNT_ID } from "../config_view.ts";
import type {
  ChannelAccountSnapshot,
  ConnectOptions,
  InboundHandler,
  OutboundTarget,
  ProbeResult,
  SendOptions,
  SendResult,
} from "../types.ts";
import { type QQBotLogger, scrubbedMessage, scrubSecrets } from "./_log.ts";
import {
  type QQBotAdapterOptions,
  type QQBotChannelAdapter,
  resolveQQBotEndpoints,
} from "./adapter_options.ts";
import { DEFAULT_QQBOT_INTENTS, qqIntentNames } from "./constants.ts";
import { type QQBotCredentials, resolveQQBotCredentials } from "./credentials.ts";
import { QQAuthError } from "./errors.ts";
import { QQGatewayClient } from "./gateway_client.ts";
import type { Dispatch } from "./gateway_session.ts";
import { normalizeQQMessage } from "./normalize.ts";
import { probeQQBot } from "./probe.ts";
import { QQRest } from "./rest.ts";
import { GatewaySchema } from "./schemas.ts";
import { QQBotSender } from "./send.ts";
import { AccessTokens } from "./token.ts";

interface Wired {
  appId: string;
  tokens: AccessTokens;
  rest: QQRest;
  sender: QQBotSender;
}

class QQBotAdapter implements QQBotChannelAdapter {
  readonly channel = "qqbot";
  readonly accountId: string;
  readonly intents: number;
  readonly #o: QQBotAdapterOptions;
  readonly #creds: QQBotCredentials;
  readonly #clock: Clock;
  readonly #log: QQBotLogger;
  readonly #wired?: Wired;
  #client?: QQGatewayClient;
  #controller?: AbortController;
  #loop?: Promise<void>;
  #connecting = false;
  #onInbound?: InboundHandler;
  #bot?: { id: string; username?: string };
  readonly #times: Partial<Record<"start" | "stop" | "in" | "out" | "probe", number>> = {};
  #lastError?: string;
  #lastSendError?: string;
  #probe?: ProbeResult;

  constructor(options: QQBotAdapterOptions) {
    this.#o = options;
    this.accountId = options.account.accountId;
    this.intents = options.intents ?? DEFAULT_QQBOT_INTENTS;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? getLogger("channels/qqbot");
    const env = options.env ?? processEnv();
    this.#creds = resolveQQBotCredentials({ ...options, env });
    const endpoints = resolveQQBotEndpoints(options, env);
    const { appId, clientSecret } = this.#creds;
    if (!appId || !clientSecret) return;
    const tokens = new AccessTokens({
      tokenUrl: endpoints.tokenUrl,
      appId,
      clientSecret,
      clock: this.#clock,
      log: this.#log,
      timeoutMs: options.requestTimeoutMs,
      refreshAheadMs: options.tokenRefreshAheadMs,
    });
    const rest = new QQRest({
      baseUrl: endpoints.apiBaseUrl,
      appId,
      tokens,
      clock: this.#clock,
      log: this.#log,
      timeoutMs: options.requestTimeoutMs,
    });
    const sender = new QQBotSender({
      rest,
      clock: this.#clock,
      log: this.#log,
      onSent: () => this.#times.out = this.#clock.now(),
    });
    this.#wired = { appId, tokens, rest, sender };
  }

  #secrets(): readonly string[] {
    return this.#wired?.tokens.secrets() ?? [this.#creds.clientSecret ?? ""];
  }

  #scrub(err: unknown): string {
    return scrubbedMessage(err, this.#secrets());
  }

  #fail(code: string, message: string, hint?: string): never {
    this.#lastError = message;
    throw new OpenClawError(code, message, { hint });
  }

  #configPath(): string {
    return this.accountId === DEFAULT_ACCOUNT_ID
      ? "channels.qqbot.appId / clientSecret (or QQBOT_APP_ID / QQBOT_CLIENT_SECRET)"
      : `channels.qqbot.accounts.${this.accountId}.appId / clientSecret`;
  }

  #require(): Wired {
    if (this.#wired) return this.#wired;
    const missing = this.#creds.appId ? "no AppSecret" : "no AppID";
    return this.#fail(
      "CHANNEL_NOT_CONFIGURED",
      `Cannot start qqbot account "${this.accountId}": ${missing}`,
      `Set ${this.#configPath()}, or run: openclaw channels add --channel qqbot ` +
        '--token "AppID:AppSecret"',
    );
  }

  async connect(options: ConnectOptions): Promise<void> {
    const wired = this.#require();
    if (this.#loop || this.#connecting) {
      this.#fail("CHANNEL_ALREADY_RUNNING", "qqbot is already connected");
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal.reason);
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
    this.#controller = controller;
    this.#onInbound = options.onInbound;
    this.#times.start = this.#clock.now();
    this.#lastError = undefined;
    this.#connecting = true;
    let loop: Promise<void>;
    try {
      ({ loop } = await this.#start(wired, controller.signal));
    } catch (err) {
      options.signal.removeEventListener("abort", onAbort);
      if (this.#controller === controller) this.#controller = undefined;
      throw err;
    } finally {
      this.#connecting = false;
    }
    void loop.finally(() => options.signal.removeEventListener("abort", onAbort));
  }

  /** Token, gateway URL, then the loop until READY; returns the loop's promise. */
  async #start(wired: Wired, signal: AbortSignal): Promise<{ loop: Promise<void> }> {
    const { tokens, rest } = wired;
    let firstUrl: string | undefined;
    try {
      await tokens.get(signal);
      firstUrl = (await rest.request("GET", "/gateway", { schema: GatewaySchema, signal })).url;
    } catch (err) {
      if (err instanceof QQAuthError) {
        this.#fail(
          "CHANNEL_AUTH_FAILED",
          this.#scrub(err),
          `Check the AppID and AppSecret at q.qq.com and update ${this.#configPath()}`,
        );
      }
      this.#fail("CHANNEL_CONNECT_FAILED", `Cannot reach QQ: ${this.#scrub(err)}`);
    }
    this.#log.info("qqbot identify intents {names} (bitmask {bits})", {
      names: qqIntentNames(this.intents).join(","),
      bits: this.intents,
    });
    const client = new QQGatewayClient({
      appId: wired.appId,
      intents: this.intents,
      clock: this.#clock,
      random: this.#o.random ?? Math.random,
      log: this.#log,
      accessToken: (s) => tokens.get(s),
      invalidateToken: () => tokens.invalidate(),
      discover: async (s) => {
        const url = firstUrl;
        firstUrl = undefined;
        return url ??
          (await rest.request("GET", "/gateway", { schema: GatewaySchema, signal: s })).url;
      },
      resume: await Promise.resolve(this.#o.resumeStore?.load()).catch(() => undefined),
      maxQueuedDispatches: this.#o.maxQueuedDispatches,
      backoff: this.#o.backoff,
      keepSessionOnStop: this.#o.resumeStore !== undefined,
      onReady: (ready) => this.#bot = { id: ready.user.id, username: ready.user.username },
      onCommit: (state) => this.#o.resumeStore?.save(state),
      onDispatch: (dispatch) => this.#onDispatch(dispatch),
    });
    this.#client = client;
    const loop: Promise<void> = client.run(signal).catch((err) => {
      this.#lastError = this.#scrub(err);
      this.#log.error("qqbot gateway loop failed: {error}", { error: this.#lastError });
    }).finally(() => {
      this.#times.stop = this.#clock.now();
      if (this.#loop === loop) this.#loop = undefined;
    });
    this.#loop = loop;
    try {
      await client.ready;
    } catch {
      await loop;
      this.#fail(
        "CHANNEL_CONNECT_FAILED",
        `Cannot connect to the QQ gateway: ${
          scrubSecrets(client.state.lastError ?? "stopped", this.#secrets())
        }`,
      );
    }
    return { loop };
  }

  async #onDispatch(dispatch: Dispatch): Promise<void> {
    const message = normalizeQQMessage(dispatch.t, dispatch.d, {
      channel: this.channel,
      accountId: this.accountId,
      eventId: dispatch.id,
      now: this.#clock.now(),
    });
    if (message === "not a message") {
      if (dispatch.t !== "READY" && dispatch.t !== "RESUMED") {
        this.#log.debug("qqbot {event} ignored: not a message event", { event: dispatch.t });
      }
      return;
    }
    if (typeof message === "string") {
      this.#log.warn("qqbot {event} dropped: {reason}", { event: dispatch.t, reason: message });
      return;
    }
    this.#wired?.sender.observe(message);
    if (!this.#onInbound) return;
    await this.#onInbound(message);
    this.#times.in = this.#clock.now();
  }

  async disconnect(reason = "stopped"): Promise<void> {
    const controller = this.#controller;
    if (!controller) return;
    this.#controller = undefined;
    controller.abort(new Error(reason));
    await this.#loop;
    // Wait (bounded) for the close handshake so a restart does not overlap the old socket.
    let timer: TimerHandle | undefined;
    await Promise.race([
      this.#client?.socketClosed,
      new Promise<void>((resolve) => timer = this.#clock.setTimeout(resolve, 5000)),
    ]);
    this.#clock.clearTimeout(timer);
  }

  async #send<T>(fn: (sender: QQBotSender) => Promise<T>): Promise<T> {
    const { sender } = this.#require();
    try {
      return await fn(sender);
    } catch (err) {
      // Errors from rest.ts / token.ts are scrubbed already; status keeps a scrubbed copy too.
      this.#lastSendError = this.#scrub(err);
      throw err;
    }
  }

  sendText(target: OutboundTarget, text: string, options?: SendOptions): Promise<SendResult> {
    return this.#send((s) => s.sendText(target, text, options));
  }

  sendChunks(
    target: OutboundTarget,
    chunks: readonly string[],
    options?: SendOptions,
  ): Promise<SendResult[]> {
    return this.#send((s) => s.sendChunks(target, chunks, options));
  }

  sendTyping(_target: OutboundTarget): Promise<void> {
    return Promise.resolve(); // bots have no typing indicator on QQ
  }

  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    let result: ProbeResult;
    if (!this.#wired) {
      const message = this.#creds.appId ? "no AppSecret configured" : "no AppID configured";
      result = {
        ok: false,
        error: message,
        issues: [{ kind: "config", message, fix: `Set ${this.#configPath()}` }],
      };
    } else {
      result = await probeQQBot({
        rest: this.#wired.rest,
        tokens: this.#wired.tokens,
        clock: this.#clock,
        configPath: this.#configPath(),
        timeoutMs: this.#o.probeTimeoutMs,
        signal,
      });
    }
    this.#probe = result;
    this.#times.probe = this.#clock.now();
    return result;
  }

  status(): ChannelAccountSnapshot {
    const state = this.#client?.state;
    const account = this.#o.account;
    const snapshot: ChannelAccountSnapshot = {
      accountId: this.accountId,
      enabled: account.enabled,
      configured: this.#wired !== undefined,
      running: state?.running ?? false,
      connected: state?.connected ?? false,
      mode: "websocket",
      dmPolicy: account.dmPolicy,
      allowFrom: account.allowFrom.slice(0, 10),
      credentialSource: this.#creds.source,
      intents: qqIntentNames(this.intents),
    };
    if (this.#creds.appId) snapshot.appId = this.#creds.appId;
    if (account.name) snapshot.name = account.name;
    const lastError = state?.lastError ?? this.#lastError;
    if (lastError) snapshot.lastError = scrubSecrets(lastError, this.#secrets());
    if (this.#lastSendError) snapshot.lastSendError = this.#lastSendError;
    if (state?.reconnectAttempts) snapshot.reconnectAttempts = state.reconnectAttempts;
    if (state?.lastConnectedAt) snapshot.lastConnectedAt = state.lastConnectedAt;
    if (state?.heartbeatLatencyMs !== undefined) {
      snapshot.heartbeatLatencyMs = state.heartbeatLatencyMs;
    }
    if (this.#bot) snapshot.bot = { id: this.#bot.id, name: this.#bot.username };
    if (this.#times.start) snapshot.lastStartAt = this.#times.start;
    if (this.#times.stop) snapshot.lastStopAt = this.#times.stop;
    if (this.#times.in) snapshot.lastInboundAt = this.#times.in;
    if (this.#times.out) snapshot.lastOutboundAt = this.#times.out;
    if (this.#times.probe) snapshot.lastProbeAt = this.#times.probe;
    if (this.#probe) snapshot.probe = this.#probe;
    return snapshot;
  }
}

export type { QQBotAdapterOptions, QQBotChannelAdapter };

/**
 * Creates the adapter of one QQ bot account (see the module doc).
 *
 * @param options The account's settings, the AppID/AppSecret, and overrides (see
 *   {@linkcode QQBotAdapterOptions}).
 * @returns A {@linkcode QQBotChannelAdapter}; nothing connects until `connect()`.
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` when an endpoint is not https (plain http is
 *   accepted for loopback hosts only).
 * @example
 * ```ts
 * const account = resolveChannelAccount(config, "qqbot");
 * const qq = createQQBotAdapter({ account, appId: "102000001", clientSecret: secret });
 * await qq.connect({ signal, onInbound: (m) => journal.append(m) });
 * await qq.sendChunks({ chatId: m.chatId }, chunks, { replyToMessageId: m.messageId });
 * ```
 */
export function createQQBotAdapter(options: QQBotAdapterOptions): QQBotChannelAdapter {
  return new QQBotAdapter(options);
}
