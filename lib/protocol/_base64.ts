/**
 * Base64 and PEM helpers for device keys and signatures. Decoders return null on bad input
 * instead of throwing, because their input comes off the wire.
 *
 * @module
 */
import { encodeBase64 } from "../base64.ts";
export { concatBytes } from "../bytes.ts";

/** Encodes bytes as base64url without padding. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const BASE64_BODY = /^[A-Za-z0-9+/]*$/;

/**
 * Decodes base64url or standard base64, padded or not (the two alphabets may not be mixed).
 * Returns null for anything else.
 */
export function decodeBase64Any(text: string): Uint8Array | null {
  const trimmed = text.trim().replace(/=+$/, "");
  const urlSafe = /[-_]/.test(trimmed);
  if (urlSafe && /[+/]/.test(trimmed)) return null;
  const std = urlSafe ? trimmed.replaceAll("-", "+").replaceAll("_", "/") : trimmed;
  if (!BASE64_BODY.test(std) || std.length % 4 === 1) return null;
  try {
    const binary = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** Returns the DER bytes of the first PEM block labelled `label`, or null. */
export function decodePem(text: string, label: string): Uint8Array | null {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end, start + begin.length);
  if (start < 0 || stop < 0) return null;
  const body = text.slice(start + begin.length, stop).replace(/\s+/g, "");
  if (body === "" || /[-_]/.test(body)) return null;
  return decodeBase64Any(body);
}

/** Wraps DER bytes in a PEM block with 64-character lines and a final newline (as Node does). */
export function encodePem(der: Uint8Array, label: string): string {
  const lines = encodeBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Returns lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Parses an even-length hex string (trusted constants only). */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Returns true when `bytes` starts with `prefix`. */
export function startsWithBytes(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
