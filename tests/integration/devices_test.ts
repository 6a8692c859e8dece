/**
 * Device pairing as the user meets it (dashboard.md §2, §4): a device that is not on this
 * machine's loopback gets `pairing required` naming `openclaw devices approve <requestId>`;
 * approving lets it in with its own device token; reject, rename, remove, rotate and revoke do
 * what they say; and list/approve/reject work on the pairing files while the gateway is down.
 */
import assert from "node:assert/strict";
import {
  type DeviceConnectOptions,
  deviceConnectParams,
  makeDevice,
  nonLoopbackIPv4,
  type TestDevice,
} from "../fixtures/device.ts";
import { type AnyFrame, cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import { freePort, makeSandbox, runCli, type Sandbox, startGateway } from "../helpers.ts";

const TOKEN = "devices-test-token-0123456789abcdef";
const CONFIG = `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;
/** Listens on every interface, so a socket to this machine's LAN address is a non-local peer. */
const LAN_CONFIG =
  `{ gateway: { mode: "local", bind: "lan", auth: { mode: "token", token: "${TOKEN}" } } }`;
const LAN_IP = nonLoopbackIPv4();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opens a socket, answers the challenge with `dev`'s signed connect, returns both. */
async function connectAs(
  url: string,
  dev: TestDevice,
  options: DeviceConnectOptions,
  headers: Record<string, string> = {},
): Promise<{ ws: RawClient; res: AnyFrame }> {
  const ws = await RawClient.open(url, headers);
  const ch = await ws.challenge();
  const res = await ws.request("connect", deviceConnectParams(dev, ch.payload.nonce, options));
  return { ws, res };
}

/** An operator socket (the local CLI's identity) that receives `device.pair.*` events. */
async function operator(url: string): Promise<RawClient> {
  const op = await RawClient.open(url);
  await op.challenge();
  const hello = await op.request("connect", cliConnectParams(TOKEN));
  assert.equal(hello.ok, true, JSON.stringify(hello));
  return op;
}

function event(name: string) {
  return (f: AnyFrame) => f.type === "event" && f.event === name;
}

async function cliJson(sb: Sandbox, args: string[]) {
  const r = await runCli(sb, [...args, "--json"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout);
}

/** A local client coming through a reverse proxy on this host (forwarding header, no trust). */
const PROXIED = { "X-Forwarded-For": "203.0.113.9" };

Deno.test({
  name: "a device on another address gets pairing required naming the approve command; " +
    "devices approve lets it in with its own device token",
  ignore: LAN_IP === undefined,
  async fn() {
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, LAN_CONFIG);
    const op = await operator(gw.url);
    const dev = makeDevice();
    const lanUrl = `ws://${LAN_IP}:${gw.port}`;
    const ask = {
      scopes: ["operator.read"],
      auth: { token: TOKEN },
      displayName: "Kitchen tablet",
    };

    const first = await connectAs(lanUrl, dev, ask);
    assert.equal(first.res.ok, false, JSON.stringify(first.res));
    assert.equal(first.res.error.code, "NOT_PAIRED");
    const details = first.res.error.details;
    assert.equal(details.code, "PAIRING_REQUIRED");
    assert.equal(details.reason, "not-paired");
    assert.match(details.requestId, UUID);
    const id = details.requestId;
    assert.equal(
      first.res.error.message,
      `pairing required: device is not approved yet (run on the gateway host: ` +
        `openclaw devices approve ${id})`,
    );
    assert.match(details.remediationHint, new RegExp(`openclaw devices approve ${id}$`));
    assert.deepEqual(await first.ws.closed, {
      code: 1008,
      reason: `pairing required: device is not approved yet (requestId: ${id})`,
    });

    // Operators hear about it, and see it in the list with where it came from.
    const requested = await op.next(event("device.pair.requested"));
    assert.equal(requested.payload.requestId, id);
    assert.equal(requested.payload.deviceId, dev.id);
    assert.equal(requested.payload.remoteIp, LAN_IP);
    const list = await cliJson(sb, ["devices", "list"]);
    assert.deepEqual(list.pending.map((r: AnyFrame) => r.requestId), [id]);
    assert.equal(list.pending[0].displayName, "Kitchen tablet");
    assert.deepEqual(list.pending[0].scopes, ["operator.read"]);
    assert.deepEqual(list.paired, []);

    const approve = await runCli(sb, ["devices", "approve", id]);
    assert.equal(approve.code, 0, approve.stderr);
    assert.match(approve.stdout, new RegExp(`^Approved Kitchen tablet \\(${dev.id}\\)`));
    const resolved = await op.next(event("device.pair.resolved"));
    assert.deepEqual(
      { requestId: resolved.payload.requestId, decision: resolved.payload.decision },
      { requestId: id, decision: "approved" },
    );

    // Its next try connects and carries its device token, which alone gets it in later.
    const again = await connectAs(lanUrl, dev, ask);
    assert.equal(again.res.ok, true, JSON.stringify(again.res));
    assert.deepEqual(again.res.payload.auth.scopes, ["operator.read"]);
    const deviceToken = again.res.payload.auth.deviceToken;
    assert.equal(typeof deviceToken, "string");
    again.ws.close();
    const byToken = await connectAs(lanUrl, dev, { ...ask, auth: { deviceToken } });
    assert.equal(byToken.res.ok, true, JSON.stringify(byToken.res));
    assert.equal(byToken.res.payload.auth.method, "device-token");
    byToken.ws.close();

    const paired = await cliJson(sb, ["devices", "list"]);
    assert.deepEqual(paired.pending, []);
    assert.equal(paired.paired[0].deviceId, dev.id);
    assert.equal(paired.paired[0].approvedVia, "operator");
    assert.equal(paired.paired[0].tokens[0].role, "operator");
    assert.equal(paired.paired[0].tokens[0].token, undefined, "secrets are never listed");
    op.close();
  },
});

Deno.test("a device behind a proxy on this host is not auto-approved as local", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const dev = makeDevice();
  const { ws, res } = await connectAs(gw.url, dev, { auth: { token: TOKEN } }, PROXIED);
  assert.equal(res.ok, false, JSON.stringify(res));
  assert.equal(res.error.details.code, "PAIRING_REQUIRED");
  assert.equal((await ws.closed).code, 1008);
  // The same device directly on loopback is approved silently.
  const direct = await connectAs(gw.url, dev, { auth: { token: TOKEN } });
  assert.equal(direct.res.ok, true, JSON.stringify(direct.res));
  assert.equal(typeof direct.res.payload.auth.deviceToken, "string");
  direct.ws.close();
});

Deno.test("devices reject drops the request; approve without an id only shows the newest", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const dev = makeDevice();
  const first = await connectAs(gw.url, dev, { auth: { token: TOKEN } }, PROXIED);
  const id = first.res.error.details.requestId;

  const preview = await runCli(sb, ["devices", "approve"]);
  assert.equal(preview.code, 1);
  assert.match(preview.stderr, new RegExp(`Approve it with: openclaw devices approve ${id}`));
  assert.equal((await cliJson(sb, ["devices", "list"])).pending.length, 1, "nothing approved");

  const reject = await runCli(sb, ["devices", "reject", id]);
  assert.equal(reject.code, 0, reject.stderr);
  assert.equal(reject.stdout, `Rejected ${dev.id}, request ${id}.\n`);
  assert.deepEqual(await cliJson(sb, ["devices", "list"]), { pending: [], paired: [] });
  const twice = await runCli(sb, ["devices", "reject", id, "--json"]);
  assert.equal(twice.code, 1);
  assert.match(JSON.parse(twice.stdout).error.message, /unknown requestId/);

  // Asking again is a new request.
  const again = await connectAs(gw.url, dev, { auth: { token: TOKEN } }, PROXIED);
  assert.equal(again.res.error.details.code, "PAIRING_REQUIRED");
  assert.notEqual(again.res.error.details.requestId, id);
});

Deno.test("devices rotate and revoke: the old token stops working", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const dev = makeDevice();
  const ask = { scopes: ["operator.read", "operator.write"], auth: { token: TOKEN } };
  const paired = await connectAs(gw.url, dev, ask);
  assert.equal(paired.res.ok, true, JSON.stringify(paired.res));
  const t1 = paired.res.payload.auth.deviceToken;
  paired.ws.close();

  const rotated = await cliJson(sb, [
    "devices",
    "rotate",
    "--device",
    dev.id,
    "--role",
    "operator",
  ]);
  assert.equal(rotated.deviceId, dev.id);
  assert.deepEqual(rotated.scopes, ["operator.read", "operator.write"]);
  assert.equal(rotated.tokenDelivery, "withheld-cross-device");
  assert.equal(rotated.token, undefined, "the new token goes only to the device itself");
  assert.equal(typeof rotated.rotatedAtMs, "number");

  const old = await connectAs(gw.url, dev, { ...ask, auth: { deviceToken: t1 } });
  assert.equal(old.res.ok, false);
  assert.equal(old.res.error.details.code, "AUTH_DEVICE_TOKEN_MISMATCH");
  assert.equal((await old.ws.closed).code, 1008);

  // The device picks up its new token with the gateway secret.
  const fresh = await connectAs(gw.url, dev, ask);
  const t2 = fresh.res.payload.auth.deviceToken;
  assert.equal(typeof t2, "string");
  assert.notEqual(t2, t1);
  fresh.ws.close();
  const withT2 = await connectAs(gw.url, dev, { ...ask, auth: { deviceToken: t2 } });
  assert.equal(withT2.res.ok, true, JSON.stringify(withT2.res));
  withT2.ws.close();

  const revoke = await runCli(sb, ["devices", "revoke", "--device", dev.id, "--role", "operator"]);
  assert.equal(revoke.code, 0, revoke.stderr);
  assert.equal(revoke.stdout, `Revoked the operator token of ${dev.id}.\n`);
  const revoked = await connectAs(gw.url, dev, { ...ask, auth: { deviceToken: t2 } });
  assert.equal(revoked.res.error.details.code, "AUTH_DEVICE_TOKEN_MISMATCH");
  const list = await cliJson(sb, ["devices", "list"]);
  assert.equal(typeof list.paired[0].tokens[0].revokedAtMs, "number");

  // Rotating beyond what the device was approved for is refused.
  const beyond = await runCli(sb, [
    "devices",
    "rotate",
    "--device",
    dev.id,
    "--role",
    "operator",
    "--scope",
    "operator.admin",
    "--json",
  ]);
  assert.equal(beyond.code, 1);
  assert.match(JSON.parse(beyond.stdout).error.message, /operator\.admin was not approved/);
});

Deno.test("devices rename and remove", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const dev = makeDevice();
  const paired = await connectAs(gw.url, dev, { auth: { token: TOKEN } });
  const token = paired.res.payload.auth.deviceToken;
  paired.ws.close();

  const rename = await runCli(sb, [
    "devices",
    "rename",
    "--device",
    dev.id,
    "--name",
    "  Office laptop ",
  ]);
  assert.equal(rename.code, 0, rename.stderr);
  assert.equal(rename.stdout, `Renamed ${dev.id} to "Office laptop".\n`);
  const human = await runCli(sb, ["devices", "list"]);
  assert.match(human.stdout, /^Paired \(1\)\nDEVICE +ID +ROLES/m);
  assert.match(human.stdout, new RegExp(`Office laptop +${dev.id} +operator`));

  const remove = await runCli(sb, ["devices", "remove", dev.id]);
  assert.equal(remove.code, 0, remove.stderr);
  assert.equal(remove.stdout, `Removed ${dev.id}.\n`);
  const gone = await connectAs(gw.url, dev, { auth: { deviceToken: token } });
  assert.equal(gone.res.error.details.code, "AUTH_DEVICE_TOKEN_MISMATCH");
  assert.equal((await runCli(sb, ["devices", "list"])).stdout, "No device pairing entries.\n");
  const unknown = await runCli(sb, ["devices", "remove", dev.id]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown deviceId/);
});

Deno.test("with the gateway stopped, devices list, approve and reject use the pairing files", async () => {
  await using sb = await makeSandbox();
  // The config names a port nothing listens on once the gateway (started on another) is gone.
  const config = `{ gateway: { mode: "local", port: ${freePort()}, ` +
    `auth: { mode: "token", token: "${TOKEN}" } } }`;
  await using gw = await startGateway(sb, config);
  const [a, b] = [makeDevice(), makeDevice()];
  const ra = await connectAs(gw.url, a, { auth: { token: TOKEN } }, PROXIED);
  const rb = await connectAs(gw.url, b, { auth: { token: TOKEN } }, PROXIED);
  const [idA, idB] = [ra.res.error.details.requestId, rb.res.error.details.requestId];
  await gw.stop();

  const list = await runCli(sb, ["devices", "list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    JSON.parse(list.stdout).pending.map((r: AnyFrame) => r.requestId).sort(),
    [idA, idB].sort(),
  );
  const approve = await runCli(sb, ["devices", "approve", idA]);
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stderr, /Gateway not reachable; using the pairing files in /);
  assert.match(approve.stdout, new RegExp(`^Approved .*\\(${a.id}\\), request ${idA}\\.`));
  const reject = await runCli(sb, ["devices", "reject", idB, "--json"]);
  assert.equal(reject.code, 0, reject.stderr);
  assert.deepEqual(JSON.parse(reject.stdout), { requestId: idB, deviceId: b.id });

  const paired = JSON.parse(await Deno.readTextFile(`${sb.stateDir}/devices/paired.json`));
  assert.deepEqual(Object.keys(paired), [a.id]);
  assert.equal(typeof paired[a.id].tokens.operator.token, "string");
  const pending = JSON.parse(await Deno.readTextFile(`${sb.stateDir}/devices/pending.json`));
  assert.deepEqual(pending, {});
  assert.equal((await Deno.stat(`${sb.stateDir}/devices/paired.json`)).mode! & 0o777, 0o600);

  // The approval holds when the gateway is back.
  await using again = await startGateway(sb, null);
  const back = await connectAs(again.url, a, { auth: { token: TOKEN } }, PROXIED);
  assert.equal(back.res.ok, true, JSON.stringify(back.res));
  back.ws.close();
});
