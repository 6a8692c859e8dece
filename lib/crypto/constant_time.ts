/**
 * Secret comparison whose time depends neither on where the operands differ nor on their lengths.
 *
 * Both sides are hashed with SHA-256 first (the same idea as Hono's `timingSafeEqual`): the
 * comparison then always runs over 32 bytes, so a caller holding the expected secret does not
 * leak its length through an early length check or a loop bound. The hash is this module's own
 * sync SHA-256, so no `node:` module is loaded on the paths that check secrets; the WebSocket
 * handshake, which every client runs, uses the WebCrypto variant
 * ({@linkcode timingSafeEqualStringNative}).
 *
 * @module
 */
import { nativeDigest } from "./native_digest.ts";
import { sha256 } from "./sha256.ts";

/** Compares two 32-byte digests with no early exit (as eight words, without a loop). */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  const x = new DataView(a.buffer, a.byteOffset, 32);
  const y = new DataView(b.buffer, b.byteOffset, 32);
  const diff = (x.getInt32(0) ^ y.getInt32(0)) | (x.getInt32(4) ^ y.getInt32(4)) |
    (x.getInt32(8) ^ y.getInt32(8)) | (x.getInt32(12) ^ y.getInt32(12)) |
    (x.getInt32(16) ^ y.getInt32(16)) | (x.getInt32(20) ^ y.getInt32(20)) |
    (x.getInt32(24) ^ y.getInt32(24)) | (x.getInt32(28) ^ y.getInt32(28));
  return diff === 0;
}

/**
 * Tells whether two byte arrays are equal, in time independent of their contents and lengths.
 *
 * @param a One secret.
 * @param b The other.
 * @returns `true` when both hold the same bytes (two empty arrays are equal).
 * @example
 * ```ts
 * timingSafeEqualBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2])); // true
 * ```
 */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  return sameDigest(sha256(a), sha256(b));
}

/**
 * Tells whether two strings are equal (as UTF-8), in time independent of where they differ and
 * of their lengths.
 *
 * @param a One secret.
 * @param b The other.
 * @returns `true` when both are the same text.
 * @example
 * ```ts
 * timingSafeEqualString("tok-1", "tok-2"); // false
 * ```
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  return sameDigest(sha256(a), sha256(b));
}

/**
 * The digest of the last `expected` secret: the server compares every client against the same
 * configured secret, so it is hashed once while it stays the same. Keyed by the server's own
 * secret only -- never by what a client sent, whose hashing time must not depend on history.
 */
let expectedDigest: { text: string; digest: Promise<Uint8Array> } | undefined;

function digestOfExpected(text: string): Promise<Uint8Array> {
  if (expectedDigest?.text !== text) {
    expectedDigest = { text, digest: nativeDigest("SHA-256", text) };
  }
  return expectedDigest.digest;
}

/**
 * {@linkcode timingSafeEqualString} with both sides hashed by the runtime (WebCrypto): for a
 * server that compares a secret on every connection, where the TypeScript hash would run often
 * enough for V8 to optimise it. The server's own secret goes second (its digest is kept).
 *
 * @param presented What the client sent.
 * @param expected The server's secret.
 * @returns `true` when both are the same text.
 * @example
 * ```ts
 * await timingSafeEqualStringNative("tok-1", "tok-2"); // false
 * ```
 */
export async function timingSafeEqualStringNative(
  presented: string,
  expected: string,
): Promise<boolean> {
  const [x, y] = await Promise.all([
    nativeDigest("SHA-256", presented),
    digestOfExpected(expected),
  ]);
  return sameDigest(x, y);
}
