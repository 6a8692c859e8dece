import assert from "node:assert/strict";
import {
  authorizeHttpRequest,
  authorizeTrustedProxyConnect,
  createAuthRateLimiter,
  isLocalDirectRequest,
  isLoopbackHost,
  trustedProxyRefusalMessage,
} from "../../../gateway/auth.ts";
import type { ResolvedGatewayAuth } from "../../../lib/auth/resolve.ts";
import { clientCredentials } from "../../../lib/auth/resolve.ts";

/** The chapter's trusted-proxy settings, with or without the local password. */
function proxyAuth(
  over: Partial<ResolvedGatewayAuth> & { allowLoopback?: boolean } = {},
): ResolvedGatewayAuth {
  const { allowLoopback, ...rest } = over;
  return {
    mode: "trusted-proxy",
    modeSource: "config",
    allowTailscale: false,
    source: {},
    trustedProxy: {
      userHeader: "x-forwarded-user",
      allowUsers: ["nick@example.com"],
      ...(allowLoopback ? { allowLoopback } : {}),
    },
    ...rest,
  };
}

const PW = "local-pass-0123";
const WITH_PW = proxyAuth({ password: PW });
const LOCAL_HOST = { host: "127.0.0.1:18789" };

function connect(
  over: {
    auth?: ResolvedGatewayAuth;
    remoteAddr?: string;
    headers?: Record<string, string>;
    provided?: { token?: string; password?: string };
    trustedProxies?: string[];
  } = {},
) {
  return authorizeTrustedProxyConnect({
    auth: over.auth ?? WITH_PW,
    remoteAddr: over.remoteAddr ?? "127.0.0.1",
    headers: new Headers(over.headers ?? LOCAL_HOST),
    trustedProxies: over.trustedProxies ?? ["10.0.0.1"],
    provided: over.provided ?? { password: PW },
  });
}

Deno.test("isLoopbackHost() accepts localhost and loopback IPs with or without a port", () => {
  for (const h of ["localhost", "LOCALHOST:18789", "127.0.0.1", "127.0.0.1:1", "[::1]:18789"]) {
    assert.equal(isLoopbackHost(h), true, h);
  }
  for (const h of [undefined, "", "gateway.example.com", "10.0.0.1:18789", "[::1", "::1:80"]) {
    assert.equal(isLoopbackHost(h), false, String(h));
  }
});

Deno.test("isLocalDirectRequest() needs a loopback peer, a loopback Host and no forwarding header", () => {
  const req = (remoteAddr: string, headers: Record<string, string>) =>
    isLocalDirectRequest({ remoteAddr, headers: new Headers(headers) });
  assert.equal(req("127.0.0.1", LOCAL_HOST), true);
  assert.equal(req("::1", { host: "localhost:18789" }), true);
  assert.equal(req("10.0.0.5", LOCAL_HOST), false);
  assert.equal(req("127.0.0.1", { host: "gateway.example.com" }), false);
  assert.equal(req("127.0.0.1", {}), false);
  for (const h of ["forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]) {
    assert.equal(req("127.0.0.1", { ...LOCAL_HOST, [h]: "x" }), false, h);
  }
  assert.equal(req("127.0.0.1", { ...LOCAL_HOST, "x-real-ip": "" }), false);
});

Deno.test("authorizeTrustedProxyConnect() lets a direct local client in with the password", () => {
  assert.deepEqual(connect(), { ok: true, method: "password" });
  assert.deepEqual(connect({ provided: { token: PW } }), { ok: true, method: "password" });
  assert.deepEqual(connect({ provided: { password: "nope" } }), {
    ok: false,
    reason: "password_mismatch",
  });
});

Deno.test("authorizeTrustedProxyConnect() never gives the password fallback to forwarded or remote requests", () => {
  const forwarded = connect({ headers: { ...LOCAL_HOST, "x-forwarded-for": "203.0.113.9" } });
  assert.equal(forwarded.ok, false);
  assert.equal(!forwarded.ok && forwarded.reason, "trusted_proxy_untrusted_source");
  assert.match(!forwarded.ok && forwarded.message || "", /never use the local password/);
  const remote = connect({ remoteAddr: "203.0.113.9" });
  assert.equal(!remote.ok && remote.reason, "trusted_proxy_untrusted_source");
  assert.match(!remote.ok && remote.message || "", /connect through the proxy$/);
  const viaName = connect({ headers: { host: "gateway.example.com" } });
  assert.equal(viaName.ok, false);
});

Deno.test("authorizeTrustedProxyConnect() still prefers the proxy's user", () => {
  const r = connect({
    auth: proxyAuth({ password: PW, allowLoopback: true }),
    headers: { ...LOCAL_HOST, "x-forwarded-user": "nick@example.com" },
    trustedProxies: ["127.0.0.1"],
    provided: {},
  });
  assert.deepEqual(r, { ok: true, method: "trusted-proxy", user: "nick@example.com" });
});

Deno.test("authorizeTrustedProxyConnect() refusals name the setting that admits the client", () => {
  const noPassword = connect({ auth: proxyAuth(), provided: {} });
  assert.deepEqual(noPassword, {
    ok: false,
    reason: "trusted_proxy_untrusted_source",
    message: "unauthorized: trusted proxy untrusted source: the peer 127.0.0.1 is not in " +
      "gateway.trustedProxies; local clients can connect with gateway.auth.password " +
      "(or OPENCLAW_GATEWAY_PASSWORD); none is set on this gateway",
  });
  const notSent = connect({ provided: {} });
  assert.match(!notSent.ok && notSent.message || "", /can connect with gateway\.auth\.password/);
  const loopback = connect({ auth: proxyAuth(), provided: {}, trustedProxies: ["127.0.0.1"] });
  assert.equal(!loopback.ok && loopback.reason, "trusted_proxy_loopback_source");
  assert.match(
    !loopback.ok && loopback.message || "",
    /^unauthorized: trusted proxy loopback source: .*gateway\.auth\.trustedProxy\.allowLoopback: true.*, or local clients can connect with gateway\.auth\.password/,
  );
});

Deno.test("trustedProxyRefusalMessage() explains each refusal", () => {
  const ctx = { auth: WITH_PW, remoteAddr: "10.0.0.1", headers: new Headers() };
  const cases: [string, RegExp][] = [
    ["trusted_proxy_no_proxies_configured", /gateway\.trustedProxies is empty/],
    ["trusted_proxy_config_missing", /gateway\.auth\.trustedProxy\.userHeader is not set/],
    ["trusted_proxy_user_missing", /no x-forwarded-user header/],
    [
      "trusted_proxy_missing_header_x-forwarded-proto",
      /no x-forwarded-proto header.*requiredHeaders/,
    ],
    ["trusted_proxy_user_not_allowed", /not in gateway\.auth\.trustedProxy\.allowUsers/],
  ];
  for (const [reason, pattern] of cases) {
    const message = trustedProxyRefusalMessage(reason, ctx);
    assert.match(message, new RegExp(`^unauthorized: ${reason.replaceAll("_", " ")}: `));
    assert.match(message, pattern);
  }
});

Deno.test("authorizeHttpRequest() in trusted-proxy mode takes the password bearer from a direct local client only", () => {
  const limiter = createAuthRateLimiter({ maxAttempts: 1, exemptLoopback: false, now: () => 0 });
  const state = { auth: WITH_PW, limiter, trustedProxies: ["10.0.0.1"] };
  const req = (secret: string, extra: Record<string, string> = {}) => ({
    headers: new Headers({ ...LOCAL_HOST, authorization: `Bearer ${secret}`, ...extra }),
    remoteAddr: "127.0.0.1",
  });
  assert.deepEqual(authorizeHttpRequest(req(PW), state), { ok: true, method: "password" });
  const forwarded = authorizeHttpRequest(req(PW, { "x-forwarded-host": "example.com" }), state);
  assert.ok(!forwarded.ok && forwarded.status === 401);
  const noPassword = authorizeHttpRequest(req(PW), { ...state, auth: proxyAuth() });
  assert.ok(!noPassword.ok && noPassword.status === 401);
  // A wrong password counts like in password mode: the next attempt is locked out.
  const wrong = authorizeHttpRequest(req("nope"), state);
  assert.ok(!wrong.ok && wrong.status === 401);
  const locked = authorizeHttpRequest(req(PW), state);
  assert.ok(!locked.ok && locked.status === 429);
});

Deno.test("clientCredentials() sends the local password in trusted-proxy mode, config or env", () => {
  const config = {
    gateway: { auth: { mode: "trusted-proxy" as const, password: "from-config" } },
  };
  assert.equal(clientCredentials({ config, env: {} }).password, "from-config");
  assert.equal(
    clientCredentials({
      config: { gateway: { auth: { mode: "trusted-proxy" } } },
      env: { OPENCLAW_GATEWAY_PASSWORD: "from-env" },
    })
      .password,
    "from-env",
  );
  assert.equal(clientCredentials({ config, env: {}, url: "ws://remote:1" }).password, undefined);
});
