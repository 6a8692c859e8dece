import assert from "node:assert/strict";
import { authView, collectGatewayFindings } from "../../../lib/security/gateway_checks.ts";
import { auditCtx, ids } from "./_helpers.ts";

const TOKEN = "x".repeat(32);
const audit = (config: Record<string, unknown>, env: Record<string, string> = {}) =>
  collectGatewayFindings(auditCtx(config, { env }));
const severityOf = (config: Record<string, unknown>, id: string) =>
  audit(config).find((f) => f.checkId === id)?.severity;

Deno.test("collectGatewayFindings() is quiet for a loopback gateway with a long token", () => {
  assert.deepEqual(audit({ gateway: { auth: { token: TOKEN } } }), []);
  assert.deepEqual(audit({}), [], "token mode without a token: the gateway generates one");
});

Deno.test("collectGatewayFindings() flags a LAN bind without auth as critical", () => {
  const f = audit({ gateway: { bind: "lan", auth: { mode: "none" } } });
  assert.deepEqual(f.map((x) => [x.checkId, x.severity]), [["gateway.bind_no_auth", "critical"]]);
  assert.match(f[0].detail, /gateway\.bind is "lan"/);
  assert.deepEqual(ids(audit({ gateway: { bind: "lan", auth: { mode: "password" } } })), [
    "gateway.bind_no_auth",
  ]);
  assert.deepEqual(
    audit({ gateway: { bind: "lan", auth: { mode: "password" } } }, {
      OPENCLAW_GATEWAY_PASSWORD: "from-env-password",
    }),
    [],
  );
  assert.deepEqual(audit({ gateway: { bind: "lan", auth: { token: TOKEN } } }), []);
});

Deno.test("collectGatewayFindings() flags auth mode none on loopback", () => {
  assert.equal(
    severityOf({ gateway: { auth: { mode: "none" } } }, "gateway.loopback_no_auth"),
    "critical",
  );
});

Deno.test("collectGatewayFindings() flags short tokens and a disabled rate limit", () => {
  assert.deepEqual(ids(audit({ gateway: { auth: { token: "short-token" } } })), [
    "gateway.token_too_short",
  ]);
  assert.deepEqual(ids(audit({}, { OPENCLAW_GATEWAY_TOKEN: "short" })), [
    "gateway.token_too_short",
  ]);
  assert.deepEqual(
    ids(audit({ gateway: { auth: { token: TOKEN, rateLimit: { maxAttempts: 0 } } } })),
    ["gateway.auth_no_rate_limit"],
  );
  assert.deepEqual(
    audit({ gateway: { auth: { token: { source: "env", provider: "default", id: "T" } } } }),
    [],
    "a SecretRef counts as a token of unknown length",
  );
});

Deno.test("collectGatewayFindings() always flags trusted-proxy mode as critical", () => {
  const full = audit({
    gateway: {
      trustedProxies: ["127.0.0.1"],
      auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-user", allowUsers: ["me"] } },
    },
  });
  assert.deepEqual(full.map((f) => [f.checkId, f.severity]), [
    ["gateway.trusted_proxy_auth", "critical"],
    ["gateway.trusted_proxy_no_local_password", "info"],
  ]);
  assert.deepEqual(ids(audit({ gateway: { auth: { mode: "trusted-proxy" } } })), [
    "gateway.trusted_proxy_auth",
    "gateway.trusted_proxy_no_proxies",
    "gateway.trusted_proxy_no_user_header",
    "gateway.trusted_proxy_no_local_password",
    "gateway.trusted_proxy_no_allowlist",
  ]);
  // With the local password set, the CLI on this host has its way in.
  const withPassword = audit({
    gateway: {
      trustedProxies: ["127.0.0.1"],
      auth: {
        mode: "trusted-proxy",
        password: { source: "env", provider: "default", id: "GW_LOCAL_PASSWORD" },
        trustedProxy: { userHeader: "x-user", allowUsers: ["me"] },
      },
    },
  });
  assert.deepEqual(ids(withPassword), ["gateway.trusted_proxy_auth"]);
});

Deno.test("collectGatewayFindings() covers real-IP fallback, Funnel, origins and Control UI flags", () => {
  const base = { auth: { token: TOKEN } };
  assert.deepEqual(ids(audit({ gateway: { ...base, allowRealIpFallback: true } })), [
    "gateway.real_ip_fallback_enabled",
  ]);
  assert.equal(
    severityOf({ gateway: { ...base, tailscale: { mode: "funnel" } } }, "gateway.tailscale_funnel"),
    "critical",
  );
  assert.equal(
    severityOf({ gateway: { ...base, tailscale: { mode: "serve" } } }, "gateway.tailscale_serve"),
    "info",
  );
  const wild = { ...base, controlUi: { allowedOrigins: ["*"] } };
  assert.equal(
    severityOf({ gateway: wild }, "gateway.control_ui.allowed_origins_wildcard"),
    "warn",
  );
  assert.equal(
    severityOf(
      { gateway: { ...wild, bind: "lan" } },
      "gateway.control_ui.allowed_origins_wildcard",
    ),
    "critical",
  );
});

Deno.test("collectGatewayFindings() flags open HTTP APIs and dangerous /tools/invoke allows", () => {
  const http = { endpoints: { chatCompletions: { enabled: true } } };
  const f = audit({ gateway: { auth: { mode: "none" }, http } });
  assert.deepEqual(ids(f), ["gateway.loopback_no_auth", "gateway.http.no_auth"]);
  assert.match(f[1].detail, /POST \/v1\/chat\/completions/);
  assert.deepEqual(audit({ gateway: { auth: { token: TOKEN }, http } }), []);
  const tools = audit({ gateway: { auth: { token: TOKEN }, tools: { allow: ["exec", "read"] } } });
  assert.deepEqual(ids(tools), ["gateway.tools_invoke_http.dangerous_allow"]);
  assert.match(tools[0].detail, /"exec"/);
  assert.doesNotMatch(tools[0].detail, /"read"/);
});

Deno.test("collectGatewayFindings() tells a plaintext password from ${VAR} and SecretRefs", () => {
  const plain = { gateway: { auth: { mode: "password", password: "hunter2-hunter2" } } };
  assert.deepEqual(ids(audit(plain)), ["config.secrets.gateway_password_in_config"]);
  const ctx = auditCtx(
    { gateway: { auth: { mode: "password", password: "resolved-value" } } },
    { written: { gateway: { auth: { mode: "password", password: "${GW_PASSWORD}" } } } },
  );
  assert.deepEqual(collectGatewayFindings(ctx), []);
});

Deno.test("collectGatewayFindings() flags redaction off and full mDNS", () => {
  const config = {
    gateway: { auth: { token: TOKEN } },
    logging: { redactSensitive: "off" },
    discovery: { mdns: { mode: "full" } },
  };
  assert.deepEqual(ids(audit(config)), ["logging.redact_off", "discovery.mdns_full_mode"]);
});

Deno.test("authView() infers password mode from a password and reads env secrets", () => {
  assert.equal(authView(auditCtx({ gateway: { auth: { password: "pw" } } })).mode, "password");
  const view = authView(auditCtx({}, { env: { OPENCLAW_GATEWAY_TOKEN: "abc" } }));
  assert.deepEqual(view, { mode: "token", hasToken: true, token: "abc", hasPassword: false });
});
