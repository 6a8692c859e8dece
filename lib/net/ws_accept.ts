/**
 * The WebSocket handshake's `Sec-WebSocket-Accept` value, shared by the gateway's server
 * (gateway/net) and the CLI's client (lib/net/ws_client.ts).
 *
 * @module
 */
import { encodeBase64 } from "../base64.ts";
import { nativeDigest } from "../crypto/native_digest.ts";
import { sha1 } from "../crypto/sha1.ts";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key` (RFC 6455 §4.2.2): base64 of the
 * SHA-1 of the key and the protocol's GUID.
 *
 * @example
 * ```ts
 * acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" (the RFC's example)
 * ```
 */
export function acceptKey(key: string): string {
  return encodeBase64(sha1(key + WS_GUID));
}

/**
 * {@linkcode acceptKey} hashed by the runtime (WebCrypto), for the gateway's server. A process
 * that answers many handshakes would otherwise run the TypeScript SHA-1 often enough for V8 to
 * compile it with its optimising tier, early in the gateway's life; the CLI, which hashes one
 * key, keeps the synchronous one (WebCrypto's first call costs it milliseconds).
 *
 * @example
 * ```ts
 * await acceptKeyNative("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 * ```
 */
export async function acceptKeyNative(key: string): Promise<string> {
  return encodeBase64(await nativeDigest("SHA-1", key + WS_GUID));
}
