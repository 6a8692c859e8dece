import assert from "node:assert/strict";
import {
  cdpPortRangeForGateway,
  deriveBrowserControlPort,
  deriveCdpPortRange,
  findCdpPortCollisions,
  gatewayPortBlocksOverlap,
} from "../../../lib/browser/ports.ts";

Deno.test("deriveBrowserControlPort() is the gateway port + 2 (18791 by default)", () => {
  assert.equal(deriveBrowserControlPort(18789), 18791);
  assert.equal(deriveBrowserControlPort(19001), 19003);
  assert.equal(deriveBrowserControlPort(65534), 18791);
});

Deno.test("deriveCdpPortRange() starts 9 above the control port and spans 100 ports", () => {
  assert.deepEqual(deriveCdpPortRange(18791), { start: 18800, end: 18899 });
  assert.deepEqual(cdpPortRangeForGateway(19001), { start: 19012, end: 19111 });
  assert.deepEqual(cdpPortRangeForGateway(28789), { start: 28800, end: 28899 });
});

Deno.test("deriveCdpPortRange() falls back to 18800-18899 when the range would pass 65535", () => {
  assert.deepEqual(cdpPortRangeForGateway(65450), { start: 18800, end: 18899 });
});

Deno.test("findCdpPortCollisions() names the profiles sharing a port", () => {
  const ports = new Map([["openclaw", 18800], ["work", 18801], ["play", 18800]]);
  assert.deepEqual(findCdpPortCollisions(ports), [{ port: 18800, profiles: ["openclaw", "play"] }]);
  assert.deepEqual(findCdpPortCollisions(new Map([["a", 1], ["b", 2]])), []);
});

Deno.test("gatewayPortBlocksOverlap() flags gateways closer than their derived port blocks", () => {
  // 20 ports apart: the second gateway's port falls in the first one's CDP range.
  assert.equal(gatewayPortBlocksOverlap(18789, 18809), true);
  assert.equal(gatewayPortBlocksOverlap(18789, 18909), false);
  assert.equal(gatewayPortBlocksOverlap(18789, 19001), false);
});

Deno.test("browserPortFindings() warns when two profiles share a CDP port or sit on the gateway's", async () => {
  const { browserPortFindings } = await import("../../../lib/browser/doctor_check.ts");
  const findings = browserPortFindings({
    profiles: { work: { cdpPort: 18800 }, home: { cdpPort: 18795 } },
  }, 18789);
  assert.deepEqual(findings.map((f) => f.message), [
    'Browser profiles "work" and "openclaw" use the same CDP port 18800',
    'Browser profile "home" uses CDP port 18795, inside the gateway\'s own ports (18789-18799)',
  ]);
  assert.deepEqual(browserPortFindings({}, 18789), []);
});
