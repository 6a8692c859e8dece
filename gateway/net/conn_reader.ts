/**
 * A bounded read buffer over a connection. It grows from a small start up to a fixed maximum and
 * never beyond; only one read is ever in flight, so a background "is the client still there?" read
 * and the next request's parse share the same bytes.
 *
 * @module
 */
import type { NetConn } from "./io.ts";

/** Buffered reader with an explicit capacity bound. */
export class ConnReader {
  #conn: NetConn;
  #buf: Uint8Array;
  #max: number;
  #start = 0;
  #end = 0;
  #pending: Promise<number> | undefined;
  #eof = false;

  /** `initial` bytes are allocated at once; the buffer doubles on demand up to `max`. */
  constructor(conn: NetConn, initial: number, max: number) {
    this.#conn = conn;
    this.#max = Math.max(initial, max);
    this.#buf = new Uint8Array(Math.min(initial, this.#max));
  }

  /** Buffered, unconsumed bytes. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** True once the peer closed its side (a read returned end of stream). */
  get eof(): boolean {
    return this.#eof;
  }

  /** True while a read is in flight. */
  get reading(): boolean {
    return this.#pending !== undefined;
  }

  /** The buffered bytes (a view, valid until the next fill or consume). */
  view(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  /** Marks `n` buffered bytes as consumed. */
  consume(n: number): void {
    this.#start += n;
    if (this.#start >= this.#end) this.#start = this.#end = 0;
  }

  /** Removes up to `n` buffered bytes and returns them as a copy. */
  take(n: number): Uint8Array {
    const k = Math.min(n, this.length);
    const out = this.#buf.slice(this.#start, this.#start + k);
    this.consume(k);
    return out;
  }

  /**
   * Reads more bytes into the buffer. Resolves to the count read, 0 at end of stream, or -1 when
   * the buffer is at its maximum and full (the caller's limit logic must stop before that).
   * Concurrent calls share the same read. Rejects when the connection fails or is closed.
   */
  fill(): Promise<number> {
    if (this.#pending) return this.#pending;
    if (this.#eof) return Promise.resolve(0);
    if (!this.#makeRoom()) return Promise.resolve(-1);
    const p = this.#conn.read(this.#buf.subarray(this.#end)).then(
      (n) => {
        this.#pending = undefined;
        if (n === null) {
          this.#eof = true;
          return 0;
        }
        this.#end += n;
        return n;
      },
      (err) => {
        this.#pending = undefined;
        throw err;
      },
    );
    this.#pending = p;
    return p;
  }

  /**
   * Reads into `dst`: buffered bytes first, else straight from the connection (no extra copy for
   * large bodies). Resolves to the count, or null at end of stream.
   */
  async readInto(dst: Uint8Array): Promise<number | null> {
    if (this.#pending) await this.#pending;
    if (this.length > 0) {
      const k = Math.min(dst.length, this.length);
      dst.set(this.#buf.subarray(this.#start, this.#start + k));
      this.consume(k);
      return k;
    }
    if (this.#eof) return null;
    const n = await this.#conn.read(dst);
    if (n === null) this.#eof = true;
    return n;
  }

  /** Makes free space at the end: compacts, then grows (bounded). False when full at maximum. */
  #makeRoom(): boolean {
    if (this.#end < this.#buf.length) return true;
    if (this.#start > 0) {
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
      if (this.#end < this.#buf.length) return true;
    }
    if (this.#buf.length >= this.#max) return false;
    const next = new Uint8Array(Math.min(this.#max, this.#buf.length * 2));
    next.set(this.#buf.subarray(0, this.#end));
    this.#buf = next;
    return true;
  }

  /** Shrinks an idle, grown buffer back to `size` bytes (keeps any buffered bytes). */
  shrink(size: number): void {
    if (this.#buf.length <= size || this.length > size) return;
    const next = new Uint8Array(size);
    next.set(this.view());
    this.#end = this.length;
    this.#start = 0;
    this.#buf = next;
  }
}
