/**
 * The dashboard's connect request must pass the gateway's own checks: the params schema and the
 * device proof verifier (lib/protocol/device.ts), with either signer and every credential kind.
 */
import assert from "node:assert/strict";
import { verifyDeviceProof } from "../../../lib/protocol/device.ts";
import { parseConnectParams } from "../../../lib/protocol/frames.ts";
import { buildConnectParams, CONTROL_UI_SCOPES } from "../../../ui/lib/connect_params.ts";
import { createSigner, loadOrCreateIdentity, signWithNoble } from "../../../ui/lib/identity.ts";
import { memoryStore } from "./_memory_store.ts";

const challenge = { nonce: "3f2b1c9e-5d4a-4e8b-9c7d-1a2b3c4d5e6f", ts: 1_796_000_000_000 };

async function build(credentials: Record<string, string>, sign = signWithNoble) {
  const identity = loadOrCreateIdentity(memoryStore());
  const params = await buildConnectParams({
    identity,
    sign,
    challenge,
    credentials,
    version: "test",
  });
  return { identity, params };
}

Deno.test("buildConnectParams() passes the gateway's connect params schema", async () => {
  const { params } = await build({ token: "tok" });
  const parsed = parseConnectParams(params);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  assert.equal(parsed.value.client.id, "openclaw-control-ui");
  assert.equal(parsed.value.client.mode, "webchat");
  assert.equal(parsed.value.minProtocol, 4);
  assert.deepEqual(parsed.value.scopes, [...CONTROL_UI_SCOPES]);
});

for (
  const [label, credentials] of [
    ["a shared token", { token: "shared-token" }],
    ["a device token", { deviceToken: "device-token" }],
    ["a bootstrap token", { bootstrapToken: "boot-token" }],
    ["a password (never signed)", { password: "pw" }],
    ["no credential", {}],
  ] as const
) {
  Deno.test(`the device proof with ${label} verifies with the gateway's verifier (v3)`, async () => {
    const { identity, params } = await build(credentials);
    const parsed = parseConnectParams(params);
    assert.ok(parsed.ok);
    const result = await verifyDeviceProof({
      device: parsed.value.device!,
      params: parsed.value,
      challengeNonce: challenge.nonce,
      now: challenge.ts + 1_000,
    });
    assert.deepEqual(result, {
      ok: true,
      deviceId: identity.deviceId,
      publicKey: identity.publicKey,
      payloadVersion: "v3",
    });
  });
}

Deno.test("the WebCrypto and pure-JS signers produce the same, verifiable proof", async () => {
  const store = memoryStore();
  const identity = loadOrCreateIdentity(store);
  const input = { identity, challenge, credentials: { token: "t" }, version: "test" };
  const native = await buildConnectParams({ ...input, sign: createSigner(crypto.subtle) });
  const noble = await buildConnectParams({ ...input, sign: createSigner(undefined) });
  assert.deepEqual(native.device, noble.device);
});

Deno.test("a proof signed for one nonce fails against another", async () => {
  const { params } = await build({ token: "t" });
  const parsed = parseConnectParams(params);
  assert.ok(parsed.ok);
  const result = await verifyDeviceProof({
    device: parsed.value.device!,
    params: parsed.value,
    challengeNonce: "another-nonce",
    now: challenge.ts,
  });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.code, "DEVICE_AUTH_NONCE_MISMATCH");
});
