/**
 * The dashboard's connection, driven by a scripted socket and a fake clock: handshake, device
 * token storage, request timeouts and bounds, and what happens after each kind of refusal.
 */
import assert from "node:assert/strict";
import { pairingRequiredError } from "../../../lib/protocol/auth_errors.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import {
  GatewayClient,
  MAX_PENDING_REQUESTS,
  PAIRING_RETRY_MS,
  REQUEST_TIMEOUT_MS,
  type SocketLike,
} from "../../../ui/lib/client.ts";
import { CredentialStore } from "../../../ui/lib/credentials.ts";
import { loadOrCreateIdentity, signWithNoble } from "../../../ui/lib/identity.ts";
import { memoryStore } from "./_memory_store.ts";

class ScriptedSocket implements SocketLike {
  sent: Record<string, unknown>[] = [];
  closed?: { code?: number; reason?: string };
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number, reason?: string) {
    if (this.closed) return;
    this.closed = { code, reason };
    queueMicrotask(() => this.onclose?.({ code: code ?? 1005, reason: reason ?? "" }));
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

const HELLO = {
  type: "hello-ok",
  protocol: 4,
  server: { version: "2026.11.0", connId: "c1" },
  features: { methods: ["health", "chat.send"], events: ["tick"] },
  snapshot: {},
  auth: {
    role: "operator",
    scopes: ["operator.admin"],
    method: "token",
    deviceToken: "dev-tok",
    issuedAtMs: 7,
  },
  policy: { tickIntervalMs: 30_000 },
};

function setup() {
  const clock = new FakeClock();
  const sockets: ScriptedSocket[] = [];
  const local = memoryStore();
  const credentials = new CredentialStore("ws://gw/", memoryStore(), local);
  credentials.setSharedToken("shared");
  const identity = loadOrCreateIdentity(local);
  const client = new GatewayClient({
    url: "ws://gw/",
    openSocket: () => {
      const s = new ScriptedSocket();
      sockets.push(s);
      return s;
    },
    identity,
    sign: signWithNoble,
    credentials,
    version: "test",
    timers: clock,
  });
  return { clock, sockets, client, credentials, identity };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function handshake(socket: ScriptedSocket, answer: Record<string, unknown>) {
  socket.receive({ type: "event", event: "connect.challenge", payload: { nonce: "n1", ts: 1 } });
  await tick();
  const connect = socket.sent.find((f) => f.method === "connect")!;
  socket.receive({ type: "res", id: connect.id, ...answer });
  return connect;
}

Deno.test("the client signs connect after the challenge and keeps the device token of hello-ok", async () => {
  const { sockets, client, credentials, identity } = setup();
  client.start();
  const connect = await handshake(sockets[0], { ok: true, payload: HELLO });
  const params = connect.params as { auth: Record<string, string>; device: { nonce: string } };
  assert.deepEqual(params.auth, { token: "shared" });
  assert.equal(params.device.nonce, "n1");
  assert.equal(client.state.phase, "connected");
  assert.ok(client.has("chat.send"));
  assert.equal(client.has("device.pair.list"), false);
  assert.equal(credentials.deviceToken(identity.deviceId)?.token, "dev-tok");
  assert.deepEqual(credentials.forConnect(identity.deviceId), {
    token: "shared",
    deviceToken: "dev-tok",
  });
});

Deno.test("requests resolve with their payload, fail with RpcError, and time out", async () => {
  const { clock, sockets, client } = setup();
  client.start();
  await handshake(sockets[0], { ok: true, payload: HELLO });
  const s = sockets[0];
  const ok = client.request("health");
  const bad = client.request("nope");
  const slow = client.request("health");
  const [a, b] = s.sent.slice(-3);
  s.receive({ type: "res", id: a.id, ok: true, payload: { ok: true } });
  s.receive({
    type: "res",
    id: b.id,
    ok: false,
    error: { code: "INVALID_REQUEST", message: "unknown method: nope" },
  });
  assert.deepEqual(await ok, { ok: true });
  await assert.rejects(bad, {
    name: "RpcError",
    code: "INVALID_REQUEST",
    message: "unknown method: nope",
  });
  clock.advance(REQUEST_TIMEOUT_MS);
  await assert.rejects(slow, /health timed out after 30 s/);
});

Deno.test("requests beyond the pending bound are refused at once", async () => {
  const { sockets, client } = setup();
  client.start();
  await handshake(sockets[0], { ok: true, payload: HELLO });
  const pending = Array.from(
    { length: MAX_PENDING_REQUESTS },
    () => client.request("health").catch(() => {}),
  );
  await assert.rejects(client.request("health"), /too many requests/);
  client.stop();
  await Promise.all(pending);
});

Deno.test("pairing required shows the approve command and retries until approved", async () => {
  const { clock, sockets, client } = setup();
  client.start();
  const error = pairingRequiredError({
    reason: "not-paired",
    deviceId: "d",
    requestedRole: "operator",
    requestedScopes: [],
    requestId: "req-9",
  });
  await handshake(sockets[0], { ok: false, error });
  sockets[0].close(1008, "pairing required");
  await tick();
  assert.equal(client.state.phase, "pairing");
  assert.equal(client.state.problem?.command, "openclaw devices approve req-9");
  assert.equal(sockets.length, 1);
  clock.advance(PAIRING_RETRY_MS);
  assert.equal(sockets.length, 2);
  await handshake(sockets[1], { ok: true, payload: HELLO });
  assert.equal(client.state.phase, "connected");
});

Deno.test("a refused device token is forgotten and the connect retried once without it", async () => {
  const { sockets, client, credentials, identity } = setup();
  credentials.saveDeviceToken(identity.deviceId, "operator", { token: "stale", scopes: [] });
  credentials.setSharedToken(undefined);
  client.start();
  const error = {
    code: "INVALID_REQUEST",
    message: "unauthorized: device token mismatch (rotate/reissue device token)",
    details: { code: "AUTH_DEVICE_TOKEN_MISMATCH" },
  };
  await handshake(sockets[0], { ok: false, error });
  sockets[0].close(1008, "unauthorized");
  await tick();
  assert.equal(credentials.deviceToken(identity.deviceId), undefined);
  assert.equal(sockets.length, 2);
  await handshake(sockets[1], { ok: false, error });
  sockets[1].close(1008, "unauthorized");
  await tick();
  assert.equal(client.state.phase, "failed");
  assert.equal(client.state.problem?.title, "unauthorized");
});

Deno.test("a dropped connection is retried with doubling backoff", async () => {
  const { clock, sockets, client } = setup();
  client.start();
  await handshake(sockets[0], { ok: true, payload: HELLO });
  sockets[0].close(1012, "service restart");
  await tick();
  assert.equal(client.state.phase, "retrying");
  assert.equal(client.state.problem?.title, "gateway connect failed");
  clock.advance(1_000);
  assert.equal(sockets.length, 2);
  sockets[1].close(1006);
  await tick();
  clock.advance(1_999);
  assert.equal(sockets.length, 2);
  clock.advance(1);
  assert.equal(sockets.length, 3);
});

Deno.test("no challenge within 15 s closes the socket", async () => {
  const { clock, sockets, client } = setup();
  client.start();
  clock.advance(15_000);
  assert.deepEqual(sockets[0].closed, { code: 1008, reason: "connect challenge timeout" });
  await tick();
  assert.equal(client.state.phase, "retrying");
});
