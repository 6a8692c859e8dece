/**
 * Ed25519 device identity (reference/protocol.md §4.5). Server side: {@linkcode verifyDeviceProof}
 * runs the proof checks of the §4.5 table. Keys and payloads are in `device_keys.ts`, the client
 * side (generating, storing and signing with an identity) in `device_identity.ts`; both are
 * re-exported here.
 *
 * @module
 */
import { DEVICE_SIGNATURE_SKEW_MS, MAX_DEVICE_PUBLIC_KEY_CHARS } from "./constants.ts";
import type { ConnectParams, DeviceProof } from "./connect.ts";
import { DEVICE_AUTH_FAILURES, type DeviceAuthReason } from "./auth_errors.ts";
import { encodeBase64Url } from "./_base64.ts";
import {
  buildDeviceAuthPayload,
  decodeKeyBytesLoose,
  decodePublicKey,
  type DeviceAuthFields,
  deviceIdFromPublicKey,
  verifyEd25519Signature,
} from "./device_keys.ts";

export * from "./device_keys.ts";
export * from "./device_identity.ts";

/** What {@linkcode verifyDeviceProof} checks a device proof against. */
export interface DeviceProofInput {
  /** The `device` object of the connect params. */
  device: DeviceProof;
  /** The rest of the connect params: client, role, scopes and auth are signed. */
  params: Pick<ConnectParams, "client" | "role" | "scopes" | "auth">;
  /** The nonce this socket's `connect.challenge` carried. */
  challengeNonce: string;
  /** Server clock. @default Date.now() */
  now?: number;
}

/** Outcome of {@linkcode verifyDeviceProof}. */
export type DeviceProofResult =
  | { ok: true; deviceId: string; publicKey: string; payloadVersion: "v3" | "v2" }
  | { ok: false; message: string; code: string; reason: DeviceAuthReason };

function fail(reason: DeviceAuthReason): DeviceProofResult {
  return { ok: false, reason, ...DEVICE_AUTH_FAILURES[reason] };
}

/**
 * Checks a connect's device proof in order: id = hash(key), key is a 32-byte Ed25519 key,
 * |now - signedAt| <= 120 s, nonce present, nonce = challenge nonce, then the signature over the
 * v3 payload, else the v2 payload. On success returns the id, the key as base64url and the
 * payload version; on failure the exact message, `details.code` and `details.reason` of §4.5.
 */
export async function verifyDeviceProof(input: DeviceProofInput): Promise<DeviceProofResult> {
  const { device, params } = input;
  const now = input.now ?? Date.now();
  const publicKeyText = typeof device.publicKey === "string" ? device.publicKey : "";
  const loose = publicKeyText.length <= MAX_DEVICE_PUBLIC_KEY_CHARS
    ? decodeKeyBytesLoose(publicKeyText)
    : null;
  if (!loose || (await deviceIdFromPublicKey(loose)) !== device.id) {
    return fail("device-id-mismatch");
  }
  const raw = decodePublicKey(publicKeyText);
  if (!raw || !(await importable(raw))) return fail("device-public-key");
  const signedAt = device.signedAt;
  if (
    typeof signedAt !== "number" || !Number.isFinite(signedAt) ||
    Math.abs(now - signedAt) > DEVICE_SIGNATURE_SKEW_MS
  ) {
    return fail("device-signature-stale");
  }
  const nonce = typeof device.nonce === "string" ? device.nonce.trim() : "";
  if (!nonce) return fail("device-nonce-missing");
  if (nonce !== input.challengeNonce) return fail("device-nonce-mismatch");
  const fields: DeviceAuthFields = {
    deviceId: device.id,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: params.role ?? "operator",
    scopes: Array.isArray(params.scopes) ? params.scopes : [],
    signedAtMs: signedAt,
    auth: params.auth,
    nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
  };
  const signature = typeof device.signature === "string" ? device.signature : "";
  for (const version of ["v3", "v2"] as const) {
    if (await verifyEd25519Signature(raw, buildDeviceAuthPayload(version, fields), signature)) {
      return {
        ok: true,
        deviceId: device.id,
        publicKey: encodeBase64Url(raw),
        payloadVersion: version,
      };
    }
  }
  return fail("device-signature");
}

async function importable(raw: Uint8Array): Promise<boolean> {
  try {
    await crypto.subtle.importKey("raw", raw as BufferSource, { name: "Ed25519" }, false, [
      "verify",
    ]);
    return true;
  } catch {
    return false;
  }
}
