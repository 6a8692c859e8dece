/**
 * What the node:crypto-based code wrote before (and what stock OpenClaw, on Node, writes) still
 * works now that the device code hashes with lib/crypto and signs with WebCrypto: identity files
 * with Node-generated Ed25519 keys load, keep their id, and sign exactly as Node signs; identities
 * generated here are keys Node accepts; bootstrap tokens stored under Node's SHA-256 are found.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from "node:crypto";
import {
  BOOTSTRAP_TOKEN_TTL_MS,
  bootstrapTokensPath,
  consumeBootstrapToken,
  findBootstrapToken,
} from "../../../lib/devices/bootstrap.ts";
import {
  decodePublicKey,
  loadOrCreateDeviceIdentity,
  signDevicePayload,
  verifyEd25519Signature,
} from "../../../lib/protocol/device.ts";
import { makeSandbox } from "../../helpers.ts";

const SPKI_PREFIX_BYTES = 12;

/** An identity file exactly as stock writes it (`identity/device.json`), from Node's keys. */
function nodeIdentityFile() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const raw = publicKey.export({ type: "spki", format: "der" }).subarray(SPKI_PREFIX_BYTES);
  const deviceId = createHash("sha256").update(raw).digest("hex");
  const text = `${
    JSON.stringify(
      { version: 1, deviceId, publicKeyPem, privateKeyPem, createdAtMs: 1_700_000_000_000 },
      null,
      2,
    )
  }\n`;
  return { text, deviceId, raw, privateKey, publicKey };
}

Deno.test("an identity file with Node's keys loads unchanged and signs as Node does", async () => {
  await using sb = await makeSandbox();
  await Deno.mkdir(sb.stateDir, { recursive: true });
  for (let i = 0; i < 8; i++) {
    const node = nodeIdentityFile();
    const path = `${sb.stateDir}/identity-${i}.json`;
    await Deno.writeTextFile(path, node.text);
    const identity = await loadOrCreateDeviceIdentity(path);
    assert.equal(identity.deviceId, node.deviceId);
    assert.deepEqual(decodePublicKey(identity.publicKey), new Uint8Array(node.raw));
    assert.equal(await Deno.readTextFile(path), node.text, "the file is not rewritten");
    for (const payload of ["", "hello", "v3|dev|cli|cli|operator|operator.read|1|tok|nonce|ü"]) {
      const ours = await signDevicePayload(identity, payload);
      const nodeSig = sign(null, new TextEncoder().encode(payload), node.privateKey);
      assert.equal(ours, nodeSig.toString("base64url"), "Ed25519 is deterministic");
      assert.ok(verify(null, new TextEncoder().encode(payload), node.publicKey, nodeSig));
    }
  }
});

Deno.test("an identity generated here is a key pair Node reads, signs with and verifies", async () => {
  await using sb = await makeSandbox();
  const path = `${sb.stateDir}/identity/device.json`;
  const identity = await loadOrCreateDeviceIdentity(path);
  const stored = JSON.parse(await Deno.readTextFile(path));
  const privateKey = createPrivateKey(stored.privateKeyPem);
  const publicKey = createPublicKey(stored.publicKeyPem);
  const raw = publicKey.export({ type: "spki", format: "der" }).subarray(SPKI_PREFIX_BYTES);
  assert.equal(stored.deviceId, createHash("sha256").update(raw).digest("hex"));
  assert.equal(identity.publicKey, raw.toString("base64url"));

  const payload = new TextEncoder().encode("connect payload");
  const ours = await signDevicePayload(identity, "connect payload");
  assert.ok(verify(null, payload, publicKey, Buffer.from(ours, "base64url")));
  const nodeSig = sign(null, payload, privateKey).toString("base64url");
  assert.equal(nodeSig, ours);
  assert.equal(await verifyEd25519Signature(new Uint8Array(raw), "connect payload", nodeSig), true);
  assert.equal(await verifyEd25519Signature(new Uint8Array(raw), "other payload", nodeSig), false);
});

Deno.test("a bootstrap token stored under Node's SHA-256 is found and used once", async () => {
  await using sb = await makeSandbox();
  const now = 1_800_000_000_000;
  const token = "bootstrap-tøken-0123456789";
  const tokenHash = createHash("sha256").update(token, "utf8").digest("hex");
  const entry = {
    tokenHash,
    profile: "owner",
    roles: ["operator"],
    scopes: ["operator.admin"],
    createdAtMs: now,
    expiresAtMs: now + BOOTSTRAP_TOKEN_TTL_MS,
  };
  const path = bootstrapTokensPath(sb.stateDir);
  await Deno.mkdir(`${sb.stateDir}/devices`, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify({ [tokenHash]: entry }, null, 2) + "\n");
  assert.equal(findBootstrapToken(sb.stateDir, token, now)?.tokenHash, tokenHash);
  assert.equal(findBootstrapToken(sb.stateDir, `${token}x`, now), undefined);
  assert.equal((await consumeBootstrapToken(sb.stateDir, token, now))?.tokenHash, tokenHash);
  assert.equal(findBootstrapToken(sb.stateDir, token, now), undefined);
});
