/**
 * A small RFC 6455 client for `ws://` URLs, shaped like the part of the `WebSocket` API the CLI's
 * RPC client uses (`onopen`, `onmessage`, `onerror`, `onclose`, `send`, `close`, `readyState`).
 *
 * Why not the global `WebSocket`: its first use in a process costs ~8 ms before the first byte
 * moves (it loads its runtime scripts and reads the system's CA bundle even for plain `ws://`),
 * and every CLI command that talks to the gateway is one such first use. Over `Deno.connect` the
 * same handshake takes ~3 ms. `wss://` stays with the global `WebSocket` (TLS needs the CA
 * bundle anyway): see {@linkcode openWebSocket}.
 *
 * Text frames only carry what the gateway sends (JSON); binary messages are delivered as
 * `ArrayBuffer`s. Every read is bounded: the response head by {@linkcode MAX_HEAD_BYTES}, a
 * message by `maxMessageBytes` (close 1009 beyond it).
 *
 * @module
 */

import { encodeBase64 } from "../base64.ts";
import { concatBytes } from "../bytes.ts";
import { acceptKey } from "./ws_accept.ts";
import { clearTimer, setTimer, type TimerHandle } from "../timers.ts";

/** The subset of the `WebSocket` API both clients give. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: (() => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  onclose: ((e: { code: number; reason: string }) => void) | null;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

/** `readyState` values, as the `WebSocket` API numbers them. */
export const WsState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/** The largest HTTP response head accepted for the upgrade. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** The largest message accepted by default. */
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** How long a close handshake may take before the connection is dropped. */
const CLOSE_TIMEOUT_MS = 1_000;

const Op = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa };
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Options of {@linkcode openWebSocket}. */
export interface WsClientOptions {
  /** Messages larger than this close the connection with 1009. @default 64 MiB */
  maxMessageBytes?: number;
}

/**
 * Opens a WebSocket to `url`: `ws://` with this module's client, anything else with the global
 * `WebSocket`. Throws synchronously for a URL neither accepts, as `new WebSocket` does.
 */
export function openWebSocket(url: string, options: WsClientOptions = {}): WebSocketLike {
  const parsed = new URL(url);
  if (parsed.protocol !== "ws:") return new WebSocket(url) as unknown as WebSocketLike;
  if (parsed.hash) throw new SyntaxError(`WebSocket URL must not have a fragment: ${url}`);
  return new WsClient(parsed, options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
}

/** A masked client frame (RFC 6455 §5.3) carrying `payload`. */
function clientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const hl = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = new Uint8Array(hl + 4 + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = 0x80 | n;
  else if (n < 65536) {
    frame[1] = 0x80 | 126;
    frame[2] = n >>> 8;
    frame[3] = n & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    const view = new DataView(frame.buffer);
    view.setUint32(2, Math.floor(n / 0x1_0000_0000));
    view.setUint32(6, n >>> 0);
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, hl);
  const body = hl + 4;
  for (let i = 0; i < n; i++) frame[body + i] = payload[i] ^ mask[i & 3];
  return frame;
}

function closePayload(code: number | undefined, reason: string): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  const text = encoder.encode(reason).subarray(0, 123);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

/** Bytes received and not yet consumed. */
class InBuffer {
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;

  get length(): number {
    return this.#end - this.#start;
  }

  push(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buf.length) {
      const live = this.#buf.subarray(this.#start, this.#end);
      const need = live.length + chunk.length;
      const next = need > this.#buf.length
        ? new Uint8Array(Math.max(need, this.#buf.length * 2))
        : this.#buf;
      next.set(live, 0); // set() copies as if through a temporary: overlap is fine
      this.#buf = next;
      this.#start = 0;
      this.#end = live.length;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  peek(n: number): Uint8Array {
    return this.#buf.subarray(this.#start, this.#start + n);
  }

  take(n: number): Uint8Array {
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }

  skip(n: number): void {
    this.#start += n;
  }
}

class WsClient implements WebSocketLike {
  readyState: number = WsState.CONNECTING;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { message?: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;

  readonly #url: URL;
  readonly #maxMessageBytes: number;
  #conn: Deno.TcpConn | undefined;
  #in = new InBuffer();
  #fragments: Uint8Array[] = [];
  #fragmentBytes = 0;
  #fragmentOp = 0;
  #closeSent = false;
  #closeTimer: TimerHandle | undefined;
  #finished = false;
  #writes: Promise<void> = Promise.resolve();
  /** What to report when the connection ends: the close frame received, or 1006. */
  #closeCode = 1006;
  #closeReason = "";

  constructor(url: URL, maxMessageBytes: number) {
    this.#url = url;
    this.#maxMessageBytes = maxMessageBytes;
    // The WebSocket API reports everything asynchronously, handlers set after the constructor
    // included.
    queueMicrotask(() => void this.#run());
  }

  send(text: string): void {
    if (this.readyState === WsState.CONNECTING) {
      throw new DOMException("WebSocket is not open", "InvalidStateError");
    }
    if (this.readyState !== WsState.OPEN) return;
    this.#write(clientFrame(Op.Text, encoder.encode(text)));
  }

  close(code?: number, reason = ""): void {
    if (this.readyState === WsState.CLOSING || this.readyState === WsState.CLOSED) return;
    if (this.readyState === WsState.CONNECTING) {
      this.#closeCode = 1006;
      this.#finish();
      return;
    }
    this.readyState = WsState.CLOSING;
    this.#sendClose(code, reason);
  }

  #sendClose(code: number | undefined, reason: string): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    this.#write(clientFrame(Op.Close, closePayload(code, reason)));
    this.#closeTimer = setTimer(() => this.#finish(), CLOSE_TIMEOUT_MS);
  }

  #write(bytes: Uint8Array): void {
    const conn = this.#conn;
    if (!conn) return;
    this.#writes = this.#writes.then(async () => {
      for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
    }).catch(() => this.#finish());
  }

  async #run(): Promise<void> {
    try {
      const port = this.#url.port ? Number(this.#url.port) : 80;
      const hostname = this.#url.hostname.replace(/^\[(.*)\]$/, "$1");
      this.#conn = await Deno.connect({ hostname, port });
      this.#conn.setNoDelay(true);
    } catch (err) {
      return this.#failToOpen(err instanceof Error ? err.message : String(err));
    }
    if (this.#finished) return this.#drop();
    const key = encodeBase64(crypto.getRandomValues(new Uint8Array(16)));
    const path = `${this.#url.pathname || "/"}${this.#url.search}`;
    this.#write(encoder.encode(
      `GET ${path} HTTP/1.1\r\nHost: ${this.#url.host}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ));
    const readBuf = new Uint8Array(64 * 1024);
    try {
      const head = await this.#readHead(readBuf);
      const problem = head === undefined
        ? "connection closed during the handshake"
        : handshakeProblem(head, key);
      if (problem) return this.#failToOpen(problem);
      this.readyState = WsState.OPEN;
      this.onopen?.();
      this.#parse();
      while (!this.#finished) {
        const n = await this.#conn.read(readBuf);
        if (n === null) break;
        this.#in.push(readBuf.subarray(0, n));
        this.#parse();
      }
    } catch (err) {
      if (!this.#finished && this.readyState === WsState.CONNECTING) {
        return this.#failToOpen(err instanceof Error ? err.message : String(err));
      }
    }
    this.#finish();
  }

  /** Reads until the end of the response head; the bytes after it stay buffered. */
  async #readHead(readBuf: Uint8Array): Promise<string | undefined> {
    for (;;) {
      const n = await this.#conn!.read(readBuf);
      if (n === null) return undefined;
      this.#in.push(readBuf.subarray(0, n));
      const seen = this.#in.peek(Math.min(this.#in.length, MAX_HEAD_BYTES));
      const end = indexOfHeadEnd(seen);
      if (end >= 0) return new TextDecoder().decode(this.#in.take(end + 4));
      if (this.#in.length >= MAX_HEAD_BYTES) return "HTTP/1.1 431 response head too large\r\n";
    }
  }

  /** Consumes every complete frame buffered. */
  #parse(): void {
    while (!this.#finished) {
      const have = this.#in.length;
      if (have < 2) return;
      const h = this.#in.peek(Math.min(have, 14));
      const fin = (h[0] & 0x80) !== 0;
      const op = h[0] & 0x0f;
      if ((h[0] & 0x70) !== 0 || (h[1] & 0x80) !== 0) {
        return this.#fail(1002, "invalid frame from the server");
      }
      let len = h[1] & 0x7f;
      let hl = 2;
      if (len === 126) {
        if (have < 4) return;
        len = (h[2] << 8) | h[3];
        hl = 4;
      } else if (len === 127) {
        if (have < 10) return;
        const view = new DataView(h.buffer, h.byteOffset, 10);
        len = view.getUint32(2) * 0x1_0000_0000 + view.getUint32(6);
        hl = 10;
      }
      if (len > this.#maxMessageBytes || this.#fragmentBytes + len > this.#maxMessageBytes) {
        return this.#fail(1009, "message too big");
      }
      if (have < hl + len) return;
      this.#in.skip(hl);
      const payload = this.#in.take(len);
      if (op >= 0x8) this.#control(op, payload, fin);
      else this.#data(op, payload, fin);
    }
  }

  #control(op: number, payload: Uint8Array, fin: boolean): void {
    if (!fin || payload.length > 125) return this.#fail(1002, "invalid control frame");
    if (op === Op.Ping) {
      if (!this.#closeSent) this.#write(clientFrame(Op.Pong, payload));
    } else if (op === Op.Close) {
      const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
      this.#closeCode = code;
      this.#closeReason = payload.length > 2 ? new TextDecoder().decode(payload.subarray(2)) : "";
      this.readyState = WsState.CLOSING;
      this.#sendClose(code === 1005 ? undefined : code, "");
      // The server closes the TCP connection after the close handshake; ours follows the write.
      void this.#writes.then(() => this.#finish());
    } else if (op !== Op.Pong) {
      this.#fail(1002, "unknown control frame");
    }
  }

  #data(op: number, payload: Uint8Array, fin: boolean): void {
    if (op === Op.Continuation) {
      if (this.#fragmentOp === 0) return this.#fail(1002, "unexpected continuation frame");
    } else if (op === Op.Text || op === Op.Binary) {
      if (this.#fragmentOp !== 0) return this.#fail(1002, "expected a continuation frame");
      this.#fragmentOp = op;
    } else {
      return this.#fail(1002, "unknown data frame");
    }
    this.#fragments.push(payload);
    this.#fragmentBytes += payload.length;
    if (!fin) return;
    const parts = this.#fragments;
    const whole = parts.length === 1 ? parts[0] : concatBytes(...parts);
    const kind = this.#fragmentOp;
    this.#fragments = [];
    this.#fragmentBytes = 0;
    this.#fragmentOp = 0;
    if (this.readyState !== WsState.OPEN) return;
    let data: unknown;
    if (kind === Op.Text) {
      try {
        data = decoder.decode(whole);
      } catch {
        return this.#fail(1007, "invalid UTF-8 in a text message");
      }
    } else {
      data = whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.length);
    }
    this.onmessage?.({ data });
  }

  /** Fails the connection (RFC 6455 §7.1.7): close frame, then drop it. */
  #fail(code: number, reason: string): void {
    if (this.#finished) return;
    this.#closeCode = code;
    this.#closeReason = reason;
    this.onerror?.({ message: reason });
    this.readyState = WsState.CLOSING;
    this.#sendClose(code, reason);
    void this.#writes.then(() => this.#finish());
  }

  #failToOpen(message: string): void {
    if (this.#finished) return;
    this.onerror?.({ message });
    this.#closeCode = 1006;
    this.#closeReason = "";
    this.#finish();
  }

  #drop(): void {
    try {
      this.#conn?.close();
    } catch { /* already closed */ }
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimer(this.#closeTimer);
    this.#drop();
    this.readyState = WsState.CLOSED;
    this.onclose?.({ code: this.#closeCode, reason: this.#closeReason });
  }
}

/** Why a 101 response does not complete the handshake, or undefined when it does. */
function handshakeProblem(head: string, key: string): string | undefined {
  const lines = head.split("\r\n");
  const status = /^HTTP\/1\.1 (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
  if (!status) return "invalid response to the WebSocket handshake";
  if (status[1] !== "101") {
    return `unexpected response to the WebSocket handshake: ${status[1]} ${status[2] ?? ""}`
      .trim();
  }
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  if (headers.get("upgrade")?.toLowerCase() !== "websocket") return "handshake without Upgrade";
  if (headers.get("sec-websocket-accept") !== acceptKey(key)) {
    return "handshake with a wrong Sec-WebSocket-Accept";
  }
  return undefined;
}

function indexOfHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}
