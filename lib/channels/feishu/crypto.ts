/**
 * Webhook cryptography as the Feishu platform specifies it, for apps with an Encrypt Key:
 *
 * - **Signature.** `X-Lark-Signature` = hex SHA-256 of `timestamp + nonce + encryptKey + body`,
 *   with `X-Lark-Request-Timestamp`, `X-Lark-Request-Nonce` and the raw request body. Compared
 *   in constant time.
 * - **Encryption.** The body is `{"encrypt": "<base64>"}`; the base64 decodes to a 16-byte IV
 *   followed by AES-256-CBC (PKCS#7) ciphertext of the JSON event, keyed with SHA-256 of the
 *   Encrypt Key.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";

/**
 * Computes the signature Feishu puts in `X-Lark-Signature`.
 *
 * @param timestamp `X-Lark-Request-Timestamp`.
 * @param nonce `X-Lark-Request-Nonce`.
 * @param encryptKey The app's Encrypt Key.
 * @param body The raw request body.
 * @returns Lowercase hex.
 */
export function feishuSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  body: string,
): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey + body, "utf8").digest("hex");
}

/**
 * Checks a request's signature in constant time.
 *
 * @param expected The signature computed with {@linkcode feishuSignature}.
 * @param given The `X-Lark-Signature` header (case-insensitive hex).
 * @returns True when they match.
 */
export function signatureMatches(expected: string, given: string): boolean {
  // Hash both sides: equal lengths for timingSafeEqual, and nothing leaks through length.
  const a = createHash("sha256").update(expected.toLowerCase()).digest();
  const b = createHash("sha256").update(given.trim().toLowerCase()).digest();
  return timingSafeEqual(a, b);
}

/**
 * Decrypts an `encrypt` field.
 *
 * @param encryptKey The app's Encrypt Key.
 * @param encrypted The base64 text of `{"encrypt": ...}`.
 * @returns The plaintext (the event JSON).
 * @throws {SyntaxError} When the text is not base64 of an IV and whole AES blocks, or the
 *   padding is wrong (a wrong key, most likely).
 */
export function decryptFeishuPayload(encryptKey: string, encrypted: string): string {
  const raw = Buffer.from(encrypted, "base64");
  if (raw.length < 32 || (raw.length - 16) % 16 !== 0) {
    throw new SyntaxError("Cannot decrypt the Feishu event: not an IV and whole AES blocks");
  }
  const key = createHash("sha256").update(encryptKey, "utf8").digest();
  try {
    const decipher = createDecipheriv("aes-256-cbc", key, raw.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]);
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new SyntaxError("Cannot decrypt the Feishu event: wrong Encrypt Key or corrupt data");
  }
}
