import assert from "node:assert/strict";
import { buildLanTxt, buildWideAreaTxt, type GatewayBeacon } from "../../../lib/discovery/txt.ts";

const beacon: GatewayBeacon = {
  port: 18789,
  instanceName: "studio (OpenClaw)",
  lanHost: "studio",
  directReachable: false,
  tailnetDns: "studio.tail1234.ts.net",
  cliPath: "/usr/local/bin/openclaw",
};

Deno.test("buildLanTxt() in minimal mode has exactly stock's always-present keys", () => {
  assert.deepEqual(buildLanTxt(beacon, "minimal"), {
    role: "gateway",
    gatewayPort: "18789",
    lanHost: "studio.local",
    displayName: "studio",
    transport: "gateway",
  });
});

Deno.test("buildLanTxt() in full mode adds tailnetDns, cliPath and sshPort (default 22)", () => {
  assert.deepEqual(buildLanTxt(beacon, "full"), {
    role: "gateway",
    gatewayPort: "18789",
    lanHost: "studio.local",
    displayName: "studio",
    transport: "gateway",
    tailnetDns: "studio.tail1234.ts.net",
    cliPath: "/usr/local/bin/openclaw",
    sshPort: "22",
  });
  assert.equal(buildLanTxt({ ...beacon, sshPort: 2222 }, "full").sshPort, "2222");
});

Deno.test("buildLanTxt() says TLS and direct reachability only when true", () => {
  const txt = buildLanTxt(
    { ...beacon, tls: { sha256: "AB:CD" }, directReachable: true },
    "minimal",
  );
  assert.equal(txt.gatewayTls, "1");
  assert.equal(txt.gatewayTlsSha256, "AB:CD");
  assert.equal(txt.gatewayDirectReachable, "1");
  assert.equal(buildLanTxt({ ...beacon, tls: {} }, "minimal").gatewayTlsSha256, undefined);
});

Deno.test("buildWideAreaTxt() has no lanHost, tailnetDns whenever known, cliPath only in full", () => {
  assert.deepEqual(buildWideAreaTxt(beacon, "minimal"), [
    ["displayName", "studio"],
    ["role", "gateway"],
    ["transport", "gateway"],
    ["gatewayPort", "18789"],
    ["tailnetDns", "studio.tail1234.ts.net"],
  ]);
  const full = buildWideAreaTxt({ ...beacon, sshPort: 2222 }, "full");
  assert.deepEqual(full.slice(-2), [["sshPort", "2222"], ["cliPath", "/usr/local/bin/openclaw"]]);
  assert.ok(!buildWideAreaTxt(beacon, "full").some(([k]) => k === "sshPort"), "only when set");
});
