import assert from "node:assert/strict";
import { connectGateway } from "../../lib/rpc/client.ts";
import { isLoopbackUrl } from "../../lib/rpc/session.ts";
import { PROTOCOL_VERSION } from "../../lib/protocol/constants.ts";
import { generateDeviceIdentity, signDeviceAuth } from "../../lib/protocol/device.ts";
import { CLI_DEFAULT_OPERATOR_SCOPES } from "../../lib/protocol/scopes.ts";
import { makeSandbox, startGateway } from "../helpers.ts";

const TOKEN = "rpc-client-token-0123";

Deno.test("connectGateway() signs with a device identity and gets a device token", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { token: "${TOKEN}" } } }`,
  );
  const me = await generateDeviceIdentity();
  await using client = await connectGateway({
    url: gw.url,
    token: TOKEN,
    scopes: ["operator.read"],
    // As lib/rpc/session.ts signs: the fields the client hands over carry the connect's auth.
    device: (ch, f) => signDeviceAuth(me, { ...f, signedAtMs: ch.ts, nonce: ch.nonce }),
  });
  const auth = client.hello.auth as { deviceToken?: string; scopes: string[] };
  assert.equal(typeof auth.deviceToken, "string");
  assert.deepEqual(auth.scopes, ["operator.read"]);
  assert.equal((await client.call<{ ok: boolean }>("health")).ok, true);
});

Deno.test("connectGateway() as the local CLI asks for stock's fallback CLI scopes", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { token: "${TOKEN}" } } }`,
  );
  await using client = await connectGateway({ url: gw.url, token: TOKEN });
  const auth = client.hello.auth as { scopes: string[]; method?: string };
  assert.deepEqual(auth.scopes, [...CLI_DEFAULT_OPERATOR_SCOPES]);
  assert.equal(auth.method, "token");
  assert.equal(client.hello.protocol, PROTOCOL_VERSION);
});

Deno.test("connectGateway() says the gateway is unreachable and suggests doctor", async () => {
  await assert.rejects(
    () => connectGateway({ url: "ws://127.0.0.1:9", timeoutMs: 2000 }),
    (e: Error) => {
      assert.match(e.message, /Cannot reach the gateway at ws:\/\/127\.0\.0\.1:9/);
      assert.match((e as { hint?: string }).hint ?? "", /openclaw doctor/);
      return true;
    },
  );
});

Deno.test("isLoopbackUrl() tells loopback targets from remote ones", () => {
  assert.equal(isLoopbackUrl("ws://127.0.0.1:18789"), true);
  assert.equal(isLoopbackUrl("ws://localhost:1"), true);
  assert.equal(isLoopbackUrl("ws://[::1]:1"), true);
  assert.equal(isLoopbackUrl("wss://gateway.example.com"), false);
  assert.equal(isLoopbackUrl("ws://100.64.0.2:18789"), false);
});
