import assert from "node:assert/strict";
import { makeSandbox, startGateway } from "../helpers.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import { devicePayload, makeDevice } from "../fixtures/device.ts";

const TOKEN = "handshake-test-token-0123456789";
const CONFIG = `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;

async function withGateway(fn: (url: string, port: number) => Promise<void>, config = CONFIG) {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, config);
  await fn(gw.url, gw.port);
}

Deno.test("the server speaks first with connect.challenge", async () => {
  await withGateway(async (url) => {
    const c = await RawClient.open(url);
    const ch = await c.challenge();
    assert.match(ch.payload.nonce, /^[0-9a-f-]{36}$/);
    assert.equal(typeof ch.payload.ts, "number");
    assert.equal(ch.seq, undefined);
    c.close();
  });
});

Deno.test("a ws client completes the handshake with a device identity made from protocol.md and calls health", async () => {
  await withGateway(async (url) => {
    const c = await RawClient.open(url);
    const ch = await c.challenge();
    const dev = makeDevice();
    const scopes = ["operator.read", "operator.write"];
    const signedAt = Date.now();
    const payload = devicePayload("v3", dev.id, {
      clientId: "gateway-client",
      clientMode: "backend",
      role: "operator",
      scopes,
      signedAt,
      token: TOKEN,
      nonce: ch.payload.nonce,
      platform: "Linux",
      deviceFamily: "",
    });
    const res = await c.request("connect", {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "gateway-client", version: "1.0.0", platform: "Linux", mode: "backend" },
      role: "operator",
      scopes,
      auth: { token: TOKEN },
      device: {
        id: dev.id,
        publicKey: dev.publicKey,
        signature: dev.sign(payload),
        signedAt,
        nonce: ch.payload.nonce,
      },
    });
    assert.equal(res.ok, true, JSON.stringify(res));
    const hello = res.payload;
    assert.equal(hello.type, "hello-ok");
    assert.equal(hello.protocol, 4);
    assert.match(hello.server.connId, /^[0-9a-f-]{36}$/);
    assert.ok(hello.features.methods.includes("health"));
    assert.ok(hello.features.events.includes("tick"));
    assert.deepEqual(hello.auth.scopes, scopes);
    assert.equal(hello.auth.role, "operator");
    assert.equal(
      typeof hello.auth.deviceToken,
      "string",
      "loopback device silently approved with a device token",
    );
    assert.equal(hello.policy.maxPayload, 26214400);
    assert.equal(hello.policy.tickIntervalMs, 30000);
    assert.ok(Array.isArray(hello.snapshot.presence));
    const health = await c.request("health", {});
    assert.equal(health.ok, true);
    assert.equal(health.payload.ok, true);
    assert.equal(typeof health.payload.ts, "number");
    c.close();

    // The issued device token alone authenticates the same device next time.
    const again = await RawClient.open(url);
    const ch2 = await again.challenge();
    const at2 = Date.now();
    const p2 = devicePayload("v2", dev.id, {
      clientId: "gateway-client",
      clientMode: "backend",
      role: "operator",
      scopes,
      signedAt: at2,
      token: hello.auth.deviceToken,
      nonce: ch2.payload.nonce,
    });
    const res2 = await again.request("connect", {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "gateway-client", version: "1.0.0", platform: "linux", mode: "backend" },
      role: "operator",
      scopes,
      auth: { deviceToken: hello.auth.deviceToken },
      device: {
        id: dev.id,
        publicKey: dev.publicKey,
        signature: dev.sign(p2),
        signedAt: at2,
        nonce: ch2.payload.nonce,
      },
    });
    assert.equal(res2.ok, true, JSON.stringify(res2));
    assert.equal(res2.payload.auth.method, "device-token");
    again.close();
  });
});

Deno.test("a first frame that is not connect is refused and closed 1008", async () => {
  await withGateway(async (url) => {
    const c = await RawClient.open(url);
    await c.challenge();
    const res = await c.request("health", {});
    assert.equal(res.ok, false);
    assert.equal(res.error.code, "INVALID_REQUEST");
    assert.equal(res.error.message, "invalid handshake: first request must be connect");
    assert.equal((await c.closed).code, 1008);
  });
});

Deno.test("a first frame that is not a request frame is closed 1008 without a response", async () => {
  await withGateway(async (url) => {
    const c = await RawClient.open(url);
    await c.challenge();
    c.send("{not json");
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    assert.equal(closed.reason, "invalid request frame");
    assert.equal(c.frames.filter((f) => f.type === "res").length, 0);
  });
});

Deno.test("protocol mismatch answers PROTOCOL_MISMATCH and closes 1002", async () => {
  await withGateway(async (url) => {
    const c = await RawClient.open(url);
    await c.challenge();
    const res = await c.request("connect", {
      ...cliConnectParams(TOKEN),
      minProtocol: 5,
      maxProtocol: 6,
    });
    assert.equal(res.error.code, "INVALID_REQUEST");
    assert.equal(res.error.message, "protocol mismatch");
    assert.equal(res.error.details.code, "PROTOCOL_MISMATCH");
    assert.equal(res.error.details.expectedProtocol, 4);
    const closed = await c.closed;
    assert.deepEqual(closed, { code: 1002, reason: "protocol mismatch" });
  });
});

Deno.test("invalid connect params are named", async () => {
  await withGateway(async (url) => {
    const c = await RawClient.open(url);
    await c.challenge();
    const res = await c.request("connect", {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "nope" },
    });
    assert.match(res.error.message, /^invalid connect params: /);
    assert.equal((await c.closed).code, 1008);
  });
});

async function deviceConnect(
  url: string,
  tamper: (f: { signedAt: number; nonce: string; signature: string; id: string }) => void,
) {
  const c = await RawClient.open(url);
  const ch = await c.challenge();
  const dev = makeDevice();
  const f = { signedAt: Date.now(), nonce: ch.payload.nonce, signature: "", id: dev.id };
  const sign = () =>
    dev.sign(
      devicePayload("v3", dev.id, {
        clientId: "cli",
        clientMode: "cli",
        role: "operator",
        scopes: [],
        signedAt: f.signedAt,
        token: TOKEN,
        nonce: f.nonce,
        platform: "linux",
      }),
    );
  f.signature = sign();
  tamper(f);
  const res = await c.request("connect", {
    ...cliConnectParams(TOKEN, { scopes: [] }),
    device: {
      id: f.id,
      publicKey: dev.publicKey,
      signature: f.signature,
      signedAt: f.signedAt,
      nonce: f.nonce,
    },
  });
  return { res, closed: await c.closed };
}

Deno.test("a bad device signature is refused", async () => {
  await withGateway(async (url) => {
    const { res, closed } = await deviceConnect(
      url,
      (f) => f.signature = f.signature.slice(0, -4) + "AAAA",
    );
    assert.equal(res.error.message, "device signature invalid");
    assert.deepEqual([res.error.details.code, res.error.details.reason], [
      "DEVICE_AUTH_SIGNATURE_INVALID",
      "device-signature",
    ]);
    assert.deepEqual(closed, { code: 1008, reason: "device signature invalid" });
  });
});

Deno.test("a stale signedAt is refused", async () => {
  await withGateway(async (url) => {
    const { res } = await deviceConnect(url, (f) => f.signedAt = Date.now() - 10 * 60_000);
    assert.equal(res.error.message, "device signature expired");
    assert.equal(res.error.details.code, "DEVICE_AUTH_SIGNATURE_EXPIRED");
  });
});

Deno.test("a nonce that is not the challenge's is refused", async () => {
  await withGateway(async (url) => {
    const { res } = await deviceConnect(url, (f) => f.nonce = crypto.randomUUID());
    assert.equal(res.error.message, "device nonce mismatch");
    assert.equal(res.error.details.code, "DEVICE_AUTH_NONCE_MISMATCH");
  });
});

Deno.test("a device id that is not the key's hash is refused", async () => {
  await withGateway(async (url) => {
    const { res } = await deviceConnect(url, (f) => f.id = "0".repeat(64));
    assert.equal(res.error.message, "device identity mismatch");
  });
});

Deno.test("an oversize pre-auth frame is closed 1009", async () => {
  await withGateway(async (url) => {
    const c = await RawClient.open(url);
    await c.challenge();
    c.send(
      JSON.stringify({
        type: "req",
        id: "1",
        method: "connect",
        params: { pad: "x".repeat(70_000) },
      }),
    );
    assert.deepEqual(await c.closed, { code: 1009, reason: "preauth payload too large" });
  });
});

Deno.test("after hello: unknown method, second connect, bad frame and missing scope", async () => {
  await withGateway(async (url) => {
    const c = await RawClient.open(url);
    await c.challenge();
    const hello = await c.request(
      "connect",
      cliConnectParams(TOKEN, { scopes: ["operator.read"] }),
    );
    assert.equal(hello.ok, true, JSON.stringify(hello));
    const unknown = await c.request("nope.method", {});
    assert.equal(unknown.error.message, "unknown method: nope.method");
    const again = await c.request("connect", cliConnectParams(TOKEN));
    assert.equal(again.error.message, "connect is only valid as the first request");
    c.send(JSON.stringify({ type: "req", id: "x" }));
    const bad = await c.next((f) => f.type === "res" && f.id === "x");
    assert.match(bad.error.message, /^invalid request frame: /);
    const forbidden = await c.request("config.set", { raw: "{}" });
    assert.equal(forbidden.error.code, "FORBIDDEN");
    assert.equal(forbidden.error.message, "missing scope: operator.admin");
    assert.equal(forbidden.error.details.code, "MISSING_SCOPE");
    const ok = await c.request("status", {});
    assert.equal(ok.ok, true);
    c.close();
  });
});

Deno.test("a handshake that never finishes is closed at the deadline", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG, {
    env: { OPENCLAW_HANDSHAKE_TIMEOUT_MS: "300" },
  });
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const closed = await c.closed;
  assert.deepEqual(closed, { code: 1000, reason: "" });
});

Deno.test("too many unauthenticated sockets from one IP get HTTP 503", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG, {
    env: { OPENCLAW_MAX_PREAUTH_CONNECTIONS_PER_IP: "2" },
  });
  const a = await RawClient.open(gw.url);
  const b = await RawClient.open(gw.url);
  await assert.rejects(() => RawClient.open(gw.url), /HTTP 503/);
  a.close();
  b.close();
});

Deno.test("a stop sends shutdown then closes 1012", async () => {
  await using sb = await makeSandbox();
  const gw = await startGateway(sb, CONFIG);
  const c = await RawClient.open(gw.url);
  await c.challenge();
  assert.equal((await c.request("connect", cliConnectParams(TOKEN))).ok, true);
  const stopped = gw.stop("SIGTERM");
  const shutdown = await c.next((f) => f.type === "event" && f.event === "shutdown");
  assert.equal(shutdown.payload.reason, "gateway stopping");
  assert.equal(typeof shutdown.seq, "number");
  assert.deepEqual(await c.closed, { code: 1012, reason: "service restart" });
  assert.equal(await stopped, 0);
});
