/**
 * Byte helpers for the browser: base64url both ways and random ids. Nothing here needs a secure
 * context (`crypto.getRandomValues` works on plain-HTTP pages; `crypto.randomUUID` does not).
 *
 * @module
 */

/** Encodes bytes as base64url without padding (the wire form of keys and signatures). */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Decodes base64url (or standard base64), padded or not; null for anything else. */
export function fromBase64Url(text: string): Uint8Array | null {
  const body = text.trim().replace(/=+$/, "").replaceAll("-", "+").replaceAll("_", "/");
  if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1) return null;
  try {
    const binary = atob(body.padEnd(Math.ceil(body.length / 4) * 4, "="));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A random RFC 4122 v4 id from `getRandomValues` (usable where `randomUUID` is not). */
export function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = toHex(b);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}
