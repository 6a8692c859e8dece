/**
 * The long connection's binary frame, `pbbp2.Frame` (protobuf, proto2), encoded and decoded by
 * hand -- the message is nine fields, so this page replaces protobufjs and its code generator:
 *
 * ```
 * message Header { required string key = 1; required string value = 2; }
 * message Frame {
 *   required uint64 SeqID = 1;  required uint64 LogID = 2;
 *   required int32 service = 3; required int32 method = 4;   // 0 control, 1 data
 *   repeated Header headers = 5;
 *   optional string payload_encoding = 6; optional string payload_type = 7;
 *   optional bytes payload = 8; optional string LogIDNew = 9;
 * }
 * ```
 *
 * Fields are written in field order with the required ones always present, byte for byte what
 * the official SDK's generated encoder writes (tests pin golden frames from it). The decoder
 * is strict about lengths (nothing is read past the buffer), skips unknown fields, and bounds
 * the header count; `uint64` values stay `bigint` so an acknowledgement echoes them exactly.
 *
 * @module
 */

/** One frame header. */
export interface FrameHeaderEntry {
  key: string;
  value: string;
}

/** A decoded frame. */
export interface Frame {
  seqId: bigint;
  logId: bigint;
  service: number;
  /** 0 control (ping/pong), 1 data (events). */
  method: number;
  headers: FrameHeaderEntry[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  logIdNew?: string;
}

/** Most headers a decoded frame may carry. */
export const MAX_FRAME_HEADERS = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

class Writer {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  varint(value: bigint): void {
    const bytes: number[] = [];
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.#push(Uint8Array.from(bytes));
  }

  tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(BigInt(data.byteLength));
    this.#push(data);
  }

  string(field: number, text: string): void {
    this.bytes(field, encoder.encode(text));
  }

  #push(part: Uint8Array): void {
    this.#parts.push(part);
    this.#length += part.byteLength;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let off = 0;
    for (const p of this.#parts) {
      out.set(p, off);
      off += p.byteLength;
    }
    return out;
  }
}

/**
 * Encodes a frame.
 *
 * @param frame The frame; `seqId`/`logId` may be numbers or bigints.
 * @returns The protobuf bytes.
 * @example
 * ```ts
 * const ping = encodeFrame({
 *   seqId: 0n, logId: 0n, service: 1, method: 0, headers: [{ key: "type", value: "ping" }],
 * });
 * ```
 */
export function encodeFrame(frame: Frame): Uint8Array {
  const w = new Writer();
  w.tag(1, 0);
  w.varint(frame.seqId);
  w.tag(2, 0);
  w.varint(frame.logId);
  w.tag(3, 0);
  w.varint(BigInt(frame.service | 0));
  w.tag(4, 0);
  w.varint(BigInt(frame.method | 0));
  for (const h of frame.headers) {
    const inner = new Writer();
    inner.string(1, h.key);
    inner.string(2, h.value);
    w.bytes(5, inner.finish());
  }
  if (frame.payloadEncoding !== undefined) w.string(6, frame.payloadEncoding);
  if (frame.payloadType !== undefined) w.string(7, frame.payloadType);
  if (frame.payload !== undefined) w.bytes(8, frame.payload);
  if (frame.logIdNew !== undefined) w.string(9, frame.logIdNew);
  return w.finish();
}

class Reader {
  pos: number;
  readonly end: number;

  constructor(readonly buf: Uint8Array, start = 0, end = buf.byteLength) {
    this.pos = start;
    this.end = end;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new SyntaxError("Cannot decode frame: truncated varint");
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new SyntaxError("Cannot decode frame: varint longer than 10 bytes");
  }

  length(): number {
    const n = this.varint();
    if (n > BigInt(this.end - this.pos)) {
      throw new SyntaxError("Cannot decode frame: field longer than the frame");
    }
    return Number(n);
  }

  bytes(): Uint8Array {
    const n = this.length();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    try {
      return decoder.decode(this.bytes());
    } catch (err) {
      if (err instanceof SyntaxError) throw err;
      throw new SyntaxError("Cannot decode frame: a string is not UTF-8");
    }
  }

  skip(wire: number): void {
    const n = wire === 0
      ? (this.varint(), 0)
      : wire === 1
      ? 8
      : wire === 2
      ? this.length()
      : wire === 5
      ? 4
      : -1;
    if (n < 0) throw new SyntaxError(`Cannot decode frame: wire type ${wire} is not supported`);
    if (n > this.end - this.pos) throw new SyntaxError("Cannot decode frame: truncated field");
    this.pos += n;
  }
}

function decodeHeader(r: Reader, end: number): FrameHeaderEntry {
  const inner = new Reader(r.buf, r.pos, end);
  const header: FrameHeaderEntry = { key: "", value: "" };
  while (inner.pos < inner.end) {
    const tag = Number(inner.varint());
    if (tag >>> 3 === 1 && (tag & 7) === 2) header.key = inner.string();
    else if (tag >>> 3 === 2 && (tag & 7) === 2) header.value = inner.string();
    else inner.skip(tag & 7);
  }
  r.pos = end;
  return header;
}

/**
 * Decodes a frame.
 *
 * @param bytes The binary WebSocket message.
 * @returns The frame (missing required numbers read as 0).
 * @throws {SyntaxError} When the bytes are not a well-formed frame, or carry more than
 *   {@linkcode MAX_FRAME_HEADERS} headers.
 */
export function decodeFrame(bytes: Uint8Array): Frame {
  const r = new Reader(bytes);
  const frame: Frame = { seqId: 0n, logId: 0n, service: 0, method: 0, headers: [] };
  while (r.pos < r.end) {
    const tag = Number(r.varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0 && field >= 1 && field <= 4) {
      const v = r.varint();
      if (field === 1) frame.seqId = v;
      else if (field === 2) frame.logId = v;
      else if (field === 3) frame.service = Number(BigInt.asIntN(32, v));
      else frame.method = Number(BigInt.asIntN(32, v));
    } else if (wire === 2 && field === 5) {
      if (frame.headers.length >= MAX_FRAME_HEADERS) {
        throw new SyntaxError(`Cannot decode frame: more than ${MAX_FRAME_HEADERS} headers`);
      }
      const n = r.length();
      frame.headers.push(decodeHeader(r, r.pos + n));
    } else if (wire === 2 && field === 6) frame.payloadEncoding = r.string();
    else if (wire === 2 && field === 7) frame.payloadType = r.string();
    else if (wire === 2 && field === 8) frame.payload = r.bytes().slice();
    else if (wire === 2 && field === 9) frame.logIdNew = r.string();
    else r.skip(wire);
  }
  return frame;
}

/**
 * Reads a header (the first with that key).
 *
 * @param frame A frame.
 * @param key The header key.
 * @returns Its value, or `undefined`.
 */
export function frameHeader(frame: Frame, key: string): string | undefined {
  return frame.headers.find((h) => h.key === key)?.value;
}
