import assert from "node:assert/strict";
import {
  authorizeHttpRequest,
  authorizeShared,
  authorizeSharedNative,
  authorizeTrustedProxy,
  checkBindAllowed,
  createAuthRateLimiter,
  type HttpAuthState,
  timingSafeEqualString,
} from "../../../gateway/auth.ts";
import { createHttpApp } from "../../../gateway/http/app.ts";
import { OpenClawError } from "../../../lib/errors.ts";
import type { ResolvedGatewayAuth } from "../../../lib/auth/resolve.ts";

function auth(partial: Partial<ResolvedGatewayAuth>): ResolvedGatewayAuth {
  return { mode: "token", modeSource: "config", allowTailscale: false, source: {}, ...partial };
}

const TOKEN = auth({ mode: "token", token: "s3cret-token" });
const PASSWORD = auth({ mode: "password", password: "hunter2" });

Deno.test("timingSafeEqualString() is exact equality, any lengths", () => {
  assert.equal(timingSafeEqualString("abc", "abc"), true);
  assert.equal(timingSafeEqualString("abc", "abd"), false);
  assert.equal(timingSafeEqualString("abc", "abcd"), false);
  assert.equal(timingSafeEqualString("", ""), true);
  assert.equal(timingSafeEqualString("", "x"), false);
  assert.equal(timingSafeEqualString("ünï", "ünï"), true);
  assert.equal(timingSafeEqualString("x".repeat(10_000), "x".repeat(10_000)), true);
});
Deno.test("authorizeShared() accepts the secret in either field for its mode", () => {
  assert.deepEqual(authorizeShared({ auth: TOKEN, provided: { token: "s3cret-token" } }), {
    ok: true,
    method: "token",
  });
  assert.deepEqual(authorizeShared({ auth: TOKEN, provided: { password: "s3cret-token" } }), {
    ok: true,
    method: "token",
  });
  assert.deepEqual(authorizeShared({ auth: PASSWORD, provided: { token: "hunter2" } }), {
    ok: true,
    method: "password",
  });
  assert.deepEqual(
    authorizeShared({ auth: auth({ mode: "none" }), provided: {} }),
    { ok: true, method: "none" },
  );
});

Deno.test("authorizeShared() reports every authReason", () => {
  const cases: [ResolvedGatewayAuth, { token?: string; password?: string }, string][] = [
    [TOKEN, {}, "token_missing"],
    [TOKEN, { token: "" }, "token_missing"],
    [TOKEN, { token: "nope" }, "token_mismatch"],
    [TOKEN, { token: "nope", password: "hunter2" }, "token_mismatch"],
    [auth({ mode: "token" }), { token: "x" }, "token_missing_config"],
    [PASSWORD, {}, "password_missing"],
    [PASSWORD, { password: "nope" }, "password_mismatch"],
    [auth({ mode: "password" }), { password: "x" }, "password_missing_config"],
    [auth({ mode: "trusted-proxy" }), { token: "x" }, "unauthorized"],
  ];
  for (const [a, provided, reason] of cases) {
    assert.deepEqual(authorizeShared({ auth: a, provided }), { ok: false, authReason: reason });
  }
});

Deno.test("authorizeSharedNative() (the handshake's, hashed by WebCrypto) answers the same", async () => {
  const cases: [ResolvedGatewayAuth, { token?: string; password?: string }][] = [
    [TOKEN, { token: "s3cret-token" }],
    [TOKEN, { password: "s3cret-token" }],
    [TOKEN, { token: "nope", password: "s3cret-token" }],
    [TOKEN, {}],
    [TOKEN, { token: "nope" }],
    [PASSWORD, { token: "hunter2" }],
    [PASSWORD, { password: "nope" }],
    [auth({ mode: "token" }), { token: "x" }],
    [auth({ mode: "none" }), {}],
    [auth({ mode: "trusted-proxy" }), { token: "x" }],
  ];
  for (const [a, provided] of cases) {
    assert.deepEqual(
      await authorizeSharedNative({ auth: a, provided }),
      authorizeShared({ auth: a, provided }),
      JSON.stringify(provided),
    );
  }
});

const PROXY = auth({
  mode: "trusted-proxy",
  trustedProxy: {
    userHeader: "x-forwarded-user",
    requiredHeaders: ["x-forwarded-proto"],
    allowUsers: ["nick@example.com"],
  },
});

Deno.test("authorizeTrustedProxy() accepts an allowed user from a trusted proxy", () => {
  const headers = new Headers({
    "x-forwarded-user": " nick@example.com ",
    "x-forwarded-proto": "https",
  });
  assert.deepEqual(
    authorizeTrustedProxy({
      auth: PROXY,
      remoteAddr: "10.0.0.1",
      headers,
      trustedProxies: ["10.0.0.0/24"],
    }),
    { ok: true, method: "trusted-proxy", user: "nick@example.com" },
  );
});

Deno.test("authorizeTrustedProxy() refuses each failure with its code", () => {
  const full = { "x-forwarded-user": "nick@example.com", "x-forwarded-proto": "https" };
  const run = (over: {
    remoteAddr?: string;
    headers?: Record<string, string>;
    trustedProxies?: string[];
    a?: ResolvedGatewayAuth;
  }) =>
    authorizeTrustedProxy({
      auth: over.a ?? PROXY,
      remoteAddr: over.remoteAddr ?? "10.0.0.1",
      headers: new Headers(over.headers ?? full),
      trustedProxies: over.trustedProxies ?? ["10.0.0.1"],
    });
  const fail = (r: ReturnType<typeof run>) => r.ok ? "ok" : `${r.code}:${r.reason}`;
  assert.equal(
    fail(run({ remoteAddr: "10.0.0.2" })),
    "AUTH_UNAUTHORIZED:trusted_proxy_untrusted_source",
  );
  assert.equal(
    fail(run({ trustedProxies: [] })),
    "AUTH_UNAUTHORIZED:trusted_proxy_no_proxies_configured",
  );
  assert.equal(
    fail(run({ a: auth({ mode: "trusted-proxy" }) })),
    "AUTH_UNAUTHORIZED:trusted_proxy_config_missing",
  );
  assert.equal(
    fail(run({ headers: { "x-forwarded-proto": "https" } })),
    "AUTH_IDENTITY_HEADER_REQUIRED:trusted_proxy_user_missing",
  );
  assert.equal(
    fail(run({ headers: { "x-forwarded-user": "nick@example.com" } })),
    "AUTH_IDENTITY_HEADER_REQUIRED:trusted_proxy_missing_header_x-forwarded-proto",
  );
  assert.equal(
    fail(run({ headers: { ...full, "x-forwarded-user": "eve@example.com" } })),
    "AUTH_VERIFIED_USER_REQUIRED:trusted_proxy_user_not_allowed",
  );
  assert.equal(
    fail(run({ remoteAddr: "127.0.0.1", trustedProxies: ["127.0.0.1"] })),
    "AUTH_UNAUTHORIZED:trusted_proxy_loopback_source",
  );
  const loopbackOk = auth({
    mode: "trusted-proxy",
    trustedProxy: { userHeader: "x-forwarded-user", allowLoopback: true },
  });
  assert.equal(
    fail(run({ a: loopbackOk, remoteAddr: "127.0.0.1", trustedProxies: ["127.0.0.1"] })),
    "ok",
  );
});

const UNAUTHORIZED_BODY = '{"error":{"message":"Unauthorized","type":"unauthorized"}}';

/** Calls `GET /v1/models` on the HTTP app, authorizing as the gateway does (§10.1). */
function httpApi(state: HttpAuthState) {
  const app = createHttpApp({
    phase: () => "started",
    failingChecks: () => [],
    wsUrl: () => "ws://127.0.0.1:18789",
    authorize: (req, remoteAddr) =>
      authorizeHttpRequest({ headers: req.headers, remoteAddr }, state),
    agentIds: () => [],
  });
  return (headers: HeadersInit, hostname: string) =>
    app.request("/v1/models", { headers }, {
      remoteAddr: { transport: "tcp", hostname, port: 40000 },
    });
}

Deno.test("authorizeHttpRequest() accepts Bearer with any scheme case", () => {
  for (const scheme of ["Bearer", "bearer", "BEARER"]) {
    const headers = new Headers({ authorization: `${scheme} s3cret-token` });
    assert.deepEqual(authorizeHttpRequest({ headers, remoteAddr: "10.0.0.5" }, { auth: TOKEN }), {
      ok: true,
      method: "token",
    });
  }
  const pw = new Headers({ authorization: "Bearer hunter2" });
  assert.equal(
    authorizeHttpRequest({ headers: pw, remoteAddr: "1.2.3.4" }, { auth: PASSWORD }).ok,
    true,
  );
  assert.equal(
    authorizeHttpRequest({ headers: new Headers(), remoteAddr: "1.2.3.4" }, {
      auth: auth({ mode: "none" }),
    }).ok,
    true,
  );
});

Deno.test("authorizeHttpRequest() answers 401 for missing or wrong, 400 for malformed", async () => {
  const missing = authorizeHttpRequest({ headers: new Headers(), remoteAddr: "1.2.3.4" }, {
    auth: TOKEN,
  });
  assert.equal(missing.ok, false);
  if (missing.ok) return;
  assert.equal(missing.status, 401);
  assert.equal(JSON.stringify(missing.body), UNAUTHORIZED_BODY);
  const res = await httpApi({ auth: TOKEN })({}, "1.2.3.4");
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="openclaw"');
  assert.equal(await res.text(), UNAUTHORIZED_BODY);

  const wrong = authorizeHttpRequest({
    headers: new Headers({ authorization: "Bearer nope" }),
    remoteAddr: "1.2.3.4",
  }, { auth: TOKEN });
  assert.ok(!wrong.ok && wrong.status === 401 && JSON.stringify(wrong.body) === UNAUTHORIZED_BODY);

  for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "s3cret-token"]) {
    const bad = authorizeHttpRequest({
      headers: new Headers({ authorization: header }),
      remoteAddr: "1.2.3.4",
    }, { auth: TOKEN });
    assert.ok(!bad.ok, header);
    assert.equal(bad.status, 400, header);
    assert.equal(bad.body.error.type, "invalid_request_error");
  }
});

Deno.test("authorizeHttpRequest() answers 429 with Retry-After once locked out", async () => {
  let t = 0;
  const limiter = createAuthRateLimiter({ now: () => t });
  const state = { auth: TOKEN, limiter };
  const wrong = { headers: new Headers({ authorization: "Bearer nope" }), remoteAddr: "9.9.9.9" };
  for (let i = 0; i < 10; i++) {
    const r = authorizeHttpRequest(wrong, state);
    assert.ok(!r.ok && r.status === 401, `attempt ${i + 1}`);
  }
  t += 2_500;
  const right = {
    headers: new Headers({ authorization: "Bearer s3cret-token" }),
    remoteAddr: "9.9.9.9",
  };
  const r = authorizeHttpRequest(right, state);
  assert.ok(!r.ok);
  assert.equal(r.status, 429);
  assert.equal(r.headers["Retry-After"], "298");
  const res = await httpApi(state)({ authorization: "Bearer s3cret-token" }, "9.9.9.9");
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "298");
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(
    await res.text(),
    '{"error":{"message":"Too many failed authentication attempts. Please try again later.",' +
      '"type":"rate_limited"}}',
  );
  // other clients and loopback are unaffected; missing headers never count
  assert.equal(authorizeHttpRequest({ ...right, remoteAddr: "8.8.8.8" }, state).ok, true);
  for (let i = 0; i < 20; i++) {
    authorizeHttpRequest({ headers: new Headers(), remoteAddr: "7.7.7.7" }, state);
    authorizeHttpRequest({ ...wrong, remoteAddr: "127.0.0.1" }, state);
  }
  assert.equal(authorizeHttpRequest({ ...right, remoteAddr: "7.7.7.7" }, state).ok, true);
  assert.equal(authorizeHttpRequest({ ...right, remoteAddr: "127.0.0.1" }, state).ok, true);
});

Deno.test("authorizeHttpRequest() limits by the forwarded client behind a trusted proxy", () => {
  const limiter = createAuthRateLimiter({ maxAttempts: 1, now: () => 0 });
  const state = { auth: TOKEN, limiter, trustedProxies: ["10.0.0.1"] };
  const via = (client: string, secret: string) => ({
    headers: new Headers({ authorization: `Bearer ${secret}`, "x-forwarded-for": client }),
    remoteAddr: "10.0.0.1",
  });
  authorizeHttpRequest(via("5.5.5.5", "nope"), state);
  assert.equal(
    (authorizeHttpRequest(via("5.5.5.5", "s3cret-token"), state) as { status?: number }).status,
    429,
  );
  assert.equal(authorizeHttpRequest(via("6.6.6.6", "s3cret-token"), state).ok, true);
});

Deno.test("authorizeHttpRequest() in trusted-proxy mode uses the proxy identity", () => {
  const headers = new Headers({
    "x-forwarded-user": "nick@example.com",
    "x-forwarded-proto": "https",
  });
  assert.deepEqual(
    authorizeHttpRequest({ headers, remoteAddr: "10.0.0.1" }, {
      auth: PROXY,
      trustedProxies: ["10.0.0.1"],
    }),
    { ok: true, method: "trusted-proxy", user: "nick@example.com" },
  );
  const r = authorizeHttpRequest({ headers, remoteAddr: "10.0.0.2" }, {
    auth: PROXY,
    trustedProxies: ["10.0.0.1"],
  });
  assert.ok(!r.ok && r.status === 401);
});

Deno.test("checkBindAllowed() refuses non-loopback binds without auth", () => {
  const refuse = (host: string, a: ResolvedGatewayAuth) =>
    assert.throws(
      () => checkBindAllowed({ bindMode: "lan", host, port: 18789, auth: a }),
      (err) => {
        assert.ok(err instanceof OpenClawError);
        assert.equal(err.code, "AUTH_REQUIRED_FOR_BIND");
        assert.ok(
          err.message.startsWith(
            `refusing to bind gateway to ${
              host.includes(":") ? `[${host}]` : host
            }:18789 without auth`,
          ),
          err.message,
        );
        assert.equal(
          err.hint,
          "Set gateway.auth.token (openclaw config set gateway.auth.token <secret>) or bind to loopback",
        );
        assert.equal(err.exitCode, 1);
        return true;
      },
    );
  refuse("0.0.0.0", auth({ mode: "none" }));
  refuse("0.0.0.0", auth({ mode: "token" }));
  refuse("192.168.1.10", auth({ mode: "password" }));
  refuse("::", auth({ mode: "trusted-proxy" }));

  const ok = (host: string, a: ResolvedGatewayAuth) =>
    checkBindAllowed({ bindMode: "custom", host, port: 1, auth: a });
  ok("127.0.0.1", auth({ mode: "none" }));
  ok("::1", auth({ mode: "token" }));
  ok("0.0.0.0", TOKEN);
  ok("0.0.0.0", PASSWORD);
  ok("0.0.0.0", PROXY);
});
