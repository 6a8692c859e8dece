/**
 * Synchronous SHA-256 (FIPS 180-4) in plain TypeScript.
 *
 * Why not `node:crypto`: importing any `node:` module makes Deno compile its Node layer on first
 * use (about +100 ms CPU for `node:crypto`), and the gateway's start and the CLI's query commands
 * only hash short secrets. Why not `crypto.subtle.digest`: it is async, and the callers (secret
 * comparison, token hashing, container names) are sync and stay so.
 *
 * @module
 */

/** Round constants: the first 32 bits of the fractional parts of the cube roots of the primes. */
// deno-fmt-ignore
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Initial hash: the first 32 bits of the fractional parts of the square roots of the primes. */
// deno-fmt-ignore
const H0 = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const BLOCK_BYTES = 64;
const encoder = new TextEncoder();
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Runs the compression function over the 64-byte blocks of `bytes[offset, end)`. */
function compress(
  state: Int32Array,
  w: Int32Array,
  bytes: Uint8Array,
  offset: number,
  end: number,
) {
  let h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3];
  let h4 = state[4], h5 = state[5], h6 = state[6], h7 = state[7];
  for (let p = offset; p < end; p += BLOCK_BYTES) {
    for (let t = 0; t < 16; t++) {
      const i = p + t * 4;
      w[t] = (bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15], y = w[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0, state[1] = h1, state[2] = h2, state[3] = h3;
  state[4] = h4, state[5] = h5, state[6] = h6, state[7] = h7;
}

/**
 * Returns the SHA-256 digest of `data`.
 *
 * @param data Bytes, or a string, which is hashed as its UTF-8 encoding (lone surrogates become
 *   U+FFFD, as `TextEncoder` and Node's `update(text, "utf8")` both do).
 * @returns The 32-byte digest.
 * @example
 * ```ts
 * sha256("abc").length; // 32
 * ```
 */
export function sha256(data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const state = Int32Array.from(H0);
  const w = new Int32Array(64);
  const whole = bytes.length - (bytes.length % BLOCK_BYTES);
  compress(state, w, bytes, 0, whole);

  // The tail, a 0x80 marker, zeros, and the bit length as a 64-bit big-endian number: one block
  // when at least 9 bytes are left after the tail, else two.
  const rest = bytes.length - whole;
  const tail = new Uint8Array(rest < 56 ? BLOCK_BYTES : 2 * BLOCK_BYTES);
  tail.set(bytes.subarray(whole));
  tail[rest] = 0x80;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bytes.length / 0x20000000));
  view.setUint32(tail.length - 4, (bytes.length << 3) >>> 0);
  compress(state, w, tail, 0, tail.length);

  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setInt32(i * 4, state[i]);
  return out;
}

/**
 * Returns bytes as lowercase hex, two digits a byte.
 *
 * @param bytes Any bytes.
 * @returns The hex text (empty for no bytes).
 * @example
 * ```ts
 * encodeHex(new Uint8Array([0, 171])); // "00ab"
 * ```
 */
export function encodeHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX_BYTES[b];
  return out;
}

/**
 * Returns the SHA-256 digest of `data` as lowercase hex, like Node's
 * `createHash("sha256").update(data).digest("hex")`.
 *
 * @param data Bytes, or a string hashed as UTF-8.
 * @returns 64 hex digits.
 * @example
 * ```ts
 * sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return encodeHex(sha256(data));
}
