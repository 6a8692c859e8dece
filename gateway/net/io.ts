/**
 * Small byte and socket helpers shared by the HTTP and WebSocket code.
 *
 * @module
 */
import { clearTimer, setTimer, type TimerHandle } from "../../lib/timers.ts";

/** The subset of `Deno.Conn` the server uses (a test may pass a fake). */
export type NetConn = Deno.Conn;

const encoder = new TextEncoder();

/** Closes a connection, ignoring "already closed". */
export function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/** Writes all of `bytes`, looping over partial writes. `onProgress` runs after each write call. */
export async function writeAll(
  conn: NetConn,
  bytes: Uint8Array,
  onProgress?: () => void,
): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    off += await conn.write(off === 0 ? bytes : bytes.subarray(off));
    onProgress?.();
  }
}

/**
 * Writes `bytes` and closes the connection, waiting at most `maxWaitMs` for the write: used for
 * one-line error answers to peers that may not be reading. Never throws.
 */
export async function writeThenClose(
  conn: NetConn,
  bytes: Uint8Array,
  maxWaitMs = 1_000,
): Promise<void> {
  let timer: TimerHandle | undefined;
  try {
    await Promise.race([
      writeAll(conn, bytes),
      new Promise<void>((resolve) => timer = setTimer(resolve, maxWaitMs)),
    ]);
  } catch {
    // the peer is gone; closing is all that is left
  } finally {
    clearTimer(timer);
    closeQuietly(conn);
  }
}

// deno-lint-ignore no-control-regex -- byte ranges of the wire format
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Encodes a string whose characters are all below U+0100 as one byte per character (ISO-8859-1),
 * the way HTTP header bytes map to `ByteString`s. ASCII takes the native encoder's fast path.
 */
export function encodeLatin1(s: string): Uint8Array {
  if (!NON_ASCII.test(s)) return encoder.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/**
 * One buffer holding `head` (encoded as by {@linkcode encodeLatin1}) followed by `body`: the
 * common small response goes out in a single write with a single allocation.
 */
export function encodeWithBody(head: string, body: Uint8Array): Uint8Array {
  const n = head.length;
  const out = new Uint8Array(n + body.length);
  const { read, written } = encoder.encodeInto(head, out.subarray(0, n));
  if (read !== n || written !== n) {
    for (let i = 0; i < n; i++) out[i] = head.charCodeAt(i) & 0xff;
  }
  out.set(body, n);
  return out;
}

/** Decodes bytes one byte per character (ISO-8859-1), byte-faithful unlike `TextDecoder("latin1")`. */
export function decodeLatin1(bytes: Uint8Array): string {
  const CHUNK = 8_192;
  if (bytes.length <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let s = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return s;
}

/** Finds `\r\n\r\n` in `buf` at or after `from`; returns its index or -1. */
export function indexOfCrlfCrlf(buf: Uint8Array, from: number): number {
  let i = from;
  while (true) {
    i = buf.indexOf(13, i);
    if (i < 0 || i + 3 >= buf.length) return -1;
    if (buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
    i++;
  }
}
