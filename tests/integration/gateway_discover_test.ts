/**
 * `openclaw gateway discover` on a real multicast wire: in a private network namespace (only
 * `lo`, with a multicast route, so nothing leaves the test) a gateway advertises with
 * `discovery.mdns.mode: "full"` and `gateway discover`, run in the same namespace, lists it.
 * The namespace harness (and what it needs, else these tests are ignored) is in _netns.ts.
 *
 * The wide-area half (unicast DNS-SD) runs outside the namespace: a gateway with a faked
 * tailnet address writes its zone, a DNS server in this test serves that zone file on
 * 127.0.0.1, and `gateway discover` is pointed at it with `OPENCLAW_DNS_NAMESERVER`.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import {
  freePort,
  makeSandbox,
  runCli,
  type Sandbox,
  spawnGateway,
  writeFile,
} from "../helpers.ts";
import { zoneHostLabel, zoneInstanceLabel } from "../../lib/discovery/names.ts";
import { planZone } from "../../lib/discovery/zone.ts";
import { beaconConfig, cliIn, gatewayIn, needsNetns, netns, offlineSandbox } from "./_netns.ts";

/** A sandbox whose packages, `gateway discover`'s included, are cached for the namespace. */
function prepare(config: string): Promise<Sandbox> {
  return offlineSandbox(config, [
    new URL("../../cli/commands/gateway_discover.ts", import.meta.url).pathname,
  ]);
}

/** One gateway as `gateway discover --json` lists it. */
interface Listed {
  instanceName: string;
  host: string;
  port: number;
  addresses: string[];
  txt: Record<string, string>;
  source: string;
  domain: string;
}

const TOKEN = "discover-test-token-0123456789";

Deno.test(needsNetns(
  "gateway discover lists a gateway advertising in full mode, with its port and TXT",
  async () => {
    const port = freePort();
    await using sb = await prepare(beaconConfig(port, TOKEN, "full"));
    await using ns = await netns();
    await using gw = gatewayIn(ns, sb);
    await gw.waitFor(/bonjour: advertising "(.+)" \(/);
    const instance = /bonjour: advertising "(.+)" \(/.exec(gw.output())![1];

    const res = await cliIn(ns, sb, ["gateway", "discover", "--json", "--timeout", "3000"]);
    assert.equal(res.code, 0, res.stderr);
    const found = JSON.parse(res.stdout) as Listed[];
    const mine = found.find((g) => g.instanceName === instance);
    assert.ok(mine, `${instance} in ${res.stdout}`);
    assert.deepEqual([mine.source, mine.domain], ["mdns", "local"]);
    assert.equal(mine.port, port);
    assert.equal(mine.host, "studio-gw.local");
    assert.equal(mine.txt.role, "gateway");
    assert.equal(mine.txt.gatewayPort, String(port));
    assert.equal(mine.txt.lanHost, "studio-gw.local");
    assert.equal(mine.txt.displayName, instance.replace(/ \(OpenClaw\)$/, ""));
    assert.equal(mine.txt.transport, "gateway");
    assert.equal(mine.txt.sshPort, "22", "full mode adds sshPort");

    const text = await cliIn(ns, sb, ["gateway", "discover", "--timeout", "3000"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`host: studio-gw\\.local:${port}`));
  },
));

Deno.test(needsNetns(
  "gateway discover says so when no gateway answers, and prints [] with --json",
  async () => {
    await using sb = await prepare(`{ gateway: { mode: "local" } }`);
    await using ns = await netns();
    const res = await cliIn(ns, sb, ["gateway", "discover", "--timeout", "300"]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^No gateways found on this network \(/);
    const json = await cliIn(ns, sb, ["gateway", "discover", "--json", "--timeout", "300"]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), []);
  },
));

Deno.test(needsNetns(
  "without a wide-area domain, gateway discover browses the LAN only and asks no DNS server",
  async () => {
    await using sb = await prepare(`{ gateway: { mode: "local" } }`);
    await using ns = await netns();
    // Any DNS query would fail in the namespace (nothing listens there) and print a warning.
    const env = { OPENCLAW_DNS_NAMESERVER: `127.0.0.1:${freePort()}` };
    const res = await cliIn(ns, sb, ["gateway", "discover", "--timeout", "300"], env);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      res.stdout,
      "No gateways found on this network (browsed _openclaw-gw._tcp.local for 300 ms).\n",
    );
    assert.doesNotMatch(res.stderr, /warning|Cannot browse/);
  },
));

// ---- wide-area (unicast DNS-SD) ----

/** One record of a zone file: absolute lower-case owner without the trailing dot. */
interface ZoneRecord {
  name: string;
  type: string;
  data: unknown;
}

/** Reads the zone files the gateway writes (lib/discovery/zone.ts): enough of RFC 1035 §5. */
function parseZone(text: string): ZoneRecord[] {
  let origin = "";
  const abs = (n: string) =>
    (n === "@" ? origin : n.endsWith(".") ? n.slice(0, -1) : `${n}.${origin}`).toLowerCase();
  const records: ZoneRecord[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith(";")) continue;
    if (line.startsWith("$ORIGIN")) {
      origin = line.split(/\s+/)[1].replace(/\.$/, "");
      continue;
    }
    if (line.startsWith("$")) continue;
    const m = /^(\S+)\s+IN\s+(\S+)\s+(.*)$/.exec(line);
    assert.ok(m, `zone line: ${line}`);
    const [, owner, type, rdata] = m;
    const f = rdata.split(/\s+/);
    const data = type === "A" || type === "AAAA"
      ? f[0]
      : type === "PTR"
      ? abs(f[0])
      : type === "SRV"
      ? { priority: +f[0], weight: +f[1], port: +f[2], target: abs(f[3]) }
      : type === "TXT"
      ? [...rdata.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(([, q]) =>
        q.replace(/\\(\d{3}|.)/g, (_, e: string) =>
          e.length === 3 ? String.fromCharCode(Number(e)) : e)
      )
      : undefined;
    if (data !== undefined) records.push({ name: abs(owner), type, data });
  }
  return records;
}

/** A UDP DNS server on 127.0.0.1 answering from `records`; `asked` lists `TYPE name`. */
async function dnsServer(
  records: ZoneRecord[],
): Promise<{ port: number; asked: string[] } & AsyncDisposable> {
  const socket = dgram.createSocket("udp4");
  const asked: string[] = [];
  socket.on("message", (msg: Uint8Array, from: { port: number; address: string }) => {
    const query = dnsPacket.decode(Buffer.from(msg));
    const q = query.questions?.[0];
    if (!q) return;
    const name = q.name.toLowerCase().replace(/\.$/, "");
    asked.push(`${q.type} ${name}`);
    const known = records.some((r) => r.name === name);
    const answers = records.filter((r) => r.name === name && r.type === q.type)
      .map((r) => ({ ...r, name: q.name, ttl: 60 }));
    const reply = dnsPacket.encode({
      type: "response",
      id: query.id,
      // Authoritative; NXDOMAIN (rcode 3) for a name the zone does not have.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : 3),
      questions: query.questions,
      answers,
    } as never);
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return {
    port: socket.address().port,
    asked,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A `tailscale` stand-in on PATH whose `tailscale ip` prints a tailnet address. */
async function fakeTailscale(sb: Sandbox, ipv4: string): Promise<Record<string, string>> {
  const bin = `${sb.home}/bin`;
  await writeFile(
    `${bin}/tailscale`,
    `#!/bin/sh\n[ "$1" = ip ] && echo ${ipv4} && exit 0\necho "not faked: $*" >&2\nexit 1\n`,
  );
  await Deno.chmod(`${bin}/tailscale`, 0o755);
  return { PATH: `${bin}:${sb.env.PATH}` };
}

const WIDE_DOMAIN = "oc-test.internal";
const TAILNET_IP = "100.101.102.103";

Deno.test(
  "gateway discover lists a gateway from the wide-area zone it published (unicast DNS-SD)",
  async () => {
    const port = freePort();
    await using sb = await makeSandbox({
      config:
        `{ gateway: { mode: "local", port: ${port}, auth: { mode: "token", token: "${TOKEN}" } },
         discovery: { mdns: { mode: "off" }, wideArea: { domain: "${WIDE_DOMAIN}" } } }`,
    });
    const env = await fakeTailscale(sb, TAILNET_IP);
    await using gw = spawnGateway(sb, [], { env, port });
    await gw.waitFor(/wide-area: wrote (\S+) \(serial \d+\)/, 30_000);
    const zonePath = `${sb.stateDir}/dns/${WIDE_DOMAIN}.db`;
    const records = parseZone(await Deno.readTextFile(zonePath));
    await using dns = await dnsServer(records);
    // What the zone publishes as TXT is what discover shows.
    const published = Object.fromEntries(
      (records.find((r) => r.type === "TXT")!.data as string[]).map((s) => s.split(/=(.*)/s, 2)),
    );
    assert.deepEqual(
      [published.role, published.transport, published.gatewayPort],
      ["gateway", "gateway", String(port)],
    );

    const hostname = Deno.hostname();
    const host = `${zoneHostLabel(hostname)}.${WIDE_DOMAIN}`;
    const nameServer = { OPENCLAW_DNS_NAMESERVER: `127.0.0.1:${dns.port}` };
    const res = await runCli(sb, ["gateway", "discover", "--json", "--timeout", "1500"], {
      env: nameServer,
    });
    assert.equal(res.code, 0, res.stderr);
    const wide = (JSON.parse(res.stdout) as Listed[]).filter((g) => g.source === "wide-area");
    assert.deepEqual(wide, [{
      instanceName: zoneInstanceLabel(hostname),
      host,
      port,
      addresses: [TAILNET_IP],
      txt: published,
      source: "wide-area",
      domain: WIDE_DOMAIN,
    }]);
    assert.equal(dns.asked[0], `PTR _openclaw-gw._tcp.${WIDE_DOMAIN}`);

    const text = await runCli(sb, ["gateway", "discover", "--timeout", "1500"], {
      env: nameServer,
    });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`host: ${host.replaceAll(".", "\\.")}:${port}\n`));
    assert.match(text.stdout, new RegExp(`wide-area: ${WIDE_DOMAIN.replaceAll(".", "\\.")}\n`));
    assert.equal(await gw.stop(), 0);
  },
);

Deno.test("gateway discover browses OPENCLAW_WIDE_AREA_DOMAIN when the config names none", async () => {
  await using sb = await makeSandbox({ config: `{ gateway: { mode: "local" } }` });
  const zone = planZone(
    {
      domain: "env.internal",
      hostLabel: "box",
      instanceLabel: "box-gateway",
      ipv4: TAILNET_IP,
      port: 19001,
      txt: [["displayName", "box"], ["role", "gateway"], ["gatewayPort", "19001"]],
    },
    undefined,
    Date.UTC(2026, 0, 1),
  );
  await using dns = await dnsServer(parseZone(zone.text));
  const res = await runCli(sb, ["gateway", "discover", "--json", "--timeout", "1500"], {
    env: {
      OPENCLAW_WIDE_AREA_DOMAIN: "env.internal",
      OPENCLAW_DNS_NAMESERVER: `127.0.0.1:${dns.port}`,
    },
  });
  assert.equal(res.code, 0, res.stderr);
  const wide = (JSON.parse(res.stdout) as Listed[]).filter((g) => g.source === "wide-area");
  assert.deepEqual(
    wide.map((g) => [g.instanceName, g.host, g.port, g.domain]),
    [["box-gateway", "box.env.internal", 19001, "env.internal"]],
  );
});

Deno.test("gateway discover warns and still exits 0 when the wide-area DNS does not answer", async () => {
  await using sb = await makeSandbox({
    config: `{ gateway: { mode: "local" }, discovery: { wideArea: { domain: "${WIDE_DOMAIN}" } } }`,
  });
  // A socket that takes queries and never answers.
  const silent = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", () => resolve()));
  try {
    const server = `127.0.0.1:${silent.address().port}`;
    const res = await runCli(sb, ["gateway", "discover", "--json", "--timeout", "500"], {
      env: { OPENCLAW_DNS_NAMESERVER: server },
    });
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stderr,
      new RegExp(
        `Cannot browse _openclaw-gw\\._tcp\\.oc-test\\.internal: no answer from DNS at ${
          server.replaceAll(".", "\\.")
        } within 500 ms`,
      ),
    );
    const listed = JSON.parse(res.stdout) as Listed[];
    assert.ok(listed.every((g) => g.source === "mdns"), res.stdout);
  } finally {
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

Deno.test("gateway discover refuses an OPENCLAW_DNS_NAMESERVER that is not an address", async () => {
  await using sb = await makeSandbox({ config: `{ gateway: { mode: "local" } }` });
  const res = await runCli(sb, ["gateway", "discover", "--timeout", "100"], {
    env: { OPENCLAW_DNS_NAMESERVER: "dns.example" },
  });
  assert.equal(res.code, 2);
  assert.match(res.stderr, /Invalid OPENCLAW_DNS_NAMESERVER "dns\.example"/);
});
