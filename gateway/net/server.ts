/**
 * `serveHttp()`: the listener, the accept loop and the connection registry. The accept loop never
 * dies: every accept error (EMFILE/ENFILE at the descriptor limit, ECONNABORTED, ...) is counted,
 * logged at most once a second and retried with a doubling backoff from 10 ms to 1 s. Beyond
 * `maxConnections` open connections a new one is answered with a one-line 503 and closed.
 *
 * @module
 */
import { type ConnCounters, HttpConnection, type ServeHandler } from "./http_conn.ts";
import { closingResponse } from "./http_status.ts";
import { type NetConn, writeThenClose } from "./io.ts";
import { type HttpLimits, resolveHttpLimits } from "./limits.ts";
import { attachSocket, type ServerWebSocket, shutdownSocket } from "./ws_socket.ts";
import { clearTimer, setTimer, type TimerHandle } from "../../lib/timers.ts";

/** Options of {@linkcode serveHttp}. */
export interface ServeHttpOptions {
  /** Interface to bind. Default "127.0.0.1". */
  hostname?: string;
  /** Port to bind; 0 picks a free one (see `addr`). */
  port: number;
  /** Aborting it closes the listener and every connection (like `shutdown()`). */
  signal?: AbortSignal;
  /** Answers requests. */
  handler: ServeHandler;
  /** Renders the response when the handler throws. Default: a bare JSON 500. */
  onError?: (err: unknown) => Response | Promise<Response>;
  /** Receives rate-limited warnings (accept errors, handler errors without `onError`). */
  log?: { warn(msg: string): void };
  /** Limits; see {@linkcode HttpLimits} for the defaults. */
  limits?: Partial<HttpLimits>;
}

/** Counters of a running server (a snapshot). */
export interface ServeHttpStats extends ConnCounters {
  /** Connections open now (HTTP and WebSocket). */
  open: number;
  /** WebSocket connections open now. */
  webSockets: number;
  /** Connections accepted since start (refused ones excluded). */
  accepted: number;
  /** Connections refused because `maxConnections` were open. */
  refused: number;
  /** Failed `accept()` calls (descriptor exhaustion and the like). */
  acceptErrors: number;
}

/** A running server. */
export interface HttpServer {
  /** The bound address (the real port when 0 was asked). */
  readonly addr: Deno.NetAddr;
  /** Resolves once the listener and every connection are closed. */
  readonly finished: Promise<void>;
  /** Closes the listener and every connection; resolves like `finished`. */
  shutdown(): Promise<void>;
  /** Current counters. */
  stats(): ServeHttpStats;
}

const BACKOFF_MIN_MS = 10;
const BACKOFF_MAX_MS = 1_000;
const REFUSAL = closingResponse(503);

/**
 * Starts an HTTP/1.1 server on `Deno.listen`. Binding errors (`Deno.errors.AddrInUse`,
 * `Deno.errors.PermissionDenied`, ...) are thrown synchronously, as by `Deno.listen`.
 */
export function serveHttp(options: ServeHttpOptions): HttpServer {
  const limits = resolveHttpLimits(options.limits);
  const listener = Deno.listen({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port,
    transport: "tcp",
  });
  return new Server(listener, limits, options);
}

class Server implements HttpServer {
  readonly addr: Deno.NetAddr;
  readonly finished: Promise<void>;
  #listener: Deno.TcpListener;
  #limits: HttpLimits;
  #options: ServeHttpOptions;
  #closing = false;
  #acceptDone = false;
  #resolveFinished!: () => void;
  #conns = new Set<HttpConnection>();
  #sockets = new Set<ServerWebSocket>();
  #open = 0;
  #accepted = 0;
  #refused = 0;
  #acceptErrors = 0;
  #lastAcceptLog = 0;
  #suppressedAcceptLogs = 0;
  #backoffTimer: TimerHandle | undefined;
  #wakeBackoff: (() => void) | undefined;
  #counters: ConnCounters = {
    requests: 0,
    badRequests: 0,
    timedOut: 0,
    idleClosed: 0,
    handlerErrors: 0,
    upgraded: 0,
  };

  constructor(listener: Deno.TcpListener, limits: HttpLimits, options: ServeHttpOptions) {
    this.#listener = listener;
    this.#limits = limits;
    this.#options = options;
    this.addr = listener.addr as Deno.NetAddr;
    this.finished = new Promise((resolve) => this.#resolveFinished = resolve);
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) queueMicrotask(() => this.#close());
      else {
        signal.addEventListener("abort", this.#onAbort, { once: true });
        this.#signal = signal;
      }
    }
    void this.#acceptLoop();
  }

  stats(): ServeHttpStats {
    return {
      ...this.#counters,
      open: this.#open,
      webSockets: this.#sockets.size,
      accepted: this.#accepted,
      refused: this.#refused,
      acceptErrors: this.#acceptErrors,
    };
  }

  shutdown(): Promise<void> {
    this.#close();
    return this.finished;
  }

  #signal: AbortSignal | undefined;
  #onAbort = (): void => this.#close();

  #close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    clearTimer(this.#backoffTimer);
    this.#wakeBackoff?.();
    for (const c of this.#conns) c.close();
    for (const s of this.#sockets) shutdownSocket(s);
    this.#checkFinished();
  }

  #checkFinished(): void {
    if (this.#closing && this.#acceptDone && this.#open === 0) this.#resolveFinished();
  }

  async #acceptLoop(): Promise<void> {
    let backoff = 0;
    while (!this.#closing) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch (err) {
        if (this.#closing || err instanceof Deno.errors.BadResource) break;
        this.#acceptErrors++;
        backoff = backoff === 0 ? BACKOFF_MIN_MS : Math.min(backoff * 2, BACKOFF_MAX_MS);
        this.#logAcceptError(err, backoff);
        await new Promise<void>((resolve) => {
          this.#wakeBackoff = resolve;
          this.#backoffTimer = setTimer(resolve, backoff);
        });
        this.#backoffTimer = this.#wakeBackoff = undefined;
        continue;
      }
      backoff = 0;
      if (this.#closing) {
        conn.close();
        break;
      }
      if (this.#open >= this.#limits.maxConnections) {
        this.#refused++;
        void writeThenClose(conn, REFUSAL, 100);
        continue;
      }
      this.#accepted++;
      this.#open++;
      this.#serveConn(conn);
    }
    this.#acceptDone = true;
    this.#checkFinished();
  }

  #logAcceptError(err: unknown, backoff: number): void {
    const now = Date.now();
    if (now - this.#lastAcceptLog < 1_000) {
      this.#suppressedAcceptLogs++;
      return;
    }
    const more = this.#suppressedAcceptLogs > 0
      ? ` (${this.#suppressedAcceptLogs} more since the last report)`
      : "";
    this.#suppressedAcceptLogs = 0;
    this.#lastAcceptLog = now;
    this.#options.log?.warn(`accept failed: ${String(err)}${more}; retrying in ${backoff} ms`);
  }

  #serveConn(conn: Deno.TcpConn): void {
    try {
      conn.setNoDelay(true);
    } catch {
      // not TCP, or already reset
    }
    // deno-lint-ignore no-this-alias
    const server = this;
    let upgraded = false;
    const http = new HttpConnection(conn, {
      limits: this.#limits,
      handler: this.#options.handler,
      onError: this.#options.onError,
      log: this.#options.log,
      counters: this.#counters,
      get closing() {
        return server.#closing;
      },
      adopt: (socket, raw, head) => {
        // The connection's slot passes on to the socket and is released when it closes.
        upgraded = true;
        this.#adopt(socket, raw, head);
      },
    });
    this.#conns.add(http);
    http.run().finally(() => {
      this.#conns.delete(http);
      if (!upgraded) this.#release();
    });
  }

  #adopt(socket: ServerWebSocket, conn: NetConn, head: Uint8Array): void {
    this.#sockets.add(socket);
    const log = this.#options.log;
    attachSocket(socket, conn, head, {
      onClosed: () => {
        this.#sockets.delete(socket);
        this.#release();
      },
      warn: log ? (msg) => log.warn(msg) : undefined,
    });
  }

  #release(): void {
    this.#open--;
    this.#checkFinished();
  }
}
