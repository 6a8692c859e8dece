import assert from "node:assert/strict";
import {
  buildDeviceAuthPayload,
  decodePublicKey,
  deviceIdFromPublicKey,
  type DeviceProofInput,
  generateDeviceIdentity,
  signDeviceAuth,
  signDevicePayload,
  verifyDeviceProof,
} from "../../../lib/protocol/device.ts";

// A throwaway key made with Node's crypto, and signatures Node made over stock-built payloads.
const NODE_KEY = {
  publicKeyPem: "-----BEGIN PUBLIC KEY-----\n" +
    "MCowBQYDK2VwAyEASrsVTjIbOr206DFfdn6mF3tnbRSQOckbuvKiO0lxgAU=\n-----END PUBLIC KEY-----\n",
  publicKey: "SrsVTjIbOr206DFfdn6mF3tnbRSQOckbuvKiO0lxgAU",
  deviceId: "209c4fcab33afeb7e3c65b2dabd8b9bc9d4c5eaa1b0507f93520fd972ed34878",
  v3sig: "80462ENjl7B8stcCy-G2FzH3Z6y6YMR2qtBVv1kpGAQFWL84uZV5nQlV_5jhNaAmilPoY9Pu7sauMGef3fdsAg",
  v2sig: "9oglp8OihYAXynovh2Id99Z34cyZ2JSQDJjPXtC3IAUV0ddEdyr542s7bsD7_GmYR4sVZMw44GsR_R2JePlwCg",
};
const SIGNED_AT = 1_700_000_000_000;

function stdBase64(raw: Uint8Array): string {
  return btoa(String.fromCharCode(...raw));
}

async function fixture() {
  const identity = await generateDeviceIdentity();
  const params = {
    client: { id: "cli" as const, mode: "cli" as const, version: "1", platform: "Linux " },
    role: "operator",
    scopes: ["operator.read", "operator.admin"],
    auth: { token: "tok", password: "pw" },
  };
  const device = await signDeviceAuth(identity, {
    clientId: "cli",
    clientMode: "cli",
    role: "operator",
    scopes: params.scopes,
    signedAtMs: SIGNED_AT,
    auth: params.auth,
    nonce: "nonce-1",
    platform: "linux",
  });
  const input: DeviceProofInput = { device, params, challengeNonce: "nonce-1", now: SIGNED_AT };
  return { identity, params, device, input };
}

async function failure(input: DeviceProofInput) {
  const r = await verifyDeviceProof(input);
  assert.equal(r.ok, false);
  if (r.ok) throw new Error("unreachable");
  return { message: r.message, code: r.code, reason: r.reason };
}

Deno.test("buildDeviceAuthPayload() builds the exact v3 and v2 strings", () => {
  const fields = {
    deviceId: "dev",
    clientId: "openclaw-ios",
    clientMode: "ui",
    scopes: ["operator.write", "operator.read"],
    signedAtMs: 42,
    auth: { deviceToken: "dt", bootstrapToken: "bt", password: "never" },
    nonce: "n",
    platform: "  iOS ",
    deviceFamily: "iPhone",
  };
  assert.equal(
    buildDeviceAuthPayload("v3", fields),
    "v3|dev|openclaw-ios|ui|operator|operator.write,operator.read|42|dt|n|ios|iphone",
  );
  assert.equal(
    buildDeviceAuthPayload("v2", fields),
    "v2|dev|openclaw-ios|ui|operator|operator.write,operator.read|42|dt|n",
  );
  assert.equal(
    buildDeviceAuthPayload("v3", { ...fields, scopes: undefined, auth: undefined, platform: null }),
    "v3|dev|openclaw-ios|ui|operator||42||n||iphone",
  );
  // Only A–Z are lowercased: no locale rules (Turkish İ stays).
  assert.equal(buildDeviceAuthPayload("v3", { ...fields, platform: "İOS" }).split("|")[9], "İos");
});

Deno.test("verifyDeviceProof() accepts a signDeviceAuth() proof (v3)", async () => {
  const { identity, input } = await fixture();
  assert.deepEqual(await verifyDeviceProof(input), {
    ok: true,
    deviceId: identity.deviceId,
    publicKey: identity.publicKey,
    payloadVersion: "v3",
  });
  assert.equal(
    identity.deviceId,
    await deviceIdFromPublicKey(decodePublicKey(identity.publicKey)!),
  );
  assert.match(identity.deviceId, /^[0-9a-f]{64}$/);
});

Deno.test("verifyDeviceProof() accepts a legacy v2 signature", async () => {
  const { identity, params, device, input } = await fixture();
  const v2 = buildDeviceAuthPayload("v2", {
    deviceId: identity.deviceId,
    clientId: "cli",
    clientMode: "cli",
    scopes: params.scopes,
    signedAtMs: SIGNED_AT,
    auth: params.auth,
    nonce: "nonce-1",
  });
  const signature = await signDevicePayload(identity, v2);
  const r = await verifyDeviceProof({ ...input, device: { ...device, signature } });
  assert.equal(r.ok && r.payloadVersion, "v2");
});

Deno.test("verifyDeviceProof() accepts proofs Node's crypto signed for stock payloads", async () => {
  const base = {
    client: { id: "cli" as const, mode: "cli" as const, version: "1", platform: "linux" },
    scopes: ["operator.read", "operator.write"],
    auth: { token: "tok" },
  };
  const device = {
    id: NODE_KEY.deviceId,
    publicKey: NODE_KEY.publicKey,
    signature: NODE_KEY.v3sig,
    signedAt: SIGNED_AT,
    nonce: "nonce-1",
  };
  const v3 = await verifyDeviceProof({
    device,
    params: base,
    challengeNonce: "nonce-1",
    now: SIGNED_AT,
  });
  assert.equal(v3.ok && v3.payloadVersion, "v3");
  const v2 = await verifyDeviceProof({
    device: { ...device, signature: NODE_KEY.v2sig },
    params: {
      client: { id: "openclaw-control-ui", mode: "webchat", version: "1", platform: "x" },
      role: "operator",
    },
    challengeNonce: "nonce-1",
    now: SIGNED_AT + 119_000,
  });
  assert.equal(v2.ok && v2.payloadVersion, "v2");
});

Deno.test("verifyDeviceProof() accepts SPKI PEM and standard base64 keys", async () => {
  const { identity, device, input } = await fixture();
  const pem = await verifyDeviceProof({
    ...input,
    device: { ...device, publicKey: identity.publicKeyPem },
  });
  assert.equal(pem.ok && pem.publicKey, identity.publicKey);
  const raw = decodePublicKey(identity.publicKey)!;
  const std = await verifyDeviceProof({
    ...input,
    device: { ...device, publicKey: stdBase64(raw) },
  });
  assert.equal(std.ok && std.publicKey, identity.publicKey);
  assert.deepEqual(decodePublicKey(NODE_KEY.publicKeyPem), decodePublicKey(NODE_KEY.publicKey));
});

Deno.test("verifyDeviceProof() refuses an id that is not the key's hash", async () => {
  const { device, input } = await fixture();
  assert.deepEqual(await failure({ ...input, device: { ...device, id: "0".repeat(64) } }), {
    message: "device identity mismatch",
    code: "DEVICE_AUTH_DEVICE_ID_MISMATCH",
    reason: "device-id-mismatch",
  });
  const garbage = await failure({ ...input, device: { ...device, publicKey: "!!not a key!!" } });
  assert.equal(garbage.reason, "device-id-mismatch");
});

Deno.test("verifyDeviceProof() refuses a key that is not 32 bytes of Ed25519", async () => {
  const { device, input } = await fixture();
  for (const size of [31, 33, 44]) {
    const bytes = crypto.getRandomValues(new Uint8Array(size));
    const key = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    const id = await deviceIdFromPublicKey(bytes);
    assert.deepEqual(await failure({ ...input, device: { ...device, id, publicKey: key } }), {
      message: "device public key invalid",
      code: "DEVICE_AUTH_PUBLIC_KEY_INVALID",
      reason: "device-public-key",
    });
  }
  assert.equal(decodePublicKey("x".repeat(2000)), null);
});

Deno.test("verifyDeviceProof() refuses signatures more than 120 s off", async () => {
  const { input } = await fixture();
  const expired = {
    message: "device signature expired",
    code: "DEVICE_AUTH_SIGNATURE_EXPIRED",
    reason: "device-signature-stale",
  };
  assert.deepEqual(await failure({ ...input, now: SIGNED_AT + 120_001 }), expired);
  assert.deepEqual(await failure({ ...input, now: SIGNED_AT - 120_001 }), expired);
  assert.equal((await verifyDeviceProof({ ...input, now: SIGNED_AT + 120_000 })).ok, true);
});

Deno.test("verifyDeviceProof() refuses a blank or foreign nonce", async () => {
  const { device, input } = await fixture();
  assert.deepEqual(await failure({ ...input, device: { ...device, nonce: "   " } }), {
    message: "device nonce required",
    code: "DEVICE_AUTH_NONCE_REQUIRED",
    reason: "device-nonce-missing",
  });
  assert.deepEqual(await failure({ ...input, challengeNonce: "nonce-2" }), {
    message: "device nonce mismatch",
    code: "DEVICE_AUTH_NONCE_MISMATCH",
    reason: "device-nonce-mismatch",
  });
});

Deno.test("verifyDeviceProof() refuses tampered signatures and signed fields", async () => {
  const { device, params, input } = await fixture();
  const invalid = {
    message: "device signature invalid",
    code: "DEVICE_AUTH_SIGNATURE_INVALID",
    reason: "device-signature",
  };
  const sig = device.signature;
  const flipped = sig[5] === "A" ? "B" : "A";
  const tampered = sig.slice(0, 5) + flipped + sig.slice(6);
  assert.deepEqual(
    await failure({ ...input, device: { ...device, signature: tampered } }),
    invalid,
  );
  assert.deepEqual(await failure({ ...input, device: { ...device, signature: "short" } }), invalid);
  assert.deepEqual(
    await failure({ ...input, device: { ...device, signature: "A".repeat(300) } }),
    invalid,
  );
  const other = { ...params, scopes: ["operator.admin", "operator.read"] };
  assert.deepEqual(await failure({ ...input, params: other }), invalid, "scope order is signed");
  const token = { ...params, auth: { token: "other" } };
  assert.deepEqual(await failure({ ...input, params: token }), invalid, "the token is signed");
  const role = { ...params, role: "node" };
  assert.deepEqual(await failure({ ...input, params: role }), invalid, "the role is signed");
  // The password is never signed, so changing it keeps the proof valid.
  const pw = { ...params, auth: { token: "tok", password: "changed" } };
  assert.equal((await verifyDeviceProof({ ...input, params: pw })).ok, true);
});
