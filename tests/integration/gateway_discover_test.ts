/**
 * `openclaw gateway discover` on a real multicast wire: in a private network namespace (only
 * `lo`, with a multicast route, so nothing leaves the test) a gateway advertises with
 * `discovery.mdns.mode: "full"` and `gateway discover`, run in the same namespace, lists it.
 * The namespace harness is the one of discovery_mdns_test.ts.
 *
 * The wide-area half (unicast DNS-SD) runs outside the namespace: a gateway with a faked
 * tailnet address writes its zone, a DNS server in this test serves that zone file on
 * 127.0.0.1, and `gateway discover` is pointed at it with `OPENCLAW_DNS_NAMESERVER`.
 *
 * The mDNS tests need `unshare`/`nsenter` (util-linux) and either root or unprivileged user
 * namespaces; without them they are ignored with the reason.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import {
  CLI_ENTRY,
  DENO_DIR,
  freePort,
  makeSandbox,
  runCli,
  type Sandbox,
  spawnGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";
import { zoneHostLabel, zoneInstanceLabel } from "../../lib/discovery/names.ts";
import { planZone } from "../../lib/discovery/zone.ts";

const ROOT = Deno.uid() === 0;
/** nsenter flags to join the holder's namespaces (a user namespace too when not root). */
const JOIN = ROOT ? ["-n"] : ["-U", "-n", "--preserve-credentials"];

function probeNamespaces(): string | undefined {
  try {
    const args = ROOT ? ["-n", "true"] : ["-rn", "true"];
    if (!new Deno.Command("unshare", { args, stderr: "null" }).outputSync().success) {
      return "cannot create a network namespace (unshare -n)";
    }
    if (
      !new Deno.Command("nsenter", { args: ["--version"], stdout: "null" }).outputSync().success
    ) {
      return "nsenter is missing";
    }
    return undefined;
  } catch {
    return "unshare/nsenter are missing";
  }
}
const SKIP = probeNamespaces();
/** Under `OPENCLAW_TEST_REQUIRE=…,netns` a missing namespace fails instead of skipping. */
const REQUIRED = (Deno.env.get("OPENCLAW_TEST_REQUIRE") ?? "").split(",").includes("netns");

function needsNetns(name: string, fn: () => Promise<void>): Deno.TestDefinition {
  return {
    name,
    ignore: SKIP !== undefined && !REQUIRED,
    fn: () => SKIP ? Promise.reject(new Error(`mDNS tests need a namespace: ${SKIP}`)) : fn(),
  };
}

/** A private network namespace with multicast on loopback; disposed with its holder. */
async function netns(): Promise<{ pid: number } & AsyncDisposable> {
  const holder = new Deno.Command("unshare", {
    args: [
      ROOT ? "-n" : "-rn",
      "sh",
      "-c",
      "ip link set lo up && ip route add 224.0.0.0/4 dev lo && echo ready && exec sleep 600",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = holder.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /ready/);
  reader.releaseLock();
  return {
    pid: holder.pid,
    async [Symbol.asyncDispose]() {
      holder.kill("SIGKILL");
      await holder.status;
      await holder.stdout.cancel().catch(() => {});
    },
  };
}

function nsCommand(ns: { pid: number }, sb: Sandbox, argv: string[], env = {}): Deno.Command {
  return new Deno.Command("nsenter", {
    args: ["-t", String(ns.pid), ...JOIN, "--", Deno.execPath(), "run", "-A", "--quiet", ...argv],
    env: { ...sb.env, ...env },
    clearEnv: true,
    cwd: sb.home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** `openclaw <args>` run inside the namespace, to completion. */
async function cliIn(
  ns: { pid: number },
  sb: Sandbox,
  args: string[],
  env: Record<string, string> = {},
) {
  const out = await nsCommand(ns, sb, [CLI_ENTRY, ...args], env).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A gateway in the namespace, its console output collected; killed on dispose. */
function gatewayIn(ns: { pid: number }, sb: Sandbox) {
  const child = nsCommand(ns, sb, [CLI_ENTRY, "gateway"], { OPENCLAW_MDNS_HOSTNAME: "studio-gw" })
    .spawn();
  let text = "";
  const dec = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) text += dec.decode(c, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  return {
    output: () => text,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await pumps;
    },
  };
}

async function prepare(config: string): Promise<Sandbox> {
  const sb = await makeSandbox({ config });
  // The namespace has no network: fetch every package (ciao included) before entering it.
  const cache = await new Deno.Command(Deno.execPath(), {
    args: [
      "cache",
      "--quiet",
      CLI_ENTRY,
      new URL("../../gateway/discovery/ciao_responder.ts", import.meta.url).pathname,
      new URL("../../cli/commands/gateway_discover.ts", import.meta.url).pathname,
    ],
    env: { DENO_DIR },
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(cache.success, new TextDecoder().decode(cache.stderr));
  return sb;
}

const TOKEN = "discover-test-token-0123456789";

Deno.test(needsNetns(
  "gateway discover lists a gateway advertising in full mode, with its port and TXT",
  async () => {
    const port = freePort();
    await using sb = await prepare(
      `{ gateway: { mode: "local", port: ${port}, auth: { mode: "token", token: "${TOKEN}" } },
         discovery: { mdns: { mode: "full" } } }`,
    );
    await using ns = await netns();
    await using gw = gatewayIn(ns, sb);
    await waitUntil(() => /bonjour: advertising "(.+)" \(/.test(gw.output()), {
      timeoutMs: 30_000,
      message: () => `the advertisement:\n${gw.output()}`,
    });
    const instance = /bonjour: advertising "(.+)" \(/.exec(gw.output())![1];

    const res = await cliIn(ns, sb, ["gateway", "discover", "--json", "--timeout", "3000"]);
    assert.equal(res.code, 0, res.stderr);
    const found = JSON.parse(res.stdout) as {
      instanceName: string;
      host: string;
      port: number;
      addresses: string[];
      txt: Record<string, string>;
      source: string;
      domain: string;
    }[];
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

interface Listed {
  instanceName: string;
  host: string;
  port: number;
  addresses: string[];
  txt: Record<string, string>;
  source: string;
  domain: string;
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
