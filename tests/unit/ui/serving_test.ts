/** The pure parts of gateway/http/ui.ts (the HTTP behaviour is in ui_serving_test.ts). */
import assert from "node:assert/strict";
import { acceptsGzip, controlUiCsp, normalizeBasePath } from "../../../gateway/http/ui.ts";

Deno.test("normalizeBasePath() gives '' for the root and /segments without a trailing slash", () => {
  assert.equal(normalizeBasePath(undefined), "");
  assert.equal(normalizeBasePath("/"), "");
  assert.equal(normalizeBasePath("openclaw"), "/openclaw");
  assert.equal(normalizeBasePath(" /ops/openclaw/ "), "/ops/openclaw");
});

Deno.test("acceptsGzip() honours q=0 and the wildcard", () => {
  assert.equal(acceptsGzip("gzip, deflate, br"), true);
  assert.equal(acceptsGzip("br;q=1, gzip;q=0.5"), true);
  assert.equal(acceptsGzip("gzip;q=0"), false);
  assert.equal(acceptsGzip("*"), true);
  assert.equal(acceptsGzip("identity"), false);
  assert.equal(acceptsGzip(undefined), false);
});

Deno.test("controlUiCsp() names the gateway's WebSocket only for a well-formed Host", () => {
  assert.match(
    controlUiCsp("127.0.0.1:18789"),
    /connect-src 'self' ws:\/\/127\.0\.0\.1:18789 wss:\/\/127\.0\.0\.1:18789;/,
  );
  assert.match(controlUiCsp("[::1]:18789"), /ws:\/\/\[::1\]:18789/);
  assert.match(controlUiCsp("evil; script-src *"), /connect-src 'self';/);
  assert.match(controlUiCsp(undefined), /connect-src 'self';/);
});
