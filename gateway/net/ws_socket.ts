/**
 * The server side of one WebSocket connection (RFC 6455) over a raw TCP connection, with the
 * subset of the browser `WebSocket` API the gateway uses.
 *
 * Bounds: a frame's declared length (or a fragmented message's running total) is checked against
 * {@linkcode ServerWebSocket.maxMessageBytes} from the frame header, before any payload is read, so
 * an oversize message costs the server a header's worth of reading, not its payload. Frames that
 * fit the 16 KiB read buffer are parsed in place; larger ones are read straight into a message
 * buffer that grows with the bytes that actually arrive and never beyond the declared (allowed)
 * size. Outgoing frames go through one queue and one writer; `bufferedAmount` counts the bytes not
 * yet handed to the socket, and a hard cap drops a socket whose owner ignores it.
 *
 * @module
 */
import { closeQuietly, type NetConn, writeAll } from "./io.ts";
import { DEFAULT_WS_LIMITS } from "./limits.ts";
import {
  encodeCloseFrame,
  encodeFrame,
  encodeTextFrame,
  isValidWireCloseCode,
  Op,
  TextFrameBuffer,
  unmask,
} from "./ws_frame.ts";
import { clearTimer, setRepeatingTimer, setTimer, type TimerHandle } from "../../lib/timers.ts";

/** Options of a server-side WebSocket (see {@linkcode upgradeWebSocket}). */
export interface ServerWebSocketOptions {
  /** Largest message accepted (bytes); the owner may raise it later. Default 64 KiB. */
  maxMessageBytes?: number;
  /** Ping after this many idle seconds; drop the socket after as many more. 0 disables. Default 30. */
  idleTimeoutSec?: number;
  /** Subprotocol to answer with (must be one the client offered). */
  protocol?: string;
  /** Wait for the peer's close frame this long after ours. Default 5,000 ms. */
  closeTimeoutMs?: number;
  /** Bytes queued by `send()` beyond which the socket is dropped. Default 64 MiB. */
  maxBufferedBytes?: number;
}

/** `open` and `error` events. */
export interface WsEvent {
  /** "open" or "error". */
  readonly type: "open" | "error";
  /** The socket. */
  readonly target: ServerWebSocket;
  /** What went wrong (error events only). */
  readonly message?: string;
  /** The underlying error, when there was one. */
  readonly error?: unknown;
}

/** A received message. */
export interface WsMessageEvent {
  /** "message". */
  readonly type: "message";
  /** The socket. */
  readonly target: ServerWebSocket;
  /** A string for text messages, an `ArrayBuffer` for binary ones. */
  readonly data: string | ArrayBuffer;
  /** The message's size on the wire (UTF-8 bytes for text): what limits are counted in. */
  readonly byteLength: number;
}

/** The end of the connection. */
export interface WsCloseEvent {
  /** "close". */
  readonly type: "close";
  /** The socket. */
  readonly target: ServerWebSocket;
  /**
   * The peer's close code (1005 when its close frame had none), the code we failed the connection
   * with (1002, 1007, 1009, 1001 on server shutdown), or 1006 when the TCP connection just ended.
   */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
  /** True when both close frames were exchanged. */
  readonly wasClean: boolean;
}

/** What the server tells a socket when it attaches it (internal). */
export interface SocketHooks {
  /** Called once the TCP connection is closed. */
  onClosed(): void;
  /** Where handler exceptions are reported. */
  warn?(msg: string): void;
}

const CONNECTING = 0 as const;
const OPEN = 1 as const;
const CLOSING = 2 as const;
const CLOSED = 3 as const;
/** Read buffer size: holds any control frame and many small data frames. */
const READ_BUFFER = 16 * 1024;
/** Queued frames smaller than this are copied together into one write. */
const COALESCE_MAX = 16 * 1024;
const MIN_MESSAGE_BUFFER = 64 * 1024;
/** How long a failed connection keeps reading (and discarding) so our close frame is not reset. */
const LINGER_MS = 2_000;
/** ... and at most this many bytes. */
const LINGER_MAX_BYTES = 256 * 1024;
const EMPTY = new Uint8Array(0);
const NEED_MORE = 0;
const LARGE = 1;
const STOP = 2;
const PING = encodeFrame(Op.Ping, EMPTY);
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

let attachImpl: (s: ServerWebSocket, conn: NetConn, head: Uint8Array, hooks: SocketHooks) => void;
let abortImpl: (s: ServerWebSocket) => void;
let shutdownImpl: (s: ServerWebSocket) => void;

/**
 * One accepted WebSocket. Created by {@linkcode upgradeWebSocket} in the CONNECTING state; opens
 * (asynchronously, `onopen`) once the server has written the 101 response.
 */
export class ServerWebSocket {
  /** The connection is not yet open. */
  static readonly CONNECTING: 0 = CONNECTING;
  /** The connection is open. */
  static readonly OPEN: 1 = OPEN;
  /** The closing handshake is in progress. */
  static readonly CLOSING: 2 = CLOSING;
  /** The connection is closed. */
  static readonly CLOSED: 3 = CLOSED;
  /** The connection is not yet open. */
  readonly CONNECTING: 0 = CONNECTING;
  /** The connection is open. */
  readonly OPEN: 1 = OPEN;
  /** The closing handshake is in progress. */
  readonly CLOSING: 2 = CLOSING;
  /** The connection is closed. */
  readonly CLOSED: 3 = CLOSED;
  /** Binary messages arrive as `ArrayBuffer`s. */
  readonly binaryType = "arraybuffer";
  /** No extensions are negotiated. */
  readonly extensions = "";

  /** Fired once the connection is open. */
  onopen: ((ev: WsEvent) => void) | null = null;
  /** Fired per received message. */
  onmessage: ((ev: WsMessageEvent) => void) | null = null;
  /** Fired once when the connection ends. */
  onclose: ((ev: WsCloseEvent) => void) | null = null;
  /** Fired before `onclose` when the connection ends abnormally. */
  onerror: ((ev: WsEvent) => void) | null = null;

  #state: number = CONNECTING;
  #protocol: string;
  #maxMessage: number;
  #idleSec: number;
  #closeTimeoutMs: number;
  #maxBuffered: number;
  #conn: NetConn | undefined;
  #hooks: SocketHooks | undefined;

  // Reading.
  #rbuf: Uint8Array = EMPTY;
  #start = 0;
  #end = 0;
  #msg: Uint8Array | null = null;
  #msgLen = 0;
  #msgOp = 0;
  #msgDeclared = 0;
  #rx = false;

  // Writing.
  /** Where a text frame is built while nothing is queued or being written (made on first use). */
  #textFrames: TextFrameBuffer | undefined;
  #queue: Uint8Array[] = [];
  #qHead = 0;
  #buffered = 0;
  #writing = false;
  #endAfterFlush = false;

  // Closing.
  #closeSent = false;
  #closeCode = 1006;
  #closeReason = "";
  #wasClean = false;
  #pendingClose: { code?: number; reason: string } | undefined;
  #idleTimer: TimerHandle | undefined;
  #pingOutstanding = false;
  #closeTimer: TimerHandle | undefined;
  #finalized = false;

  /** Created by {@linkcode upgradeWebSocket}; not meant to be constructed directly. */
  constructor(options: ServerWebSocketOptions = {}) {
    this.#protocol = options.protocol ?? "";
    this.#maxMessage = positive(options.maxMessageBytes, DEFAULT_WS_LIMITS.maxMessageBytes);
    this.#idleSec = options.idleTimeoutSec ?? DEFAULT_WS_LIMITS.idleTimeoutSec;
    this.#closeTimeoutMs = positive(options.closeTimeoutMs, DEFAULT_WS_LIMITS.closeTimeoutMs);
    this.#maxBuffered = positive(options.maxBufferedBytes, DEFAULT_WS_LIMITS.maxBufferedBytes);
  }

  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  get readyState(): number {
    return this.#state;
  }

  /** Bytes accepted by `send()` (frame bytes) not yet written to the socket. */
  get bufferedAmount(): number {
    return this.#buffered;
  }

  /** The negotiated subprotocol, or "". */
  get protocol(): string {
    return this.#protocol;
  }

  /**
   * Largest message accepted, in bytes. Raising it (after authentication) applies from the next
   * frame header on; a message above it is refused with close code 1009.
   */
  get maxMessageBytes(): number {
    return this.#maxMessage;
  }
  set maxMessageBytes(n: number) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError("maxMessageBytes must be >= 1");
    this.#maxMessage = n;
  }

  /**
   * The close reason sent with 1009 when a message is above {@link maxMessageBytes} (the owner's
   * protocol may fix it, e.g. "preauth payload too large"). @default "message too large"
   */
  tooLargeReason = "message too large";

  /** Queues a text (string) or binary message. Throws while CONNECTING; ignored once closing. */
  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.#state === CONNECTING) {
      throw new DOMException("WebSocket is not open", "InvalidStateError");
    }
    let frame: Uint8Array;
    if (typeof data === "string") {
      if (this.#state !== OPEN) return;
      // With the writer idle, #enqueue hands this frame straight to a write and the writer stays
      // busy until that write settles: the reused buffer is in use exactly while #writing is set,
      // and frames sent meanwhile get their own buffers.
      const reused = this.#writing || !this.#conn
        ? undefined
        : (this.#textFrames ??= new TextFrameBuffer(COALESCE_MAX)).frame(data);
      this.#enqueue(reused ?? encodeTextFrame(data));
      return;
    } else if (ArrayBuffer.isView(data)) {
      frame = encodeFrame(Op.Binary, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } else if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) {
      frame = encodeFrame(Op.Binary, new Uint8Array(data));
    } else throw new TypeError("send() takes a string, an ArrayBuffer or a typed array");
    if (this.#state !== OPEN) return;
    this.#enqueue(frame);
  }

  /**
   * Starts the closing handshake with `code` (1000, 1001-1003, 1007-1014 or 3000-4999) and a
   * reason of at most 123 UTF-8 bytes. The TCP connection closes when the peer answers, or after
   * the close timeout.
   */
  close(code?: number, reason = ""): void {
    if (code !== undefined && (!Number.isInteger(code) || !isValidWireCloseCode(code))) {
      throw new DOMException(`invalid close code ${code}`, "InvalidAccessError");
    }
    if (new TextEncoder().encode(reason).length > 123) {
      throw new DOMException("close reason longer than 123 bytes", "SyntaxError");
    }
    if (code === undefined && reason !== "") code = 1000;
    if (this.#state === CONNECTING) {
      this.#pendingClose = { code, reason };
      this.#state = CLOSING;
      return;
    }
    if (this.#state !== OPEN) return;
    this.#startClose(code, reason);
  }

  static {
    attachImpl = (s, conn, head, hooks) => s.#attach(conn, head, hooks);
    abortImpl = (s) => s.#abortUnopened();
    shutdownImpl = (s) => s.#shutdown();
  }

  #startClose(code: number | undefined, reason: string): void {
    this.#state = CLOSING;
    this.#closeSent = true;
    this.#enqueue(encodeCloseFrame(code, reason));
    this.#closeTimer = setTimer(() => {
      this.#closeTimer = undefined;
      this.#terminate(1006, "close handshake timed out", false);
    }, this.#closeTimeoutMs);
  }

  // ---------------------------------------------------------------- lifecycle

  #attach(conn: NetConn, head: Uint8Array, hooks: SocketHooks): void {
    this.#conn = conn;
    this.#hooks = hooks;
    this.#rbuf = new Uint8Array(Math.max(READ_BUFFER, head.length));
    this.#rbuf.set(head);
    this.#end = head.length;
    if (this.#idleSec > 0) {
      this.#idleTimer = setRepeatingTimer(this.#idleTick, this.#idleSec * 1000);
    }
    if (this.#pendingClose) {
      // close() was called before the handshake completed: open straight into CLOSING.
      const { code, reason } = this.#pendingClose;
      this.#pendingClose = undefined;
      this.#startClose(code, reason);
    } else {
      this.#state = OPEN;
      this.#emit(this.onopen, { type: "open", target: this });
    }
    void this.#readLoop();
  }

  /** The handler did not return the upgrade response: this socket will never open. */
  #abortUnopened(): void {
    if (this.#finalized) return;
    this.#closeCode = 1006;
    this.#closeReason = "upgrade response not returned";
    this.#finalize(true);
  }

  /** The server is closing: say so (best effort) and drop the connection shortly after. */
  #shutdown(): void {
    if (this.#finalized) return;
    if (!this.#conn) return this.#abortUnopened();
    if (this.#state === OPEN) {
      this.#dropQueue();
      this.#state = CLOSING;
      this.#closeSent = true;
      this.#enqueue(encodeCloseFrame(1001, "server shutting down"));
      this.#closeCode = 1001;
      this.#closeReason = "server shutting down";
    }
    this.#endAfterFlush = true;
    if (!this.#writing) return this.#terminate(this.#closeCode, this.#closeReason, false);
    clearTimer(this.#closeTimer);
    this.#closeTimer = setTimer(() => this.#terminate(1001, "server shutting down", false), 250);
  }

  #idleTick = (): void => {
    if (this.#rx) {
      this.#rx = false;
      this.#pingOutstanding = false;
      return;
    }
    if (this.#pingOutstanding) {
      this.#terminate(1006, "idle timeout", false);
      return;
    }
    this.#pingOutstanding = true;
    if (this.#state === OPEN) this.#enqueue(PING);
  };

  /** Fails the connection (RFC 6455 §7.1.7): close frame with `code`, then drop the TCP. */
  #fail(code: number, reason: string): void {
    if (this.#finalized) return;
    this.#closeCode = code;
    this.#closeReason = reason;
    this.#wasClean = false;
    this.#emit(this.onerror, { type: "error", target: this, message: reason });
    this.#dropQueue();
    if (!this.#closeSent) {
      this.#closeSent = true;
      this.#enqueue(encodeCloseFrame(code, reason));
    }
    this.#state = CLOSING;
    this.#msg = null;
    this.#endAfterFlush = true;
    this.#lingering = true;
    clearTimer(this.#closeTimer);
    this.#closeTimer = setTimer(
      () => this.#terminate(code, reason, false),
      Math.min(LINGER_MS, this.#closeTimeoutMs),
    );
  }

  #lingering = false;
  #lingered = 0;
  #closeReceived = false;

  /** Closes the TCP connection now and reports the end (once). */
  #terminate(code: number, reason: string, clean: boolean): void {
    if (this.#finalized) return;
    if (this.#closeCode === 1006 || code !== 1006) {
      this.#closeCode = code;
      this.#closeReason = reason;
    }
    this.#wasClean = clean;
    this.#finalize(false);
  }

  #finalize(unopened: boolean): void {
    if (this.#finalized) return;
    this.#finalized = true;
    const wasOpen = !unopened;
    this.#state = CLOSED;
    clearTimer(this.#idleTimer);
    clearTimer(this.#closeTimer);
    this.#idleTimer = this.#closeTimer = undefined;
    if (this.#conn) closeQuietly(this.#conn);
    this.#dropQueue();
    this.#rbuf = EMPTY;
    this.#msg = null;
    if (wasOpen && !this.#wasClean && this.#closeCode === 1006) {
      this.#emit(this.onerror, { type: "error", target: this, message: this.#closeReason });
    } else if (unopened) {
      this.#emit(this.onerror, { type: "error", target: this, message: this.#closeReason });
    }
    this.#emit(this.onclose, {
      type: "close",
      target: this,
      code: this.#closeCode,
      reason: this.#closeReason,
      wasClean: this.#wasClean,
    });
    this.#hooks?.onClosed();
  }

  #emit<E>(handler: ((ev: E) => void) | null, ev: E): void {
    if (!handler) return;
    try {
      handler.call(this, ev);
    } catch (err) {
      const msg = `websocket ${(ev as { type: string }).type} handler threw: ${String(err)}`;
      if (this.#hooks?.warn) this.#hooks.warn(msg);
      else console.error(msg);
    }
  }

  // ---------------------------------------------------------------- writing

  #enqueue(frame: Uint8Array): void {
    this.#queue.push(frame);
    this.#buffered += frame.length;
    if (this.#buffered > this.#maxBuffered) {
      this.#hooks?.warn?.(`websocket send buffer above ${this.#maxBuffered} bytes; dropping`);
      this.#terminate(1006, "send buffer overflow", false);
      return;
    }
    if (!this.#writing && this.#conn) void this.#flush();
  }

  #dropQueue(): void {
    // A write in flight keeps its bytes counted until it settles.
    for (let i = this.#qHead; i < this.#queue.length; i++) this.#buffered -= this.#queue[i].length;
    this.#queue = [];
    this.#qHead = 0;
  }

  #nextChunk(): Uint8Array {
    const q = this.#queue;
    let i = this.#qHead;
    const first = q[i];
    let total = first.length;
    let j = i + 1;
    while (j < q.length && total + q[j].length <= COALESCE_MAX) total += q[j++].length;
    let chunk: Uint8Array;
    if (j === i + 1) {
      chunk = first;
    } else {
      chunk = new Uint8Array(total);
      let off = 0;
      for (; i < j; i++) {
        chunk.set(q[i], off);
        off += q[i].length;
      }
    }
    if (j === q.length) {
      this.#queue = [];
      this.#qHead = 0;
    } else {
      for (let k = this.#qHead; k < j; k++) q[k] = EMPTY;
      this.#qHead = j;
      if (j > 1024 && j * 2 > q.length) {
        this.#queue = q.slice(j);
        this.#qHead = 0;
      }
    }
    return chunk;
  }

  async #flush(): Promise<void> {
    const conn = this.#conn!;
    this.#writing = true;
    try {
      while (this.#qHead < this.#queue.length && !this.#finalized) {
        const chunk = this.#nextChunk();
        try {
          const n = await conn.write(chunk);
          if (n < chunk.length) await writeAll(conn, chunk.subarray(n));
        } finally {
          this.#buffered -= chunk.length;
        }
      }
    } catch (err) {
      this.#writing = false;
      if (!this.#finalized) {
        this.#emit(this.onerror, {
          type: "error",
          target: this,
          message: "write failed",
          error: err,
        });
        this.#terminate(1006, "connection lost", false);
      }
      return;
    }
    this.#writing = false;
    if (!this.#endAfterFlush || this.#finalized) return;
    if (!this.#lingering) {
      return this.#terminate(this.#closeCode, this.#closeReason, this.#wasClean);
    }
    // Failed: our close frame is out. Send FIN so the peer sees the end now, but keep reading
    // (and discarding) until it closes, so unread input does not turn our close into a reset.
    conn.closeWrite().catch(() => {});
  }

  // ---------------------------------------------------------------- reading

  async #readLoop(): Promise<void> {
    const conn = this.#conn!;
    try {
      while (!this.#finalized && !this.#closeReceived) {
        if (this.#lingering) {
          // Discard what the peer still sends until it closes, the linger timer fires, or it
          // sent more than LINGER_MAX_BYTES (then a reset is the lesser evil).
          const n = await conn.read(this.#rbuf);
          if (n === null || (this.#lingered += n) > LINGER_MAX_BYTES) break;
          continue;
        }
        const r = this.#parse();
        if (r === LARGE) {
          await this.#readLarge();
          continue;
        }
        if (r === STOP) continue;
        const buf = this.#rbuf;
        if (this.#start > 0) {
          buf.copyWithin(0, this.#start, this.#end);
          this.#end -= this.#start;
          this.#start = 0;
        }
        const n = await conn.read(this.#end === 0 ? buf : buf.subarray(this.#end));
        if (n === null) break;
        this.#end += n;
        this.#rx = true;
      }
    } catch {
      // closed under us, or reset by the peer
    }
    if (this.#finalized || this.#closeReceived) return;
    if (this.#lingering) this.#terminate(this.#closeCode, this.#closeReason, false);
    else this.#terminate(1006, "connection closed without a close frame", false);
  }

  /**
   * Handles every complete frame in the buffer. Returns NEED_MORE when bytes must be read, LARGE
   * when a data frame too big for the buffer starts at `#start` (its header in `#large`), STOP
   * when the state changed (failed, closing).
   */
  #parse(): number {
    const buf = this.#rbuf;
    let p = this.#start;
    const end = this.#end;
    while (end - p >= 2) {
      const b0 = buf[p];
      const b1 = buf[p + 1];
      const fin = (b0 & 0x80) !== 0;
      const op = b0 & 0x0f;
      let len = b1 & 0x7f;
      if ((b0 & 0x70) !== 0) return this.#failed(1002, "reserved bits set");
      if ((b1 & 0x80) === 0) return this.#failed(1002, "client frame not masked");
      if (op >= 8) {
        if (op > Op.Pong) return this.#failed(1002, "unknown opcode");
        if (!fin) return this.#failed(1002, "fragmented control frame");
        if (len > 125) return this.#failed(1002, "control frame too long");
      } else if (op === Op.Continuation) {
        if (this.#msgOp === 0) return this.#failed(1002, "continuation without a message");
      } else if (op > Op.Binary) {
        return this.#failed(1002, "unknown opcode");
      } else if (this.#msgOp !== 0) {
        return this.#failed(1002, "new message inside a fragmented one");
      }
      let hl = 6;
      if (len === 126) {
        if (end - p < 4) break;
        len = (buf[p + 2] << 8) | buf[p + 3];
        hl = 8;
      } else if (len === 127) {
        if (end - p < 10) break;
        if ((buf[p + 2] & 0x80) !== 0) return this.#failed(1002, "invalid frame length");
        if (buf[p + 2] !== 0 || buf[p + 3] !== 0 || (buf[p + 4] & 0xe0) !== 0) {
          return this.#failed(1009, this.tooLargeReason); // above 2^53, above any limit
        }
        len = (((buf[p + 4] << 8) | buf[p + 5]) * 0x1_0000_0000) +
          (((buf[p + 6] << 24) | (buf[p + 7] << 16) | (buf[p + 8] << 8) | buf[p + 9]) >>> 0);
        hl = 14;
      }
      // The size check needs only the length: it runs before the mask and payload are read.
      if (op < 8 && (op === Op.Continuation ? this.#msgDeclared : 0) + len > this.#maxMessage) {
        return this.#failed(1009, this.tooLargeReason);
      }
      if (end - p < hl) break;
      const at = p + hl;
      if (end - at >= len) {
        // The whole frame is buffered: unmask and handle it in place.
        unmask(buf, at, len, buf, at - 4);
        p = at + len;
        this.#start = p;
        this.#frame(fin, op, buf.subarray(at, p));
        if (this.#finalized || this.#lingering || this.#closeReceived) return STOP;
        continue;
      }
      if (hl + len <= buf.length) break; // fits the buffer: wait for the rest
      this.#start = p;
      this.#large = { fin, op, len, hl };
      return LARGE;
    }
    this.#start = p;
    return NEED_MORE;
  }

  #large = { fin: false, op: 0, len: 0, hl: 0 };

  #failed(code: number, reason: string): number {
    this.#fail(code, reason);
    return STOP;
  }

  /**
   * Reads the payload of a data frame larger than the read buffer straight into the message
   * buffer, which grows as bytes arrive (never past the frame's declared, already allowed, size).
   */
  async #readLarge(): Promise<void> {
    const { fin, op, len, hl } = this.#large;
    const buf = this.#rbuf;
    const at = this.#start + hl;
    const mask = buf.slice(at - 4, at);
    if (op !== Op.Continuation) {
      this.#msgOp = op;
      this.#msgDeclared = 0;
      this.#msgLen = 0;
      this.#msg = null;
    }
    this.#msgDeclared += len;
    const frameStart = this.#msgLen;
    const have = this.#end - at;
    this.#growMessage(frameStart + have, frameStart + len);
    this.#msg!.set(buf.subarray(at, this.#end), frameStart);
    this.#msgLen += have;
    this.#start = this.#end = 0;
    let left = len - have;
    const conn = this.#conn!;
    while (left > 0) {
      if (this.#msgLen === this.#msg!.length) this.#growMessage(this.#msgLen + 1, frameStart + len);
      const room = Math.min(left, this.#msg!.length - this.#msgLen);
      const n = await conn.read(this.#msg!.subarray(this.#msgLen, this.#msgLen + room));
      if (n === null) throw new Error("connection closed mid-frame");
      if (this.#finalized || this.#lingering) return;
      this.#msgLen += n;
      left -= n;
      this.#rx = true;
    }
    unmask(this.#msg!, frameStart, len, mask);
    if (fin) this.#deliverMessage();
  }

  /** Ensures the message buffer holds `need` bytes, growing towards (never past) `cap`. */
  #growMessage(need: number, cap: number): void {
    const cur = this.#msg;
    if (cur && cur.length >= need) return;
    const size = Math.min(
      Math.max(cap, need),
      Math.max(need, MIN_MESSAGE_BUFFER, (cur?.length ?? 0) * 2),
    );
    const next = new Uint8Array(size);
    if (cur) next.set(cur.subarray(0, this.#msgLen));
    this.#msg = next;
  }

  #frame(fin: boolean, op: number, payload: Uint8Array): void {
    if (op === Op.Text || op === Op.Binary) {
      if (fin) {
        if (this.#state !== OPEN) return; // data after our close frame is ignored
        this.#deliver(op, payload, false);
        return;
      }
      this.#msgOp = op;
      this.#msgLen = 0;
      this.#msg = null;
      this.#msgDeclared = payload.length;
      this.#growMessage(payload.length, this.#maxMessage);
      this.#msg!.set(payload);
      this.#msgLen = payload.length;
      return;
    }
    if (op === Op.Continuation) {
      this.#msgDeclared += payload.length;
      const need = this.#msgLen + payload.length;
      // Doubling (bounded by the limit the total was checked against): many small fragments
      // cost linear, not quadratic, copying.
      this.#growMessage(need, Math.max(need, this.#maxMessage));
      this.#msg!.set(payload, this.#msgLen);
      this.#msgLen = need;
      if (fin) this.#deliverMessage();
      return;
    }
    if (op === Op.Ping) {
      if (this.#state === OPEN) this.#enqueue(encodeFrame(Op.Pong, payload));
      return;
    }
    if (op === Op.Pong) return;
    this.#onCloseFrame(payload);
  }

  #deliverMessage(): void {
    const op = this.#msgOp;
    const msg = this.#msg!;
    const len = this.#msgLen;
    this.#msg = null;
    this.#msgOp = 0;
    this.#msgLen = 0;
    this.#msgDeclared = 0;
    if (this.#state !== OPEN) return;
    this.#deliver(op, msg.subarray(0, len), msg.length === len);
  }

  /** Emits one message; `owned` means `bytes` spans a buffer nobody else uses. */
  #deliver(op: number, bytes: Uint8Array, owned: boolean): void {
    let data: string | ArrayBuffer;
    if (op === Op.Text) {
      try {
        data = utf8.decode(bytes);
      } catch {
        this.#fail(1007, "invalid UTF-8 in text message");
        return;
      }
    } else {
      data = owned && bytes.byteOffset === 0 ? bytes.buffer as ArrayBuffer : bytes.slice().buffer;
    }
    this.#emit(this.onmessage, { type: "message", target: this, data, byteLength: bytes.length });
  }

  #onCloseFrame(payload: Uint8Array): void {
    let code = 1005;
    let reason = "";
    if (payload.length === 1) return void this.#fail(1002, "invalid close frame");
    if (payload.length >= 2) {
      code = (payload[0] << 8) | payload[1];
      if (!isValidWireCloseCode(code)) return void this.#fail(1002, "invalid close code");
      try {
        reason = utf8.decode(payload.subarray(2));
      } catch {
        return void this.#fail(1007, "invalid UTF-8 in close reason");
      }
    }
    this.#closeCode = code;
    this.#closeReason = reason;
    this.#wasClean = true;
    this.#closeReceived = true;
    this.#msg = null;
    if (!this.#closeSent) {
      this.#closeSent = true;
      this.#state = CLOSING;
      this.#enqueue(encodeCloseFrame(code === 1005 ? undefined : code, reason));
    }
    // Both close frames exchanged: the server closes the TCP connection first, once ours is out.
    this.#endAfterFlush = true;
    if (!this.#writing) return this.#terminate(code, reason, true);
    if (this.#closeTimer === undefined) {
      this.#closeTimer = setTimer(() => {
        this.#closeTimer = undefined;
        this.#terminate(code, reason, false);
      }, this.#closeTimeoutMs);
    }
  }
}

/** Hands an upgraded connection (and bytes already read past the request head) to the socket. */
export function attachSocket(
  socket: ServerWebSocket,
  conn: NetConn,
  head: Uint8Array,
  hooks: SocketHooks,
): void {
  attachImpl(socket, conn, head, hooks);
}

/** Marks a socket whose upgrade response was never sent as closed. */
export function abortSocket(socket: ServerWebSocket): void {
  abortImpl(socket);
}

/** Closes a socket because the server is shutting down (close frame 1001, best effort). */
export function shutdownSocket(socket: ServerWebSocket): void {
  shutdownImpl(socket);
}

function positive(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}
