/**
 * Base64 encoding without `btoa`: the first `btoa` call of a process costs 3-5 ms (Deno loads its
 * implementation on first use), which every CLI command that opens a WebSocket paid for a 16-byte
 * key. V8 has `Uint8Array.prototype.toBase64` built in; `btoa` stays the fallback where it is not.
 *
 * @module
 */

type WithToBase64 = Uint8Array & { toBase64?: () => string };

/**
 * Encodes bytes as standard padded base64.
 *
 * @example
 * ```ts
 * encodeBase64(new TextEncoder().encode("hi")); // "aGk="
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  const native = (bytes as WithToBase64).toBase64;
  if (typeof native === "function") return native.call(bytes);
  let binary = "";
  // Chunked so a large buffer never hits the argument-count limit of fromCharCode.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
