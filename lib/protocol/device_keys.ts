/**
 * Ed25519 device keys and the signed payload (reference/protocol.md §4.5), with WebCrypto:
 * decoding wire keys, device ids, signature checks, and the v3/v2 payload strings.
 *
 * @module
 */
import { MAX_DEVICE_PUBLIC_KEY_CHARS, MAX_DEVICE_SIGNATURE_CHARS } from "./constants.ts";
import { decodeBase64Any, decodePem, fromHex, startsWithBytes, toHex } from "./_base64.ts";

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
export const ED25519_SPKI_PREFIX: Uint8Array = fromHex("302a300506032b6570032100");

const ED25519 = { name: "Ed25519" } as const;

/** Returns the device id of a raw public key: lowercase hex SHA-256 of the 32 bytes. */
export async function deviceIdFromPublicKey(raw: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", raw as BufferSource)));
}

/**
 * Decodes a wire public key the way stock hashes it for the id check: PEM gives the raw key
 * (or the whole DER for non-Ed25519 keys), base64/base64url text gives its bytes, whatever
 * their length. Null when nothing decodes.
 */
export function decodeKeyBytesLoose(text: string): Uint8Array | null {
  if (text.includes("-----BEGIN")) {
    const der = decodePem(text, "PUBLIC KEY");
    if (!der) return null;
    return der.length === ED25519_SPKI_PREFIX.length + 32 &&
        startsWithBytes(der, ED25519_SPKI_PREFIX)
      ? der.slice(ED25519_SPKI_PREFIX.length)
      : der;
  }
  return decodeBase64Any(text);
}

/**
 * Decodes a device public key given as base64url (no padding) raw bytes, standard base64, or an
 * SPKI PEM. Returns the raw 32 bytes, or null when it is not an Ed25519 key of that size.
 */
export function decodePublicKey(text: string): Uint8Array | null {
  if (typeof text !== "string" || text.length > MAX_DEVICE_PUBLIC_KEY_CHARS) return null;
  if (text.includes("-----BEGIN")) {
    const der = decodePem(text, "PUBLIC KEY");
    const ed25519 = der?.length === ED25519_SPKI_PREFIX.length + 32 &&
      startsWithBytes(der, ED25519_SPKI_PREFIX);
    return ed25519 ? der.slice(ED25519_SPKI_PREFIX.length) : null;
  }
  const raw = decodeBase64Any(text);
  return raw?.length === 32 ? raw : null;
}

/** Verifies a base64url (or base64) Ed25519 signature over `payload`; false on any malformation. */
export async function verifyEd25519Signature(
  publicKeyRaw: Uint8Array,
  payload: string,
  signature: string,
): Promise<boolean> {
  if (signature.length > MAX_DEVICE_SIGNATURE_CHARS) return false;
  const sig = decodeBase64Any(signature);
  if (!sig || sig.length !== 64 || publicKeyRaw.length !== 32) return false;
  try {
    const key = await crypto.subtle.importKey(
      "raw",
      publicKeyRaw as BufferSource,
      ED25519,
      false,
      ["verify"],
    );
    return await crypto.subtle.verify(
      ED25519,
      key,
      sig as BufferSource,
      new TextEncoder().encode(payload),
    );
  } catch {
    return false;
  }
}

/** Credentials whose first present value is signed as the payload's token. */
export interface SignedAuth {
  token?: string;
  deviceToken?: string;
  bootstrapToken?: string;
}

/** The fields a device signs (§4.5). */
export interface DeviceAuthFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  /** Effective role. @default "operator" */
  role?: string;
  /** The connect `scopes`, joined with "," in sent order. @default [] */
  scopes?: readonly string[];
  /** Decimal `device.signedAt` (the challenge `ts`). */
  signedAtMs: number;
  /** `connect.params.auth`; the password is never signed. */
  auth?: SignedAuth | null;
  /** The challenge nonce. */
  nonce: string;
  /** v3 only: trimmed and ASCII-lowercased. */
  platform?: string | null;
  /** v3 only: trimmed and ASCII-lowercased. */
  deviceFamily?: string | null;
}

/** Returns the token a payload signs: `auth.token ?? auth.deviceToken ?? auth.bootstrapToken ?? ""`. */
function signatureToken(auth: SignedAuth | null | undefined): string {
  return auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? "";
}

/** Trims and lowercases A-Z only (never locale-aware), as stock does for v3 metadata. */
function normalizeDeviceMetadata(value: string | null | undefined): string {
  if (typeof value !== "string") return "";
  return value.trim().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * Builds the string a device signs:
 * `v3|deviceId|clientId|clientMode|role|scopesCSV|signedAtMs|token|nonce|platform|deviceFamily`
 * or the legacy `v2|...|nonce`.
 */
export function buildDeviceAuthPayload(version: "v3" | "v2", fields: DeviceAuthFields): string {
  const parts = [
    version,
    fields.deviceId,
    fields.clientId,
    fields.clientMode,
    fields.role ?? "operator",
    (fields.scopes ?? []).join(","),
    String(fields.signedAtMs),
    signatureToken(fields.auth),
    fields.nonce,
  ];
  if (version === "v3") {
    parts.push(
      normalizeDeviceMetadata(fields.platform),
      normalizeDeviceMetadata(fields.deviceFamily),
    );
  }
  return parts.join("|");
}
