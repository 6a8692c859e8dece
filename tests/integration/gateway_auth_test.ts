import assert from "node:assert/strict";
import { makeSandbox, startGateway } from "../helpers.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";

async function connectWith(
  url: string,
  auth: Record<string, string> | undefined,
  headers: Record<string, string> = {},
) {
  const c = await RawClient.open(url, headers);
  await c.challenge();
  const res = await c.request("connect", { ...cliConnectParams(), ...(auth ? { auth } : {}) });
  if (!res.ok) return { res, closed: await c.closed };
  c.close();
  return { res, closed: undefined };
}

Deno.test("token mode: right token connects, wrong and missing are refused with their reasons", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "right-token-0123" } } }`,
  );
  assert.equal((await connectWith(gw.url, { token: "right-token-0123" })).res.ok, true);
  assert.equal(
    (await connectWith(gw.url, { password: "right-token-0123" })).res.ok,
    true,
    "the mode picks the secret, not the field",
  );
  const wrong = await connectWith(gw.url, { token: "wrong" });
  assert.equal(wrong.res.error.details.code, "AUTH_TOKEN_MISMATCH");
  assert.match(wrong.res.error.message, /^unauthorized: gateway token mismatch/);
  assert.equal(wrong.closed?.code, 1008);
  const missing = await connectWith(gw.url, undefined);
  assert.equal(missing.res.error.details.code, "AUTH_TOKEN_MISSING");
  assert.equal(missing.res.error.details.recommendedNextStep, "update_auth_configuration");
});

Deno.test("password mode: right, wrong and missing password", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "password", password: "pw-0123456789" } } }`,
  );
  assert.equal((await connectWith(gw.url, { password: "pw-0123456789" })).res.ok, true);
  assert.equal(
    (await connectWith(gw.url, { password: "nope" })).res.error.details.code,
    "AUTH_PASSWORD_MISMATCH",
  );
  assert.equal(
    (await connectWith(gw.url, undefined)).res.error.details.code,
    "AUTH_PASSWORD_MISSING",
  );
});

Deno.test("the token can come from OPENCLAW_GATEWAY_TOKEN", async () => {
  await using sb = await makeSandbox({ env: { OPENCLAW_GATEWAY_TOKEN: "env-token-0123456" } });
  await using gw = await startGateway(sb, `{ gateway: { mode: "local" } }`);
  assert.equal((await connectWith(gw.url, { token: "env-token-0123456" })).res.ok, true);
});

Deno.test("auth none on loopback accepts clients without a secret", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, `{ gateway: { mode: "local", auth: { mode: "none" } } }`);
  const { res } = await connectWith(gw.url, undefined);
  assert.equal(res.ok, true);
  assert.equal(res.payload.auth.method, "none");
});

Deno.test("trusted-proxy: a forwarded user header from an address that is not a trusted proxy is refused", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", trustedProxies: ["10.0.0.1"], auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-forwarded-user", allowUsers: ["nick@example.com"] } } } }`,
  );
  const { res, closed } = await connectWith(gw.url, undefined, {
    "x-forwarded-user": "nick@example.com",
  });
  assert.equal(res.ok, false);
  assert.match(res.error.message, /^unauthorized/);
  assert.equal(closed?.code, 1008);
  const http = await fetch(`http://127.0.0.1:${gw.port}/v1/models`, {
    headers: { "x-forwarded-user": "nick@example.com" },
  });
  assert.equal(http.status, 401);
  await http.body?.cancel();
});

Deno.test("HTTP API: bearer auth 401 missing, 400 malformed, 401 wrong, 200 right; the handler never runs unauthenticated", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "http-token-0123" } } }`,
  );
  const url = `http://127.0.0.1:${gw.port}/v1/models`;
  const missing = await fetch(url);
  assert.equal(missing.status, 401);
  assert.deepEqual(await missing.json(), {
    error: { message: "Unauthorized", type: "unauthorized" },
  });
  const malformed = await fetch(url, { headers: { Authorization: "Token abc" } });
  assert.equal(malformed.status, 400);
  assert.equal((await malformed.json()).error.type, "invalid_request_error");
  const wrong = await fetch(url, { headers: { Authorization: "Bearer nope" } });
  assert.equal(wrong.status, 401);
  assert.equal((await wrong.json()).data, undefined);
  const right = await fetch(url, { headers: { Authorization: "bearer http-token-0123" } });
  assert.equal(right.status, 200);
  const body = await right.json();
  assert.deepEqual(body.data.map((m: { id: string }) => m.id), [
    "openclaw",
    "openclaw/default",
    "openclaw/main",
  ]);
});

Deno.test("failed auth locks the client out: HTTP 429 with Retry-After, WS refused and closed 1008", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "lock-token-0123", rateLimit: { maxAttempts: 3, windowMs: 60000, lockoutMs: 120000, exemptLoopback: false } } } }`,
  );
  const url = `http://127.0.0.1:${gw.port}/v1/models`;
  for (let i = 0; i < 3; i++) {
    const r = await fetch(url, { headers: { Authorization: "Bearer wrong" } });
    assert.equal(r.status, 401);
    await r.body?.cancel();
  }
  const locked = await fetch(url, { headers: { Authorization: "Bearer lock-token-0123" } });
  assert.equal(locked.status, 429);
  assert.deepEqual(await locked.json(), {
    error: {
      message: "Too many failed authentication attempts. Please try again later.",
      type: "rate_limited",
    },
  });
  const retry = Number(locked.headers.get("retry-after"));
  assert.ok(retry > 100 && retry <= 120, `Retry-After ${retry}`);
  const ws = await connectWith(gw.url, { token: "lock-token-0123" });
  assert.equal(ws.res.error.details.code, "AUTH_RATE_LIMITED");
  assert.equal(ws.res.error.retryable, true);
  assert.ok(ws.res.error.retryAfterMs > 100_000);
  assert.equal(ws.closed?.code, 1008);
});

Deno.test("loopback clients are exempt from the lockout by default", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "exempt-token-01" } } }`,
  );
  for (let i = 0; i < 12; i++) await connectWith(gw.url, { token: "wrong" });
  assert.equal((await connectWith(gw.url, { token: "exempt-token-01" })).res.ok, true);
});

Deno.test("trusted-proxy: the forwarded user is accepted from a trusted proxy and checked against allowUsers", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", trustedProxies: ["127.0.0.1"], auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-forwarded-user", allowUsers: ["nick@example.com"], allowLoopback: true } } } }`,
  );
  const ok = await connectWith(gw.url, undefined, { "x-forwarded-user": "nick@example.com" });
  assert.equal(ok.res.ok, true, JSON.stringify(ok.res));
  assert.equal(ok.res.payload.auth.method, "trusted-proxy");
  const stranger = await connectWith(gw.url, undefined, { "x-forwarded-user": "eve@example.com" });
  assert.equal(stranger.res.ok, false);
  const none = await connectWith(gw.url, undefined);
  assert.equal(none.res.ok, false);
  const http = await fetch(`http://127.0.0.1:${gw.port}/v1/models`, {
    headers: { "x-forwarded-user": "nick@example.com" },
  });
  assert.equal(http.status, 200);
  await http.body?.cancel();
});
