import assert from "node:assert/strict";
import { parseLaunchUrl, resolveGatewayUrl } from "../../../ui/lib/launch.ts";

Deno.test("parseLaunchUrl() takes #token= out of the URL", () => {
  const r = parseLaunchUrl("http://127.0.0.1:18789/#token=s3cr%2Bt");
  assert.deepEqual(r.credentials, { token: "s3cr+t" });
  assert.equal(r.cleanUrl, "/#/");
  assert.equal(r.route, "/");
  assert.equal(r.stripped, true);
});

Deno.test("parseLaunchUrl() reads the bootstrap hand-off of openclaw dashboard", () => {
  const fragment = new URLSearchParams({
    bootstrapToken: "boot-1",
    bootstrapProfile: "owner",
    gatewayUrl: "ws://127.0.0.1:18789",
  });
  const r = parseLaunchUrl(`http://127.0.0.1:18789/openclaw/#${fragment}`);
  assert.deepEqual(r.credentials, {
    bootstrapToken: "boot-1",
    bootstrapProfile: "owner",
    gatewayUrl: "ws://127.0.0.1:18789",
  });
  assert.equal(r.cleanUrl, "/openclaw/#/");
});

Deno.test("parseLaunchUrl() accepts a legacy ?token= once and keeps other query parameters", () => {
  const r = parseLaunchUrl("http://h:1/?token=abc&lang=en#/logs");
  assert.deepEqual(r.credentials, { token: "abc" });
  assert.equal(r.route, "/logs");
  assert.equal(r.cleanUrl, "/?lang=en#/logs");
  assert.equal(r.stripped, true);
});

Deno.test("parseLaunchUrl() leaves a plain route alone", () => {
  const r = parseLaunchUrl("http://h:1/#/chat?session=agent%3Amain%3Amain");
  assert.deepEqual(r.credentials, {});
  assert.equal(r.route, "/chat?session=agent%3Amain%3Amain");
  assert.equal(r.stripped, false);
});

Deno.test("parseLaunchUrl() drops empty and oversized values but still strips them", () => {
  const r = parseLaunchUrl(`http://h:1/#token=&password=${"x".repeat(5000)}`);
  assert.deepEqual(r.credentials, {});
  assert.equal(r.stripped, true);
  assert.equal(r.cleanUrl, "/#/");
});

Deno.test("resolveGatewayUrl() uses the page's origin and ignores a gatewayUrl on another host", () => {
  assert.equal(resolveGatewayUrl("http://127.0.0.1:18789/x/"), "ws://127.0.0.1:18789/");
  assert.equal(resolveGatewayUrl("https://gw.example/"), "wss://gw.example/");
  assert.equal(
    resolveGatewayUrl("http://127.0.0.1:18789/", "ws://127.0.0.1:18789/"),
    "ws://127.0.0.1:18789/",
  );
  assert.equal(
    resolveGatewayUrl("http://127.0.0.1:18789/", "ws://evil.example:18789/"),
    "ws://127.0.0.1:18789/",
  );
  assert.equal(resolveGatewayUrl("http://127.0.0.1:1/", "not a url"), "ws://127.0.0.1:1/");
});
