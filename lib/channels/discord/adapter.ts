/**
 * The Discord channel adapter: one bot account over the gateway WebSocket and REST API v10.
 *
 * **Why a thin own client.** The candidates were `@discordjs/ws` + `@discordjs/rest` +
 * `discord-api-types`, or a thin client on Deno's built-in `WebSocket` and `fetch`. The adapter
 * needs one shard, JSON encoding, no compression, eight opcodes and five REST routes. The
 * discord.js packages bring sharding managers, worker strategies, zlib/zstd handling, undici and
 * their own event emitters -- several MB of modules to load at gateway start, for features one
 * bot account never uses -- and they hide the point where a sequence number is acknowledged,
 * which our no-message-lost rule must control (the resume sequence moves only after the
 * journal stored the message). `discord-api-types` would only add type names: the payloads are
 * validated at runtime anyway, so their types come from the checks in schemas.ts (lib/json_guard.ts:
 * zod's rules at a fraction of its memory), with nothing to install. Stock OpenClaw made the
 * same call (raw `ws` + types). The result is about 2,000 lines in small modules, loaded only
 * when Discord is configured.
 *
 * **Flow.** `connect()`: token check -> `GET /gateway/bot` (token check, URL) and
 * `GET /oauth2/applications/@me` (flags) in parallel -> intents from config, minus privileged
 * ones the application is not granted (logged with the portal toggle, kept in status) -> gateway
 * loop (gateway_client.ts) -> resolves on READY. Each `MESSAGE_CREATE` is normalized
 * (normalize.ts) and handed to `onInbound`, awaited before its sequence is committed.
 *
 * @module
 */
import { type Clock, systemClock, type TimerHandle } from "../../clock.ts";
import { OpenClawError } from "../../errors.ts";
import { getLogger } from "../../log/mod.ts";
import type { Env } from "../../paths.ts";
import { DEFAULT_ACCOUNT_ID } from "../config_view.ts";
import type {
  ChannelAccountSnapshot,
  ChannelStatusIssue,
  ConnectOptions,
  InboundHandler,
  OutboundTarget,
  SendOptions,
  SendResult,
} from "../types.ts";
import { type DiscordLogger, scrubToken } from "./_log.ts";
import { GatewayClient, type ResumeState } from "./gateway_client.ts";
import {
  describeMissingIntent,
  type DiscordIntents,
  intentNames,
  missingPrivilegedIntents,
  resolveDiscordIntents,
} from "./intents.ts";
import { PRIVILEGED_INTENTS } from "./constants.ts";
import { DiscordInbound } from "./inbound.ts";
import type { DiscordAdapterOptions, DiscordChannelAdapter } from "./adapter_options.ts";
import { type DiscordProbeResult, probeDiscord } from "./probe.ts";
import { DiscordApiError, DiscordRest } from "./rest.ts";
import { ApplicationSchema, GatewayBotSchema } from "./schemas.ts";
import { DiscordSender } from "./send.ts";
import { TypingLoops } from "./typing.ts";
import { resolveApiBase } from "./urls.ts";

function readEnv(env: Env | undefined, name: string): string | undefined {
  return env ? env[name] : Deno.env.get(name);
}

function cleanToken(token: string | undefined): string | undefined {
  const t = token?.trim().replace(/^Bot\s+/i, "");
  return t ? t : undefined;
}

class DiscordAdapter implements DiscordChannelAdapter {
  readonly channel = "discord";
  readonly accountId: string;
  readonly intents: DiscordIntents;
  readonly #o: DiscordAdapterOptions;
  readonly #token?: string;
  readonly #tokenSource: string;
  readonly #clock: Clock;
  readonly #log: DiscordLogger;
  readonly #random: () => number;
  readonly #rest?: DiscordRest;
  readonly #sender?: DiscordSender;
  #client?: GatewayClient;
  #controller?: AbortController;
  #loop?: Promise<void>;
  #connecting = false;
  #onInbound?: InboundHandler;
  #botName?: string;
  /** The intents the last connect identified with (before a 4014 downgrade). */
  #identified?: number;
  readonly #typing?: TypingLoops;
  readonly #inbound?: DiscordInbound;
  readonly #times: Partial<Record<"start" | "stop" | "in" | "out" | "probe", number>> = {};
  #lastError?: string;
  #lastSendError?: string;
  #probe?: DiscordProbeResult;

  constructor(options: DiscordAdapterOptions) {
    this.#o = options;
    this.accountId = options.account.accountId;
    this.intents = resolveDiscordIntents(options.account);
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? getLogger("channels/discord");
    this.#random = options.random ?? Math.random;
    const isDefault = this.accountId === DEFAULT_ACCOUNT_ID;
    const fromOption = cleanToken(options.token);
    const fromEnv = isDefault ? cleanToken(readEnv(options.env, "DISCORD_BOT_TOKEN")) : undefined;
    this.#token = fromOption ?? fromEnv;
    this.#tokenSource = fromOption ? options.tokenSource ?? "config" : fromEnv ? "env" : "none";
    const baseUrl = resolveApiBase(options.apiBaseUrl, readEnv(options.env, "DISCORD_API_URL"));
    if (this.#token) {
      this.#rest = new DiscordRest({
        baseUrl,
        token: this.#token,
        clock: this.#clock,
        timeoutMs: options.requestTimeoutMs,
        log: this.#log,
      });
      this.#sender = new DiscordSender({
        rest: this.#rest,
        suppressEmbeds: options.account.raw.suppressEmbeds === true,
        onSent: () => this.#times.out = this.#clock.now(),
      });
      const sender = this.#sender;
      this.#typing = new TypingLoops({
        clock: this.#clock,
        log: this.#log,
        send: (target, signal) => sender.sendTyping(target, signal),
        intervalMs: options.typingIntervalMs,
        max: options.maxTypingLoops,
        scrub: (err) => this.#scrub(err),
      });
      this.#inbound = new DiscordInbound({
        accountId: this.accountId,
        rest: this.#rest,
        clock: this.#clock,
        log: this.#log,
        token: this.#token,
      });
    }
  }

  #scrub(err: unknown): string {
    return scrubToken(err instanceof Error ? err.message : String(err), this.#token);
  }

  #fail(code: string, message: string, hint?: string): never {
    this.#lastError = message;
    throw new OpenClawError(code, message, { hint });
  }

  #notConfigured(): never {
    return this.#fail(
      "CHANNEL_NOT_CONFIGURED",
      `Cannot start discord account "${this.accountId}": no bot token`,
      this.accountId === DEFAULT_ACCOUNT_ID
        ? "Set channels.discord.token or DISCORD_BOT_TOKEN"
        : `Set channels.discord.accounts.${this.accountId}.token`,
    );
  }

  async connect(options: ConnectOptions): Promise<void> {
    if (!this.#rest || !this.#token) this.#notConfigured();
    if (this.#loop || this.#connecting) {
      this.#fail("CHANNEL_ALREADY_RUNNING", "discord is already connected");
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal.reason);
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
    this.#controller = controller;
    this.#onInbound = options.onInbound;
    this.#times.start = this.#clock.now();
    this.#lastError = undefined;
    let loop: Promise<void>;
    this.#connecting = true;
    try {
      ({ loop } = await this.#start(controller.signal));
    } catch (err) {
      options.signal.removeEventListener("abort", onAbort);
      if (this.#controller === controller) this.#controller = undefined;
      throw err;
    } finally {
      this.#connecting = false;
    }
    void loop.finally(() => options.signal.removeEventListener("abort", onAbort));
  }

  /**
   * Discovers the gateway, checks the application's flags, runs the loop until READY.
   * Returns the loop's promise.
   */
  async #start(signal: AbortSignal): Promise<{ loop: Promise<void> }> {
    const rest = this.#rest!;
    const [gateway, app] = await Promise.allSettled([
      rest.request("GET", "/gateway/bot", { schema: GatewayBotSchema, signal }),
      rest.request("GET", "/oauth2/applications/@me", { schema: ApplicationSchema, signal }),
    ]);
    if (gateway.status === "rejected") {
      const err = gateway.reason;
      if (err instanceof DiscordApiError && err.status === 401) {
        this.#fail(
          "CHANNEL_AUTH_FAILED",
          "Discord rejected the bot token (401 Unauthorized)",
          "Reset the token in the Developer Portal (Bot \u2192 Reset Token) and update the config",
        );
      }
      this.#fail("CHANNEL_CONNECT_FAILED", `Cannot reach Discord: ${this.#scrub(err)}`);
    }
    const intents = this.#identifyIntents(app.status === "fulfilled" ? app.value.flags : undefined);
    if (app.status === "rejected") {
      this.#log.warn("discord application flags unavailable ({error}); intents not checked", {
        error: this.#scrub(app.reason),
      });
    }
    let firstUrl: string | undefined = gateway.value.url;
    const client = new GatewayClient({
      token: this.#token!,
      intents,
      clock: this.#clock,
      random: this.#random,
      log: this.#log,
      resume: await Promise.resolve(this.#o.resumeStore?.load()).catch(() => undefined),
      maxQueuedDispatches: this.#o.maxQueuedDispatches,
      backoff: this.#o.backoff,
      keepSessionOnStop: this.#o.resumeStore !== undefined,
      discover: async (s) => {
        const url = firstUrl;
        firstUrl = undefined;
        return url ??
          (await rest.request("GET", "/gateway/bot", { schema: GatewayBotSchema, signal: s })).url;
      },
      onReady: (ready) => {
        this.#botName = ready.user.global_name ?? ready.user.username;
      },
      onCommit: (state: ResumeState) => this.#o.resumeStore?.save(state),
      onDispatch: (t, d) => this.#onDispatch(t, d),
    });
    this.#client = client;
    const loop: Promise<void> = client.run(signal).catch((err) => {
      this.#lastError = this.#scrub(err);
      this.#log.error("discord gateway loop failed: {error}", { error: this.#lastError });
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
        `Cannot connect to the Discord gateway: ${client.state.lastError ?? "stopped"}`,
      );
    }
    return { loop };
  }

  /**
   * Requested privileged intents the session runs without (not granted by the application's
   * flags, or refused by the gateway with 4014), each with its portal toggle.
   */
  #intentIssues(identified: number | undefined): ChannelStatusIssue[] {
    const bits = identified ?? this.#identified;
    if (bits === undefined) return [];
    const dropped = this.intents.bits & ~bits;
    return PRIVILEGED_INTENTS.filter((p) => (dropped & p.intent) !== 0).map(describeMissingIntent);
  }

  /** The intents to identify with: the requested ones minus privileged ones not granted. */
  #identifyIntents(flags: number | undefined): number {
    const requested = this.intents.bits;
    const missing = flags === undefined ? [] : missingPrivilegedIntents(requested, flags);
    let bits = requested;
    for (const m of missing) bits &= ~m.intent;
    this.#identified = bits;
    for (const issue of this.#intentIssues(bits)) {
      this.#log.warn("discord {message}. Fix: {fix}", { message: issue.message, fix: issue.fix });
    }
    this.#log.info("discord identify intents {names} (bitmask {bits})", {
      names: intentNames(bits).join(","),
      bits,
      requested: this.intents.names.join(","),
    });
    return bits;
  }

  async #onDispatch(t: string, d: unknown): Promise<void> {
    const delivered = await this.#inbound?.handle(t, d, {
      botId: this.#client?.botId,
      botName: this.#botName,
      onInbound: this.#onInbound,
      signal: this.#controller?.signal,
    });
    if (delivered) this.#times.in = this.#clock.now();
  }

  async disconnect(reason = "stopped"): Promise<void> {
    const controller = this.#controller;
    if (!controller) return;
    this.#controller = undefined;
    controller.abort(new Error(reason));
    await this.#loop;
    // With a resume store the socket closed with 4000 and the saved state stays: the next
    // start resumes, and Discord replays what was received but not yet stored. Without one it
    // closed with 1000, ending the session. Either way, wait (bounded) for the close handshake.
    let timer: TimerHandle | undefined;
    await Promise.race([
      this.#client?.socketClosed,
      new Promise<void>((resolve) => timer = this.#clock.setTimeout(resolve, 5000)),
    ]);
    this.#clock.clearTimeout(timer);
  }

  #requireSender(): DiscordSender {
    if (!this.#sender) this.#notConfigured();
    return this.#sender;
  }

  async #send<T>(fn: (sender: DiscordSender) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#requireSender());
    } catch (err) {
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

  sendTyping(target: OutboundTarget): Promise<void> {
    return this.#requireSender().sendTyping(target, this.#controller?.signal);
  }

  keepTyping(target: OutboundTarget, signal: AbortSignal): void {
    this.#typing?.start(target, signal);
  }

  async probe(signal?: AbortSignal): Promise<DiscordProbeResult> {
    let result: DiscordProbeResult;
    if (!this.#rest || !this.#token) {
      result = {
        ok: false,
        error: "no bot token configured",
        issues: [{
          kind: "config",
          message: "no bot token configured",
          fix: "Set channels.discord.token or DISCORD_BOT_TOKEN",
        }],
      };
    } else {
      result = await probeDiscord(this.#rest, this.intents.bits, {
        clock: this.#clock,
        token: this.#token,
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
      configured: this.#token !== undefined,
      running: state?.running ?? false,
      connected: state?.connected ?? false,
      mode: "websocket",
      dmPolicy: account.dmPolicy,
      allowFrom: account.allowFrom.slice(0, 10),
      tokenSource: this.#tokenSource,
      intents: intentNames(state?.intents ?? this.intents.bits),
      requestedIntents: this.intents.names,
    };
    if (account.name) snapshot.name = account.name;
    const lastError = state?.lastError ?? this.#lastError;
    if (lastError) snapshot.lastError = scrubToken(lastError, this.#token);
    if (this.#lastSendError) snapshot.lastSendError = this.#lastSendError;
    if (state?.reconnectAttempts) snapshot.reconnectAttempts = state.reconnectAttempts;
    if (state?.lastConnectedAt) snapshot.lastConnectedAt = state.lastConnectedAt;
    if (state?.heartbeatLatencyMs !== undefined) {
      snapshot.heartbeatLatencyMs = state.heartbeatLatencyMs;
    }
    if (this.#client?.botId) snapshot.bot = { id: this.#client.botId, name: this.#botName };
    if (this.#times.start) snapshot.lastStartAt = this.#times.start;
    if (this.#times.stop) snapshot.lastStopAt = this.#times.stop;
    if (this.#times.in) snapshot.lastInboundAt = this.#times.in;
    if (this.#times.out) snapshot.lastOutboundAt = this.#times.out;
    if (this.#times.probe) snapshot.lastProbeAt = this.#times.probe;
    if (this.#probe) snapshot.probe = this.#probe;
    const issues = this.#intentIssues(state?.intents);
    if (issues.length > 0) snapshot.issues = issues;
    return snapshot;
  }
}

export type { DiscordAdapterOptions, DiscordChannelAdapter };

/**
 * Creates the adapter of one Discord bot account (see the module doc).
 *
 * @param options The account's settings, the token, and overrides (see
 *   {@linkcode DiscordAdapterOptions}).
 * @returns A {@linkcode DiscordChannelAdapter}; nothing connects until `connect()`.
 * @throws {OpenClawError} `CHANNEL_CONFIG_INVALID` when the API URL is not https (plain http is
 *   accepted for loopback hosts only).
 * @example
 * ```ts
 * const account = resolveChannelAccount(config, "discord");
 * const discord = createDiscordAdapter({ account, token: secrets.discordToken });
 * await discord.connect({ signal, onInbound: (m) => journal.append(m) });
 * await discord.sendChunks({ chatId: m.chatId, threadId: m.threadId }, chunks, {
 *   replyToMessageId: m.messageId,
 * });
 * ```
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordChannelAdapter {
  return new DiscordAdapter(options);
}
