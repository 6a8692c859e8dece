import assert from "node:assert/strict";
import { approveDevicePairing, rejectDevicePairing } from "../../../lib/devices/approval.ts";
import { readPairedDevices } from "../../../lib/devices/paired.ts";
import { readPendingDevices, requestDevicePairing } from "../../../lib/devices/pending.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { makeSandbox } from "../../helpers.ts";

async function pending(stateDir: string, now: number, role: string, scopes: string[]) {
  const { request } = await requestDevicePairing(stateDir, {
    deviceId: "dev-1",
    publicKey: "pk-1",
    displayName: "Phone",
    role,
    roles: [role],
    scopes,
    remoteIp: "192.0.2.7",
    silent: false,
    isRepair: false,
  }, now);
  return request.requestId;
}

Deno.test("approveDevicePairing() pairs the device with a fresh token and drops the request", async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const id = await pending(sb.stateDir, clock.now(), "operator", ["operator.read"]);
  const out = await approveDevicePairing(sb.stateDir, id, {
    now: clock.now(),
    callerScopes: ["operator.pairing", "operator.read"],
  });
  assert.equal(out.status, "approved");
  const device = readPairedDevices(sb.stateDir)["dev-1"];
  assert.deepEqual(device.roles, ["operator"]);
  assert.deepEqual(device.scopes, ["operator.read"]);
  assert.deepEqual(device.approvedScopes, ["operator.read"]);
  assert.equal(device.displayName, "Phone");
  assert.equal(device.remoteIp, "192.0.2.7");
  assert.equal(device.approvedVia, "operator");
  assert.equal(device.tokens.operator.createdAtMs, clock.now());
  assert.match(device.tokens.operator.token, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(Object.keys(readPendingDevices(sb.stateDir, clock.now())), []);
  const again = await approveDevicePairing(sb.stateDir, id, { now: clock.now() });
  assert.equal(again.status, "unknown");
});

Deno.test("an approver grants only scopes it holds, and only an admin approves a node", async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const id = await pending(sb.stateDir, clock.now(), "operator", ["operator.admin"]);
  const out = await approveDevicePairing(sb.stateDir, id, {
    now: clock.now(),
    callerScopes: ["operator.pairing"],
  });
  assert.deepEqual(out, { status: "forbidden", missingScope: "operator.admin" });
  assert.deepEqual(Object.keys(readPairedDevices(sb.stateDir)), [], "nothing paired");

  const node = await pending(sb.stateDir, clock.now(), "node", []);
  const refused = await approveDevicePairing(sb.stateDir, node, {
    now: clock.now(),
    callerScopes: ["operator.pairing", "operator.write"],
  });
  assert.deepEqual(refused, { status: "forbidden", missingScope: "operator.admin" });
  const ok = await approveDevicePairing(sb.stateDir, node, {
    now: clock.now(),
    callerScopes: ["operator.admin"],
  });
  assert.equal(ok.status, "approved");
});

Deno.test("approving an upgrade adds to what was approved and re-issues the role's token", async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const first = await pending(sb.stateDir, clock.now(), "operator", ["operator.read"]);
  await approveDevicePairing(sb.stateDir, first, { now: clock.now() });
  const before = readPairedDevices(sb.stateDir)["dev-1"].tokens.operator;
  clock.advance(60_000);
  const upgrade = await pending(sb.stateDir, clock.now(), "operator", ["operator.write"]);
  await approveDevicePairing(sb.stateDir, upgrade, { now: clock.now() });
  const device = readPairedDevices(sb.stateDir)["dev-1"];
  assert.deepEqual(device.scopes, ["operator.read", "operator.write"]);
  assert.notEqual(device.tokens.operator.token, before.token);
  assert.equal(device.tokens.operator.createdAtMs, before.createdAtMs);
  assert.equal(device.tokens.operator.rotatedAtMs, clock.now());
});

Deno.test("rejectDevicePairing() drops the request; an unknown id is undefined", async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const id = await pending(sb.stateDir, clock.now(), "operator", []);
  assert.deepEqual(await rejectDevicePairing(sb.stateDir, id, clock.now()), {
    requestId: id,
    deviceId: "dev-1",
  });
  assert.equal(await rejectDevicePairing(sb.stateDir, id, clock.now()), undefined);
  assert.equal(await rejectDevicePairing(sb.stateDir, "__proto__", clock.now()), undefined);
});
