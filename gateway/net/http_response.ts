/**
 * Writes a `Response` as HTTP/1.1: status line and headers, then the body with Content-Length
 * when it is known (a declared header, or a body that turns out to be a single ready chunk),
 * otherwise chunked (close-delimited for HTTP/1.0). Every chunk is written and awaited as it comes,
 * so server-sent events flush per chunk and a slow client holds back the producer.
 *
 * @module
 */
import type { ClientGone } from "./client_gone.ts";
import type { Deadline } from "./deadline.ts";
import { encodeLatin1, encodeWithBody, type NetConn, writeAll } from "./io.ts";
import { reasonPhrase } from "./http_status.ts";

/** Chunks up to this size are copied to share one write with their framing. */
const COALESCE_MAX = 64 * 1024;
const DIGITS = /^\d{1,15}$/;
const CLOSE_TOKEN = /(?:^|,)\s*close\s*(?:,|$)/i;
const CRLF = new Uint8Array([13, 10]);
const LAST_CHUNK = new Uint8Array([48, 13, 10, 13, 10]);
const NOT_YET = Symbol("not yet");

/**
 * Resolves to NOT_YET after a few microtask turns: racing a stream read against it tells a body
 * that is already available (a static string or bytes, ready within a turn or two) from a live
 * stream, without a timer.
 */
function soon(): Promise<typeof NOT_YET> {
  return Promise.resolve().then(() => {}).then(() => {}).then(() => NOT_YET);
}

/** Where and how a response is written. */
export interface ResponseSink {
  /** The connection. */
  conn: NetConn;
  /** Armed around each write; a write making no progress for `writeTimeoutMs` closes the socket. */
  deadline: Deadline;
  /** No-progress limit of a write. */
  writeTimeoutMs: number;
  /** Called when a write stalls (closes the connection, failing the write). */
  onWriteTimeout(): void;
}

/** Per-response options. */
export interface WriteOptions {
  /** A HEAD request: headers only. */
  head: boolean;
  /** The request was HTTP/1.0. */
  http10: boolean;
  /** The connection closes after this response (the client asked, or the server decided). */
  close: boolean;
  /** Set when the client goes away; cancels the response body. */
  gone: ClientGone;
}

let cachedDate = "";
let cachedSecond = -1;

/** The current time as an IMF-fixdate, recomputed at most once a second. */
export function httpDate(): string {
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  if (sec !== cachedSecond) {
    cachedSecond = sec;
    cachedDate = new Date(now).toUTCString();
  }
  return cachedDate;
}

/** Writes `bytes` fully under the sink's no-progress deadline. */
export async function sinkWrite(sink: ResponseSink, bytes: Uint8Array): Promise<void> {
  const { deadline, writeTimeoutMs, onWriteTimeout } = sink;
  deadline.arm(writeTimeoutMs, onWriteTimeout);
  try {
    await writeAll(sink.conn, bytes, () => deadline.arm(writeTimeoutMs, onWriteTimeout));
  } catch (err) {
    throw new WriteError(err);
  } finally {
    deadline.disarm();
  }
}

function concat(a: Uint8Array, b: Uint8Array, c?: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length + (c?.length ?? 0));
  out.set(a);
  out.set(b, a.length);
  if (c) out.set(c, a.length + b.length);
  return out;
}

function chunkPrefix(n: number): Uint8Array {
  return encodeLatin1(`${n.toString(16)}\r\n`);
}

/** Writes one chunked-encoding chunk (non-empty). */
async function writeChunk(sink: ResponseSink, chunk: Uint8Array, head?: Uint8Array): Promise<void> {
  const prefix = chunkPrefix(chunk.length);
  const lead = head ? concat(head, prefix) : prefix;
  if (chunk.length <= COALESCE_MAX) {
    await sinkWrite(sink, concat(lead, chunk, CRLF));
  } else {
    await sinkWrite(sink, lead);
    await sinkWrite(sink, chunk);
    await sinkWrite(sink, CRLF);
  }
}

async function writeHeadAndBody(sink: ResponseSink, head: Uint8Array, body: Uint8Array) {
  if (body.length === 0) await sinkWrite(sink, head);
  else if (body.length <= COALESCE_MAX) await sinkWrite(sink, concat(head, body));
  else {
    await sinkWrite(sink, head);
    await sinkWrite(sink, body);
  }
}

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError("response body chunks must be Uint8Array");
}

/**
 * Writes `res` to the sink. Resolves to true when the connection may carry another request, false
 * when it must close (asked to, framing could not be honoured, the body failed, the client left).
 * Throws only when a write fails.
 */
export async function writeResponse(
  sink: ResponseSink,
  res: Response,
  o: WriteOptions,
): Promise<boolean> {
  const status = res.status;
  let keep = !o.close;
  let head = `HTTP/1.1 ${status} ${res.statusText || reasonPhrase(status)}\r\n`;
  let declared = -1;
  let hasDate = false;
  for (const [name, value] of res.headers) {
    switch (name) {
      case "content-length":
        if (DIGITS.test(value)) declared = Number(value);
        continue;
      case "transfer-encoding":
      case "keep-alive":
        continue;
      case "connection":
        if (CLOSE_TOKEN.test(value)) keep = false;
        continue;
      case "date":
        hasDate = true;
    }
    head += `${name}: ${value}\r\n`;
  }
  if (!hasDate) head += `date: ${httpDate()}\r\n`;

  const body = res.body;
  const bodiless = status < 200 || status === 204 || status === 304;
  if (bodiless || o.head || body === null) {
    if (body !== null) body.cancel().catch(() => {});
    if (!bodiless) {
      // A HEAD answer keeps a declared length; a null body without one has length 0.
      if (!o.head) declared = 0;
      else if (body === null && declared < 0) declared = 0;
      if (declared >= 0) head += `content-length: ${declared}\r\n`;
    }
    await sinkWrite(sink, encodeLatin1(head + connectionLine(keep, o.http10)));
    return keep;
  }

  const reader = body.getReader();
  const gone = o.gone;
  try {
    if (declared >= 0) {
      gone.onAbort = () => reader.cancel().catch(() => {});
      await sinkWrite(
        sink,
        encodeLatin1(`${head}content-length: ${declared}\r\n${connectionLine(keep, o.http10)}`),
      );
      let sent = 0;
      while (sent < declared) {
        const r = await reader.read();
        if (r.done || gone.gone) break;
        let chunk = asBytes(r.value);
        if (sent + chunk.length > declared) chunk = chunk.subarray(0, declared - sent);
        await sinkWrite(sink, chunk);
        sent += chunk.length;
      }
      if (sent < declared) return false; // the client sees a short body and the close
      const r = await peek(reader);
      if (r === NOT_YET || !r.done) {
        reader.cancel().catch(() => {});
        // More than declared, or still open: the bytes we sent are complete, but do not wait.
      }
      return keep && !gone.gone;
    }

    // A body that is ready at once (a string, bytes, JSON) is sent with a Content-Length; one
    // that is not (a live stream such as server-sent events) gets its head sent right away.
    const firstRead = reader.read();
    const first = await Promise.race([firstRead, soon()]);
    if (first !== NOT_YET && first.done) {
      await sinkWrite(
        sink,
        encodeLatin1(`${head}content-length: 0\r\n${connectionLine(keep, o.http10)}`),
      );
      return keep;
    }
    // A live stream: cancel it if the client goes away while it is waiting for data.
    gone.onAbort = () => reader.cancel().catch(() => {});
    let next: Promise<ReadableStreamReadResult<Uint8Array>> = firstRead;
    let pending: Uint8Array | undefined;
    if (first !== NOT_YET) {
      pending = asBytes(first.value);
      next = reader.read();
      const peeked = await Promise.race([next, soon()]);
      if (peeked !== NOT_YET && peeked.done) {
        const headText = `${head}content-length: ${pending.length}\r\n${
          connectionLine(keep, o.http10)
        }`;
        if (pending.length <= COALESCE_MAX) {
          await sinkWrite(sink, encodeWithBody(headText, pending));
        } else await writeHeadAndBody(sink, encodeLatin1(headText), pending);
        return keep;
      }
    }
    if (o.http10) {
      // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection.
      await writeHeadAndBody(
        sink,
        encodeLatin1(`${head}connection: close\r\n\r\n`),
        pending ?? new Uint8Array(0),
      );
      for (let r = await next; !r.done && !gone.gone; r = await reader.read()) {
        await sinkWrite(sink, asBytes(r.value));
      }
      return false;
    }
    const headBytes = encodeLatin1(
      `${head}transfer-encoding: chunked\r\n${connectionLine(keep, false)}`,
    );
    if (pending && pending.length > 0) await writeChunk(sink, pending, headBytes);
    else await sinkWrite(sink, headBytes);
    for (let r = await next; !r.done; r = await reader.read()) {
      if (gone.gone) return false;
      const chunk = asBytes(r.value);
      if (chunk.length > 0) await writeChunk(sink, chunk);
    }
    if (gone.gone) return false;
    await sinkWrite(sink, LAST_CHUNK);
    return keep;
  } catch (err) {
    reader.cancel(err).catch(() => {});
    if (isWriteError(err)) throw err;
    return false; // the body stream failed: the response is cut short by closing
  } finally {
    gone.onAbort = undefined;
  }
}

function connectionLine(keep: boolean, http10: boolean): string {
  if (!keep) return "connection: close\r\n\r\n";
  return http10 ? "connection: keep-alive\r\n\r\n" : "\r\n";
}

async function peek(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<ReadableStreamReadResult<Uint8Array> | typeof NOT_YET> {
  return await Promise.race([reader.read(), soon()]);
}

/** Marks errors that came from writing to the socket (as opposed to the body stream). */
export class WriteError extends Error {
  /** Wraps the socket error. */
  constructor(cause: unknown) {
    super(`response write failed: ${String(cause)}`, { cause });
    this.name = "WriteError";
  }
}

function isWriteError(err: unknown): boolean {
  return err instanceof WriteError;
}
