/**
 * The dashboard's gateway connection: waits for `connect.challenge`, signs and sends `connect`,
 * keeps the device token from `hello-ok`, then carries requests (bounded, each with a timeout)
 * and fans events out to listeners. It reconnects by itself: every few seconds while pairing is
 * pending (the page connects once the operator approves), with backoff (1 s doubling to 30 s)
 * after a drop or a restart, and not at all when the user must fix something (token, browser).
 *
 * The socket and timers are injected, so tests drive it without a browser.
 *
 * @module
 */
import { buildConnectParams } from "./connect_params.ts";
import {
  type ConnectProblem,
  describeConnectError,
  describeNetworkFailure,
  type WireError,
} from "./connect_errors.ts";
import type { CredentialStore } from "./credentials.ts";
import type { BrowserIdentity, PayloadSigner } from "./identity.ts";
import { randomId } from "./bytes.ts";

/** The part of `WebSocket` the client uses. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** The `hello-ok` fields the dashboard reads. */
export interface Hello {
  server: { version: string; connId: string };
  features: { methods: string[]; events: string[] };
  snapshot: Record<string, unknown>;
  auth: {
    role: string;
    scopes: string[];
    method?: string;
    deviceToken?: string;
    issuedAtMs?: number;
  };
  policy: { tickIntervalMs: number };
}

/** Where the connection stands. */
export type ConnectionPhase = "connecting" | "connected" | "pairing" | "retrying" | "failed";

/** A snapshot for the UI. */
export interface ConnectionState {
  phase: ConnectionPhase;
  hello?: Hello;
  problem?: ConnectProblem;
  /** When the next attempt starts (epoch ms), while retrying or pairing. */
  nextAttemptAt?: number;
}

/** A method's failure (`res` with `ok:false`). */
export class RpcError extends Error {
  readonly code: string;
  readonly details: unknown;
  readonly retryAfterMs?: number;
  constructor(error: WireError) {
    super(error.message);
    this.name = "RpcError";
    this.code = error.code;
    this.details = error.details;
    this.retryAfterMs = error.retryAfterMs;
  }
}

/** Options of {@linkcode GatewayClient}. */
export interface GatewayClientOptions {
  url: string;
  openSocket(url: string): SocketLike;
  identity: BrowserIdentity;
  sign: PayloadSigner;
  credentials: CredentialStore;
  version: string;
  locale?: string;
  userAgent?: string;
  timeZone?: string;
  /** @default globalThis timers and Date.now (tests pass a FakeClock) */
  timers?: Timers;
}

/** The clock the client schedules with. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

/** Requests waiting for an answer at most; one more is refused at once. */
export const MAX_PENDING_REQUESTS = 256;
/** A request with no answer after this long fails. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Waiting for `connect.challenge` longer than this closes the socket (protocol.md §4.1). */
export const CHALLENGE_TIMEOUT_MS = 15_000;
/** Pause between attempts while pairing is pending. */
export const PAIRING_RETRY_MS = 3_000;
const BACKOFF_START_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: unknown;
}

type Listener = (payload: unknown, event: string) => void;

/** One dashboard connection to one gateway. */
export class GatewayClient {
  #opts: GatewayClientOptions;
  #timers: Timers;
  #socket?: SocketLike;
  #state: ConnectionState = { phase: "connecting" };
  #stateListeners = new Set<(s: ConnectionState) => void>();
  #listeners = new Map<string, Set<Listener>>();
  #pending = new Map<string, Pending>();
  #connectId?: string;
  #seq = 0;
  #backoff = BACKOFF_START_MS;
  #retryTimer?: unknown;
  #watchdog?: unknown;
  #stopped = false;
  #retriedDeviceToken = false;

  constructor(options: GatewayClientOptions) {
    this.#opts = options;
    this.#timers = options.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (id) => clearTimeout(id as number),
      now: () => Date.now(),
    };
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** This browser's device id. */
  get deviceId(): string {
    return this.#opts.identity.deviceId;
  }

  /** True when the gateway advertises `method` (`hello-ok.features.methods`). */
  has(method: string): boolean {
    return this.#state.hello?.features.methods.includes(method) ?? false;
  }

  /** Opens the connection (again). */
  start(): void {
    this.#stopped = false;
    this.#open();
  }

  /** Closes the connection and stops retrying. */
  stop(): void {
    this.#stopped = true;
    this.#clearRetry();
    this.#socket?.close(1000, "dashboard closed");
  }

  /** Skips the wait before the next attempt ("Check now"). */
  retryNow(): void {
    if (this.#state.phase === "connected") return;
    this.#clearRetry();
    this.#socket?.close(1000, "retry");
    this.#open();
  }

  /** Calls `fn` on every state change; returns the unsubscribe function. */
  onState(fn: (s: ConnectionState) => void): () => void {
    this.#stateListeners.add(fn);
    return () => this.#stateListeners.delete(fn);
  }

  /** Calls `fn` for each `event` frame named `event` (`*` for all); returns the unsubscribe. */
  on(event: string, fn: Listener): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, set = new Set());
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Sends a request; resolves with its payload, rejects with {@linkcode RpcError} or a timeout. */
  request<T = unknown>(
    method: string,
    params: unknown = {},
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<T> {
    const socket = this.#socket;
    if (!socket || this.#state.phase !== "connected") {
      return Promise.reject(new Error("not connected to the gateway"));
    }
    if (this.#pending.size >= MAX_PENDING_REQUESTS) {
      return Promise.reject(new Error("too many requests waiting for the gateway"));
    }
    const id = `${++this.#seq}:${randomId()}`;
    return new Promise<T>((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method} timed out after ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ type: "req", id, method, params }));
    });
  }

  #setState(next: ConnectionState): void {
    this.#state = next;
    for (const fn of this.#stateListeners) fn(next);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #open(): void {
    if (this.#stopped) return;
    const { url } = this.#opts;
    let socket: SocketLike;
    try {
      socket = this.#opts.openSocket(url);
    } catch {
      this.#scheduleRetry(describeNetworkFailure(url));
      return;
    }
    this.#socket = socket;
    this.#connectId = undefined;
    let refused: ConnectProblem | undefined;
    this.#setState({
      ...this.#state,
      phase: this.#state.phase === "pairing" ? "pairing" : "connecting",
    });
    this.#arm(CHALLENGE_TIMEOUT_MS, socket, "connect challenge timeout");
    socket.onmessage = (ev) => {
      if (socket !== this.#socket) return;
      const tick = this.#state.hello?.policy.tickIntervalMs;
      if (tick) this.#arm(tick * 2, socket, "tick timeout", 4000);
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (frame.type === "event") this.#onEvent(socket, frame);
      else if (frame.type === "res") {
        const problem = this.#onResponse(frame);
        if (problem) refused = problem;
      }
    };
    socket.onerror = () => {};
    socket.onclose = (ev) => {
      if (socket !== this.#socket) return;
      this.#disarm();
      this.#socket = undefined;
      for (const [id, p] of this.#pending) {
        this.#timers.clearTimeout(p.timer);
        p.reject(new Error("connection to the gateway closed"));
        this.#pending.delete(id);
      }
      if (this.#stopped) return;
      if (refused) return this.#afterRefusal(refused);
      const wasConnected = this.#state.phase === "connected";
      if (wasConnected) this.#backoff = BACKOFF_START_MS;
      this.#scheduleRetry(describeNetworkFailure(url, ev.code, ev.reason));
    };
  }

  #arm(ms: number, socket: SocketLike, reason: string, code = 1008): void {
    this.#disarm();
    this.#watchdog = this.#timers.setTimeout(() => socket.close(code, reason), ms);
  }

  #disarm(): void {
    if (this.#watchdog !== undefined) this.#timers.clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
  }

  #onEvent(socket: SocketLike, frame: Record<string, unknown>): void {
    const name = String(frame.event);
    if (name === "connect.challenge" && this.#connectId === undefined) {
      void this.#sendConnect(socket, frame.payload as { nonce?: unknown; ts?: unknown });
      return;
    }
    for (const key of [name, "*"]) {
      for (const fn of this.#listeners.get(key) ?? []) {
        try {
          fn(frame.payload, name);
        } catch (err) {
          console.error(`listener for ${name} failed`, err);
        }
      }
    }
  }

  async #sendConnect(
    socket: SocketLike,
    challenge: { nonce?: unknown; ts?: unknown },
  ): Promise<void> {
    const { nonce, ts } = challenge ?? {};
    if (typeof nonce !== "string" || !nonce || typeof ts !== "number" || ts < 0) {
      socket.close(1008, "connect challenge missing nonce");
      return;
    }
    const o = this.#opts;
    const id = `connect:${randomId()}`;
    this.#connectId = id;
    const params = await buildConnectParams({
      identity: o.identity,
      sign: o.sign,
      challenge: { nonce, ts },
      credentials: o.credentials.forConnect(o.identity.deviceId),
      version: o.version,
      locale: o.locale,
      userAgent: o.userAgent,
      timeZone: o.timeZone,
    });
    if (socket === this.#socket) {
      socket.send(JSON.stringify({ type: "req", id, method: "connect", params }));
    }
  }

  /** Handles a `res`; returns the problem when it refused `connect`. */
  #onResponse(frame: Record<string, unknown>): ConnectProblem | undefined {
    const id = String(frame.id);
    if (id === this.#connectId) {
      this.#connectId = `${id}:done`;
      if (frame.ok === true) {
        this.#onHello(frame.payload as Hello);
        return undefined;
      }
      return describeConnectError(frame.error as WireError);
    }
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    const payload = frame.payload as { status?: unknown } | undefined;
    // Two-phase answers keep the request open until the final one (protocol.md §3.2).
    if (frame.ok === true && payload?.status === "accepted") return undefined;
    this.#pending.delete(id);
    this.#timers.clearTimeout(pending.timer);
    if (frame.ok === true) pending.resolve(frame.payload);
    else pending.reject(new RpcError(frame.error as WireError));
    return undefined;
  }

  #onHello(hello: Hello): void {
    const { identity, credentials } = this.#opts;
    if (hello.auth?.deviceToken) {
      credentials.saveDeviceToken(identity.deviceId, hello.auth.role, {
        token: hello.auth.deviceToken,
        scopes: hello.auth.scopes,
        issuedAtMs: hello.auth.issuedAtMs,
      });
    }
    this.#backoff = BACKOFF_START_MS;
    this.#retriedDeviceToken = false;
    this.#setState({ phase: "connected", hello });
    const tick = hello.policy?.tickIntervalMs;
    if (tick && this.#socket) this.#arm(tick * 2, this.#socket, "tick timeout", 4000);
  }

  #afterRefusal(problem: ConnectProblem): void {
    const { identity, credentials } = this.#opts;
    // A stale device token (device removed or rotated): forget it and try once without it.
    if (problem.detailCode === "AUTH_DEVICE_TOKEN_MISMATCH" && !this.#retriedDeviceToken) {
      this.#retriedDeviceToken = true;
      credentials.clearDeviceToken(identity.deviceId);
      this.#open();
      return;
    }
    if (problem.retry === "pairing") {
      const nextAttemptAt = this.#timers.now() + PAIRING_RETRY_MS;
      this.#setState({ phase: "pairing", problem, nextAttemptAt });
      this.#retryTimer = this.#timers.setTimeout(() => this.#open(), PAIRING_RETRY_MS);
      return;
    }
    if (problem.retry === "backoff") return this.#scheduleRetry(problem);
    this.#setState({ phase: "failed", problem });
  }

  #scheduleRetry(problem: ConnectProblem): void {
    if (this.#stopped) return;
    const wait = Math.max(this.#backoff, Math.min(problem.retryAfterMs ?? 0, BACKOFF_MAX_MS));
    this.#backoff = Math.min(this.#backoff * 2, BACKOFF_MAX_MS);
    this.#setState({ phase: "retrying", problem, nextAttemptAt: this.#timers.now() + wait });
    this.#clearRetry();
    this.#retryTimer = this.#timers.setTimeout(() => this.#open(), wait);
  }
}
