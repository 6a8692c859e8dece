/**
 * The client's own Ed25519 device identity: generated once, stored at
 * `<stateDir>/identity/device.json` (mode 0600) in the same format stock OpenClaw writes, so both
 * CLIs share one identity and one pairing, and used to sign `connect`.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { dirname, joinPath } from "../paths.ts";
import type { DeviceProof } from "./connect.ts";
import {
  concatBytes,
  decodeBase64Any,
  decodePem,
  encodeBase64Url,
  encodePem,
  fromHex,
  startsWithBytes,
} from "./_base64.ts";
import {
  buildDeviceAuthPayload,
  decodePublicKey,
  type DeviceAuthFields,
  deviceIdFromPublicKey,
  ED25519_SPKI_PREFIX,
} from "./device_keys.ts";

/** DER prefix of an Ed25519 PKCS#8 v1 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");
const ED25519 = { name: "Ed25519" } as const;

/** A device identity: id, public key in wire form and both keys as PEM. */
export interface DeviceIdentity {
  /** Lowercase hex SHA-256 of the raw public key. */
  deviceId: string;
  /** Raw 32-byte public key, base64url without padding (what `connect` sends). */
  publicKey: string;
  /** SPKI PEM, as stored on disk. */
  publicKeyPem: string;
  /** PKCS#8 PEM, as stored on disk. Secret. */
  privateKeyPem: string;
}

/** The on-disk format (stock `identity/device.json`). */
interface StoredIdentity {
  version: 1;
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAtMs: number;
}

/** Returns where the device identity lives: `<stateDir>/identity/device.json`. */
export function deviceIdentityPath(stateDir: string): string {
  return joinPath(stateDir, "identity", "device.json");
}

async function identityFromKeys(publicRaw: Uint8Array, pkcs8: Uint8Array): Promise<DeviceIdentity> {
  return {
    deviceId: await deviceIdFromPublicKey(publicRaw),
    publicKey: encodeBase64Url(publicRaw),
    publicKeyPem: encodePem(concatBytes(ED25519_SPKI_PREFIX, publicRaw), "PUBLIC KEY"),
    privateKeyPem: encodePem(pkcs8, "PRIVATE KEY"),
  };
}

/** Generates a fresh Ed25519 identity in memory. */
export async function generateDeviceIdentity(): Promise<DeviceIdentity> {
  const pair = await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"]) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  return identityFromKeys(raw, pkcs8);
}

async function importPrivateKey(privateKeyPem: string, extractable = false): Promise<CryptoKey> {
  const der = decodePem(privateKeyPem, "PRIVATE KEY");
  if (!der) throw new TypeError("Cannot read device private key: not a PKCS#8 PEM");
  return await crypto.subtle.importKey("pkcs8", der as BufferSource, ED25519, extractable, [
    "sign",
  ]);
}

/** Returns the raw public key belonging to a private key, or null when it cannot be read. */
async function publicKeyOfPrivate(privateKeyPem: string): Promise<Uint8Array | null> {
  try {
    const jwk = await crypto.subtle.exportKey("jwk", await importPrivateKey(privateKeyPem, true));
    return typeof jwk.x === "string" ? decodeBase64Any(jwk.x) : null;
  } catch {
    return null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && startsWithBytes(a, b);
}

/**
 * Reads a stored identity, accepting stock's `{version:1, deviceId, publicKeyPem,
 * privateKeyPem}` and the native apps' `{deviceId, publicKey, privateKey}` (raw base64 keys).
 * Returns null when the content is unusable or the two keys do not belong together; `stale`
 * means the stored id disagrees with the key and should be rewritten.
 */
async function readIdentity(
  text: string,
): Promise<{ identity: DeviceIdentity; stale: boolean } | null> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  let publicRaw: Uint8Array | null = null;
  let privatePem: string | null = null;
  if (
    v.version === 1 && typeof v.publicKeyPem === "string" && typeof v.privateKeyPem === "string"
  ) {
    publicRaw = decodePublicKey(v.publicKeyPem);
    privatePem = v.privateKeyPem;
  } else if (
    !("version" in v) && typeof v.publicKey === "string" && typeof v.privateKey === "string"
  ) {
    publicRaw = decodePublicKey(v.publicKey);
    const seed = decodeBase64Any(v.privateKey);
    // Apple's CryptoKit stores the 32-byte seed; some tools append the public key (64 bytes).
    if (seed && (seed.length === 32 || seed.length === 64)) {
      privatePem = encodePem(concatBytes(ED25519_PKCS8_PREFIX, seed.slice(0, 32)), "PRIVATE KEY");
    }
  }
  const pkcs8 = privatePem ? decodePem(privatePem, "PRIVATE KEY") : null;
  if (!publicRaw || !privatePem || !pkcs8) return null;
  const derived = await publicKeyOfPrivate(privatePem);
  if (!derived || !sameBytes(derived, publicRaw)) return null;
  const identity = await identityFromKeys(publicRaw, pkcs8);
  // Keep stored PEM text byte for byte so loading never rewrites a file stock wrote.
  if (typeof v.publicKeyPem === "string") identity.publicKeyPem = v.publicKeyPem;
  identity.privateKeyPem = privatePem;
  return { identity, stale: v.deviceId !== identity.deviceId };
}

function storedText(identity: DeviceIdentity, createdAtMs: number): string {
  const stored: StoredIdentity = {
    version: 1,
    deviceId: identity.deviceId,
    publicKeyPem: identity.publicKeyPem,
    privateKeyPem: identity.privateKeyPem,
    createdAtMs,
  };
  return `${JSON.stringify(stored, null, 2)}\n`;
}

/**
 * Loads the device identity at `path`, creating it (directory 0700, file 0600, atomically and
 * under a file lock) when absent. A file whose id disagrees with its key is corrected; an
 * unusable file is replaced by a fresh identity and kept as `<path>.bak`, as stock regenerates.
 *
 * @throws {OpenClawError} `DEVICE_IDENTITY_UNREADABLE` when the file exists but cannot be read.
 */
export async function loadOrCreateDeviceIdentity(path: string): Promise<DeviceIdentity> {
  ensureDir(dirname(path), 0o700);
  return await withFileLock(path, async () => {
    let text: string | null = null;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        throw new OpenClawError(
          "DEVICE_IDENTITY_UNREADABLE",
          `Cannot read device identity "${path}": ${err instanceof Error ? err.message : err}`,
          { cause: err, hint: `Check the permissions of ${dirname(path)}` },
        );
      }
    }
    if (text !== null) {
      const found = await readIdentity(text);
      if (found && !found.stale) return found.identity;
      if (found) {
        writeFileAtomic(path, storedText(found.identity, Date.now()), { mode: 0o600 });
        return found.identity;
      }
    }
    const identity = await generateDeviceIdentity();
    writeFileAtomic(path, storedText(identity, Date.now()), {
      mode: 0o600,
      backup: text !== null,
    });
    return identity;
  });
}

/** Signs `payload` with the identity's private key; returns the base64url signature. */
export async function signDevicePayload(
  identity: DeviceIdentity,
  payload: string,
): Promise<string> {
  const key = await importPrivateKey(identity.privateKeyPem);
  const sig = await crypto.subtle.sign(ED25519, key, new TextEncoder().encode(payload));
  return encodeBase64Url(new Uint8Array(sig));
}

/**
 * Builds the `device` object of `connect` by signing the v3 payload; `signedAtMs` and `nonce`
 * should be the challenge's `ts` and `nonce`.
 *
 * @example
 * ```ts
 * const device = await signDeviceAuth(identity, {
 *   clientId: "cli", clientMode: "cli", role: "operator", scopes: ["operator.read"],
 *   signedAtMs: challenge.ts, nonce: challenge.nonce, auth, platform: Deno.build.os,
 * });
 * ```
 */
export async function signDeviceAuth(
  identity: DeviceIdentity,
  fields: Omit<DeviceAuthFields, "deviceId">,
): Promise<DeviceProof> {
  const payload = buildDeviceAuthPayload("v3", { ...fields, deviceId: identity.deviceId });
  return {
    id: identity.deviceId,
    publicKey: identity.publicKey,
    signature: await signDevicePayload(identity, payload),
    signedAt: fields.signedAtMs,
    nonce: fields.nonce,
  };
}
