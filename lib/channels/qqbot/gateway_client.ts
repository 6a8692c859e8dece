/**
 * Keeps a QQ gateway session alive across connections without losing a message.
 *
 * **Committed sequence.** Dispatches are handled one at a time, in order, and the handler is
 * awaited (for a message: until the journal stored it). Only then does the *committed* sequence
 * move past the dispatch. Heartbeats and RESUME carry the committed sequence, so after a handler
 * failure, a dropped connection or a crash with a saved resume state the platform replays
 * everything the journal has not stored (the journal drops duplicates by message id).
 *
 * **Reconnects.** op 7 and a zombie connection resume at once (the next try waits); a close or
 * timeout resumes after backoff; op 9 waits 1-5 s and resumes when the platform says it may, else
 * identifies anew. Close 4004 drops the access token (the next try fetches a fresh one), 4006 /
 * 4007 / 4900-4913 start a new session, 4008 waits a minute; codes reconnecting cannot fix
 * (4010-4014, bot offline 4914, banned 4915) stop the loop with the reason. Before the first
 * READY, a failure stops the loop and `ready` rejects: `connect()` reports it.
 *
 * **Bounds.** At most `maxQueuedDispatches` dispatches wait for the handler; past that the
 * connection is dropped and resumed later (the platform keeps them for replay).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { AbortedError, Backoff, type BackoffOptions, sleep } from "../retry.ts";
import type { QQBotLogger } from "./_log.ts";
import {
  isInternalErrorClose,
  QQ_FATAL_CLOSE_CODES,
  QQ_NEW_SESSION_CLOSE_CODES,
  QQClose,
  RATE_LIMITED_CLOSE_WAIT_MS,
} from "./constants.ts";
import { type Dispatch, QQGatewaySession, type SessionEnd } from "./gateway_session.ts";
import type { QQReady } from "./schemas.ts";
import { checkGatewayUrl } from "./urls.ts";

/** What is needed to resume a session (persist it to resume after a restart). */
export interface QQResumeState {
  sessionId: string;
  /** The committed sequence. */
  seq: number;
  /** The bot (AppID) the session belongs to. */
  appId: string;
  /** The intents the session was identified with. */
  intents: number;
}

/** Options of {@linkcode QQGatewayClient}. */
export interface QQGatewayClientOptions {
  appId: string;
  /** Intents to identify with. */
  intents: number;
  clock: Clock;
  random: () => number;
  log: QQBotLogger;
  /** A valid access token (fetched or refreshed as needed). */
  accessToken(signal: AbortSignal): Promise<string>;
  /** The gateway refused the token (close 4004): fetch a new one next time. */
  invalidateToken(): void;
  /** Returns the gateway URL (`GET /gateway`). */
  discover(signal: AbortSignal): Promise<string>;
  /** Handles one dispatch; awaited before the sequence is committed. Rejecting = not stored. */
  onDispatch(dispatch: Dispatch): Promise<void>;
  /** A session was identified. */
  onReady?(ready: QQReady): void;
  /** The committed sequence moved (for persisting {@linkcode QQResumeState}). */
  onCommit?(state: QQResumeState): void;
  /** Resume this session first (from a saved state). */
  resume?: QQResumeState;
  /** @default 512 */
  maxQueuedDispatches?: number;
  backoff?: BackoffOptions;
  /** How long a stopping session waits for the dispatch in flight. @default 10000 */
  drainTimeoutMs?: number;
  /** On stop, close with 4000 so the next process can resume. @default false */
  keepSessionOnStop?: boolean;
}

/** The loop's state, for status. */
export interface QQGatewayState {
  running: boolean;
  connected: boolean;
  sessionId?: string;
  seq: number | null;
  lastConnectedAt?: number;
  reconnectAttempts: number;
  lastError?: string;
  heartbeatLatencyMs?: number;
  /** Set when the loop stopped for good (a close code reconnecting cannot fix). */
  fatal?: boolean;
}

interface Queued {
  dispatch: Dispatch;
  /** The connection it came on: only the current one's sequence is committed. */
  session: QQGatewaySession;
}

function describeEnd(end: SessionEnd): string {
  switch (end.kind) {
    case "reconnect":
      return "QQ asked to reconnect (op 7)";
    case "zombie":
      return "heartbeat not acknowledged (zombie connection)";
    case "invalid":
      return `invalid session (op 9, resumable: ${end.resumable})`;
    case "closed":
      return end.code === 0
        ? `gateway connection failed${end.reason ? `: ${end.reason}` : ""}`
        : `gateway closed ${end.code}${end.reason ? ` ${end.reason}` : ""}`;
    case "timeout":
      return `timed out waiting for ${
        end.stage === "open" ? "the socket" : end.stage.toUpperCase()
      }`;
    case "ended":
      return end.why;
    case "aborted":
      return "stopped";
  }
}

/** Runs the gateway session loop (see the module doc). */
export class QQGatewayClient {
  readonly #o: QQGatewayClientOptions;
  readonly #backoff: Backoff;
  readonly #state: QQGatewayState;
  #sessionId?: string;
  #fromSaved = false;
  #everReady = false;
  #session?: QQGatewaySession;
  readonly #queue: Queued[] = [];
  #pump?: Promise<void>;
  #readyResolve!: () => void;
  #readyReject!: (err: Error) => void;
  /** Resolves on the first READY or RESUMED; rejects when the loop ends before. */
  readonly ready: Promise<void>;

  /** @param options Credentials, intents, callbacks (see {@linkcode QQGatewayClientOptions}). */
  constructor(options: QQGatewayClientOptions) {
    this.#o = options;
    this.#backoff = new Backoff({ random: options.random, ...options.backoff });
    this.#state = { running: false, connected: false, seq: null, reconnectAttempts: 0 };
    this.ready = new Promise((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.ready.catch(() => {}); // observed by connect(); never an unhandled rejection
    const saved = options.resume;
    if (saved && saved.appId === options.appId && saved.intents === options.intents) {
      this.#sessionId = saved.sessionId;
      this.#state.seq = saved.seq;
      this.#fromSaved = true;
    }
  }

  /** A copy of the loop's state. */
  get state(): QQGatewayState {
    return { ...this.#state, heartbeatLatencyMs: this.#session?.latencyMs };
  }

  /** Resolves when the current socket has closed. */
  get socketClosed(): Promise<void> {
    return this.#session?.socketClosed ?? Promise.resolve();
  }

  /**
   * Runs until `signal` aborts or a failure that reconnecting cannot fix.
   *
   * @param signal Stops the loop.
   */
  async run(signal: AbortSignal): Promise<void> {
    this.#state.running = true;
    try {
      while (!signal.aborted) {
        const end = await this.#connectOnce(signal);
        this.#state.connected = false;
        await this.#drain();
        if (end.kind === "aborted" || signal.aborted) break;
        const delay = this.#decide(end);
        if (delay === undefined) break;
        this.#state.reconnectAttempts = this.#backoff.attempts;
        if (delay > 0) await sleep(delay, { clock: this.#o.clock, signal });
      }
    } catch (err) {
      if (!(err instanceof AbortedError)) throw err;
    } finally {
      this.#state.running = false;
      this.#state.connected = false;
      this.#readyReject(new Error(this.#state.lastError ?? "stopped before connecting"));
    }
  }

  async #connectOnce(signal: AbortSignal): Promise<SessionEnd> {
    const resume = this.#sessionId !== undefined && this.#state.seq !== null
      ? { sessionId: this.#sessionId, seq: this.#state.seq }
      : undefined;
    let url: string;
    let accessToken: string;
    try {
      accessToken = await this.#o.accessToken(signal);
      url = checkGatewayUrl(await this.#o.discover(signal));
    } catch (err) {
      if (signal.aborted) return { kind: "aborted" };
      return { kind: "closed", code: 0, reason: err instanceof Error ? err.message : String(err) };
    }
    if (!resume) this.#state.seq = null;
    const session = new QQGatewaySession({
      url,
      accessToken,
      intents: this.#o.intents,
      resume,
      clock: this.#o.clock,
      log: this.#o.log,
      signal,
      sequence: () => this.#state.seq,
      onReady: (ready) => this.#onReady(ready),
      onResumed: () => this.#onConnected("resumed"),
      onDispatch: (dispatch) => this.#enqueue({ dispatch, session }),
      keepSessionOnStop: this.#o.keepSessionOnStop,
    });
    this.#session = session;
    return await session.run();
  }

  #onReady(ready: QQReady): void {
    this.#sessionId = ready.session_id;
    this.#o.onReady?.(ready);
    this.#onConnected("ready");
  }

  #onConnected(how: "ready" | "resumed"): void {
    this.#state.connected = true;
    this.#state.lastConnectedAt = this.#o.clock.now();
    this.#state.lastError = undefined;
    this.#state.sessionId = this.#sessionId;
    this.#backoff.reset();
    this.#state.reconnectAttempts = 0;
    this.#everReady = true;
    this.#fromSaved = false;
    this.#o.log.info(`qqbot gateway ${how === "ready" ? "connected" : "resumed"}`, {
      sessionId: this.#sessionId,
      seq: this.#state.seq,
    });
    this.#readyResolve();
  }

  #enqueue(item: Queued): void {
    const max = this.#o.maxQueuedDispatches ?? 512;
    if (this.#queue.length >= max) {
      item.session.end(`more than ${max} dispatches waiting for the inbound handler`);
      return;
    }
    this.#queue.push(item);
    this.#pump ??= this.#runPump();
  }

  async #runPump(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const { dispatch, session } = this.#queue.shift()!;
        try {
          await this.#o.onDispatch(dispatch);
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          this.#o.log.warn("qqbot {event} not stored ({error}); resuming so QQ replays it", {
            event: dispatch.t,
            error: why,
          });
          this.#queue.length = 0;
          session.end(`inbound handler failed: ${why}`);
          return;
        }
        // A dispatch that outlived its connection (drain timed out) must not move the sequence
        // of the next one, which may be a new session counting from 1.
        if (session === this.#session) this.#commit(dispatch.s);
      }
    } finally {
      this.#pump = undefined;
    }
  }

  #commit(seq: number | null): void {
    if (seq === null || (this.#state.seq !== null && seq <= this.#state.seq)) return;
    this.#state.seq = seq;
    if (this.#sessionId) {
      this.#o.onCommit?.({
        sessionId: this.#sessionId,
        seq,
        appId: this.#o.appId,
        intents: this.#o.intents,
      });
    }
  }

  /** Drops dispatches not yet handled (they will be replayed) and waits for the one in flight. */
  async #drain(): Promise<void> {
    this.#queue.length = 0;
    const pump = this.#pump;
    if (!pump) return;
    const timeout = this.#o.drainTimeoutMs ?? 10_000;
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    await Promise.race([
      pump,
      new Promise<void>((resolve) => timer = this.#o.clock.setTimeout(resolve, timeout)),
    ]);
    this.#o.clock.clearTimeout(timer);
  }

  #forget(): void {
    this.#sessionId = undefined;
    this.#state.seq = null;
    this.#state.sessionId = undefined;
  }

  #invalidDelay(): number {
    return 1000 + Math.floor(this.#o.random() * 4000);
  }

  /** Returns the wait before the next try, or `undefined` to stop. */
  #decide(end: SessionEnd): number | undefined {
    const why = describeEnd(end);
    const next = this.#backoff.next();
    if (!this.#everReady && this.#fromSaved) {
      // A saved session that cannot be resumed is simply stale: identify anew.
      this.#o.log.info("qqbot saved session not resumable ({why}); identifying", { why });
      this.#fromSaved = false;
      this.#forget();
      return end.kind === "invalid" ? this.#invalidDelay() : 0;
    }
    const fatal = end.kind === "closed" ? QQ_FATAL_CLOSE_CODES.get(end.code) : undefined;
    if (fatal) {
      this.#state.lastError = `${why}: ${fatal}`;
      this.#state.fatal = true;
      this.#o.log.error("qqbot gateway stopped: {error}", { error: this.#state.lastError });
      return undefined;
    }
    if (!this.#everReady && end.kind !== "reconnect" && end.kind !== "zombie") {
      this.#state.lastError = end.kind === "invalid"
        ? `${why}: QQ refused the session; check that the bot may receive C2C and group messages`
        : why;
      this.#o.log.error("qqbot gateway could not connect: {why}", { why: this.#state.lastError });
      return undefined;
    }
    this.#state.lastError = why;
    this.#o.log.info("qqbot gateway disconnected: {why}", { why });
    switch (end.kind) {
      case "reconnect":
      case "zombie":
        return this.#backoff.attempts === 1 ? 0 : next;
      case "invalid":
        if (!end.resumable) this.#forget();
        return this.#invalidDelay();
      case "closed":
        return this.#afterClose(end.code, next);
      default:
        return next;
    }
  }

  #afterClose(code: number, next: number): number {
    if (code === QQClose.INVALID_TOKEN) this.#o.invalidateToken();
    if (QQ_NEW_SESSION_CLOSE_CODES.has(code) || isInternalErrorClose(code)) this.#forget();
    return code === QQClose.RATE_LIMITED ? Math.max(next, RATE_LIMITED_CLOSE_WAIT_MS) : next;
  }
}
