import assert from "node:assert/strict";
import {
  listPendingDevices,
  MAX_PENDING_REQUESTS,
  type PendingDeviceAsk,
  pendingDevicesPath,
  readPendingDevices,
  requestDevicePairing,
} from "../../../lib/devices/pending.ts";
import { approveDevicePairing } from "../../../lib/devices/approval.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { makeSandbox } from "../../helpers.ts";

function ask(deviceId: string, scopes = ["operator.read"]): PendingDeviceAsk {
  return {
    deviceId,
    publicKey: `key-${deviceId}`,
    role: "operator",
    roles: ["operator"],
    scopes,
    silent: false,
    isRepair: false,
  };
}

Deno.test("a pending request expires 5 minutes after it was last asked for", async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const { request, created } = await requestDevicePairing(sb.stateDir, ask("d1"), clock.now());
  assert.equal(created, true);
  clock.advance(4 * 60_000);
  // The device asks again: same request, kept alive from now.
  const again = await requestDevicePairing(sb.stateDir, ask("d1"), clock.now());
  assert.deepEqual([again.request.requestId, again.created], [request.requestId, false]);
  clock.advance(4 * 60_000 + 59_999);
  assert.deepEqual(Object.keys(readPendingDevices(sb.stateDir, clock.now())), [request.requestId]);
  clock.advance(1);
  assert.deepEqual(listPendingDevices(sb.stateDir, clock.now()), []);
  // An expired request cannot be approved.
  const late = await approveDevicePairing(sb.stateDir, request.requestId, { now: clock.now() });
  assert.equal(late.status, "unknown");
  // ...and the write that looked for it dropped it from the file.
  assert.deepEqual(JSON.parse(await Deno.readTextFile(pendingDevicesPath(sb.stateDir))), {});
});

Deno.test("a different ask from the same device replaces its request", async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const first = await requestDevicePairing(sb.stateDir, ask("d1"), clock.now());
  const wider = await requestDevicePairing(
    sb.stateDir,
    ask("d1", ["operator.read", "operator.write"]),
    clock.now(),
  );
  assert.equal(wider.created, true);
  assert.notEqual(wider.request.requestId, first.request.requestId);
  assert.deepEqual(
    listPendingDevices(sb.stateDir, clock.now()).map((r) => r.requestId),
    [wider.request.requestId],
  );
});

Deno.test(`the pending file keeps at most ${MAX_PENDING_REQUESTS} requests, dropping the oldest`, async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const first = await requestDevicePairing(sb.stateDir, ask("d-0"), clock.now());
  const store: Record<string, unknown> = {};
  for (let i = 1; i <= MAX_PENDING_REQUESTS; i++) {
    const id = `r-${i}`;
    store[id] = { ...ask(`d-${i}`), requestId: id, ts: clock.now() + i };
  }
  const path = pendingDevicesPath(sb.stateDir);
  const current = JSON.parse(await Deno.readTextFile(path));
  await Deno.writeTextFile(path, JSON.stringify({ ...current, ...store }));
  clock.advance(1000);
  const last = await requestDevicePairing(sb.stateDir, ask("d-new"), clock.now());
  const ids = Object.keys(readPendingDevices(sb.stateDir, clock.now()));
  assert.equal(ids.length, MAX_PENDING_REQUESTS);
  assert.ok(ids.includes(last.request.requestId));
  assert.ok(!ids.includes(first.request.requestId), "the oldest went first");
});
