/**
 * Secret comparison whose time depends neither on where the operands differ nor on their lengths.
 *
 * Both sides are hashed with SHA-256 first (the same idea as Hono's `timingSafeEqual`): the
 * comparison then always runs over 32 bytes, so a caller holding the expected secret does not
 * leak its length through an early length check or a loop bound. The hash is this module's own
 * sync SHA-256, so no `node:` module is loaded on the paths that check secrets.
 *
 * @module
 */
import { sha256 } from "./sha256.ts";

/** Compares two 32-byte digests with no early exit. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= a[i] ^ b[i];
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
