import assert from "node:assert/strict";
import {
  TAILSCALE_BIND_MESSAGE,
  TAILSCALE_FUNNEL_AUTH_MESSAGE,
  tailscaleExposureProblems,
} from "../../../lib/config/schema/tailscale.ts";
import { validateConfigObject } from "../../../lib/config/load.ts";
import {
  isTailnetIPv4,
  isTailnetIPv6,
  parseTailscaleStatus,
  pickTailnetAddresses,
} from "../../../lib/discovery/tailnet.ts";
import { loopbackTargetPort, parseServeStatus } from "../../../gateway/tailscale/serve_status.ts";
import { claimArgs } from "../../../gateway/tailscale/claim.ts";
import { retryDelayMs } from "../../../gateway/tailscale/subsystem.ts";

Deno.test("stock's messages: funnel needs password auth, serve/funnel need a reachable bind", () => {
  assert.equal(
    TAILSCALE_FUNNEL_AUTH_MESSAGE,
    "tailscale funnel requires gateway auth mode=password " +
      "(set gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD)",
  );
  assert.equal(
    TAILSCALE_BIND_MESSAGE,
    "tailscale serve/funnel requires gateway bind=loopback (127.0.0.1)",
  );
  const facts = { bind: undefined, authMode: undefined, passwordConfigured: false };
  assert.deepEqual(tailscaleExposureProblems({ ...facts, mode: "off" }), []);
  assert.deepEqual(tailscaleExposureProblems({ ...facts, mode: "serve" }), []);
  assert.deepEqual(tailscaleExposureProblems({ ...facts, mode: "funnel" }), [
    TAILSCALE_FUNNEL_AUTH_MESSAGE,
  ]);
  assert.deepEqual(
    tailscaleExposureProblems({ ...facts, mode: "funnel", passwordConfigured: true }),
    [],
    "an unset auth mode with a password resolves to password",
  );
  assert.deepEqual(tailscaleExposureProblems({ ...facts, mode: "serve", bind: "lan" }), [
    TAILSCALE_BIND_MESSAGE,
  ]);
  assert.deepEqual(
    tailscaleExposureProblems({ ...facts, mode: "serve", bind: "tailnet" }),
    [],
    "the chapter's own example: bind tailnet + serve",
  );
});

Deno.test("the config schema refuses Funnel without password auth at gateway.tailscale.mode", () => {
  const bad = validateConfigObject({
    gateway: { auth: { mode: "token", token: "t" }, tailscale: { mode: "funnel" } },
  });
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.issues, [
    { path: "gateway.tailscale.mode", message: TAILSCALE_FUNNEL_AUTH_MESSAGE },
  ]);
  const lan = validateConfigObject({
    gateway: {
      bind: "lan",
      auth: { mode: "password", password: "p" },
      tailscale: { mode: "serve" },
    },
  });
  assert.deepEqual(!lan.ok && lan.issues, [
    { path: "gateway.tailscale.mode", message: TAILSCALE_BIND_MESSAGE },
  ]);
  assert.ok(
    validateConfigObject({
      gateway: { auth: { mode: "password", password: "p" }, tailscale: { mode: "funnel" } },
    }).ok,
  );
  const domain = validateConfigObject({ discovery: { wideArea: { domain: "bad_domain" } } });
  assert.equal(!domain.ok && domain.issues[0].path, "discovery.wideArea.domain");
});

Deno.test("tailnet addresses are Tailscale's CGNAT and ULA ranges", () => {
  assert.ok(isTailnetIPv4("100.64.0.1") && isTailnetIPv4("100.127.255.254"));
  assert.ok(!isTailnetIPv4("100.128.0.1") && !isTailnetIPv4("10.0.0.1"));
  assert.ok(isTailnetIPv6("fd7a:115c:a1e0::53") && !isTailnetIPv6("fd00::1"));
  assert.deepEqual(pickTailnetAddresses(["127.0.0.1", "100.101.102.103", "FD7A:115C:A1E0::1"]), {
    ipv4: "100.101.102.103",
    ipv6: "fd7a:115c:a1e0::1",
  });
});

Deno.test("parseTailscaleStatus() reads BackendState, the MagicDNS name and the addresses", () => {
  const s = parseTailscaleStatus(JSON.stringify({
    BackendState: "Running",
    Self: { DNSName: "studio.tail1234.ts.net.", TailscaleIPs: ["100.101.102.103"] },
    Peer: {},
  }));
  assert.deepEqual(s, {
    installed: true,
    backendState: "Running",
    running: true,
    dnsName: "studio.tail1234.ts.net",
    addresses: { ipv4: "100.101.102.103" },
  });
  assert.equal(parseTailscaleStatus('{"BackendState":"Starting"}').running, false);
  assert.equal(parseTailscaleStatus("not json").error, "unreadable status output");
});

Deno.test("parseServeStatus() lists background and foreground routes", () => {
  const routes = parseServeStatus(JSON.stringify({
    TCP: { "443": { HTTPS: true } },
    Web: { "studio.ts.net:443": { Handlers: { "/": { Proxy: "http://127.0.0.1:18789" } } } },
    Foreground: {
      "abc": { Web: { "studio.ts.net:8443": { Handlers: { "/": { Proxy: "127.0.0.1:40001" } } } } },
    },
  }));
  assert.deepEqual(routes, [
    {
      hostPort: "studio.ts.net:443",
      httpsPort: 443,
      path: "/",
      proxy: "http://127.0.0.1:18789",
      foreground: false,
    },
    {
      hostPort: "studio.ts.net:8443",
      httpsPort: 8443,
      path: "/",
      proxy: "127.0.0.1:40001",
      foreground: true,
    },
  ]);
  assert.deepEqual(parseServeStatus("{}"), []);
  assert.deepEqual(parseServeStatus("garbage"), []);
});

Deno.test("loopbackTargetPort() recognises the ways a route names this machine's port", () => {
  assert.equal(loopbackTargetPort("http://127.0.0.1:18789"), 18789);
  assert.equal(loopbackTargetPort("http://localhost:18789/"), 18789);
  assert.equal(loopbackTargetPort("18789"), 18789);
  assert.equal(loopbackTargetPort("https+insecure://localhost:8443"), 8443);
  assert.equal(loopbackTargetPort("http://192.168.1.5:18789"), undefined);
  assert.equal(loopbackTargetPort("http://127.0.0.1"), undefined);
});

Deno.test("the claim runs `tailscale serve|funnel --yes --bg=false <port>` (sudo -n on retry)", () => {
  assert.deepEqual(claimArgs({ mode: "serve", targetPort: 18789 }), [
    "serve",
    "--yes",
    "--bg=false",
    "18789",
  ]);
  assert.deepEqual(claimArgs({ mode: "funnel", targetPort: 1, sudo: true }), [
    "-n",
    "tailscale",
    "funnel",
    "--yes",
    "--bg=false",
    "1",
  ]);
});

Deno.test("retries back off from 2 s, doubling, to at most 5 minutes", () => {
  assert.deepEqual([1, 2, 3, 4].map(retryDelayMs), [2_000, 4_000, 8_000, 16_000]);
  assert.equal(retryDelayMs(20), 300_000);
});
