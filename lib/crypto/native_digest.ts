/**
 * Digests computed by the runtime (WebCrypto), for the gateway's server: it hashes on every
 * connection, where the TypeScript hashes (sha1.ts, sha256.ts) would run often enough for V8 to
 * optimise them early in the gateway's life. The CLI keeps the synchronous ones: WebCrypto's first
 * call in a process costs milliseconds.
 *
 * @module
 */

const encoder = new TextEncoder();
/** `crypto.subtle`, read on first use (each read of the getter is a WebIDL brand check). */
let subtle: SubtleCrypto | undefined;

/**
 * The digest of `text` (as UTF-8) by the runtime's WebCrypto.
 *
 * @param algorithm `SHA-1` only where a protocol fixes it (the WebSocket accept key).
 * @param text What to hash.
 * @returns The digest bytes (20 for SHA-1, 32 for SHA-256).
 * @example
 * ```ts
 * (await nativeDigest("SHA-256", "abc")).length; // 32
 * ```
 */
export async function nativeDigest(
  algorithm: "SHA-1" | "SHA-256",
  text: string,
): Promise<Uint8Array> {
  return new Uint8Array(await (subtle ??= crypto.subtle).digest(algorithm, encoder.encode(text)));
}
