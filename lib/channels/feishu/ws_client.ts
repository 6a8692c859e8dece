/**
 * Keeps a Feishu long connection up: endpoint discovery (`POST /callback/ws/endpoint` with the
 * app credentials -> a one-time `wss://` URL and the client settings), one session at a time
 * (ws_session.ts), and reconnects with backoff after every end -- closes, timeouts, and dead
 * connections the ping watchdog found -- for as long as the adapter runs (stock's SDK can give
 * up after `ReconnectCount` tries; we never do, but back off up to a minute).
 *
 * Before the first connection is up, a failure stops the loop and `ready` rejects, so
 * `connect()` can say why (bad credentials, long connection not enabled, unreachable). Refused
 * credentials (`code` 514 / 403) also stop a running loop: retrying cannot fix them.
 *
 * `state` feeds status: `connected` is true only while a socket is open **and** a frame (pong or
 * event) arrived within the ping interval plus the pong timeout -- a connection that went silent
 * reads as disconnected even before the watchdog closes it.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { AbortedError, Backoff, type BackoffOptions, sleep } from "../retry.ts";
import type { FeishuLogger, Scrubber } from "./_log.ts";
import { DEFAULT_PING_INTERVAL_MS, FeishuPath, WS_FATAL_CODES } from "./constants.ts";
import { FeishuApiError, type FeishuHttp } from "./http.ts";
import { WsEndpointSchema } from "./schemas.ts";
import { checkSocketUrl } from "./urls.ts";
import { type SessionEnd, WsSession } from "./ws_session.ts";

/** Options of {@linkcode WsClient}. */
export interface WsClientOptions {
  http: FeishuHttp;
  appId: string;
  appSecret: string;
  clock: Clock;
  log: FeishuLogger;
  scrubber: Scrubber;
  random: () => number;
  /** A whole event; resolve = acknowledge, throw = not stored. */
  onEvent(payload: unknown): Promise<unknown>;
  /** No frame this long after a ping = dead. @default 30000 */
  pongTimeoutMs?: number;
  /** @default 15000 */
  openTimeoutMs?: number;
  /** @default 1 s doubling to 60 s, ±20 % */
  backoff?: BackoffOptions;
}

/** The loop's state, for status. */
export interface WsClientState {
  running: boolean;
  /** A socket is open (see {@linkcode WsClient.connected} for liveness). */
  open: boolean;
  lastConnectedAt?: number;
  /** Last frame of any kind (pong or event). */
  lastFrameAt?: number;
  lastPongAt?: number;
  reconnectAttempts: number;
  lastError?: string;
  pingIntervalMs: number;
}

/** Thrown when the endpoint refuses the credentials (retrying cannot help). */
export class WsCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WsCredentialsError";
  }
}

function describeEnd(end: SessionEnd): string {
  switch (end.kind) {
    case "closed":
      return end.code === 0
        ? `long connection failed${end.reason ? `: ${end.reason}` : ""}`
        : `long connection closed ${end.code}${end.reason ? ` ${end.reason}` : ""}`;
    case "timeout":
      return "timed out opening the long connection";
    case "dead":
      return `no pong from Feishu within ${Math.round(end.silentMs / 1000)} s of a ping ` +
        "(connection silently dead)";
    case "aborted":
      return "stopped";
  }
}

/** Runs the long-connection loop (see the module doc). */
export class WsClient {
  readonly #o: WsClientOptions;
  readonly #backoff: Backoff;
  readonly #state: WsClientState;
  #session?: WsSession;
  #everOpen = false;
  #readyResolve!: () => void;
  #readyReject!: (err: Error) => void;
  /** Resolves on the first open socket; rejects when the loop ends before. */
  readonly ready: Promise<void>;

  /** @param options Credentials, clock, event sink, timeouts. */
  constructor(options: WsClientOptions) {
    this.#o = options;
    this.#backoff = new Backoff({ random: options.random, ...options.backoff });
    this.#state = {
      running: false,
      open: false,
      reconnectAttempts: 0,
      pingIntervalMs: DEFAULT_PING_INTERVAL_MS,
    };
    this.ready = new Promise((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.ready.catch(() => {}); // observed by connect(); never an unhandled rejection
  }

  /** A copy of the loop's state. */
  get state(): WsClientState {
    return {
      ...this.#state,
      pingIntervalMs: this.#session?.pingIntervalMs ?? this.#state.pingIntervalMs,
    };
  }

  /** How long after a frame the connection still counts as alive. */
  get livenessWindowMs(): number {
    return this.state.pingIntervalMs + (this.#o.pongTimeoutMs ?? 30_000);
  }

  /**
   * Whether the connection is up and alive now.
   *
   * @param now The current time.
   * @returns True while a socket is open and its last frame is within the liveness window.
   */
  connected(now: number): boolean {
    const last = this.#state.lastFrameAt;
    return this.#state.open && last !== undefined && now - last <= this.livenessWindowMs;
  }

  /** Resolves when the current socket has closed. */
  get socketClosed(): Promise<void> {
    return this.#session?.socketClosed ?? Promise.resolve();
  }

  /**
   * Runs until `signal` aborts or the credentials are refused.
   *
   * @param signal Stops the loop (the socket closes with 1000).
   */
  async run(signal: AbortSignal): Promise<void> {
    this.#state.running = true;
    try {
      while (!signal.aborted) {
        const why = await this.#connectOnce(signal);
        this.#state.open = false;
        if (why === undefined || signal.aborted) break;
        this.#state.lastError = why;
        if (!this.#everOpen) {
          this.#o.log.error("feishu long connection could not connect: {why}", { why });
          break;
        }
        const delay = this.#backoff.next();
        this.#state.reconnectAttempts = this.#backoff.attempts;
        this.#o.log.info("feishu long connection lost ({why}); reconnecting in {delayMs} ms", {
          why,
          delayMs: delay,
        });
        await sleep(delay, { clock: this.#o.clock, signal });
      }
    } catch (err) {
      if (!(err instanceof AbortedError)) {
        this.#state.lastError = this.#o.scrubber.scrub(err);
        if (!(err instanceof WsCredentialsError)) throw err;
        this.#o.log.error("feishu long connection stopped: {error}", {
          error: this.#state.lastError,
        });
      }
    } finally {
      this.#state.running = false;
      this.#state.open = false;
      this.#readyReject(new Error(this.#state.lastError ?? "stopped before connecting"));
    }
  }

  /** Discovers and runs one session; returns why it ended (undefined = aborted). */
  async #connectOnce(signal: AbortSignal): Promise<string | undefined> {
    let target: { url: string; serviceId: number };
    try {
      target = await this.#discover(signal);
    } catch (err) {
      if (signal.aborted) return undefined;
      if (err instanceof WsCredentialsError) throw err;
      return this.#o.scrubber.scrub(err);
    }
    const o = this.#o;
    const session = new WsSession({
      url: target.url,
      serviceId: target.serviceId,
      clock: o.clock,
      log: o.log,
      signal,
      pingIntervalMs: this.#state.pingIntervalMs,
      pongTimeoutMs: o.pongTimeoutMs ?? 30_000,
      openTimeoutMs: o.openTimeoutMs,
      onOpen: () => this.#onOpen(),
      onFrame: () => this.#state.lastFrameAt = o.clock.now(),
      onPong: () => this.#state.lastPongAt = o.clock.now(),
      onEvent: o.onEvent,
    });
    this.#session = session;
    const end = await session.run();
    this.#state.pingIntervalMs = session.pingIntervalMs;
    // A socket error's text can carry the URL, whose query holds the one-time ticket.
    return end.kind === "aborted" ? undefined : o.scrubber.scrub(describeEnd(end));
  }

  #onOpen(): void {
    const now = this.#o.clock.now();
    this.#state.open = true;
    this.#state.lastConnectedAt = now;
    this.#state.lastFrameAt = now;
    this.#state.lastError = undefined;
    this.#state.reconnectAttempts = 0;
    this.#backoff.reset();
    this.#everOpen = true;
    this.#o.log.info("feishu long connection open");
    this.#readyResolve();
  }

  async #discover(signal: AbortSignal): Promise<{ url: string; serviceId: number }> {
    const o = this.#o;
    let answer;
    try {
      answer = await o.http.request({
        method: "POST",
        path: FeishuPath.WS_ENDPOINT,
        body: { AppID: o.appId, AppSecret: o.appSecret },
        schema: WsEndpointSchema,
        idempotent: true,
        signal,
      });
    } catch (err) {
      if (err instanceof FeishuApiError && WS_FATAL_CODES.has(err.code)) {
        throw new WsCredentialsError(
          `Feishu refused the long connection (code ${err.code}): check appId/appSecret and ` +
            "that the app subscribes to events over the long connection",
        );
      }
      throw err;
    }
    const seconds = answer.data.ClientConfig?.PingInterval;
    if (seconds !== undefined && seconds >= 1 && seconds <= 3600) {
      this.#state.pingIntervalMs = seconds * 1000;
    }
    return checkSocketUrl(answer.data.URL);
  }
}
