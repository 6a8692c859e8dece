import assert from "node:assert/strict";
import {
  authorizeHttpRequest,
  authorizeShared,
  authorizeTrustedProxy,
  checkBindAllowed,
  createAuthRateLimiter,
  httpAuthFailureResponse,
  ipMatches,
  isLoopbackAddress,
  normalizeIp,
  resolveClientIp,
  timingSafeEqualString,
} from "../../../gateway/auth.ts";
import { OpenClawError } from "../../../lib/errors.ts";
import type { ResolvedGatewayAuth } from "../../../lib/gateway_auth.ts";

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

Deno.test("isLoopbackAddress() knows 127/8, ::1 and mapped forms", () => {
  for (const ip of ["127.0.0.1", "127.255.0.9", "::1", "[::1]", "::ffff:127.0.0.1", "0:0::1"]) {
    assert.equal(isLoopbackAddress(ip), true, ip);
  }
  for (const ip of ["10.0.0.1", "::", "0.0.0.0", "::ffff:10.0.0.1", "localhost", "", undefined]) {
    assert.equal(isLoopbackAddress(ip), false, String(ip));
  }
  assert.equal(isLoopbackAddress("::ffff:7f00:1"), true);
});

Deno.test("normalizeIp() canonicalises IPv6 and unmaps IPv4", () => {
  assert.equal(normalizeIp("::FFFF:10.1.2.3"), "10.1.2.3");
  assert.equal(normalizeIp("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  assert.equal(normalizeIp("fe80::1%eth0"), "fe80::1");
  assert.equal(normalizeIp("1.2.3.256"), undefined);
  assert.equal(normalizeIp("1::2::3"), undefined);
  assert.equal(normalizeIp("not an ip"), undefined);
});

Deno.test("ipMatches() handles exact IPs and IPv4/IPv6 CIDRs", () => {
  assert.equal(ipMatches("10.0.0.1", "10.0.0.1"), true);
  assert.equal(ipMatches("10.1.2.3", "10.0.0.0/8"), true);
  assert.equal(ipMatches("11.0.0.1", "10.0.0.0/8"), false);
  assert.equal(ipMatches("192.168.1.130", "192.168.1.128/25"), true);
  assert.equal(ipMatches("192.168.1.127", "192.168.1.128/25"), false);
  assert.equal(ipMatches("::ffff:10.0.0.5", "10.0.0.0/24"), true);
  assert.equal(ipMatches("fd00::5", "fd00::/8"), true);
  assert.equal(ipMatches("fe00::5", "fd00::/8"), false);
  assert.equal(ipMatches("10.0.0.1", "0.0.0.0/0"), true);
  assert.equal(ipMatches("10.0.0.1", "10.0.0.0/33"), false);
  assert.equal(ipMatches("10.0.0.1", "fd00::/8"), false);
});

Deno.test("resolveClientIp() ignores X-Forwarded-For from an untrusted peer", () => {
  const headers = new Headers({ "x-forwarded-for": "1.2.3.4" });
  assert.equal(resolveClientIp({ remoteAddr: "10.0.0.9", headers }), "10.0.0.9");
  assert.equal(
    resolveClientIp({ remoteAddr: "10.0.0.9", headers, trustedProxies: ["10.0.0.1"] }),
    "10.0.0.9",
  );
  assert.equal(resolveClientIp({ remoteAddr: "::ffff:127.0.0.1", headers }), "127.0.0.1");
});

Deno.test("resolveClientIp() honours a trusted proxy, taking the right-most untrusted hop", () => {
  const trustedProxies = ["10.0.0.1", "172.16.0.0/12"];
  const headers = new Headers({ "x-forwarded-for": "6.6.6.6, 5.5.5.5, 172.16.3.4" });
  assert.equal(resolveClientIp({ remoteAddr: "10.0.0.1", headers, trustedProxies }), "5.5.5.5");
  // CIDR-trusted peer, port-suffixed hop
  const h2 = new Headers({ "x-forwarded-for": "5.5.5.5:4444" });
  assert.equal(
    resolveClientIp({ remoteAddr: "172.20.0.2", headers: h2, trustedProxies }),
    "5.5.5.5",
  );
  // plain record headers work too
  assert.equal(
    resolveClientIp({
      remoteAddr: "10.0.0.1",
      headers: { "X-Forwarded-For": "[2001:db8::7]" },
      trustedProxies,
    }),
    "2001:db8::7",
  );
});

Deno.test("resolveClientIp() fails closed behind a proxy; X-Real-IP only when allowed", () => {
  const trustedProxies = ["127.0.0.1"];
  const headers = new Headers({ "x-real-ip": "8.8.8.8" });
  assert.equal(resolveClientIp({ remoteAddr: "127.0.0.1", headers, trustedProxies }), undefined);
  assert.equal(
    resolveClientIp({
      remoteAddr: "127.0.0.1",
      headers,
      trustedProxies,
      allowRealIpFallback: true,
    }),
    "8.8.8.8",
  );
  assert.equal(
    resolveClientIp({ remoteAddr: "9.9.9.9", headers, allowRealIpFallback: true }),
    "9.9.9.9",
  );
});

Deno.test("createAuthRateLimiter() locks a key after 10 failures for exactly lockoutMs", () => {
  let t = 1_000_000;
  const rl = createAuthRateLimiter({ now: () => t });
  for (let i = 0; i < 9; i++) {
    rl.recordFailure("k");
    t += 1000;
  }
  assert.deepEqual(rl.check("k"), { allowed: true });
  rl.recordFailure("k");
  assert.deepEqual(rl.check("k"), { allowed: false, retryAfterMs: 300_000 });
  t += 120_000;
  assert.deepEqual(rl.check("k"), { allowed: false, retryAfterMs: 180_000 });
  rl.recordFailure("k"); // does not extend the lockout
  assert.deepEqual(rl.check("k"), { allowed: false, retryAfterMs: 180_000 });
  t += 180_000;
  assert.deepEqual(rl.check("k"), { allowed: true });
  assert.equal(rl.size(), 0);
});

Deno.test("createAuthRateLimiter() forgets failures older than the window", () => {
  let t = 0;
  const rl = createAuthRateLimiter({ maxAttempts: 3, windowMs: 1000, now: () => t });
  rl.recordFailure("k");
  rl.recordFailure("k");
  t = 1500;
  rl.recordFailure("k");
  assert.deepEqual(rl.check("k"), { allowed: true });
  rl.recordFailure("k");
  rl.recordFailure("k");
  assert.deepEqual(rl.check("k"), { allowed: false, retryAfterMs: 300_000 });
});

Deno.test("createAuthRateLimiter() exempts loopback but not browser origins on loopback", () => {
  const t = 0;
  const rl = createAuthRateLimiter({ maxAttempts: 2, now: () => t });
  const local = { loopback: true };
  for (let i = 0; i < 5; i++) rl.recordFailure("k", local);
  assert.deepEqual(rl.check("k", local), { allowed: true });

  const evil = { loopback: true, browserOrigin: "https://evil.example" };
  rl.recordFailure("k", evil);
  rl.recordFailure("k", evil);
  assert.equal(rl.check("k", evil).allowed, false);
  // keyed per origin: another page and the CLI are unaffected
  assert.equal(
    rl.check("k", { loopback: true, browserOrigin: "http://localhost:5173" }).allowed,
    true,
  );
  assert.equal(rl.check("k", local).allowed, true);

  const strict = createAuthRateLimiter({ maxAttempts: 1, exemptLoopback: false, now: () => t });
  strict.recordFailure("k", local);
  assert.equal(strict.check("k", local).allowed, false);
});

Deno.test("createAuthRateLimiter() success resets the count", () => {
  const rl = createAuthRateLimiter({ maxAttempts: 3, now: () => 0 });
  rl.recordFailure("k");
  rl.recordFailure("k");
  rl.recordSuccess("k");
  rl.recordFailure("k");
  rl.recordFailure("k");
  assert.deepEqual(rl.check("k"), { allowed: true });
});

Deno.test("createAuthRateLimiter() keeps memory bounded", () => {
  let t = 0;
  const rl = createAuthRateLimiter({ maxEntries: 100, now: () => t });
  for (let i = 0; i < 1000; i++) {
    rl.recordFailure(`ip-${i}`);
    t++;
  }
  assert.ok(rl.size() <= 100, `size ${rl.size()}`);
  assert.throws(() => createAuthRateLimiter({ maxAttempts: 0 }), RangeError);
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
  const res = httpAuthFailureResponse(missing);
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
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
  const res = httpAuthFailureResponse(r);
  assert.equal(res.headers.get("retry-after"), "298");
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
