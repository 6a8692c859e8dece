import assert from "node:assert/strict";
import { formatGateways, MAX_GATEWAYS, txtFromStrings } from "../../../lib/discovery/browse.ts";
import {
  browseDomain,
  browseWideArea,
  mergeDiscovered,
  parseNameServer,
  type SrvAnswer,
  type UnicastDns,
} from "../../../lib/discovery/wide_area_browse.ts";

const DOMAIN = "openclaw.internal";
const BROWSE = `_openclaw-gw._tcp.${DOMAIN}`;

/** A record table, as a zone would give it; `fail` names queries that error out. */
interface Zone {
  ptr?: Record<string, string[]>;
  srv?: Record<string, SrvAnswer[]>;
  txt?: Record<string, string[][]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  fail?: Set<string>;
  /** Queries that never answer (until the signal aborts). */
  hang?: Set<string>;
  /** Called when a hanging query has been asked. */
  onHang?: () => void;
}

/** A UnicastDns over `zone`, recording every query as `TYPE name`. */
function fakeDns(zone: Zone, asked: string[] = []): UnicastDns {
  const answer =
    <T>(type: string, table: Record<string, T[]> | undefined) =>
    (name: string, signal: AbortSignal): Promise<T[]> => {
      const key = `${type} ${name}`;
      asked.push(key);
      if (zone.fail?.has(key)) return Promise.reject(new Error(`SERVFAIL for ${key}`));
      if (zone.hang?.has(key)) {
        const hanging = new Promise<T[]>((_, reject) =>
          signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))
        );
        zone.onHang?.();
        return hanging;
      }
      const found = table && Object.hasOwn(table, name) ? table[name] : [];
      return Promise.resolve(found);
    };
  return {
    ptr: answer("PTR", zone.ptr),
    srv: answer("SRV", zone.srv),
    txt: answer("TXT", zone.txt),
    a: answer("A", zone.a),
    aaaa: answer("AAAA", zone.aaaa),
  };
}

/** The records of one gateway as its zone publishes them (Deno returns absolute names). */
function gatewayZone(label: string, host: string, port: number): Zone {
  const fqdn = `${label}.${BROWSE}.`;
  return {
    ptr: { [BROWSE]: [fqdn] },
    srv: { [fqdn]: [{ priority: 0, weight: 0, port, target: `${host}.${DOMAIN}.` }] },
    txt: {
      [fqdn]: [["displayName=studio", "role=gateway", "transport=gateway", `gatewayPort=${port}`]],
    },
    a: { [`${host}.${DOMAIN}`]: ["100.101.102.103"] },
    aaaa: { [`${host}.${DOMAIN}`]: ["fd7a:115c:a1e0::1"] },
  };
}

const never = new AbortController().signal;

Deno.test("browseDomain() prefers the config's domain, then OPENCLAW_WIDE_AREA_DOMAIN", () => {
  const env = { OPENCLAW_WIDE_AREA_DOMAIN: "Env.Example." };
  assert.deepEqual(browseDomain({ domain: "Tail.Internal." }, env), { domain: "tail.internal" });
  assert.deepEqual(browseDomain(undefined, env), { domain: "env.example" });
  assert.deepEqual(browseDomain({ enabled: true }, env), { domain: "env.example" });
});

Deno.test("browseDomain() uses openclaw.internal when wide-area is enabled without a domain", () => {
  assert.deepEqual(browseDomain({ enabled: true }, {}), { domain: "openclaw.internal" });
});

Deno.test("browseDomain() browses no domain when none is configured", () => {
  assert.deepEqual(browseDomain(undefined, {}), {});
  assert.deepEqual(browseDomain({ enabled: false }, { OPENCLAW_WIDE_AREA_DOMAIN: " " }), {});
});

Deno.test("browseDomain() names where an invalid domain came from", () => {
  assert.deepEqual(browseDomain({ domain: "bad_domain" }, {}), {
    invalid: { value: "bad_domain", from: "discovery.wideArea.domain" },
  });
  assert.deepEqual(browseDomain(undefined, { OPENCLAW_WIDE_AREA_DOMAIN: "a..b" }), {
    invalid: { value: "a..b", from: "OPENCLAW_WIDE_AREA_DOMAIN" },
  });
});

Deno.test("parseNameServer() reads ip, ip:port, [ipv6]:port and a bare ipv6", () => {
  assert.deepEqual(parseNameServer("100.64.0.1"), { ipAddr: "100.64.0.1", port: 53 });
  assert.deepEqual(parseNameServer(" 127.0.0.1:5300 "), { ipAddr: "127.0.0.1", port: 5300 });
  assert.deepEqual(parseNameServer("[fd7a:115c:a1e0::1]:5353"), {
    ipAddr: "fd7a:115c:a1e0::1",
    port: 5353,
  });
  assert.deepEqual(parseNameServer("::1"), { ipAddr: "::1", port: 53 });
});

Deno.test("parseNameServer() refuses names, bad addresses and bad ports", () => {
  for (const bad of ["dns.example", "dns.example:53", "256.1.1.1", "1.2.3.4:0", "1.2.3.4:65536"]) {
    assert.equal(parseNameServer(bad), undefined, bad);
  }
  for (const bad of ["1.2.3.4:x", "", "[::1]:", "[zz::1]:53"]) {
    assert.equal(parseNameServer(bad), undefined, bad);
  }
});

Deno.test("browseWideArea() lists a gateway with its host, port, addresses and TXT", async () => {
  const asked: string[] = [];
  const found = await browseWideArea(
    DOMAIN,
    fakeDns(gatewayZone("studio-gateway", "studio", 18789), asked),
    never,
  );
  assert.deepEqual(found, {
    domain: DOMAIN,
    gateways: [{
      instanceName: "studio-gateway",
      host: `studio.${DOMAIN}`,
      port: 18789,
      addresses: ["100.101.102.103", "fd7a:115c:a1e0::1"],
      txt: {
        displayName: "studio",
        role: "gateway",
        transport: "gateway",
        gatewayPort: "18789",
      },
    }],
  });
  assert.equal(asked[0], `PTR ${BROWSE}`, "the browse starts with the PTR query");
});

Deno.test("browseWideArea() ignores PTR targets outside the browsed service", async () => {
  const zone = gatewayZone("studio-gateway", "studio", 18789);
  zone.ptr![BROWSE].push("x._http._tcp.openclaw.internal.", "y._openclaw-gw._tcp.elsewhere.");
  const asked: string[] = [];
  const found = await browseWideArea(DOMAIN, fakeDns(zone, asked), never);
  assert.deepEqual(found.gateways.map((g) => g.instanceName), ["studio-gateway"]);
  assert.ok(!asked.some((q) => q.includes("_http") || q.includes("elsewhere")), asked.join());
});

Deno.test("browseWideArea() leaves out an instance whose SRV is missing or fails", async () => {
  const a = gatewayZone("a-gateway", "a", 1001);
  const b = gatewayZone("b-gateway", "b", 1002);
  const c = gatewayZone("c-gateway", "c", 1003);
  const zone: Zone = {
    ptr: { [BROWSE]: [...a.ptr![BROWSE], ...b.ptr![BROWSE], ...c.ptr![BROWSE]] },
    srv: { ...a.srv, ...c.srv },
    txt: { ...a.txt, ...b.txt, ...c.txt },
    a: { ...a.a, ...c.a },
    fail: new Set([`SRV c-gateway.${BROWSE}.`]),
  };
  const found = await browseWideArea(DOMAIN, fakeDns(zone), never);
  assert.deepEqual(found.gateways.map((g) => [g.instanceName, g.port]), [["a-gateway", 1001]]);
  assert.equal(found.error, undefined);
});

Deno.test("browseWideArea() returns a failed PTR query as its error", async () => {
  const found = await browseWideArea(
    DOMAIN,
    fakeDns({ fail: new Set([`PTR ${BROWSE}`]) }),
    never,
  );
  assert.deepEqual(found.gateways, []);
  assert.match(String(found.error), /SERVFAIL/);
});

Deno.test("browseWideArea() keeps what resolved when the signal cuts the address lookups", async () => {
  const zone = gatewayZone("studio-gateway", "studio", 18789);
  const stop = new AbortController();
  zone.hang = new Set([`A studio.${DOMAIN}`]);
  // Everything but the A query answers at once; the timeout (here: at once) ends that one.
  zone.onHang = () => stop.abort();
  const found = await browseWideArea(DOMAIN, fakeDns(zone), stop.signal);
  assert.equal(found.gateways.length, 1);
  assert.equal(found.gateways[0].port, 18789);
  assert.deepEqual(found.gateways[0].addresses, ["fd7a:115c:a1e0::1"]);
});

Deno.test("browseWideArea() resolves at most MAX_GATEWAYS instances", async () => {
  const zone: Zone = { ptr: { [BROWSE]: [] }, srv: {} };
  for (let i = 0; i < MAX_GATEWAYS + 20; i++) {
    const fqdn = `gw-${i}.${BROWSE}.`;
    zone.ptr![BROWSE].push(fqdn);
    zone.srv![fqdn] = [{ priority: 0, weight: 0, port: 2000 + i, target: "h.openclaw.internal." }];
  }
  const asked: string[] = [];
  const found = await browseWideArea(DOMAIN, fakeDns(zone, asked), never);
  assert.equal(found.gateways.length, MAX_GATEWAYS);
  assert.equal(asked.filter((q) => q.startsWith("SRV ")).length, MAX_GATEWAYS);
});

Deno.test("browseWideArea() takes the SRV with the lowest priority, then the highest weight", async () => {
  const zone = gatewayZone("studio-gateway", "studio", 18789);
  zone.srv![`studio-gateway.${BROWSE}.`] = [
    { priority: 10, weight: 100, port: 1, target: "x." },
    { priority: 0, weight: 1, port: 2, target: "y." },
    { priority: 0, weight: 5, port: 3, target: "z." },
  ];
  const found = await browseWideArea(DOMAIN, fakeDns(zone), never);
  assert.deepEqual([found.gateways[0].port, found.gateways[0].host], [3, "z"]);
});

Deno.test("mergeDiscovered() marks each find's source and domain, LAN finds first", () => {
  const lan = { instanceName: "studio (OpenClaw)", host: "studio.local", port: 18789 };
  const wide = { instanceName: "studio-gateway", host: "studio.openclaw.internal", port: 18789 };
  const merged = mergeDiscovered(
    [{ ...lan, addresses: [], txt: {} }],
    { domain: DOMAIN, gateways: [{ ...wide, addresses: [], txt: {} }] },
  );
  assert.deepEqual(merged.map((g) => [g.instanceName, g.source, g.domain]), [
    ["studio (OpenClaw)", "mdns", "local"],
    ["studio-gateway", "wide-area", DOMAIN],
  ]);
});

Deno.test("mergeDiscovered() keeps one entry per instance and domain", () => {
  const gw = { instanceName: "Box", host: "box.local", port: 1, addresses: [], txt: {} };
  const merged = mergeDiscovered([gw, { ...gw, instanceName: "box" }], {
    domain: DOMAIN,
    gateways: [gw, gw],
  });
  assert.deepEqual(merged.map((g) => [g.instanceName, g.source]), [
    ["Box", "mdns"],
    ["Box", "wide-area"],
  ]);
  assert.deepEqual(mergeDiscovered([gw], undefined).map((g) => g.source), ["mdns"]);
});

Deno.test("formatGateways() names the domain of a wide-area find", () => {
  const [gw] = mergeDiscovered([], {
    domain: DOMAIN,
    gateways: [{
      instanceName: "studio-gateway",
      host: "studio.openclaw.internal",
      port: 18789,
      addresses: ["100.101.102.103"],
      txt: { role: "gateway" },
    }],
  });
  assert.deepEqual(formatGateways([gw]), [
    "studio-gateway",
    "  host: studio.openclaw.internal:18789",
    "  addresses: 100.101.102.103",
    "  wide-area: openclaw.internal",
    "  role: gateway",
  ]);
});

Deno.test("txtFromStrings() keeps the first of duplicate keys and a __proto__ key as data", () => {
  const txt = txtFromStrings(["__proto__=x", "role=gateway", "role=other", "flag", "=v"]);
  assert.equal(Object.getPrototypeOf(txt), Object.prototype);
  assert.deepEqual(Object.entries(txt), [["__proto__", "x"], ["role", "gateway"], ["flag", ""]]);
});
