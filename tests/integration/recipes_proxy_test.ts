/**
 * The chapter's "Reverse Proxy Authentication (Trusted Proxy)" recipe, run as written: the proxy
 * is the only way in for remote users, and local clients that do not travel through it (the CLI
 * on the gateway's host) authenticate with `gateway.auth.password` / OPENCLAW_GATEWAY_PASSWORD.
 */
import assert from "node:assert/strict";
import { makeSandbox, runCli, type Sandbox, startGateway } from "../helpers.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";

const PASSWORD = "local-pass-0123456789";

/** The chapter's config, plus what a test adds under `gateway.auth`. */
function chapterConfig(
  opts: { password?: string; trustedProxies?: string[]; allowLoopback?: boolean } = {},
): string {
  const trustedProxy: Record<string, unknown> = {
    userHeader: "x-forwarded-user",
    allowUsers: ["nick@example.com"],
    ...(opts.allowLoopback ? { allowLoopback: true } : {}),
  };
  return JSON.stringify({
    gateway: {
      mode: "local",
      bind: "loopback",
      trustedProxies: opts.trustedProxies ?? ["10.0.0.1"],
      auth: {
        mode: "trusted-proxy",
        ...(opts.password ? { password: opts.password } : {}),
        trustedProxy,
      },
    },
  });
}

/** Sends `connect` with `auth` and extra request headers; returns the response. */
async function connectWith(
  url: string,
  auth: Record<string, string> | undefined,
  headers: Record<string, string> = {},
) {
  const c = await RawClient.open(url, headers);
  await c.challenge();
  const res = await c.request("connect", { ...cliConnectParams(), ...(auth ? { auth } : {}) });
  if (res.ok) c.close();
  else await c.closed;
  return res;
}

async function cliHealthJson(sb: Sandbox, env: Record<string, string> = {}) {
  const r = await runCli(sb, ["health", "--json"], { env });
  return { ...r, json: r.stdout ? JSON.parse(r.stdout) : undefined };
}

Deno.test("trusted proxy as the chapter configures it: the local CLI connects with gateway.auth.password", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, chapterConfig({ password: PASSWORD }));
  const health = await cliHealthJson(sb);
  assert.equal(health.code, 0, health.stderr);
  assert.equal(health.json.ok, true);

  const status = await runCli(sb, ["gateway", "status"]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /RPC probe: ok/);

  const call = await runCli(sb, ["gateway", "call", "health", "--json"]);
  assert.equal(call.code, 0, call.stderr);
  assert.equal(JSON.parse(call.stdout).ok, true);
});

Deno.test("trusted proxy: the local password can come from OPENCLAW_GATEWAY_PASSWORD", async () => {
  await using sb = await makeSandbox({ env: { OPENCLAW_GATEWAY_PASSWORD: PASSWORD } });
  await using gw = await startGateway(sb, chapterConfig());
  const health = await cliHealthJson(sb);
  assert.equal(health.code, 0, health.stderr);
  const res = await connectWith(gw.url, { password: PASSWORD });
  assert.equal(res.ok, true);
  assert.equal(res.payload.auth.method, "password");
});

Deno.test("trusted proxy without a password: the CLI's refusal names gateway.auth.password", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, chapterConfig());
  const human = await runCli(sb, ["health"]);
  assert.equal(human.code, 1);
  assert.match(human.stderr, /unauthorized: trusted proxy untrusted source/);
  assert.match(human.stderr, /the peer 127\.0\.0\.1 is not in gateway\.trustedProxies/);
  assert.match(human.stderr, /gateway\.auth\.password \(or OPENCLAW_GATEWAY_PASSWORD\)/);
  // The hint asks for the credential this gateway wants, not a token.
  assert.match(human.stderr, /Hint: Check the password/);
  assert.doesNotMatch(human.stderr, /Check the token/);

  const json = await cliHealthJson(sb);
  assert.equal(json.code, 1);
  assert.equal(json.json.error.type, "GATEWAY_AUTH_FAILED");
  assert.equal(json.json.error.details.authReason, "trusted_proxy_untrusted_source");
  assert.equal(json.json.error.details.code, "AUTH_UNAUTHORIZED");

  const status = await runCli(sb, ["gateway", "status"]);
  assert.match(status.stdout, /RPC probe: failed/);
  assert.match(status.stdout, /gateway\.auth\.password/);
});

Deno.test("trusted proxy: the right password with forwarded headers never qualifies as a local client", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, chapterConfig({ password: PASSWORD }));
  const direct = await connectWith(gw.url, { password: PASSWORD });
  assert.equal(direct.ok, true);
  assert.equal(direct.payload.auth.method, "password");

  for (const header of ["x-forwarded-for", "x-real-ip", "forwarded"]) {
    const value = header === "forwarded" ? "for=203.0.113.9" : "203.0.113.9";
    const res = await connectWith(gw.url, { password: PASSWORD }, { [header]: value });
    assert.equal(res.ok, false, header);
    assert.equal(res.error.details.authReason, "trusted_proxy_untrusted_source", header);
  }
  const wrong = await connectWith(gw.url, { password: "not-it" });
  assert.equal(wrong.error.details.code, "AUTH_PASSWORD_MISMATCH");

  const url = `http://127.0.0.1:${gw.port}/v1/models`;
  const bearer = { Authorization: `Bearer ${PASSWORD}` };
  const ok = await fetch(url, { headers: bearer });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const forwarded = await fetch(url, { headers: { ...bearer, "x-forwarded-for": "203.0.113.9" } });
  assert.equal(forwarded.status, 401);
  await forwarded.body?.cancel();
});

Deno.test("trustedProxies [127.0.0.1] without allowLoopback: the refusal names allowLoopback", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, chapterConfig({ trustedProxies: ["127.0.0.1"] }));
  const r = await runCli(sb, ["health"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unauthorized: trusted proxy loopback source/);
  assert.match(r.stderr, /gateway\.auth\.trustedProxy\.allowLoopback: true/);
  assert.match(r.stderr, /gateway\.auth\.password/);
  const proxied = await connectWith(gw.url, undefined, { "x-forwarded-user": "nick@example.com" });
  assert.equal(proxied.error.details.authReason, "trusted_proxy_loopback_source");
  assert.match(proxied.error.message, /allowLoopback/);
});

Deno.test("allowLoopback: a proxy on this host asserts the user, the local CLI uses the password", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    chapterConfig({ trustedProxies: ["127.0.0.1"], allowLoopback: true, password: PASSWORD }),
  );
  const proxied = await connectWith(gw.url, undefined, { "x-forwarded-user": "nick@example.com" });
  assert.equal(proxied.ok, true);
  assert.equal(proxied.payload.auth.method, "trusted-proxy");
  const stranger = await connectWith(gw.url, undefined, { "x-forwarded-user": "eve@example.com" });
  assert.equal(stranger.ok, false);
  assert.equal(stranger.error.details.authReason, "trusted_proxy_user_not_allowed");

  const health = await cliHealthJson(sb);
  assert.equal(health.code, 0, health.stderr);
});

Deno.test("config schema documents gateway.auth.trustedProxy.allowLoopback", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["config", "schema"]);
  assert.equal(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout);
  const auth = schema.properties.gateway.properties.auth.properties;
  const allowLoopback = auth.trustedProxy.properties.allowLoopback;
  assert.equal(allowLoopback.type, "boolean");
  assert.match(allowLoopback.description, /loopback/i);
  assert.match(allowLoopback.description, /same host/);
  assert.match(auth.password.description, /trusted-proxy/);
});
