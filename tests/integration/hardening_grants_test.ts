/**
 * Hardening item 13: grants no looser than stock (protocol.md §4.4, §4.5). Without a device
 * identity only the local CLI and backend helper keep their scopes; every role or scope beyond
 * what a device was approved for answers `NOT_PAIRED` with a pending request an operator approves.
 */
import assert from "node:assert/strict";
import { devicePayload, makeDevice, type TestDevice } from "../fixtures/device.ts";
import { type AnyFrame, cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import { makeSandbox, runCli, startGateway } from "../helpers.ts";

const TOKEN = "grants-test-token-0123456789abcdef";
const CONFIG = `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;

interface DeviceConnect {
  role: "operator" | "node";
  scopes: string[];
  clientId?: string;
  clientMode?: string;
}

/** Connects `dev` with a v3 signature over the challenge; returns the response and the close. */
async function connectDevice(url: string, dev: TestDevice, c: DeviceConnect) {
  const clientId = c.clientId ?? (c.role === "node" ? "node-host" : "gateway-client");
  const clientMode = c.clientMode ?? (c.role === "node" ? "node" : "backend");
  const ws = await RawClient.open(url);
  const ch = await ws.challenge();
  const signedAt = Date.now();
  const payload = devicePayload("v3", dev.id, {
    clientId,
    clientMode,
    role: c.role,
    scopes: c.scopes,
    signedAt,
    token: TOKEN,
    nonce: ch.payload.nonce,
    platform: "linux",
  });
  const res = await ws.request("connect", {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: clientId, version: "1.0.0", platform: "linux", mode: clientMode },
    role: c.role,
    scopes: c.scopes,
    auth: { token: TOKEN },
    device: {
      id: dev.id,
      publicKey: dev.publicKey,
      signature: dev.sign(payload),
      signedAt,
      nonce: ch.payload.nonce,
    },
  });
  return { ws, res };
}

function readJson(path: string) {
  return JSON.parse(Deno.readTextFileSync(path));
}

function assertPairingRequired(res: AnyFrame, reason: string) {
  assert.equal(res.ok, false, JSON.stringify(res));
  assert.equal(res.error.code, "NOT_PAIRED");
  assert.equal(res.error.details.code, "PAIRING_REQUIRED");
  assert.equal(res.error.details.reason, reason);
  assert.match(res.error.details.requestId, /^[0-9a-f-]{36}$/);
}

Deno.test("a probe with the shared token but no device identity gets no scopes", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const hello = await c.request("connect", {
    minProtocol: 3,
    maxProtocol: 4,
    client: { id: "cli", version: "dev", platform: "linux", mode: "probe" },
    role: "operator",
    scopes: ["operator.read"],
    auth: { token: TOKEN },
  });
  assert.equal(hello.ok, true, JSON.stringify(hello));
  assert.deepEqual(hello.payload.auth.scopes, []);
  const status = await c.request("status", {});
  assert.equal(status.error.code, "FORBIDDEN");
  assert.equal(status.error.message, "missing scope: operator.read");
  // health needs no scope.
  assert.equal((await c.request("health", {})).ok, true);
  c.close();

  // Other device-less clients likewise (a TUI with the token asking for admin).
  const tui = await RawClient.open(gw.url);
  await tui.challenge();
  const tuiHello = await tui.request("connect", {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "openclaw-tui", version: "1", platform: "linux", mode: "ui" },
    role: "operator",
    scopes: ["operator.admin"],
    auth: { token: TOKEN },
  });
  assert.deepEqual(tuiHello.payload.auth.scopes, []);
  tui.close();
});

Deno.test("the local CLI keeps its scopes without a device: health, gateway status --require-rpc", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const hello = await c.request("connect", cliConnectParams(TOKEN));
  assert.deepEqual(hello.payload.auth.scopes, [
    "operator.admin",
    "operator.read",
    "operator.write",
  ]);
  c.close();

  const env = { OPENCLAW_GATEWAY_PORT: String(gw.port) };
  const health = await runCli(sb, ["health", "--json"], { env });
  assert.equal(health.code, 0, health.stderr);
  assert.equal(JSON.parse(health.stdout).ok, true);
  const status = await runCli(sb, ["gateway", "status", "--require-rpc", "--json"], { env });
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.equal(JSON.parse(status.stdout).rpc.ok, true);
  // The plain status probe still connects; it just holds no scopes now.
  const probe = await runCli(sb, ["gateway", "status", "--json"], { env });
  assert.equal(probe.code, 0, probe.stderr);
  const rpc = JSON.parse(probe.stdout).rpc;
  assert.equal(rpc.ok, true);
  assert.deepEqual(rpc.scopes, []);
});

Deno.test("a device paired as operator asking for role node gets NOT_PAIRED role-upgrade and a pending request", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const dev = makeDevice();
  const first = await connectDevice(gw.url, dev, { role: "operator", scopes: ["operator.read"] });
  assert.equal(first.res.ok, true, JSON.stringify(first.res));
  first.ws.close();

  const node = await connectDevice(gw.url, dev, { role: "node", scopes: [] });
  assertPairingRequired(node.res, "role-upgrade");
  const requestId = node.res.error.details.requestId;
  assert.equal(
    node.res.error.message,
    "pairing required: device is asking for a higher role than currently approved",
  );
  assert.equal(node.res.error.details.requestedRole, "node");
  assert.deepEqual(node.res.error.details.approvedRoles, ["operator"]);
  // The close reason names the request (cut to the close frame's 123-byte limit).
  const closed = await node.ws.closed;
  assert.equal(closed.code, 1008);
  const full = `pairing required: device is asking for a higher role than currently approved ` +
    `(requestId: ${requestId})`;
  assert.ok(closed.reason.length >= 100 && full.startsWith(closed.reason), closed.reason);

  const pending = readJson(`${sb.stateDir}/devices/pending.json`);
  assert.deepEqual(Object.keys(pending), [requestId]);
  assert.equal(pending[requestId].deviceId, dev.id);
  assert.equal(pending[requestId].role, "node");
  assert.deepEqual(pending[requestId].roles, ["operator", "node"]);
  assert.equal(pending[requestId].isRepair, true);
  assert.equal(pending[requestId].silent, false);
  assert.equal(pending[requestId].remoteIp, "127.0.0.1");
  // Nothing was granted.
  const paired = readJson(`${sb.stateDir}/devices/paired.json`)[dev.id];
  assert.deepEqual(paired.roles, ["operator"]);
  assert.deepEqual(Object.keys(paired.tokens), ["operator"]);

  // Asking again keeps the same request; the operator role still works.
  const again = await connectDevice(gw.url, dev, { role: "node", scopes: [] });
  assertPairingRequired(again.res, "role-upgrade");
  assert.equal(again.res.error.details.requestId, requestId);
  const op = await connectDevice(gw.url, dev, { role: "operator", scopes: ["operator.read"] });
  assert.equal(op.res.ok, true, JSON.stringify(op.res));
  op.ws.close();
});

Deno.test("a paired device asking for more scopes than approved gets NOT_PAIRED scope-upgrade", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const dev = makeDevice();
  const first = await connectDevice(gw.url, dev, { role: "operator", scopes: ["operator.write"] });
  assert.equal(first.res.ok, true, JSON.stringify(first.res));
  first.ws.close();

  const more = await connectDevice(gw.url, dev, {
    role: "operator",
    scopes: ["operator.write", "operator.admin"],
  });
  assertPairingRequired(more.res, "scope-upgrade");
  assert.equal(
    more.res.error.message,
    "pairing required: device is asking for more scopes than currently approved",
  );
  assert.deepEqual(more.res.error.details.approvedScopes, ["operator.write"]);
  assert.deepEqual(more.res.error.details.requestedScopes, ["operator.write", "operator.admin"]);
  assert.equal((await more.ws.closed).code, 1008);
  const pending = readJson(`${sb.stateDir}/devices/pending.json`);
  const req = pending[more.res.error.details.requestId];
  assert.deepEqual(req.scopes, ["operator.write", "operator.admin"]);
  assert.equal(req.isRepair, true);
  assert.deepEqual(
    readJson(`${sb.stateDir}/devices/paired.json`)[dev.id].scopes,
    ["operator.write"],
  );

  // Less than approved (operator.write implies operator.read) is fine.
  const less = await connectDevice(gw.url, dev, { role: "operator", scopes: ["operator.read"] });
  assert.equal(less.res.ok, true, JSON.stringify(less.res));
  assert.deepEqual(less.res.payload.auth.scopes, ["operator.read"]);
  less.ws.close();
});

Deno.test("a node without a device identity is refused: device identity required", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const res = await c.request("connect", {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "node-host", version: "1", platform: "linux", mode: "node" },
    role: "node",
    auth: { token: TOKEN },
  });
  assert.equal(res.ok, false);
  assert.equal(res.error.code, "NOT_PAIRED");
  assert.equal(res.error.details.code, "DEVICE_IDENTITY_REQUIRED");
  assert.deepEqual(await c.closed, { code: 1008, reason: "device identity required" });
});
