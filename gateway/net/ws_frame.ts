/**
 * RFC 6455 framing helpers: opcodes, close-code validity, server frame encoding (unmasked, one
 * allocation, text encoded in place) and payload unmasking a 32-bit word at a time.
 *
 * @module
 */

/** Frame opcodes. */
export const Op = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** Largest header of a server (unmasked) frame. */
export const MAX_SERVER_HEADER = 10;

const encoder = new TextEncoder();

/** True for a close code a peer may put on the wire (RFC 6455 §7.4, IANA registry). */
export function isValidWireCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}

/** Writes a server frame header for `len` payload bytes ending at `end`; returns its start. */
function putHeader(buf: Uint8Array, end: number, opcode: number, len: number): number {
  if (len < 126) {
    buf[end - 2] = 0x80 | opcode;
    buf[end - 1] = len;
    return end - 2;
  }
  if (len < 65536) {
    buf[end - 4] = 0x80 | opcode;
    buf[end - 3] = 126;
    buf[end - 2] = len >>> 8;
    buf[end - 1] = len & 0xff;
    return end - 4;
  }
  const start = end - 10;
  buf[start] = 0x80 | opcode;
  buf[start + 1] = 127;
  const hi = Math.floor(len / 0x1_0000_0000);
  const lo = len >>> 0;
  buf[start + 2] = 0;
  buf[start + 3] = 0;
  buf[start + 4] = (hi >>> 8) & 0xff;
  buf[start + 5] = hi & 0xff;
  buf[start + 6] = lo >>> 24;
  buf[start + 7] = (lo >>> 16) & 0xff;
  buf[start + 8] = (lo >>> 8) & 0xff;
  buf[start + 9] = lo & 0xff;
  return start;
}

/** A complete unmasked frame (FIN set) carrying a copy of `payload`. */
export function encodeFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const buf = new Uint8Array(MAX_SERVER_HEADER + payload.length);
  buf.set(payload, MAX_SERVER_HEADER);
  const start = putHeader(buf, MAX_SERVER_HEADER, opcode, payload.length);
  return buf.subarray(start);
}

/**
 * A complete text frame for `text`. ASCII text (the common case: JSON) is encoded straight into an
 * exactly sized frame buffer; other text is encoded first and copied behind the header.
 */
export function encodeTextFrame(text: string): Uint8Array {
  const n = text.length;
  const hl = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const buf = new Uint8Array(hl + n);
  const { read, written } = encoder.encodeInto(text, buf.subarray(hl));
  if (read === n && written === n) {
    putHeader(buf, hl, Op.Text, n);
    return buf;
  }
  return encodeFrame(Op.Text, encoder.encode(text));
}

/**
 * A reusable buffer for the text frames of one socket: while nothing of the socket is queued or
 * being written, a small text frame is encoded into this buffer instead of a new one, so a
 * request/response exchange allocates no backing store per answer (each is an off-heap
 * allocation that also feeds V8's external-memory GC heuristics). The buffer starts at the size
 * of the first frame (at least 1 KiB) and grows, doubling, up to `maxBytes`.
 */
export class TextFrameBuffer {
  /** The largest frame (header included) the buffer holds. */
  readonly maxBytes: number;
  #buf = new Uint8Array(0);
  /** `#buf` past the longest header of a frame below 64 KiB, where the payload is encoded. */
  #body = new Uint8Array(0);

  /** @param maxBytes The largest frame kept in the buffer (at most 65,539: 4-byte header). */
  constructor(maxBytes: number) {
    this.maxBytes = Math.min(maxBytes, 65_535 + 4);
  }

  /**
   * The complete text frame for `text`, in the reused buffer: valid until the next call. Returns
   * undefined when the frame would not fit `maxBytes` (encode it with {@linkcode encodeTextFrame}).
   */
  frame(text: string): Uint8Array | undefined {
    const n = text.length;
    if (n + 4 > this.maxBytes) return undefined; // UTF-8 takes at least a byte per unit
    if (this.#buf.length < n + 4) this.#grow(n + 4);
    let r = encoder.encodeInto(text, this.#body);
    if (r.read !== n) {
      // Not ASCII and longer in UTF-8 than the buffer: grow once to the most it can need.
      if (this.#buf.length >= this.maxBytes) return undefined;
      this.#grow(n * 3 + 4);
      r = encoder.encodeInto(text, this.#body);
      if (r.read !== n) return undefined;
    }
    const len = r.written;
    const buf = this.#buf;
    if (len < 126) {
      buf[2] = 0x80 | Op.Text;
      buf[3] = len;
      return buf.subarray(2, 4 + len);
    }
    buf[0] = 0x80 | Op.Text;
    buf[1] = 126;
    buf[2] = len >>> 8;
    buf[3] = len & 0xff;
    return buf.subarray(0, 4 + len);
  }

  #grow(need: number): void {
    let size = Math.max(1024, this.#buf.length);
    while (size < need) size *= 2;
    this.#buf = new Uint8Array(Math.min(size, this.maxBytes));
    this.#body = this.#buf.subarray(4);
  }
}

/** A close frame with `code` (omitted when undefined) and a UTF-8 `reason` (<= 123 bytes). */
export function encodeCloseFrame(code?: number, reason = ""): Uint8Array {
  if (code === undefined) return encodeFrame(Op.Close, new Uint8Array(0));
  const r = encoder.encode(reason);
  const payload = new Uint8Array(2 + r.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(r, 2);
  return encodeFrame(Op.Close, payload);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * XORs `buf[off .. off+len)` in place with the 4-byte mask at `mask[maskAt .. maskAt+4)`,
 * starting at mask index `phase` (non-zero when a payload is unmasked in pieces). Returns the
 * phase after the range. From 16 bytes on (a small request frame) the range goes a 32-bit word
 * at a time: a quarter of the iterations for the price of one typed-array view.
 */
export function unmask(
  buf: Uint8Array,
  off: number,
  len: number,
  mask: Uint8Array,
  maskAt = 0,
  phase = 0,
): number {
  let i = 0;
  if (len >= 16 && LITTLE_ENDIAN) {
    // Bytes up to a 4-byte boundary of the underlying buffer, then whole words.
    const abs = buf.byteOffset + off;
    const lead = (4 - (abs & 3)) & 3;
    for (; i < lead; i++) buf[off + i] ^= mask[maskAt + ((phase + i) & 3)];
    const p = (phase + i) & 3;
    const word = (mask[maskAt + p] | (mask[maskAt + ((p + 1) & 3)] << 8) |
      (mask[maskAt + ((p + 2) & 3)] << 16) | (mask[maskAt + ((p + 3) & 3)] << 24)) >>> 0;
    const words = (len - i) >>> 2;
    const view = new Uint32Array(buf.buffer, abs + i, words);
    for (let w = 0; w < words; w++) view[w] ^= word;
    i += words * 4;
  }
  for (; i < len; i++) buf[off + i] ^= mask[maskAt + ((phase + i) & 3)];
  return (phase + len) & 3;
}
