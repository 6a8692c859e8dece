import assert from "node:assert/strict";
import { deviceIdFromPublicKey } from "../../../lib/protocol/device.ts";
import { fromBase64Url } from "../../../ui/lib/bytes.ts";
import {
  createSigner,
  IDENTITY_STORAGE_KEY,
  identityFromSeed,
  loadOrCreateIdentity,
  signWithNoble,
} from "../../../ui/lib/identity.ts";
import { memoryStore } from "./_memory_store.ts";

Deno.test("loadOrCreateIdentity() creates one identity per browser profile and keeps it", () => {
  const store = memoryStore();
  const first = loadOrCreateIdentity(store, 1);
  const again = loadOrCreateIdentity(store, 2);
  assert.equal(again.deviceId, first.deviceId);
  assert.equal(again.publicKey, first.publicKey);
  assert.match(first.deviceId, /^[0-9a-f]{64}$/);
  const stored = JSON.parse(store.map.get(IDENTITY_STORAGE_KEY)!);
  assert.equal(stored.version, 1);
  assert.equal(stored.deviceId, first.deviceId);
  assert.equal(stored.createdAtMs, 1);
});

Deno.test("the device id is the gateway's hash of the raw public key", async () => {
  const identity = loadOrCreateIdentity(memoryStore());
  const raw = fromBase64Url(identity.publicKey)!;
  assert.equal(raw.length, 32);
  assert.equal(await deviceIdFromPublicKey(raw), identity.deviceId);
});

Deno.test("an unreadable stored identity is replaced by a new one", () => {
  const store = memoryStore();
  store.setItem(IDENTITY_STORAGE_KEY, "{not json");
  const identity = loadOrCreateIdentity(store);
  assert.match(identity.deviceId, /^[0-9a-f]{64}$/);
  assert.equal(JSON.parse(store.map.get(IDENTITY_STORAGE_KEY)!).deviceId, identity.deviceId);
});

Deno.test("identityFromSeed() refuses a seed that is not 32 bytes", () => {
  assert.throws(() => identityFromSeed(new Uint8Array(31)), RangeError);
});

Deno.test("createSigner() falls back to the pure-JS signer when WebCrypto lacks Ed25519", async () => {
  const identity = loadOrCreateIdentity(memoryStore());
  const broken = {
    importKey: () => Promise.reject(new Error("Algorithm: Unrecognized name")),
  } as unknown as SubtleCrypto;
  const sign = createSigner(broken);
  assert.equal(await sign(identity, "payload"), await signWithNoble(identity, "payload"));
});
