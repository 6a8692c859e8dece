/**
 * # gateway/net: a small, bounded HTTP/1.1 + WebSocket server on `Deno.listen`
 *
 * The gateway used `Deno.serve` + `Deno.upgradeWebSocket`. They are fast, but they do not let us
 * bound what a hostile or broken peer can hold:
 *
 * - **Slow heads and bodies (slowloris).** `Deno.serve` has no header or body timeout: 200 sockets
 *   that send half a request head were held for 45 s and more. Here a request head must be
 *   complete `headerTimeoutMs` (10 s) after its first byte (after accept for a connection's first
 *   request; 408 and close), a body read or a response write that makes no progress for
 *   `bodyTimeoutMs` / `writeTimeoutMs` (30 s) closes the connection, and an idle keep-alive
 *   connection is closed after `keepAliveIdleMs` (5 s).
 * - **Descriptor exhaustion.** `Deno.serve` has no connection cap and its accept loop dies on
 *   EMFILE (~1,000 idle TCP connections killed the process with `Uncaught (in promise) Http:
 *   Error: Too many open files`). Here at most `maxConnections` (900) are open; one more gets a
 *   one-line 503 and is closed, and every accept error is counted, logged at most once a second
 *   and retried with a 10 ms -> 1 s doubling backoff, so the server survives EMFILE/ENFILE.
 * - **Oversize WebSocket frames.** `Deno.upgradeWebSocket` buffers a whole frame before the
 *   application sees it (32 sockets × 20 MB frames before authentication reached 1.44 GB RSS).
 *   Here a frame's declared length, or a fragmented message's running total, is checked against
 *   the socket's `maxMessageBytes` (64 KiB until the owner raises it after authentication, e.g.
 *   to 25 MiB) from the frame header, before any payload is read: close 1009 "message too large".
 *
 * Other bounds: request line 8 KiB (414), header block 32 KiB (431), chunk-size lines 4 KiB and
 * trailers 32 KiB, unread request bodies drained up to 64 KiB (else the connection is closed),
 * WebSocket send queue capped at 64 MiB (the owner is expected to watch `bufferedAmount` well
 * before), close handshake 5 s, WebSocket idle ping/drop after `idleTimeoutSec` (30 s) twice.
 * Buffers start small and grow only with bytes that actually arrived; every timer is cleared when
 * its connection closes; `shutdown()` (or the abort signal) closes every connection and resolves
 * `finished`.
 *
 * The parser is strict where leniency enables request smuggling: no obs-fold, no whitespace
 * before a colon, a single Content-Length, no Content-Length with Transfer-Encoding, `chunked`
 * as the only transfer coding, Host required in HTTP/1.1 (all 400).
 *
 * Handlers get a standard `Request` (a subclass whose `signal` is created on first use and
 * aborted when the client disconnects mid-response) and `{ remoteAddr, completed }` like
 * `Deno.ServeHandlerInfo`. Bodies are pull-based streams: nothing is read from the socket before
 * the handler asks. Responses are written as the body produces chunks (server-sent events flush
 * per chunk); a body that is ready at once gets a Content-Length, a live one chunked coding.
 *
 * Not supported: TLS, HTTP/2, pipelined requests are answered one after the other (correct, not
 * concurrent), WebSocket extensions (permessage-deflate is not negotiated), and
 * `addEventListener` on sockets (the `on*` handlers only).
 *
 * Note on descriptor exhaustion: Deno itself lazily creates a socket pair for signal handling
 * within about a second of process start and panics (ext/signals) if no descriptor is free at
 * that moment; after that, running out of descriptors is survivable.
 *
 * ```ts
 * import { serveHttp, upgradeWebSocket } from "./mod.ts";
 *
 * const server = serveHttp({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   handler(req) {
 *     if (req.headers.get("upgrade") !== "websocket") return new Response("hello");
 *     const { socket, response } = upgradeWebSocket(req, { maxMessageBytes: 64 * 1024 });
 *     socket.onmessage = (e) => socket.send(e.data);
 *     return response;
 *   },
 * });
 * await server.shutdown();
 * ```
 *
 * @module
 */

export { serveHttp } from "./server.ts";
export type { HttpServer, ServeHttpOptions, ServeHttpStats } from "./server.ts";
export type { ConnCounters, ServeHandler, ServeHandlerInfo } from "./http_conn.ts";
export { DEFAULT_HTTP_LIMITS, DEFAULT_WS_LIMITS } from "./limits.ts";
export type { HttpLimits, WsLimits } from "./limits.ts";
export { upgradeWebSocket } from "./ws_upgrade.ts";
export { HeadHeaders } from "./head_headers.ts";
export { ServerWebSocket } from "./ws_socket.ts";
export type { ServerWebSocketOptions, WsCloseEvent, WsEvent, WsMessageEvent } from "./ws_socket.ts";
