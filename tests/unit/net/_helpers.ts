/**
 * Raw-socket helpers for the gateway/net tests: a byte-level HTTP/1.1 client and a byte-level
 * WebSocket client, so malformed and hostile traffic can be produced exactly.
 */
import { type HttpServer, serveHttp, type ServeHttpOptions } from "../../../gateway/net/mod.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** Starts a server on 127.0.0.1:0. */
export function start(
  handler: ServeHttpOptions["handler"],
  extra: Partial<ServeHttpOptions> = {},
): { server: HttpServer; port: number } {
  const server = serveHttp({ hostname: "127.0.0.1", port: 0, handler, ...extra });
  return { server, port: server.addr.port };
}

/** Rejects after `ms` (the timer is cleared when `p` settles). */
export async function within<T>(p: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sleeps (short waits only). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every 10 ms until true or `ms` passed. */
export async function until(cond: () => boolean, ms = 2_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not reached in ${ms} ms`);
    await sleep(10);
  }
}

/** A raw TCP client with a read buffer. */
export class Raw {
  readonly conn: Deno.TcpConn;
  #buf = new Uint8Array(0);
  #eof = false;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  static async connect(port: number): Promise<Raw> {
    return new Raw(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Reads more bytes into the buffer; false at EOF or on a reset. */
  async #more(): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(64 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(chunk);
    } catch {
      n = null;
    }
    if (n === null) {
      this.#eof = true;
      return false;
    }
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
    return true;
  }

  /** Reads exactly `n` bytes (null at EOF). */
  async readN(n: number, ms = 5_000): Promise<Uint8Array | null> {
    return await within(
      (async () => {
        while (this.#buf.length < n) if (!await this.#more()) return null;
        const out = this.#buf.slice(0, n);
        this.#buf = this.#buf.slice(n);
        return out;
      })(),
      ms,
      `reading ${n} bytes`,
    );
  }

  /** Reads until `marker` (included); null at EOF. */
  async readUntil(marker: string, ms = 5_000): Promise<string | null> {
    const m = enc.encode(marker);
    return await within(
      (async () => {
        while (true) {
          const i = indexOf(this.#buf, m);
          if (i >= 0) {
            const out = dec.decode(this.#buf.subarray(0, i + m.length));
            this.#buf = this.#buf.slice(i + m.length);
            return out;
          }
          if (!await this.#more()) return null;
        }
      })(),
      ms,
      `reading until ${JSON.stringify(marker)}`,
    );
  }

  /** Reads until the server closes; returns everything read. */
  async readToEnd(ms = 5_000): Promise<string> {
    return await within(
      (async () => {
        while (await this.#more()) { /* accumulate */ }
        const out = dec.decode(this.#buf);
        this.#buf = new Uint8Array(0);
        return out;
      })(),
      ms,
      "reading to EOF",
    );
  }

  /** Resolves true when the server closed the connection (EOF or reset) within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    try {
      await this.readToEnd(ms);
      return true;
    } catch {
      return false;
    }
  }

  /** Reads one HTTP response (Content-Length, chunked or close-delimited body). */
  async response(opts: { head?: boolean; ms?: number } = {}): Promise<HttpResponse> {
    const ms = opts.ms ?? 5_000;
    const headText = await this.readUntil("\r\n\r\n", ms);
    if (headText === null) throw new Error("connection closed before a response");
    const lines = headText.slice(0, -4).split("\r\n");
    const status = Number(lines[0].split(" ")[1]);
    const headers = new Headers();
    for (const line of lines.slice(1)) {
      const c = line.indexOf(":");
      headers.append(line.slice(0, c), line.slice(c + 1).trim());
    }
    const chunks: string[] = [];
    if (opts.head || status === 204 || status === 304 || status < 200) {
      return { status, headers, body: "", chunks, raw: headText };
    }
    const cl = headers.get("content-length");
    if (cl !== null) {
      const body = await this.readN(Number(cl), ms);
      return { status, headers, body: dec.decode(body ?? new Uint8Array()), chunks, raw: headText };
    }
    if (headers.get("transfer-encoding") === "chunked") {
      while (true) {
        const sizeLine = await this.readUntil("\r\n", ms);
        if (sizeLine === null) throw new Error("EOF in chunked body");
        const size = parseInt(sizeLine, 16);
        if (size === 0) {
          await this.readUntil("\r\n", ms);
          break;
        }
        const data = await this.readN(size + 2, ms);
        chunks.push(dec.decode(data!.subarray(0, size)));
      }
      return { status, headers, body: chunks.join(""), chunks, raw: headText };
    }
    return { status, headers, body: await this.readToEnd(ms), chunks, raw: headText };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  chunks: string[];
  raw: string;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

// ------------------------------------------------------------------------ WebSocket (raw)

/** Performs a WebSocket handshake on a raw connection; returns the client. */
export async function rawWebSocket(port: number, path = "/ws"): Promise<Raw> {
  const raw = await Raw.connect(port);
  await raw.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
      `Sec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await raw.readUntil("\r\n\r\n");
  if (!head?.startsWith("HTTP/1.1 101")) throw new Error(`handshake failed: ${head}`);
  if (!head.toLowerCase().includes("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=")) {
    throw new Error(`bad accept: ${head}`);
  }
  return raw;
}

/** Builds a client frame. */
export function clientFrame(
  opcode: number,
  payload: Uint8Array | string,
  opts: { fin?: boolean; mask?: boolean; rsv?: number; declaredLength?: number } = {},
): Uint8Array {
  const data = typeof payload === "string" ? enc.encode(payload) : payload;
  const fin = opts.fin ?? true;
  const mask = opts.mask ?? true;
  const len = opts.declaredLength ?? data.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode];
  const mbit = mask ? 0x80 : 0;
  if (len < 126) head.push(mbit | len);
  else if (len < 65536) head.push(mbit | 126, len >> 8, len & 0xff);
  else {
    head.push(mbit | 127, 0, 0);
    const hi = Math.floor(len / 2 ** 32);
    head.push((hi >> 8) & 0xff, hi & 0xff);
    head.push((len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  }
  const key = [0x12, 0x34, 0x56, 0x78];
  if (mask) head.push(...key);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  for (let i = 0; i < data.length; i++) {
    out[head.length + i] = mask ? data[i] ^ key[i & 3] : data[i];
  }
  return out;
}

/** A server frame as read by {@linkcode readFrame}. */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
}

/** Reads one (unmasked) server frame; null at EOF. */
export async function readFrame(raw: Raw, ms = 5_000): Promise<Frame | null> {
  const h = await raw.readN(2, ms);
  if (!h) return null;
  let len = h[1] & 0x7f;
  if (len === 126) {
    const e = (await raw.readN(2, ms))!;
    len = (e[0] << 8) | e[1];
  } else if (len === 127) {
    const e = (await raw.readN(8, ms))!;
    len = Number(new DataView(e.buffer, e.byteOffset).getBigUint64(0));
  }
  const payload = len === 0 ? new Uint8Array() : await raw.readN(len, ms);
  if (!payload) return null;
  return { fin: (h[0] & 0x80) !== 0, opcode: h[0] & 0x0f, payload };
}

/** Reads frames until a close frame; returns its code and reason (code 1005 when empty). */
export async function readClose(raw: Raw, ms = 5_000): Promise<{ code: number; reason: string }> {
  while (true) {
    const f = await readFrame(raw, ms);
    if (!f) throw new Error("EOF before a close frame");
    if (f.opcode !== 8) continue;
    if (f.payload.length < 2) return { code: 1005, reason: "" };
    return { code: (f.payload[0] << 8) | f.payload[1], reason: dec.decode(f.payload.subarray(2)) };
  }
}

// ------------------------------------------------------------------------ assertions

import nodeAssert from "node:assert/strict";

/** Asserts truthiness. */
export function assert(cond: unknown, msg?: string): asserts cond {
  if (msg === undefined) nodeAssert.ok(cond);
  else nodeAssert.ok(cond, msg);
}

/** Deep strict equality. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (msg === undefined) nodeAssert.deepStrictEqual(actual, expected);
  else nodeAssert.deepStrictEqual(actual, expected, msg);
}

/** Regex match. */
export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  if (msg === undefined) nodeAssert.match(actual, re);
  else nodeAssert.match(actual, re, msg);
}
