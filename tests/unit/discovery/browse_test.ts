import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import dnsPacket from "dns-packet";
import {
  browseTimeoutMs,
  encodeBrowseQuery,
  formatGateways,
  GatewayCollector,
  MAX_GATEWAYS,
  MAX_PACKET_BYTES,
} from "../../../lib/discovery/browse.ts";

const SERVICE = "_openclaw-gw._tcp.local";

/** A responder's answer for one gateway, as ciao sends it. */
function response(instance: string, opts: {
  port?: number;
  host?: string;
  txt?: string[];
  address?: string;
  split?: boolean;
} = {}): Uint8Array[] {
  const fqdn = `${instance}.${SERVICE}`;
  const host = opts.host ?? "studio.local";
  const answers = [
    { type: "PTR", name: SERVICE, ttl: 4500, data: fqdn },
    { type: "SRV", name: fqdn, ttl: 120, data: { port: opts.port ?? 18789, target: host } },
    { type: "TXT", name: fqdn, ttl: 4500, data: opts.txt ?? ["role=gateway", "gatewayPort=18789"] },
  ];
  const additionals = [{ type: "A", name: host, ttl: 120, data: opts.address ?? "192.168.1.20" }];
  const enc = (a: unknown[], b: unknown[] = []) =>
    new Uint8Array(dnsPacket.encode({ type: "response", answers: a, additionals: b } as never));
  return opts.split
    ? answers.map((a) => enc([a])).concat(enc(additionals))
    : [enc(answers, additionals)];
}

function collect(...packets: Uint8Array[][]) {
  const c = new GatewayCollector();
  for (const p of packets.flat()) c.add(p);
  return c.gateways();
}

// dns-packet has no types; this is the part of a decoded question read here.
type Question = { type: string; name: string };
const questionsOf = (bytes: Uint8Array): Question[] =>
  dnsPacket.decode(Buffer.from(bytes)).questions ?? [];
/** The question's class field (the last two bytes of a one-question query). */
const classOf = (bytes: Uint8Array) => (bytes[bytes.length - 2] << 8) | bytes[bytes.length - 1];

Deno.test("encodeBrowseQuery() asks for the gateway PTR, with the QU bit when asked", () => {
  const multicast = encodeBrowseQuery(false);
  assert.deepEqual(questionsOf(multicast).map((x) => [x.type, x.name]), [["PTR", SERVICE]]);
  assert.equal(classOf(multicast), 1, "IN, answers multicast");
  const unicast = encodeBrowseQuery(true);
  assert.deepEqual(questionsOf(unicast).map((x) => [x.type, x.name]), [["PTR", SERVICE]]);
  assert.equal(classOf(unicast), 0x8001, "IN with the QU bit");
});

Deno.test("GatewayCollector lists a gateway with its host, port, addresses and TXT keys", () => {
  const found = collect(response("studio (OpenClaw)", {
    port: 19001,
    txt: ["role=gateway", "gatewayPort=19001", "lanHost=studio.local", "displayName=studio"],
  }));
  assert.deepEqual(found, [{
    instanceName: "studio (OpenClaw)",
    host: "studio.local",
    port: 19001,
    addresses: ["192.168.1.20"],
    txt: {
      role: "gateway",
      gatewayPort: "19001",
      lanHost: "studio.local",
      displayName: "studio",
    },
  }]);
});

Deno.test("GatewayCollector joins records that arrive in separate packets", () => {
  const found = collect(response("box", { split: true }));
  assert.equal(found.length, 1);
  assert.equal(found[0].port, 18789);
  assert.deepEqual(found[0].addresses, ["192.168.1.20"]);
});

Deno.test("GatewayCollector keeps one entry per instance and sorts by name", () => {
  const found = collect(
    response("zeta", { host: "zeta.local", address: "10.0.0.2" }),
    response("alpha", { host: "alpha.local", address: "10.0.0.1" }),
    response("zeta", { host: "zeta.local", address: "10.0.0.2" }),
  );
  assert.deepEqual(found.map((g) => [g.instanceName, g.addresses]), [
    ["alpha", ["10.0.0.1"]],
    ["zeta", ["10.0.0.2"]],
  ]);
});

Deno.test("GatewayCollector ignores other services, queries, junk and oversized packets", () => {
  const other = new Uint8Array(dnsPacket.encode({
    type: "response",
    answers: [{ type: "SRV", name: "x._http._tcp.local", data: { port: 80, target: "x.local" } }],
  } as never));
  const c = new GatewayCollector();
  assert.equal(c.add(encodeBrowseQuery(false)), false, "a query is not an answer");
  assert.equal(c.add(new Uint8Array([1, 2, 3])), false);
  assert.equal(c.add(new Uint8Array(MAX_PACKET_BYTES + 1)), false);
  c.add(other);
  assert.deepEqual(c.gateways(), []);
});

Deno.test("GatewayCollector keeps a __proto__ TXT key as data and the first of duplicate keys", () => {
  const [gw] = collect(response("box", { txt: ["__proto__=x", "role=gateway", "role=other"] }));
  assert.equal(Object.getPrototypeOf(gw.txt), Object.prototype);
  assert.equal(Object.hasOwn(gw.txt, "__proto__"), true);
  assert.equal(gw.txt.role, "gateway");
});

Deno.test("GatewayCollector lists at most MAX_GATEWAYS gateways", () => {
  const many = Array.from({ length: MAX_GATEWAYS + 10 }, (_, i) => response(`gw-${i}`));
  assert.equal(collect(...many).length, MAX_GATEWAYS);
});

Deno.test("formatGateways() prints one block per gateway", () => {
  assert.deepEqual(
    formatGateways(collect(response("studio (OpenClaw)", { txt: ["role=gateway"] }))),
    [
      "studio (OpenClaw)",
      "  host: studio.local:18789",
      "  addresses: 192.168.1.20",
      "  role: gateway",
    ],
  );
});

Deno.test("browseTimeoutMs() defaults to 2000 ms, caps at 30 s and refuses non-numbers", () => {
  assert.equal(browseTimeoutMs(undefined), 2000);
  assert.equal(browseTimeoutMs("500"), 500);
  assert.equal(browseTimeoutMs("600000"), 30_000);
  for (const bad of ["soon", "0", "-5", "1.5", ""]) assert.equal(browseTimeoutMs(bad), undefined);
});
