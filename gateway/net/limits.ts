/**
 * Limits of the HTTP/1.1 server. Every one bounds memory or time a single peer can hold; the
 * defaults suit a gateway on a 1,024-descriptor process limit.
 *
 * @module
 */

/** Per-server limits of {@linkcode serveHttp}. All sizes in bytes, all times in milliseconds. */
export interface HttpLimits {
  /**
   * Open connections (HTTP and upgraded WebSocket) at most; one more is answered with a one-line
   * 503 and closed at once. Keep it below the process's descriptor limit minus what the rest of the
   * process needs (files, child pipes, outbound sockets).
   */
  maxConnections: number;
  /**
   * Time for a request's head (request line and headers) to arrive completely, counted from its
   * first byte, or from accept for a connection's first request. Exceeded: 408 and close.
   */
  headerTimeoutMs: number;
  /** A request body that makes no progress for this long errors its stream and closes the socket. */
  bodyTimeoutMs: number;
  /** A response write that makes no progress for this long (client not reading) closes the socket. */
  writeTimeoutMs: number;
  /** An idle keep-alive connection (between requests) is closed after this long. */
  keepAliveIdleMs: number;
  /** Bytes of the header fields after the request line at most (431 beyond). */
  maxHeaderBytes: number;
  /** Bytes of the request line at most, CRLF included (414 beyond). */
  maxRequestLineBytes: number;
  /**
   * Unread request body a handler leaves behind that the server reads and discards to keep the
   * connection alive; anything larger closes the connection instead.
   */
  maxDrainBytes: number;
}

/** The defaults of {@linkcode HttpLimits}. */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxConnections: 900,
  headerTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  writeTimeoutMs: 30_000,
  keepAliveIdleMs: 5_000,
  maxHeaderBytes: 32_768,
  maxRequestLineBytes: 8_192,
  maxDrainBytes: 65_536,
});

/** Resolves partial limits against the defaults, rejecting nonsense values early. */
export function resolveHttpLimits(partial: Partial<HttpLimits> = {}): HttpLimits {
  const out = { ...DEFAULT_HTTP_LIMITS };
  for (const key of Object.keys(out) as (keyof HttpLimits)[]) {
    const v = partial[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 1) {
      throw new RangeError(`limits.${key} must be a positive number, got ${String(v)}`);
    }
    out[key] = Math.floor(v);
  }
  return out;
}

/** Defaults of a {@linkcode ServerWebSocket} (see `ServerWebSocketOptions`). */
export interface WsLimits {
  /** Largest message accepted, in bytes. */
  maxMessageBytes: number;
  /** Seconds of silence before a ping, and again before the socket is dropped. */
  idleTimeoutSec: number;
  /** Wait for the peer's close frame this long after ours. */
  closeTimeoutMs: number;
  /** Bytes queued by `send()` beyond which the socket is dropped. */
  maxBufferedBytes: number;
}

/** The defaults of {@linkcode WsLimits}. */
export const DEFAULT_WS_LIMITS: Readonly<WsLimits> = Object.freeze({
  /** Largest message before authentication (the protocol's pre-auth limit, 64 KiB). */
  maxMessageBytes: 64 * 1024,
  /** Seconds of silence before a ping, and again before the socket is dropped. */
  idleTimeoutSec: 30,
  /** How long to wait for the peer's close frame after ours before dropping the TCP connection. */
  closeTimeoutMs: 5_000,
  /** Hard cap on bytes queued by `send()`; beyond it the socket is dropped (owner should act first). */
  maxBufferedBytes: 64 * 1024 * 1024,
});
