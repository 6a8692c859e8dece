/**
 * The Bonjour beacon on a real multicast wire, in a private network namespace (only `lo`, with
 * a multicast route, so nothing leaves the test): the gateway runs there, and a probe process
 * in the same namespace listens on 224.0.0.251:5353 and prints every packet, sends packets we
 * give it, and fetches URLs for us. The test decodes the packets with `dns-packet` and checks
 * what a browser (`avahi-browse -rpt _openclaw-gw._tcp`, `dns-sd -B`) would see.
 *
 * The namespace harness (and what it needs, else the tests are ignored) is in _netns.ts.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import dnsPacket from "dns-packet";
import { freePort, runCli, type Sandbox, waitUntil, type WatchedProcess } from "../helpers.ts";
import {
  beaconConfig,
  cliIn,
  gatewayIn,
  needsNetns,
  type Netns,
  netns,
  offlineSandbox,
  spawnIn,
} from "./_netns.ts";

/** Listens on the mDNS group, prints packets as JSON lines; sends and fetches on request. */
const PROBE = `
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
const out = (o) => console.log(JSON.stringify(o));
const s = dgram.createSocket({ type: "udp4", reuseAddr: true });
s.on("message", (m) => out({ packet: m.toString("base64") }));
s.bind(5353, () => {
  s.addMembership("224.0.0.251", "127.0.0.1");
  s.setMulticastInterface("127.0.0.1");
  s.setMulticastLoopback(true);
  out({ ready: true });
});
const dec = new TextDecoder();
let buf = "";
for await (const chunk of Deno.stdin.readable) {
  buf += dec.decode(chunk);
  let i;
  while ((i = buf.indexOf("\\n")) >= 0) {
    const cmd = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    if (cmd.send) s.send(Buffer.from(cmd.send, "base64"), 5353, "224.0.0.251");
    if (cmd.fetch) {
      try {
        const r = await fetch(cmd.fetch);
        await r.body?.cancel();
        out({ fetched: cmd.fetch, status: r.status });
      } catch (e) {
        out({ fetched: cmd.fetch, error: String(e) });
      }
    }
  }
}
`;

// dns-packet has no types of its own; this is the part of its records we read.
interface Answer {
  name: string;
  type: string;
  ttl: number;
  data: unknown;
}
interface Packet {
  type: "query" | "response";
  questions?: { name: string; type: string }[];
  answers?: Answer[];
  authorities?: Answer[];
}

class Probe {
  #proc: WatchedProcess;
  #seen = 0;
  constructor(proc: WatchedProcess) {
    this.#proc = proc;
  }
  static async start(ns: Netns, sb: Sandbox): Promise<Probe> {
    const proc = spawnIn(ns, [Deno.execPath(), "eval", PROBE], { ...sb.env }, sb.home, "piped");
    await proc.waitFor(/"ready":true/);
    return new Probe(proc);
  }
  /** Every packet so far, decoded. */
  packets(): Packet[] {
    return this.#proc.output().split("\n").filter((l) => l.startsWith('{"packet"')).map((l) =>
      dnsPacket.decode(Buffer.from(JSON.parse(l).packet, "base64")) as Packet
    );
  }
  /** Waits for a packet (after those already looked at, when `fresh`) matching `test`. */
  async next(test: (p: Packet) => boolean, what: string, fresh = true): Promise<Packet> {
    const from = fresh ? this.#seen : 0;
    const found = await waitUntil(() => {
      const all = this.packets();
      const i = all.findIndex((p, idx) => idx >= from && test(p));
      if (i >= 0) this.#seen = i + 1;
      return i >= 0 ? all[i] : undefined;
    }, { timeoutMs: 30_000, message: () => what });
    return found;
  }
  async send(packet: Record<string, unknown>): Promise<void> {
    const w = this.#proc.child.stdin.getWriter();
    const b64 = Buffer.from(dnsPacket.encode(packet)).toString("base64");
    await w.write(new TextEncoder().encode(JSON.stringify({ send: b64 }) + "\n"));
    w.releaseLock();
  }
  async fetchStatus(url: string): Promise<number | string> {
    const w = this.#proc.child.stdin.getWriter();
    await w.write(new TextEncoder().encode(JSON.stringify({ fetch: url }) + "\n"));
    w.releaseLock();
    const line = await waitUntil(() =>
      this.#proc.output().split("\n").find((l) => l.includes(`"fetched":"${url}"`))
    );
    const r = JSON.parse(line);
    return r.status ?? r.error;
  }
  async [Symbol.asyncDispose]() {
    await this.#proc.child.stdin.close().catch(() => {});
    await this.#proc[Symbol.asyncDispose]();
  }
}

const TOKEN = "mdns-test-token-0123456789";
const SERVICE = "_openclaw-gw._tcp.local";

function srvOf(p: Packet): { port: number; target: string } | undefined {
  const srv = p.answers?.find((a) => a.type === "SRV" && a.name.endsWith(SERVICE));
  return srv?.data as { port: number; target: string } | undefined;
}

function txtOf(p: Packet): Record<string, string> {
  const txt = p.answers?.find((a) => a.type === "TXT" && a.name.endsWith(SERVICE));
  const out: Record<string, string> = {};
  for (const b of (txt?.data ?? []) as Uint8Array[]) {
    const s = new TextDecoder().decode(b);
    const i = s.indexOf("=");
    out[s.slice(0, i)] = s.slice(i + 1);
  }
  return out;
}

/** Open UDP sockets of `pid` on port 5353, from /proc (the namespace's table, the pid's fds). */
function mdnsSocketsOf(pid: number): number {
  const inodes = new Set<string>();
  for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`));
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  let count = 0;
  for (const table of ["udp", "udp6"]) {
    const rows = Deno.readTextFileSync(`/proc/${pid}/net/${table}`).split("\n").slice(1);
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      if (cols.length > 9 && cols[1].endsWith(":14E9") && inodes.has(cols[9])) count++;
    }
  }
  return count;
}

Deno.test(needsNetns(
  "mDNS: the beacon is seen with stock's TXT, re-announced on a port change, withdrawn on stop",
  async () => {
    const port = freePort();
    await using sb = await offlineSandbox(beaconConfig(port, TOKEN, "minimal"));
    await using ns = await netns();
    await using probe = await Probe.start(ns, sb);
    await using gw = gatewayIn(ns, sb);
    await gw.waitFor(/bonjour: advertising "(.+)" \(_openclaw-gw\._tcp\.local, port \d+\)/);
    const instance = /bonjour: advertising "(.+)" \(/.exec(gw.output())![1];

    const announced = await probe.next(
      (p) => p.type === "response" && srvOf(p)?.port === port,
      "the announcement",
      false,
    );
    const ptr = announced.answers!.find((a) => a.type === "PTR" && a.name === SERVICE)!;
    assert.equal(ptr.data, `${instance}.${SERVICE}`);
    assert.deepEqual(srvOf(announced), { priority: 0, weight: 0, port, target: "studio-gw.local" });
    assert.deepEqual(txtOf(announced), {
      role: "gateway",
      gatewayPort: String(port),
      lanHost: "studio-gw.local",
      displayName: instance.replace(/ \(OpenClaw\)$/, ""),
      transport: "gateway",
    });
    assert.ok(mdnsSocketsOf(gw.child.pid) > 0, "the responder holds a socket on 5353");

    // Browsing, as avahi-browse / dns-sd -B do: a PTR query gets the instance back.
    await probe.send({ type: "query", id: 0, questions: [{ type: "PTR", name: SERVICE }] });
    await probe.next(
      (p) =>
        p.type === "response" && !!p.answers?.some((a) => a.type === "PTR" && a.data === ptr.data),
      "an answer to a browse query",
    );

    // The port moves: the restart withdraws the old beacon and announces the new port.
    const port2 = freePort();
    const set = await runCli(sb, ["config", "set", "gateway.port", String(port2)]);
    assert.equal(set.code, 0, set.stderr);
    await probe.next(
      (p) =>
        p.type === "response" && srvOf(p)?.port === port && p.answers!.every((a) => a.ttl === 0),
      "goodbye for the old port",
    );
    await probe.next(
      (p) =>
        p.type === "response" && srvOf(p)?.port === port2 && txtOf(p).gatewayPort === String(port2),
      "the announcement of the new port",
    );
    assert.equal(await probe.fetchStatus(`http://127.0.0.1:${port2}/health`), 200);

    assert.equal(await gw.stop(), 0);
    const bye = await probe.next(
      (p) =>
        p.type === "response" && srvOf(p)?.port === port2 && p.answers!.every((a) => a.ttl === 0),
      "goodbye packets (TTL 0) on stop",
    );
    assert.ok(bye.answers!.some((a) => a.type === "PTR" && a.ttl === 0));
    assert.match(gw.output(), /bonjour: withdrawn \(goodbye sent\)/);
  },
));

Deno.test(needsNetns(
  "mDNS: OPENCLAW_DISABLE_BONJOUR=1 opens no multicast socket at all",
  async () => {
    const port = freePort();
    await using sb = await offlineSandbox(beaconConfig(port, TOKEN, "full"));
    await using ns = await netns();
    await using gw = gatewayIn(ns, sb, { OPENCLAW_DISABLE_BONJOUR: "1" });
    await gw.waitFor(/bonjour: off \(OPENCLAW_DISABLE_BONJOUR=1\)/);
    await gw.waitFor(/Gateway listening on/);
    assert.equal(mdnsSocketsOf(gw.child.pid), 0);
    const table = Deno.readTextFileSync(`/proc/${gw.child.pid}/net/udp`);
    assert.doesNotMatch(table, /:14E9 /, "no socket on 5353 in the namespace");
    assert.equal(await gw.stop(), 0);
  },
));

Deno.test(needsNetns(
  "mDNS: a probe conflict is logged, the beacon renames itself, and /health keeps answering",
  async () => {
    const port = freePort();
    await using sb = await offlineSandbox(beaconConfig(port, TOKEN, "minimal"));
    await using ns = await netns();
    await using probe = await Probe.start(ns, sb);
    await using gw = gatewayIn(ns, sb);
    // Another device already owns the name: answer the gateway's first probe with its records.
    const probeQuery = await probe.next(
      (p) => p.type === "query" && !!p.authorities?.some((a) => a.type === "SRV"),
      "the gateway's probe",
      false,
    );
    const taken = probeQuery.questions!.find((q) => q.name.endsWith(SERVICE))!.name;
    await probe.send({
      type: "response",
      id: 0,
      flags: 1 << 10,
      answers: [{
        type: "SRV",
        name: taken,
        ttl: 120,
        flush: true,
        data: { priority: 0, weight: 0, port: 9, target: "someone-else.local" },
      }],
    });
    await gw.waitFor(
      /bonjour: name conflict on the network: ".+" is taken, advertising as ".+ \(2\)"/,
    );
    await gw.waitFor(/bonjour: advertising ".+ \(2\)"/);
    assert.equal(await probe.fetchStatus(`http://127.0.0.1:${port}/health`), 200);
    const status = await cliIn(ns, sb, ["status", "--json"]);
    const mdns = JSON.parse(status.stdout).status.subsystems.discovery.mdns;
    assert.equal(mdns.state, "announced");
    assert.match(mdns.instance, / \(2\)$/);
    assert.equal(mdns.requestedInstance, taken.slice(0, -SERVICE.length - 1));
    assert.equal(await gw.stop(), 0);
  },
));
