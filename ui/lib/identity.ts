/**
 * The browser's Ed25519 device identity (protocol.md §4.5): a 32-byte seed kept in
 * `localStorage`, so one browser profile is one device, and the private key never leaves it.
 * `deviceId` is the hex SHA-256 of the raw public key, `publicKey` its base64url form.
 *
 * Signing prefers WebCrypto's native Ed25519 and falls back to @noble/ed25519 when the page is
 * not a secure context (plain-HTTP LAN origins have no `crypto.subtle`) or the browser lacks
 * Ed25519. Ed25519 signatures are deterministic, so both produce the same bytes.
 *
 * @module
 */
import { ed25519, sha256 } from "../deps/noble.ts";
import { fromBase64Url, toBase64Url, toHex } from "./bytes.ts";

/** The part of `Storage` this module uses (tests pass a Map-backed one). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A device identity held by the browser. */
export interface BrowserIdentity {
  /** Lowercase hex SHA-256 of the raw public key. */
  deviceId: string;
  /** Raw 32-byte public key, base64url without padding. */
  publicKey: string;
  /** The 32-byte Ed25519 seed. Secret. */
  seed: Uint8Array;
}

/** Where the identity lives in `localStorage`. */
export const IDENTITY_STORAGE_KEY = "openclaw.device.v1";

/** DER prefix of an Ed25519 PKCS#8 key; the 32-byte seed follows. */
const PKCS8_PREFIX = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
);

/** Derives the identity of a seed. */
export function identityFromSeed(seed: Uint8Array): BrowserIdentity {
  if (seed.length !== 32) throw new RangeError(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
  const raw = ed25519.getPublicKey(seed);
  return { deviceId: toHex(sha256(raw)), publicKey: toBase64Url(raw), seed };
}

/**
 * Returns the stored identity, or creates and stores a new one. A stored value that does not
 * decode to a 32-byte seed is replaced (the browser then pairs as a new device).
 */
export function loadOrCreateIdentity(store: KeyValueStore, now = Date.now()): BrowserIdentity {
  const text = store.getItem(IDENTITY_STORAGE_KEY);
  if (text) {
    try {
      const stored = JSON.parse(text) as { version?: number; seed?: unknown };
      const seed = typeof stored.seed === "string" ? fromBase64Url(stored.seed) : null;
      if (stored.version === 1 && seed?.length === 32) return identityFromSeed(seed);
    } catch { /* unreadable: replaced below */ }
  }
  const identity = identityFromSeed(crypto.getRandomValues(new Uint8Array(32)));
  store.setItem(
    IDENTITY_STORAGE_KEY,
    JSON.stringify({
      version: 1,
      deviceId: identity.deviceId,
      publicKey: identity.publicKey,
      seed: toBase64Url(identity.seed),
      createdAtMs: now,
    }),
  );
  return identity;
}

/** Signs a UTF-8 payload; resolves to the base64url signature. */
export type PayloadSigner = (identity: BrowserIdentity, payload: string) => Promise<string>;

/** Signs with @noble/ed25519 (works in any context). */
export const signWithNoble: PayloadSigner = (identity, payload) =>
  Promise.resolve(toBase64Url(ed25519.sign(new TextEncoder().encode(payload), identity.seed)));

/**
 * Returns a signer that uses WebCrypto Ed25519 when `subtle` is given and supports it, else
 * @noble/ed25519. The first WebCrypto failure switches to noble for good.
 *
 * @param subtle `crypto.subtle` where the page is a secure context, else undefined.
 */
export function createSigner(subtle: SubtleCrypto | undefined): PayloadSigner {
  let native = subtle !== undefined;
  return async (identity, payload) => {
    if (native && subtle) {
      try {
        const der = new Uint8Array(PKCS8_PREFIX.length + 32);
        der.set(PKCS8_PREFIX);
        der.set(identity.seed, PKCS8_PREFIX.length);
        const key = await subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
        const sig = await subtle.sign("Ed25519", key, new TextEncoder().encode(payload));
        return toBase64Url(new Uint8Array(sig));
      } catch {
        native = false; // no Ed25519 in this browser's WebCrypto
      }
    }
    return await signWithNoble(identity, payload);
  };
}
