/**
 * Request bodies: `Content-Length` and chunked decoding on top of a {@linkcode ConnReader}, exposed
 * as a pull-based `ReadableStream` (nothing is read from the socket until the handler asks), with a
 * no-progress timeout on every socket read and a bounded drain for bodies a handler left unread.
 *
 * @module
 */
import type { ConnReader } from "./conn_reader.ts";
import type { Deadline } from "./deadline.ts";
import { decodeLatin1 } from "./io.ts";

/** Largest chunk handed to the stream per read. */
const MAX_CHUNK = 64 * 1024;
/** Longest chunk-size line (with extensions) accepted. */
const MAX_CHUNK_LINE = 4_096;
const HEX = /^[0-9A-Fa-f]{1,13}(?:[ \t]*;.*)?$/;

/** The request body is malformed, cut short, stalled, or no longer readable. */
export class BodyError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "BodyError";
  }
}

/** What a decoder needs from its connection. */
export interface BodyContext {
  /** The connection's bounded reader. */
  reader: ConnReader;
  /** The deadline armed around each socket read. */
  deadline: Deadline;
  /** No-progress limit of one socket read. */
  timeoutMs: number;
  /** Called when a read stalls past `timeoutMs` (it closes the connection, failing the read). */
  onTimeout(): void;
  /** Largest trailer section accepted. */
  maxTrailerBytes: number;
  /** Called once before the first socket read (sends `100 Continue` when the client expects it). */
  beforeFirstRead?: () => Promise<void>;
}

const enum Chunked {
  Size,
  Data,
  DataEnd,
  Trailer,
}

/** Decodes one request body. Reads are sequential; the stream and the drain never overlap. */
export class BodyDecoder {
  #ctx: BodyContext;
  #chunked: boolean;
  #remaining: number;
  #state = Chunked.Size;
  #trailerBytes = 0;
  #firstRead = true;
  #onDone: () => void;
  #reading = false;
  #detached = false;
  #timedOut = false;
  /** True once the whole body was read. */
  done = false;
  /** True once a read failed (malformed, cut short, stalled): the connection cannot be reused. */
  failed = false;

  /**
   * `length` is the Content-Length, or -1 for chunked. `onDone` runs once when the last byte was
   * read (the connection then starts watching for the client going away).
   */
  constructor(ctx: BodyContext, length: number, onDone: () => void) {
    this.#ctx = ctx;
    this.#chunked = length < 0;
    this.#remaining = length < 0 ? 0 : length;
    this.#onDone = onDone;
    if (length === 0) this.#finish();
  }

  /** True while a read is in flight. */
  get reading(): boolean {
    return this.#reading;
  }

  /** Reads the next piece of the body, or null at its end. */
  async read(): Promise<Uint8Array | null> {
    if (this.#detached) throw new BodyError("request body is no longer readable");
    return await this.#read();
  }

  /** A pull-based stream over the body: each `read()` of the stream reads the socket once. */
  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const chunk = await this.read();
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
    }, { highWaterMark: 0 });
  }

  /**
   * Takes the body away from the stream and discards the rest of it, up to `limit` bytes. True
   * when the body ended within the limit (the connection may be reused).
   */
  async drain(limit: number, allowContinue: boolean): Promise<boolean> {
    if (this.done) return true;
    if (this.failed || this.#reading) return false;
    if (this.#firstRead && !allowContinue) return false;
    if (!this.#chunked && this.#remaining > limit) return false;
    this.#detached = true;
    let total = 0;
    try {
      while (!this.done) {
        const chunk = await this.#read();
        if (chunk === null) break;
        total += chunk.length;
        if (total > limit) return false;
      }
      return true;
    } catch {
      return false;
    }
  }

  async #read(): Promise<Uint8Array | null> {
    if (this.done) return null;
    if (this.failed) throw new BodyError("request body failed");
    this.#reading = true;
    try {
      if (this.#firstRead) {
        this.#firstRead = false;
        if (this.#ctx.reader.length === 0) await this.#ctx.beforeFirstRead?.();
      }
      return this.#chunked ? await this.#readChunked() : await this.#readLength();
    } catch (err) {
      this.failed = true;
      if (this.#timedOut) throw new BodyError("request body timed out");
      throw err instanceof BodyError ? err : new BodyError(`request body: ${String(err)}`);
    } finally {
      this.#reading = false;
    }
  }

  #finish(): void {
    this.done = true;
    this.#onDone();
  }

  async #readLength(): Promise<Uint8Array | null> {
    const chunk = await this.#readData(this.#remaining);
    this.#remaining -= chunk.length;
    if (this.#remaining === 0) this.#finish();
    return chunk;
  }

  /** Reads up to `max` (> 0) data bytes: buffered ones first, else straight from the socket. */
  async #readData(max: number): Promise<Uint8Array> {
    const { reader } = this.#ctx;
    const want = Math.min(max, MAX_CHUNK);
    if (reader.length > 0) return reader.take(want);
    const dst = new Uint8Array(want);
    const n = await this.#timed(reader.readInto(dst));
    if (n === null) throw new BodyError("request body cut short");
    if (n === want) return dst;
    return n < want >>> 1 ? dst.slice(0, n) : dst.subarray(0, n);
  }

  async #readChunked(): Promise<Uint8Array | null> {
    while (true) {
      switch (this.#state) {
        case Chunked.Size: {
          const line = await this.#readLine(MAX_CHUNK_LINE);
          if (!HEX.test(line)) throw new BodyError("malformed chunk size");
          const size = parseInt(line, 16);
          if (size === 0) {
            this.#state = Chunked.Trailer;
          } else {
            this.#remaining = size;
            this.#state = Chunked.Data;
          }
          break;
        }
        case Chunked.Data: {
          const chunk = await this.#readData(this.#remaining);
          this.#remaining -= chunk.length;
          if (this.#remaining === 0) this.#state = Chunked.DataEnd;
          return chunk;
        }
        case Chunked.DataEnd: {
          const line = await this.#readLine(2);
          if (line !== "") throw new BodyError("missing CRLF after chunk data");
          this.#state = Chunked.Size;
          break;
        }
        case Chunked.Trailer: {
          const left = this.#ctx.maxTrailerBytes - this.#trailerBytes;
          const line = await this.#readLine(Math.max(2, left));
          if (line === "") {
            this.#finish();
            return null;
          }
          this.#trailerBytes += line.length + 2;
          if (this.#trailerBytes > this.#ctx.maxTrailerBytes) {
            throw new BodyError("chunked trailer too large");
          }
          break;
        }
      }
    }
  }

  /** Reads one CRLF-terminated line of at most `max` bytes (CRLF included), without the CRLF. */
  async #readLine(max: number): Promise<string> {
    const { reader } = this.#ctx;
    while (true) {
      const view = reader.view();
      const lf = view.indexOf(10);
      if (lf >= 0) {
        if (lf + 1 > max) throw new BodyError("chunked framing line too long");
        if (lf === 0 || view[lf - 1] !== 13) throw new BodyError("bare LF in chunked framing");
        const line = decodeLatin1(view.subarray(0, lf - 1));
        reader.consume(lf + 1);
        return line;
      }
      if (view.length >= max) throw new BodyError("chunked framing line too long");
      const n = await this.#timed(reader.fill());
      if (n === 0) throw new BodyError("request body cut short");
      if (n < 0) throw new BodyError("chunked framing line too long");
    }
  }

  #expire = (): void => {
    this.#timedOut = true;
    this.#ctx.onTimeout();
  };

  async #timed<T>(p: Promise<T>): Promise<T> {
    const { deadline } = this.#ctx;
    deadline.arm(this.#ctx.timeoutMs, this.#expire);
    try {
      return await p;
    } finally {
      deadline.disarm();
    }
  }
}
