/**
 * One HTTP/1.1 connection: reads request heads under a deadline, builds `Request`s with
 * pull-based bodies, calls the handler, writes responses, keeps the connection alive between
 * sequential requests, and hands it over to a {@linkcode ServerWebSocket} on upgrade.
 *
 * Deadlines: the head of the first request must be complete `headerTimeoutMs` after accept, later
 * ones `headerTimeoutMs` after their first byte; between requests the connection may idle for
 * `keepAliveIdleMs`. Body reads and response writes each get a no-progress deadline.
 *
 * @module
 */
import { BodyDecoder } from "./http_body.ts";
import { HttpError, parseRequestHead, type RequestHead, scanHead } from "./http_head.ts";
import { type ResponseSink, sinkWrite, writeResponse } from "./http_response.ts";
import { closingResponse } from "./http_status.ts";
import { ConnReader } from "./conn_reader.ts";
import { ClientGone, ServerRequest } from "./client_gone.ts";
import { HeadHeaders } from "./head_headers.ts";
import { Deadline } from "./deadline.ts";
import { closeQuietly, encodeLatin1, type NetConn, writeThenClose } from "./io.ts";
import type { HttpLimits } from "./limits.ts";
import { allowUpgrade, type UpgradeSlot, upgradeSlotOf } from "./ws_upgrade.ts";
import { abortSocket, type ServerWebSocket } from "./ws_socket.ts";

/** Information passed to the handler with each request. */
export interface ServeHandlerInfo {
  /** The client's address. */
  remoteAddr: Deno.NetAddr;
  /**
   * Settles when the response is done: resolves once it was written completely (for an upgrade,
   * once the 101 was), rejects when the connection went away first (rejections are pre-handled,
   * so ignoring it is safe). Same shape as `Deno.ServeHandlerInfo`.
   */
  completed: Promise<void>;
}

/** A request handler. */
export type ServeHandler = (
  req: Request,
  info: ServeHandlerInfo,
) => Response | Promise<Response>;

/** Counters the connections update (owned by the server, reported by `stats()`). */
export interface ConnCounters {
  /** Requests whose head was parsed (and went to the handler). */
  requests: number;
  /** Requests refused before the handler (400, 414, 431, 505, ...). */
  badRequests: number;
  /** Connections closed by the header, body or write deadline. */
  timedOut: number;
  /** Keep-alive connections closed after idling. */
  idleClosed: number;
  /** Handler throws (and non-Response results). */
  handlerErrors: number;
  /** Connections handed to a WebSocket. */
  upgraded: number;
}

/** What a connection needs from its server. */
export interface ConnContext {
  limits: HttpLimits;
  handler: ServeHandler;
  onError?: (err: unknown) => Response | Promise<Response>;
  log?: { warn(msg: string): void };
  counters: ConnCounters;
  /** True once the server is shutting down. */
  readonly closing: boolean;
  /** Takes ownership of an upgraded connection. */
  adopt(socket: ServerWebSocket, conn: NetConn, head: Uint8Array): void;
}

const INITIAL_BUFFER = 8 * 1024;
const CONTINUE = encodeLatin1("HTTP/1.1 100 Continue\r\n\r\n");

function defaultErrorResponse(): Response {
  return new Response(JSON.stringify({ error: { message: "internal error" } }), {
    status: 500,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** Serves one accepted connection until it closes or is upgraded. */
export class HttpConnection {
  #conn: NetConn;
  #ctx: ConnContext;
  #reader: ConnReader;
  #readDeadline = new Deadline();
  #writeDeadline = new Deadline();
  #sink: ResponseSink;
  #remoteAddr: Deno.NetAddr;
  #closed = false;
  #closing: Promise<void> | undefined;
  #active: ClientGone | undefined;
  #upgraded = false;

  /** Wraps an accepted connection. */
  constructor(conn: NetConn, ctx: ConnContext) {
    this.#conn = conn;
    this.#ctx = ctx;
    const L = ctx.limits;
    this.#reader = new ConnReader(
      conn,
      INITIAL_BUFFER,
      L.maxRequestLineBytes + L.maxHeaderBytes + 8,
    );
    this.#remoteAddr = conn.remoteAddr as Deno.NetAddr;
    this.#sink = {
      conn,
      deadline: this.#writeDeadline,
      writeTimeoutMs: L.writeTimeoutMs,
      onWriteTimeout: () => {
        this.#ctx.counters.timedOut++;
        this.close();
      },
    };
  }

  /** Closes the connection now (server shutdown); the in-flight request's signal is aborted. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#active?.abort();
    closeQuietly(this.#conn);
  }

  /** Answers with a body-less `status` and closes (best effort, bounded). */
  #closeWith(status: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#active?.abort();
    this.#closing = writeThenClose(this.#conn, closingResponse(status), 1_000);
  }

  /** Runs the request loop; resolves when the connection is closed or upgraded. */
  async run(): Promise<void> {
    let first = true;
    try {
      while (!this.#closed && !this.#ctx.closing) {
        const head = await this.#readHead(first);
        if (head === null) break;
        first = false;
        this.#ctx.counters.requests++;
        const keep = await this.#serve(head);
        if (!keep || this.#upgraded) break;
        this.#reader.shrink(INITIAL_BUFFER);
      }
    } catch (err) {
      if (!this.#closed) this.#ctx.log?.warn(`http connection error: ${String(err)}`);
    } finally {
      this.#readDeadline.dispose();
      this.#writeDeadline.dispose();
      if (this.#closing) await this.#closing;
      if (!this.#upgraded) {
        this.#closed = true;
        closeQuietly(this.#conn);
      }
    }
  }

  #onHeaderTimeout = (): void => {
    this.#ctx.counters.timedOut++;
    this.#closeWith(408);
  };

  #onIdleTimeout = (): void => {
    this.#ctx.counters.idleClosed++;
    this.close();
  };

  #onBodyTimeout = (): void => {
    this.#ctx.counters.timedOut++;
    this.close();
  };

  /** Reads the next request head; null when the connection ended (or was answered and closed). */
  async #readHead(first: boolean): Promise<RequestHead | null> {
    const reader = this.#reader;
    const L = this.#ctx.limits;
    const deadline = this.#readDeadline;
    let inHead = first || reader.length > 0;
    if (inHead) deadline.arm(L.headerTimeoutMs, this.#onHeaderTimeout);
    else deadline.arm(L.keepAliveIdleMs, this.#onIdleTimeout);
    let scanned = 0;
    try {
      while (true) {
        let view = reader.view();
        // RFC 9112 §2.2: ignore empty lines before a request line.
        while (scanned === 0 && view.length >= 2 && view[0] === 13 && view[1] === 10) {
          reader.consume(2);
          view = reader.view();
        }
        if (view.length > 0) {
          if (!inHead) {
            inHead = true;
            deadline.arm(L.headerTimeoutMs, this.#onHeaderTimeout);
          }
          const end = scanHead(view, scanned, L);
          if (end > 0) {
            deadline.disarm();
            const head = parseRequestHead(view.subarray(0, end));
            reader.consume(end);
            return head;
          }
          scanned = view.length;
        }
        const n = await reader.fill();
        if (n === 0) {
          deadline.disarm();
          if (reader.length > 0) this.#reject(new HttpError(400, "incomplete request head"));
          return null;
        }
        if (n < 0) throw new HttpError(431, "request header too large");
      }
    } catch (err) {
      deadline.disarm();
      if (err instanceof HttpError) this.#reject(err);
      return null; // closed under us (timeout, shutdown) or reset by the peer
    }
  }

  #reject(err: HttpError): void {
    this.#ctx.counters.badRequests++;
    this.#closeWith(err.status);
  }

  /** Serves one request. Resolves true when the connection may carry another one. */
  async #serve(head: RequestHead): Promise<boolean> {
    const ctx = this.#ctx;
    const L = ctx.limits;
    const method = head.method;
    const upper = method.toUpperCase();
    // A WebSocket handshake gets a read-only view of the parsed fields (head_headers.ts says why),
    // and names the resource it asks for as a ws: URL (RFC 6455 §3), which Deno parses in Rust
    // where an http: one goes through a character-by-character check in JavaScript first.
    const wsHandshake = head.websocket && upper === "GET";
    const url = head.target.charCodeAt(0) === 47 /* / */
      ? `${wsHandshake ? "ws" : "http"}://${head.host ?? "localhost"}${head.target}`
      : head.target;
    const ac = new ClientGone();
    const hasBody = head.chunked || head.contentLength > 0;
    let continueSent = false;
    let responseStarted = false;
    let decoder: BodyDecoder | undefined;
    if (hasBody) {
      decoder = new BodyDecoder(
        {
          reader: this.#reader,
          deadline: this.#readDeadline,
          timeoutMs: L.bodyTimeoutMs,
          onTimeout: this.#onBodyTimeout,
          maxTrailerBytes: L.maxHeaderBytes,
          beforeFirstRead: head.expectContinue
            ? async () => {
              if (responseStarted || continueSent) return;
              continueSent = true;
              await sinkWrite(this.#sink, CONTINUE);
            }
            : undefined,
        },
        head.chunked ? -1 : head.contentLength,
        () => this.#watch(ac, head),
      );
    }
    const exposeBody = decoder !== undefined && upper !== "GET" && upper !== "HEAD";
    let req: Request;
    try {
      req = new ServerRequest(
        url,
        {
          method,
          headers: wsHandshake ? undefined : head.headers,
          body: exposeBody ? decoder!.stream() : null,
          // @ts-ignore: `duplex` is required by the fetch spec for stream bodies, absent from lib.dom
          duplex: "half",
        },
        ac,
        wsHandshake ? new HeadHeaders(head.headers) : undefined,
      );
    } catch {
      this.#reject(new HttpError(400, "invalid request"));
      return false;
    }
    if (head.upgrade && upper === "GET") allowUpgrade(req);
    if (!hasBody) this.#watch(ac, head);
    this.#active = ac;

    const completed = Promise.withResolvers<void>();
    completed.promise.catch(() => {});
    let res: Response;
    try {
      res = await ctx.handler(req, { remoteAddr: this.#remoteAddr, completed: completed.promise });
      if (!(res instanceof Response)) throw new TypeError("handler did not return a Response");
      if (res.bodyUsed) throw new TypeError("response body already used");
    } catch (err) {
      res = await this.#errorResponse(err);
    }

    if (head.upgrade) {
      const slot = upgradeSlotOf(req);
      if (slot) {
        if (res === slot.response && !this.#closed && !ctx.closing) {
          this.#active = undefined;
          const upgraded = await this.#upgrade(slot);
          if (upgraded) completed.resolve();
          else completed.reject(new Error("connection closed before the upgrade"));
          return upgraded;
        }
        abortSocket(slot.socket!);
      }
    }

    responseStarted = true;
    let keep: boolean;
    try {
      keep = await writeResponse(this.#sink, res, {
        head: upper === "HEAD",
        http10: head.http10,
        close: head.close || ctx.closing || this.#closed,
        gone: ac,
      });
    } catch {
      keep = false;
      ac.abort(); // the client went away mid-response
    }
    this.#active = undefined;
    if (ac.gone) completed.reject(new Error("client went away before the response was sent"));
    else completed.resolve();
    if (decoder && !decoder.done) {
      keep = keep && !this.#closed &&
        await decoder.drain(L.maxDrainBytes, !head.expectContinue || continueSent);
    }
    return keep && !this.#closed && !ctx.closing;
  }

  /**
   * Watches for the client going away while the handler runs (the request body, if any, is fully
   * read by now): a read that ends the stream aborts the request's signal. Bytes that arrive
   * (a pipelined request) stay buffered for the next parse.
   */
  #watch(ac: ClientGone, head: RequestHead): void {
    if (head.upgrade) return; // the socket will own the reads
    const reader = this.#reader;
    const gone = () => {
      if (this.#active !== ac) return;
      ac.abort();
      this.close(); // free the descriptor now; the handler's response has nowhere to go
    };
    reader.fill().then((n) => {
      if (n === 0) gone();
    }, gone);
  }

  async #errorResponse(err: unknown): Promise<Response> {
    const ctx = this.#ctx;
    ctx.counters.handlerErrors++;
    if (ctx.onError) {
      try {
        const res = await ctx.onError(err);
        if (res instanceof Response) return res;
      } catch (err2) {
        ctx.log?.warn(`onError threw: ${String(err2)}`);
      }
    } else {
      ctx.log?.warn(`handler error: ${err instanceof Error ? err.stack ?? err.message : err}`);
    }
    return defaultErrorResponse();
  }

  /** Writes the 101 and hands the connection to the socket. */
  async #upgrade(slot: UpgradeSlot): Promise<boolean> {
    const socket = slot.socket!;
    // Loaded at the first upgrade: a gateway start needs none of the handshake's hashing.
    const { acceptKeyNative } = await import("../../lib/net/ws_accept.ts");
    let text = `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n` +
      `sec-websocket-accept: ${await acceptKeyNative(slot.key!)}\r\n`;
    if (slot.protocol) text += `sec-websocket-protocol: ${slot.protocol}\r\n`;
    for (const [name, value] of slot.response!.headers) {
      if (name === "upgrade" || name === "connection" || name.startsWith("sec-websocket-")) {
        continue;
      }
      if (name === "content-length" || name === "transfer-encoding") continue;
      text += `${name}: ${value}\r\n`;
    }
    try {
      if (this.#closed) throw new Error("closed");
      await sinkWrite(this.#sink, encodeLatin1(`${text}\r\n`));
    } catch {
      abortSocket(socket);
      return false;
    }
    if (this.#closed || this.#ctx.closing) {
      abortSocket(socket);
      return false;
    }
    this.#upgraded = true;
    this.#ctx.counters.upgraded++;
    this.#ctx.adopt(socket, this.#conn, this.#reader.take(this.#reader.length));
    return true;
  }
}
