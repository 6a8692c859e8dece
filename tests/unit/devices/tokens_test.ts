import assert from "node:assert/strict";
import type { PairedDevice } from "../../../lib/devices/paired.ts";
import { readPairedDevices, updatePairedDevices } from "../../../lib/devices/paired.ts";
import { revokeDeviceTokenOf, rotateDeviceTokenOf } from "../../../lib/devices/manage.ts";
import {
  checkDeviceToken,
  ensureDeviceToken,
  issueDeviceToken,
  summarizeDeviceTokens,
} from "../../../lib/devices/tokens.ts";
import { makeSandbox } from "../../helpers.ts";

function device(): PairedDevice {
  return {
    deviceId: "d1",
    publicKey: "pk",
    roles: ["operator"],
    scopes: ["operator.read", "operator.write"],
    tokens: {},
    createdAtMs: 1,
    approvedAtMs: 1,
  };
}

Deno.test("checkDeviceToken() refuses a wrong, revoked or too narrow token", () => {
  const d = device();
  const t = issueDeviceToken(d, "operator", ["operator.read"], 10);
  assert.equal(checkDeviceToken(d, "operator", t.token, ["operator.read"]).ok, true);
  assert.deepEqual(checkDeviceToken(undefined, "operator", t.token, []), {
    ok: false,
    reason: "device-not-paired",
  });
  assert.deepEqual(checkDeviceToken(d, "node", t.token, []), {
    ok: false,
    reason: "token-missing",
  });
  assert.deepEqual(checkDeviceToken(d, "operator", "wrong", []), {
    ok: false,
    reason: "token-mismatch",
  });
  assert.deepEqual(checkDeviceToken(d, "operator", t.token, ["operator.write"]), {
    ok: false,
    reason: "scope-mismatch",
  });
  t.revokedAtMs = 20;
  assert.deepEqual(checkDeviceToken(d, "operator", t.token, []), {
    ok: false,
    reason: "token-revoked",
  });
  // A revoked token is replaced by the next connect with the gateway secret.
  const { token, issued } = ensureDeviceToken(d, "operator", ["operator.read"], 30);
  assert.equal(issued, true);
  assert.notEqual(token.token, t.token);
  assert.equal(token.revokedAtMs, undefined);
});

Deno.test("rotateDeviceTokenOf() narrows but never widens beyond the approval", async () => {
  await using sb = await makeSandbox();
  await updatePairedDevices(sb.stateDir, (store) => {
    const d = device();
    issueDeviceToken(d, "operator", d.scopes, 1);
    store[d.deviceId] = d;
  });
  const old = readPairedDevices(sb.stateDir).d1.tokens.operator.token;
  const narrow = await rotateDeviceTokenOf({
    stateDir: sb.stateDir,
    deviceId: "d1",
    role: "operator",
    scopes: ["operator.read"],
    now: 5,
  });
  assert.equal(narrow.status, "rotated");
  const stored = readPairedDevices(sb.stateDir).d1.tokens.operator;
  assert.notEqual(stored.token, old);
  assert.deepEqual(stored.scopes, ["operator.read"]);
  assert.equal(stored.rotatedAtMs, 5);
  assert.deepEqual(
    await rotateDeviceTokenOf({
      stateDir: sb.stateDir,
      deviceId: "d1",
      role: "operator",
      scopes: ["operator.admin"],
    }),
    { status: "exceeds", scope: "operator.admin" },
  );
  assert.deepEqual(
    await rotateDeviceTokenOf({ stateDir: sb.stateDir, deviceId: "d1", role: "node" }),
    { status: "unknown" },
  );
  assert.deepEqual(
    await rotateDeviceTokenOf({ stateDir: sb.stateDir, deviceId: "nope", role: "operator" }),
    { status: "unknown" },
  );
  const revoked = await revokeDeviceTokenOf(sb.stateDir, "d1", "operator", 9);
  assert.equal(revoked?.revokedAtMs, 9);
  const summary = summarizeDeviceTokens(readPairedDevices(sb.stateDir).d1.tokens);
  assert.deepEqual(summary, [{
    role: "operator",
    scopes: ["operator.read"],
    createdAtMs: 1,
    rotatedAtMs: 5,
    revokedAtMs: 9,
  }]);
});
