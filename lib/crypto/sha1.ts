/**
 * Synchronous SHA-1 (FIPS 180-4) in plain TypeScript, for one use: the WebSocket handshake's
 * `Sec-WebSocket-Accept` (RFC 6455 §4.2.2), which the protocol defines with SHA-1. Nothing else
 * may use it: SHA-1 is broken for anything that needs collision resistance.
 *
 * Why not `crypto.subtle.digest`: its first call in a process costs 1-3 ms (Deno loads its
 * WebCrypto implementation), which every CLI command that opens a WebSocket paid to hash 60 bytes.
 * The gateway's server, which answers many handshakes, does use it (lib/net/ws_accept.ts
 * `acceptKeyNative`): there this loop would run hot enough for V8 to optimise it.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * The SHA-1 digest (20 bytes) of `data` (a string is hashed as UTF-8).
 *
 * @example
 * ```ts
 * sha1("abc"); // a9 99 3e 36 47 06 81 6a ba 3e 25 71 78 50 c2 6c 9c d0 d8 9d
 * ```
 */
export function sha1(data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const n = bytes.length;
  // Message, a 0x80 byte, zeros, then the bit length as 64 bits: a multiple of 64 bytes.
  const padded = new Uint8Array(((n + 8) >>> 6) * 64 + 64);
  padded.set(bytes);
  padded[n] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(n / 0x2000_0000));
  view.setUint32(padded.length - 4, (n << 3) >>> 0);
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => ov.setUint32(i * 4, h));
  return out;
}
