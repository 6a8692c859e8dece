/**
 * Keeps a Discord gateway session alive across connections and makes sure no message is lost.
 *
 * **Committed sequence.** Dispatches are handled one at a time, in order, and the handler is
 * awaited (for `MESSAGE_CREATE` that means: journaled). Only then does the *committed* sequence
 * move past the dispatch. RESUME and heartbeats carry the committed sequence, so after a handler
 * failure, a dropped connection or a crash with a saved resume state, Discord replays everything
 * the journal has not stored (the journal drops duplicates by message id).
 *
 * **Reconnects.** op 7 and a zombie connection resume at once (the next try waits); a close or
 * timeout resumes after backoff; op 9 waits 1-5 s and resumes when Discord says it may, else
 * identifies anew; a close code that reconnecting cannot fix (bad token, bad intents) stops the
 * loop with the reason. Close 4014 (privileged intent not allowed) retries once without the
 * privileged intents, so DMs and mentions keep working while status says which toggle is off.
 * Before the first READY, a failure stops the loop and `ready` rejects: the caller retries.
 *
 * **Bounds.** At most `maxQueuedDispatches` dispatches wait for the handler; past that the
 * connection is dropped and resumed later (Discord keeps them for replay).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { AbortedError, Backoff, type BackoffOptions, sleep } from "../retry.ts";
import type { DiscordLogger } from "./_log.ts";
import { GatewayClose, GatewayIntent } from "./constants.ts";
import { type Dispatch, GatewaySession, type SessionEnd } from "./gateway_session.ts";
import type { Ready } from "./schemas.ts";
import { gatewaySocketUrl } from "./urls.ts";

/** What is needed to resume a session (persist it to resume after a restart). */
export interface ResumeState {
  sessionId: string;
  resumeUrl: string;
  /** The committed sequence. */
  seq: number;
  /** The bot user id of the session. */
  botId: string;
  /** The intents the session was identified with. */
  intents: number;
}

/** Options of {@linkcode GatewayClient}. */
export interface GatewayClientOptions {
  token: string;
  /** Intents to identify with. */
  intents: number;
  clock: Clock;
  random: () => number;
  log: DiscordLogger;
  /** Returns the gateway URL (`GET /gateway/bot`). */
  discover(signal: AbortSignal): Promise<string>;
  /** Handles one dispatch; awaited before the sequence is committed. Rejecting = not stored. */
  onDispatch(t: string, d: unknown): Promise<void>;
  /** A session was identified (bot user, application flags). */
  onReady?(ready: Ready): void;
  /** The committed sequence moved (for persisting {@linkcode ResumeState}). */
  onCommit?(state: ResumeState): void;
  /** Resume this session first (from a saved state). */
  resume?: ResumeState;
  /** @default 512 */
  maxQueuedDispatches?: number;
  backoff?: BackoffOptions;
  /** How long a stopping session waits for the dispatch in flight. @default 10000 */
  drainTimeoutMs?: number;
  /**
   * On stop, close with 4000 so the session stays resumable (for a resume store: the next
   * process resumes and Discord replays what this one had not stored). @default false
   */
  keepSessionOnStop?: boolean;
}

interface Queued {
  dispatch: Dispatch;
  /** The connection it came on: only the current one's sequence is committed. */
  session: GatewaySession;
}

/** The loop's state, for status. */
export interface GatewayClientState {
  running: boolean;
  connected: boolean;
  sessionId?: string;
  seq: number | null;
  lastConnectedAt?: number;
  reconnectAttempts: number;
  lastError?: string;
  heartbeatLatencyMs?: number;
  /** Intents identified with (after a 4014 downgrade, fewer than asked). */
  intents: number;
}

const PRIVILEGED_BITS = GatewayIntent.MESSAGE_CONTENT | GatewayIntent.GUILD_MEMBERS |
  GatewayIntent.GUILD_PRESENCES;

function describeEnd(end: SessionEnd): string {
  switch (end.kind) {
    case "reconnect":
      return "Discord asked to reconnect (op 7)";
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
export class GatewayClient {
  readonly #o: GatewayClientOptions;
  readonly #backoff: Backoff;
  readonly #state: GatewayClientState;
  #resume?: { sessionId: string; resumeUrl: string };
  #botId?: string;
  #fromSaved = false;
  #downgraded = false;
  #everReady = false;
  #session?: GatewaySession;
  readonly #queue: Queued[] = [];
  #pump?: Promise<void>;
  #readyResolve!: () => void;
  #readyReject!: (err: Error) => void;
  /** Resolves on the first READY or RESUMED; rejects when the loop ends before. */
  readonly ready: Promise<void>;

  /** @param options Token, intents, callbacks (see {@linkcode GatewayClientOptions}). */
  constructor(options: GatewayClientOptions) {
    this.#o = options;
    this.#backoff = new Backoff({ random: options.random, ...options.backoff });
    this.#state = {
      running: false,
      connected: false,
      seq: null,
      reconnectAttempts: 0,
      intents: options.intents,
    };
    this.ready = new Promise((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.ready.catch(() => {}); // observed by connect(); never an unhandled rejection
    const saved = options.resume;
    if (saved && saved.intents === options.intents) {
      this.#resume = { sessionId: saved.sessionId, resumeUrl: saved.resumeUrl };
      this.#state.seq = saved.seq;
      this.#botId = saved.botId;
      this.#fromSaved = true;
    }
  }

  /** A copy of the loop's state. */
  get state(): GatewayClientState {
    return { ...this.#state, heartbeatLatencyMs: this.#session?.latencyMs };
  }

  /** The bot's user id once known. */
  get botId(): string | undefined {
    return this.#botId;
  }

  /** Resolves when the current socket has closed. */
  get socketClosed(): Promise<void> {
    return this.#session?.socketClosed ?? Promise.resolve();
  }

  /**
   * Runs until `signal` aborts or a failure that reconnecting cannot fix.
   *
   * @param signal Stops the loop (the socket closes with 1000, ending the session, or with 4000
   *   under `keepSessionOnStop`).
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
    const resume = this.#resume && this.#state.seq !== null ? this.#resume : undefined;
    let url: string;
    try {
      url = gatewaySocketUrl(resume ? resume.resumeUrl : await this.#o.discover(signal));
    } catch (err) {
      if (signal.aborted) return { kind: "aborted" };
      const reason = err instanceof Error ? err.message : String(err);
      return { kind: "closed", code: 0, reason, resumable: true, fatal: false };
    }
    if (!resume) this.#state.seq = null;
    const session = new GatewaySession({
      url,
      token: this.#o.token,
      intents: this.#state.intents,
      resume: resume ? { sessionId: resume.sessionId, seq: this.#state.seq ?? 0 } : undefined,
      clock: this.#o.clock,
      random: this.#o.random,
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

  #onReady(ready: Ready): void {
    this.#resume = { sessionId: ready.session_id, resumeUrl: ready.resume_gateway_url };
    this.#botId = ready.user.id;
    this.#state.sessionId = ready.session_id;
    this.#o.onReady?.(ready);
    this.#onConnected("ready");
  }

  #onConnected(how: "ready" | "resumed"): void {
    this.#state.connected = true;
    this.#state.lastConnectedAt = this.#o.clock.now();
    this.#state.lastError = undefined;
    this.#state.sessionId = this.#resume?.sessionId;
    this.#backoff.reset();
    this.#state.reconnectAttempts = 0;
    this.#everReady = true;
    this.#fromSaved = false;
    this.#o.log.info(`discord gateway ${how === "ready" ? "connected" : "resumed"}`, {
      sessionId: this.#resume?.sessionId,
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
          await this.#o.onDispatch(dispatch.t, dispatch.d);
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          this.#o.log.warn("discord {event} not stored ({error}); resuming so Discord replays it", {
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
    if (this.#resume && this.#botId) {
      this.#o.onCommit?.({
        sessionId: this.#resume.sessionId,
        resumeUrl: this.#resume.resumeUrl,
        seq,
        botId: this.#botId,
        intents: this.#state.intents,
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
    this.#resume = undefined;
    this.#state.seq = null;
    this.#state.sessionId = undefined;
  }

  /** Returns the wait before the next try, or `undefined` to stop. */
  #decide(end: SessionEnd): number | undefined {
    const why = describeEnd(end);
    const next = this.#backoff.next();
    if (!this.#everReady && this.#fromSaved) {
      // A saved session that cannot be resumed is simply stale: identify anew.
      this.#o.log.info("discord saved session not resumable ({why}); identifying", { why });
      this.#fromSaved = false;
      this.#forget();
      return end.kind === "invalid" ? 1000 + Math.floor(this.#o.random() * 4000) : 0;
    }
    if (end.kind === "closed" && end.fatal) return this.#fatal(end.code, why);
    if (!this.#everReady && (end.kind === "closed" || end.kind === "timeout")) {
      this.#state.lastError = why;
      this.#o.log.error("discord gateway could not connect: {why}", { why });
      return undefined;
    }
    this.#state.lastError = why;
    this.#o.log.info("discord gateway disconnected: {why}", { why });
    switch (end.kind) {
      case "reconnect":
      case "zombie":
        return this.#backoff.attempts === 1 ? 0 : next;
      case "invalid":
        if (!end.resumable) this.#forget();
        return 1000 + Math.floor(this.#o.random() * 4000);
      case "closed":
        if (!end.resumable) this.#forget();
        return next;
      default:
        return next;
    }
  }

  #fatal(code: number, why: string): number | undefined {
    if (code === GatewayClose.DISALLOWED_INTENTS && !this.#downgraded) {
      this.#downgraded = true;
      this.#state.intents &= ~PRIVILEGED_BITS;
      this.#forget();
      this.#state.lastError = `${why}: a privileged intent is not enabled for the application; ` +
        "connecting without privileged intents";
      this.#o.log.error("discord {error}", { error: this.#state.lastError });
      return 0;
    }
    this.#state.lastError = code === GatewayClose.AUTHENTICATION_FAILED
      ? `Discord rejected the bot token (${why})`
      : why;
    this.#o.log.error("discord gateway stopped: {error}", { error: this.#state.lastError });
    return undefined;
  }
}
