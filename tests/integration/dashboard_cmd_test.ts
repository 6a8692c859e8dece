/**
 * `openclaw dashboard` (dashboard.md §3): the URL for the configured port and base path, a
 * one-time bootstrap token in the URL fragment that pairs exactly one new browser device, the
 * clean URL without any credential, and no failure where no browser can be opened.
 */
import assert from "node:assert/strict";
import {
  type DeviceConnectOptions,
  deviceConnectParams,
  makeDevice,
  nonLoopbackIPv4,
  type TestDevice,
} from "../fixtures/device.ts";
import { type AnyFrame, RawClient } from "../fixtures/ws_client.ts";
import { freePort, makeSandbox, runCli, startGateway } from "../helpers.ts";

const TOKEN = "dashboard-test-token-0123456789abcdef";
const CONFIG = `{
  gateway: {
    mode: "local",
    bind: "lan",
    controlUi: { basePath: "/openclaw/" },
    auth: { mode: "token", token: "${TOKEN}" },
  },
}`;
const LAN_IP = nonLoopbackIPv4();
/** What the dashboard's browser asks for (within the owner profile). */
const UI_SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.pairing"];

async function connectAs(url: string, dev: TestDevice, options: DeviceConnectOptions) {
  const ws = await RawClient.open(url);
  const ch = await ws.challenge();
  const res = await ws.request("connect", deviceConnectParams(dev, ch.payload.nonce, options));
  return { ws, res };
}

function fragmentOf(url: string): URLSearchParams {
  return new URLSearchParams(new URL(url).hash.slice(1));
}

Deno.test("dashboard --json --no-open: a bootstrap token that one fresh device can use once", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const before = Date.now();
  const r = await runCli(sb, ["dashboard", "--json", "--no-open"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.equal(out.httpUrl, `http://127.0.0.1:${gw.port}/openclaw/`);
  assert.equal(out.wsUrl, `ws://127.0.0.1:${gw.port}`);
  assert.equal(out.port, gw.port);
  // The clean URL carries no credential; the plaintext config token goes only in `url`.
  assert.equal(new URL(out.httpUrl).hash, "");
  assert.equal(out.tokenIncluded, true);
  assert.equal(out.url, `${out.httpUrl}#token=${TOKEN}`);
  assert.ok(out.browserUrl.startsWith(`${out.httpUrl}#`), out.browserUrl);
  const fragment = fragmentOf(out.browserUrl);
  const bootstrapToken = fragment.get("bootstrapToken")!;
  assert.match(bootstrapToken, /^[A-Za-z0-9_-]{40,}$/);
  assert.equal(fragment.get("bootstrapProfile"), "owner");
  assert.equal(fragment.get("gatewayUrl"), out.wsUrl);
  const ttl = out.browserBootstrapExpiresAtMs - before;
  assert.ok(ttl > 9 * 60_000 && ttl <= 10 * 60_000 + 5_000, String(ttl));
  // Only a hash of it is kept on disk.
  const stored = await Deno.readTextFile(`${sb.stateDir}/devices/bootstrap.json`);
  assert.ok(!stored.includes(bootstrapToken));

  // A new browser identity, from another address when this machine has one, with only the token.
  const url = LAN_IP ? `ws://${LAN_IP}:${gw.port}` : gw.url;
  const browser = makeDevice();
  const ask = {
    clientId: "openclaw-control-ui",
    clientMode: "webchat",
    scopes: UI_SCOPES,
    auth: { bootstrapToken },
  };
  const first = await connectAs(url, browser, ask);
  assert.equal(first.res.ok, true, JSON.stringify(first.res));
  assert.equal(first.res.payload.auth.method, "bootstrap-token");
  assert.deepEqual(first.res.payload.auth.scopes, UI_SCOPES);
  const deviceToken = first.res.payload.auth.deviceToken;
  assert.equal(typeof deviceToken, "string");
  assert.equal((await first.ws.request("config.get", {})).ok, true, "an owner session");
  first.ws.close();

  // Used up: another device, or the same one again, is refused.
  for (const dev of [makeDevice(), browser]) {
    const again = await connectAs(url, dev, ask);
    assert.equal(again.res.ok, false, JSON.stringify(again.res));
    assert.equal(again.res.error.details.code, "AUTH_BOOTSTRAP_TOKEN_INVALID");
    assert.equal((await again.ws.closed).code, 1008);
  }
  // The paired browser goes on with its own device token.
  const later = await connectAs(url, browser, { ...ask, auth: { deviceToken } });
  assert.equal(later.res.ok, true, JSON.stringify(later.res));
  later.ws.close();
  const list = JSON.parse((await runCli(sb, ["devices", "list", "--json"])).stdout);
  const paired = list.paired.find((d: AnyFrame) => d.deviceId === browser.id);
  assert.equal(paired.approvedVia, "bootstrap");
  assert.equal(paired.clientId, "openclaw-control-ui");
});

Deno.test("dashboard prints the clean URL and the one-time link when no browser can be opened", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  // The sandbox has no DISPLAY: nothing to open, and that is not a failure.
  const r = await runCli(sb, ["dashboard"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], `Dashboard URL: http://127.0.0.1:${gw.port}/openclaw/`);
  assert.match(lines[1], /One-time sign-in link \(valid 10 minutes, works once\):$/);
  assert.match(
    lines[2],
    new RegExp(`^  http://127\\.0\\.0\\.1:${gw.port}/openclaw/#bootstrapToken=`),
  );
  assert.match(r.stdout, new RegExp(`ssh -N -L ${gw.port}:127\\.0\\.0\\.1:${gw.port} \\S+@\\S+`));
  assert.ok(!lines[0].includes("#"), "the clean URL has no fragment");
});

Deno.test("dashboard --json fails with ok:false and exit 1 when the gateway is not running", async () => {
  await using sb = await makeSandbox({
    config: `{ gateway: { mode: "local", port: ${freePort()}, auth: { token: "${TOKEN}" } } }`,
  });
  const r = await runCli(sb, ["dashboard", "--json", "--no-open"]);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, false);
  assert.match(out.reason, /^Cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/);
  assert.equal(out.error.type, "GATEWAY_UNREACHABLE");
  assert.match(out.error.hint, /openclaw gateway/);
});
