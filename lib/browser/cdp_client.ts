/**
 * A thin Chrome DevTools Protocol client over the platform `WebSocket`: numbered commands with a
 * timeout each, events by method name, flattened target sessions (`sessionId` on the message).
 *
 * Why not `playwright-core` or `puppeteer-core`: what the gateway needs (status, tabs, navigate,
 * an accessibility snapshot, click/type, a screenshot) is a few dozen CDP commands, while either
 * library is megabytes of JavaScript that would load into the gateway on first use and sit on
 * its start path for the tool registry's schemas; they also bring their own launcher and
 * process handling, where the gateway must own the Chromium process itself (killed on stop).
 * This client is one file with no dependency.
 *
 * Bounds: at most `maxPending` commands in flight (the next one is refused), every command times
 * out, the connect times out, and a message longer than `maxMessageChars` closes the connection
 * (the platform WebSocket cannot cap a message before it is read, so the cap keeps it from being
 * parsed and from reaching callers; the peer is our own loopback Chromium). Nothing is queued:
 * events go straight to their listeners or are dropped.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import { errorMessage, OpenClawError } from "../errors.ts";

/** Options of {@linkcode CdpConnection.connect}. */
export interface CdpConnectionOptions {
  /** Timers for the connect and command timeouts. @default systemClock */
  clock?: Clock;
  /** How long the WebSocket handshake may take. @default 8000 */
  connectTimeoutMs?: number;
  /** Default timeout of one command. @default 30000 */
  commandTimeoutMs?: number;
  /** Largest message accepted, in characters. @default 16 MiB */
  maxMessageChars?: number;
  /** Commands in flight at once. @default 64 */
  maxPending?: number;
}

/** Per-command options. */
export interface CdpSendOptions {
  /** A flattened target session (`Target.attachToTarget` with `flatten: true`). */
  sessionId?: string;
  timeoutMs?: number;
  /** Aborts the wait (the command itself may still run in the browser). */
  signal?: AbortSignal;
}

/** A CDP event listener. */
export type CdpEventListener = (params: Record<string, unknown>, sessionId?: string) => void;

interface Pending {
  method: string;
  resolve(value: Record<string, unknown>): void;
  reject(err: unknown): void;
  timer: ReturnType<Clock["setTimeout"]>;
  cleanup(): void;
}

const DEFAULTS = {
  connectTimeoutMs: 8_000,
  commandTimeoutMs: 30_000,
  maxMessageChars: 16 * 1024 * 1024,
  maxPending: 64,
};

/** A failed CDP command or connection (`BROWSER_CDP_FAILED`, `BROWSER_CDP_TIMEOUT`). */
export class CdpError extends OpenClawError {
  constructor(code: "BROWSER_CDP_FAILED" | "BROWSER_CDP_TIMEOUT", message: string) {
    super(code, message);
    this.name = "CdpError";
  }
}

/** One CDP WebSocket (to a browser or a page endpoint). */
export class CdpConnection {
  readonly #ws: WebSocket;
  readonly #clock: Clock;
  readonly #commandTimeoutMs: number;
  readonly #maxMessageChars: number;
  readonly #maxPending: number;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<CdpEventListener>>();
  readonly #closeListeners = new Set<(reason: string) => void>();
  #nextId = 1;
  #closedReason: string | undefined;

  private constructor(ws: WebSocket, options: CdpConnectionOptions) {
    this.#ws = ws;
    this.#clock = options.clock ?? systemClock;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
    this.#maxMessageChars = options.maxMessageChars ?? DEFAULTS.maxMessageChars;
    this.#maxPending = options.maxPending ?? DEFAULTS.maxPending;
    ws.onmessage = (e) => this.#onMessage(e.data);
    ws.onclose = (e) =>
      this.#shutdown(`CDP connection closed (${e.code}${e.reason ? ` ${e.reason}` : ""})`);
    ws.onerror = () => this.#shutdown("CDP connection failed");
  }

  /**
   * Opens a CDP WebSocket.
   *
   * @param url `ws://127.0.0.1:<port>/devtools/browser/<id>` (from `/json/version`) or a page's.
   * @throws {CdpError} `BROWSER_CDP_TIMEOUT` when the handshake takes longer than
   *   `connectTimeoutMs`, `BROWSER_CDP_FAILED` when it fails.
   */
  static connect(url: string, options: CdpConnectionOptions = {}): Promise<CdpConnection> {
    const clock = options.clock ?? systemClock;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (err) {
        reject(
          new CdpError("BROWSER_CDP_FAILED", `Cannot open CDP WebSocket: ${errorMessage(err)}`),
        );
        return;
      }
      const timer = clock.setTimeout(() => {
        done();
        try {
          ws.close();
        } catch { /* already closing */ }
        reject(
          new CdpError(
            "BROWSER_CDP_TIMEOUT",
            `CDP WebSocket handshake did not complete within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clock.clearTimeout(timer);
        ws.onopen = ws.onerror = ws.onclose = null;
      };
      ws.onopen = () => {
        done();
        resolve(new CdpConnection(ws, options));
      };
      ws.onerror = ws.onclose = () => {
        done();
        reject(new CdpError("BROWSER_CDP_FAILED", `CDP WebSocket to ${redactWsUrl(url)} failed`));
      };
    });
  }

  /** True once the connection is closed (by either side). */
  get closed(): boolean {
    return this.#closedReason !== undefined;
  }

  /**
   * Sends a command and resolves with its `result`.
   *
   * @throws {CdpError} `BROWSER_CDP_FAILED` for a CDP error answer (`<method>: <message>`), a
   *   closed connection or too many commands in flight; `BROWSER_CDP_TIMEOUT` on timeout.
   */
  send<T = Record<string, unknown>>(
    method: string,
    params?: Record<string, unknown>,
    options: CdpSendOptions = {},
  ): Promise<T> {
    if (this.#closedReason !== undefined) {
      return Promise.reject(new CdpError("BROWSER_CDP_FAILED", `${method}: ${this.#closedReason}`));
    }
    if (this.#pending.size >= this.#maxPending) {
      return Promise.reject(
        new CdpError(
          "BROWSER_CDP_FAILED",
          `${method}: ${this.#maxPending} CDP commands already in flight`,
        ),
      );
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const id = this.#nextId++;
    const timeoutMs = options.timeoutMs ?? this.#commandTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => settle(() => reject(options.signal?.reason));
      const settle = (fn: () => void) => {
        const p = this.#pending.get(id);
        if (!p) return;
        this.#pending.delete(id);
        p.cleanup();
        fn();
      };
      const timer = this.#clock.setTimeout(
        () =>
          settle(() =>
            reject(
              new CdpError("BROWSER_CDP_TIMEOUT", `${method} timed out after ${timeoutMs} ms`),
            )
          ),
        timeoutMs,
      );
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.set(id, {
        method,
        resolve: (v) => settle(() => resolve(v as T)),
        reject: (e) => settle(() => reject(e)),
        timer,
        cleanup: () => {
          this.#clock.clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
        },
      });
      const message: Record<string, unknown> = { id, method };
      if (params !== undefined) message.params = params;
      if (options.sessionId) message.sessionId = options.sessionId;
      try {
        this.#ws.send(JSON.stringify(message));
      } catch (err) {
        settle(() => reject(new CdpError("BROWSER_CDP_FAILED", `${method}: ${errorMessage(err)}`)));
      }
    });
  }

  /** Listens to an event (`Page.loadEventFired`, ...). Returns the function that stops it. */
  on(method: string, listener: CdpEventListener): () => void {
    let set = this.#listeners.get(method);
    if (!set) this.#listeners.set(method, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(method);
    };
  }

  /**
   * Resolves with the params of the next `method` event (of `sessionId`, when given) that
   * passes `predicate`. Subscribe before sending the command that causes it.
   *
   * @returns A promise and a cancel function (which rejects nothing; it only stops listening).
   */
  nextEvent(
    method: string,
    options: {
      sessionId?: string;
      predicate?: (params: Record<string, unknown>) => boolean;
      timeoutMs: number;
    },
  ): { promise: Promise<Record<string, unknown>>; cancel(): void } {
    let cancel = () => {};
    const promise = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        stop();
        reject(
          new CdpError(
            "BROWSER_CDP_TIMEOUT",
            `${method} did not arrive within ${options.timeoutMs} ms`,
          ),
        );
      }, options.timeoutMs);
      const off = this.on(method, (params, sessionId) => {
        if (options.sessionId !== undefined && sessionId !== options.sessionId) return;
        if (options.predicate && !options.predicate(params)) return;
        stop();
        resolve(params);
      });
      const offClose = this.onClose((reason) => {
        stop();
        reject(new CdpError("BROWSER_CDP_FAILED", `${method}: ${reason}`));
      });
      const stop = () => {
        this.#clock.clearTimeout(timer);
        off();
        offClose();
      };
      cancel = stop;
    });
    return { promise, cancel: () => cancel() };
  }

  /** Calls `listener` once when the connection closes. Returns the function that removes it. */
  onClose(listener: (reason: string) => void): () => void {
    if (this.#closedReason !== undefined) {
      listener(this.#closedReason);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Closes the connection; commands in flight fail. */
  close(): void {
    this.#shutdown("CDP connection closed");
    try {
      this.#ws.close();
    } catch { /* already closed */ }
  }

  #onMessage(data: unknown): void {
    if (typeof data !== "string") return;
    if (data.length > this.#maxMessageChars) {
      this.#shutdown(`CDP message larger than ${this.#maxMessageChars} characters`);
      try {
        this.#ws.close();
      } catch { /* closing */ }
      return;
    }
    let msg: {
      id?: unknown;
      method?: unknown;
      params?: unknown;
      result?: unknown;
      error?: unknown;
      sessionId?: unknown;
    };
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg !== "object" || msg === null) return;
    if (typeof msg.id === "number") {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      if (msg.error && typeof msg.error === "object") {
        const e = msg.error as { message?: unknown; data?: unknown };
        const detail = typeof e.data === "string" ? ` (${e.data})` : "";
        p.reject(new CdpError("BROWSER_CDP_FAILED", `${p.method}: ${String(e.message)}${detail}`));
      } else {
        p.resolve(isRecord(msg.result) ? msg.result : {});
      }
      return;
    }
    if (typeof msg.method !== "string") return;
    const listeners = this.#listeners.get(msg.method);
    if (!listeners) return;
    const params = isRecord(msg.params) ? msg.params : {};
    const sessionId = typeof msg.sessionId === "string" ? msg.sessionId : undefined;
    for (const l of [...listeners]) {
      try {
        l(params, sessionId);
      } catch { /* a listener's bug must not break the connection */ }
    }
  }

  #shutdown(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    for (const p of [...this.#pending.values()]) {
      p.reject(new CdpError("BROWSER_CDP_FAILED", `${p.method}: ${reason}`));
    }
    for (const l of [...this.#closeListeners]) {
      try {
        l(reason);
      } catch { /* ignore */ }
    }
    this.#closeListeners.clear();
    this.#listeners.clear();
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A WebSocket URL without its path (browser ids are not secrets, but user info could be). */
export function redactWsUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(invalid URL)";
  }
}
