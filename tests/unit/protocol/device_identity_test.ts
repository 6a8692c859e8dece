import assert from "node:assert/strict";
import {
  decodePublicKey,
  deviceIdentityPath,
  loadOrCreateDeviceIdentity,
  signDevicePayload,
} from "../../../lib/protocol/device.ts";

// A throwaway identity file exactly as stock (Node) writes it, and Node's signature over "hello".
const STOCK_FILE = `{
  "version": 1,
  "deviceId": "209c4fcab33afeb7e3c65b2dabd8b9bc9d4c5eaa1b0507f93520fd972ed34878",
  "publicKeyPem": "-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEASrsVTjIbOr206DFfdn6mF3tnbRSQOckbuvKiO0lxgAU=\\n-----END PUBLIC KEY-----\\n",
  "privateKeyPem": "-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIOzcEy7pyD/0wzElWWyPRP3E9lcEZ+QxJWZKWbpN4Jjq\\n-----END PRIVATE KEY-----\\n",
  "createdAtMs": 1700000000000
}
`;
const STOCK_ID = "209c4fcab33afeb7e3c65b2dabd8b9bc9d4c5eaa1b0507f93520fd972ed34878";

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "openclaw-identity-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadOrCreateDeviceIdentity() creates a 0600 file in a 0700 dir and reuses it", async () => {
  await withTempDir(async (dir) => {
    const path = deviceIdentityPath(`${dir}/state`);
    assert.equal(path, `${dir}/state/identity/device.json`);
    const first = await loadOrCreateDeviceIdentity(path);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${dir}/state/identity`)).mode! & 0o777, 0o700);
    const stored = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(Object.keys(stored), [
      "version",
      "deviceId",
      "publicKeyPem",
      "privateKeyPem",
      "createdAtMs",
    ]);
    assert.equal(stored.deviceId, first.deviceId);
    assert.match(stored.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.match(stored.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    const again = await loadOrCreateDeviceIdentity(path);
    assert.deepEqual(again, first);
    assert.equal(decodePublicKey(first.publicKeyPem)?.length, 32);
  });
});

Deno.test("loadOrCreateDeviceIdentity() reads stock's file and signs like Node does", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/device.json`;
    await Deno.writeTextFile(path, STOCK_FILE);
    const identity = await loadOrCreateDeviceIdentity(path);
    assert.equal(identity.deviceId, STOCK_ID);
    assert.equal(identity.publicKey, "SrsVTjIbOr206DFfdn6mF3tnbRSQOckbuvKiO0lxgAU");
    assert.equal(
      await Deno.readTextFile(path),
      STOCK_FILE,
      "an intact stock file is not rewritten",
    );
    // Ed25519 is deterministic: this is what Node's crypto.sign gives for the same key and text.
    assert.equal(
      await signDevicePayload(identity, "hello"),
      "2wAJNlO7aQTEW6f8PdpprzKNQ6Whks07u8yQV9Qc96kdnNW4lYUJ2nZ_aaH7qJwMuJkexwN6xuumEE68bOXjAA",
    );
  });
});

Deno.test("loadOrCreateDeviceIdentity() corrects a stored id that disagrees with the key", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/device.json`;
    await Deno.writeTextFile(path, STOCK_FILE.replace(STOCK_ID, "f".repeat(64)));
    const identity = await loadOrCreateDeviceIdentity(path);
    assert.equal(identity.deviceId, STOCK_ID);
    assert.equal(JSON.parse(await Deno.readTextFile(path)).deviceId, STOCK_ID);
  });
});

Deno.test("loadOrCreateDeviceIdentity() replaces an unusable file and keeps it as .bak", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/device.json`;
    await Deno.writeTextFile(path, "{ not json");
    const identity = await loadOrCreateDeviceIdentity(path);
    assert.match(identity.deviceId, /^[0-9a-f]{64}$/);
    assert.equal(await Deno.readTextFile(`${path}.bak`), "{ not json");
    // Keys that do not belong together are unusable too.
    const other = JSON.parse(await Deno.readTextFile(path));
    const mixed = JSON.parse(STOCK_FILE);
    mixed.privateKeyPem = other.privateKeyPem;
    await Deno.writeTextFile(path, JSON.stringify(mixed));
    const fresh = await loadOrCreateDeviceIdentity(path);
    assert.notEqual(fresh.deviceId, STOCK_ID);
  });
});

Deno.test("loadOrCreateDeviceIdentity() gives concurrent callers one identity", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/id/device.json`;
    const all = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateDeviceIdentity(path)));
    assert.equal(new Set(all.map((i) => i.deviceId)).size, 1);
  });
});
