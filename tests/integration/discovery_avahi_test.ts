/**
 * The Bonjour beacon as a real third-party browser sees it: `avahi-browse -rpt _openclaw-gw._tcp`
 * (what Linux users run to check a beacon) lists the gateway with stock's TXT keys, and shows
 * the new port after a config change.
 *
 * Everything runs in a private network + mount namespace (only `lo`, with multicast and a
 * multicast route, so nothing leaves the test): a private `dbus-daemon` whose socket lives in
 * the test's temp dir, an `avahi-daemon` (no publishing, IPv4 on `lo` only) on that bus, the
 * gateway, and `avahi-browse`. avahi insists on `/run/avahi-daemon/pid`, so the namespace gets
 * its own tmpfs on `/run`; the host's `/run` is never touched.
 *
 * Needs `unshare`/`nsenter` (util-linux), `ip` (iproute2), either root or unprivileged user
 * namespaces, and `avahi-daemon`, `avahi-browse` (avahi-utils) and `dbus-daemon` (dbus);
 * without them the tests are ignored with the reason, unless `OPENCLAW_TEST_REQUIRE` names
 * `avahi` (then they fail).
 */
import assert from "node:assert/strict";
import { type CliResult, freePort, runCli, type Sandbox, waitUntil } from "../helpers.ts";
import {
  beaconConfig,
  gatedTest,
  gatewayIn,
  type Netns,
  netns,
  netnsProblem,
  offlineSandbox,
  required,
  runIn,
  runs,
  spawnIn,
} from "./_netns.ts";

function probeAvahi(): string | undefined {
  const missing = [
    ["avahi-daemon", "avahi-daemon"],
    ["avahi-browse", "avahi-utils"],
    ["dbus-daemon", "dbus"],
  ].filter(([bin]) => !runs(bin, ["--version"]));
  if (!missing.length) return undefined;
  const names = missing.map(([bin, pkg]) => `${bin} (${pkg})`).join(", ");
  return `missing ${names}; install avahi-daemon avahi-utils dbus`;
}

const NETNS_PROBLEM = netnsProblem(true);

/** Under `OPENCLAW_TEST_REQUIRE=…,avahi` a missing avahi (or namespace) fails, not skips. */
function needsAvahi(name: string, fn: () => Promise<void>): Deno.TestDefinition {
  return gatedTest(name, fn, {
    skip: NETNS_PROBLEM ?? probeAvahi(),
    mustRun: required("avahi") || (NETNS_PROBLEM !== undefined && required("netns")),
    why: "avahi tests cannot run",
  });
}

/**
 * A private network + mount namespace: `lo` up with multicast and a route for 224.0.0.0/4, and
 * a tmpfs on `/run` holding an empty `/run/avahi-daemon`. Disposed with its holder.
 */
function avahiNetns(): Promise<Netns> {
  return netns({
    mount: true,
    setup: [
      "ip link set lo multicast on",
      "mount -t tmpfs -o mode=0755 tmpfs /run",
      "mkdir /run/avahi-daemon",
    ],
  });
}

/** A system-bus-like policy that lets avahi own `org.freedesktop.Avahi` and anyone call it. */
function dbusConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="org.freedesktop.Avahi"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;
}

/** avahi as a pure browser: IPv4 on `lo` only, D-Bus on, nothing published. */
const AVAHI_CONF = `[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
enable-dbus=yes
ratelimit-interval-usec=0

[wide-area]
enable-wide-area=no

[publish]
disable-publishing=yes
publish-addresses=no
publish-hinfo=no
publish-workstation=no
`;

/** The private bus and avahi-daemon on it, in the namespace; both stopped on dispose. */
async function startAvahi(
  ns: Netns,
  sb: Sandbox,
): Promise<{ busEnv: Record<string, string> } & AsyncDisposable> {
  const dir = `${sb.home}/avahi`;
  await Deno.mkdir(dir);
  const socket = `${dir}/bus`;
  await Deno.writeTextFile(`${dir}/dbus.conf`, dbusConfig(socket));
  await Deno.writeTextFile(`${dir}/avahi-daemon.conf`, AVAHI_CONF);
  const env = { PATH: sb.env.PATH, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${socket}` };
  const bus = spawnIn(
    ns,
    ["dbus-daemon", `--config-file=${dir}/dbus.conf`, "--nofork", "--print-address"],
    env,
    dir,
  );
  try {
    await bus.waitFor(/^unix:path=/m);
    const avahi = spawnIn(
      ns,
      [
        "avahi-daemon",
        "--no-drop-root",
        "--no-chroot",
        "--no-rlimits",
        "-f",
        `${dir}/avahi-daemon.conf`,
      ],
      env,
      dir,
    );
    try {
      await avahi.waitFor(/Server startup complete/);
    } catch (err) {
      await avahi[Symbol.asyncDispose]();
      throw err;
    }
    return {
      busEnv: env,
      async [Symbol.asyncDispose]() {
        await avahi.stop();
        await bus.stop();
      },
    };
  } catch (err) {
    await bus[Symbol.asyncDispose]();
    throw err;
  }
}

/** One resolved service line of `avahi-browse -p` (`=;iface;proto;name;type;domain;…`). */
interface Resolved {
  iface: string;
  protocol: string;
  name: string;
  type: string;
  domain: string;
  host: string;
  address: string;
  port: number;
  txt: Record<string, string>;
}

/** Undoes avahi's label escaping: `\.`, `\\` and `\DDD` (decimal). */
function unescapeLabel(text: string): string {
  return text.replace(
    /\\(\d{3}|.)/g,
    (_, e: string) => e.length === 3 ? String.fromCharCode(Number(e)) : e,
  );
}

/** The TXT column: `"k=v" "k=v"`, each string quoted, `"` and `\` backslash-escaped. */
function parseTxt(column: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of column.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const s = m[1].replace(/\\(.)/g, "$1");
    const i = s.indexOf("=");
    out[i < 0 ? s : s.slice(0, i)] = i < 0 ? "" : s.slice(i + 1);
  }
  return out;
}

/** The `=` lines of `avahi-browse -p` output. */
function parseResolved(stdout: string): Resolved[] {
  return stdout.split("\n").filter((l) => l.startsWith("=;")).map((line) => {
    const cols = line.split(";");
    return {
      iface: cols[1],
      protocol: cols[2],
      name: unescapeLabel(cols[3]),
      type: cols[4],
      domain: cols[5],
      host: cols[6],
      address: cols[7],
      port: Number(cols[8]),
      txt: parseTxt(cols.slice(9).join(";")),
    };
  });
}

/** `avahi-browse -rpt _openclaw-gw._tcp` in the namespace, on the private bus. */
function avahiBrowse(
  ns: Netns,
  sb: Sandbox,
  busEnv: Record<string, string>,
): Promise<CliResult> {
  return runIn(
    ns,
    ["timeout", "20", "avahi-browse", "-rpt", "_openclaw-gw._tcp"],
    busEnv,
    sb.home,
  );
}

/**
 * Browses until the resolved lines satisfy `test` (avahi's cache follows the packets as they
 * arrive), and returns what `test` returned.
 */
async function browseUntil<T>(
  ns: Netns,
  sb: Sandbox,
  busEnv: Record<string, string>,
  test: (all: Resolved[]) => T | undefined,
  what: string,
): Promise<T> {
  let last = "";
  const found = await waitUntil(async () => {
    const res = await avahiBrowse(ns, sb, busEnv);
    last = `exit ${res.code}\n${res.stdout}${res.stderr}`;
    const value = test(parseResolved(res.stdout));
    return value === undefined ? undefined : { value };
  }, { timeoutMs: 45_000, intervalMs: 250, message: () => `${what}; last browse:\n${last}` });
  return found.value;
}

const TOKEN = "avahi-test-token-0123456789";

Deno.test(needsAvahi(
  "avahi-browse -rpt _openclaw-gw._tcp lists the gateway with stock's TXT, and its new port",
  async () => {
    const port = freePort();
    await using sb = await offlineSandbox(beaconConfig(port, TOKEN, "minimal"));
    await using ns = await avahiNetns();
    await using avahi = await startAvahi(ns, sb);
    await using gw = gatewayIn(ns, sb);
    await gw.waitFor(/bonjour: advertising "(.+)" \(_openclaw-gw\._tcp\.local, port \d+\)/);
    const instance = /bonjour: advertising "(.+)" \(/.exec(gw.output())![1];

    const seen = await browseUntil(
      ns,
      sb,
      avahi.busEnv,
      (all) => all.find((r) => r.name === instance && r.port === port),
      `avahi resolving "${instance}" on port ${port}`,
    );
    assert.deepEqual(
      { ...seen, txt: undefined },
      {
        iface: "lo",
        protocol: "IPv4",
        name: instance,
        type: "_openclaw-gw._tcp",
        domain: "local",
        host: "studio-gw.local",
        address: "127.0.0.1",
        port,
        txt: undefined,
      },
    );
    assert.deepEqual(seen.txt, {
      role: "gateway",
      gatewayPort: String(port),
      lanHost: "studio-gw.local",
      displayName: instance.replace(/ \(OpenClaw\)$/, ""),
      transport: "gateway",
    });

    // The port moves: the old beacon's goodbye clears avahi's cache and the restarted beacon
    // is what it resolves now, on the new port only.
    const port2 = freePort();
    const set = await runCli(sb, ["config", "set", "gateway.port", String(port2)]);
    assert.equal(set.code, 0, set.stderr);
    const moved = await browseUntil(
      ns,
      sb,
      avahi.busEnv,
      (all) => {
        const mine = all.filter((r) => r.name === instance);
        return mine.length === 1 && mine[0].port === port2 ? mine[0] : undefined;
      },
      `avahi resolving "${instance}" on the new port ${port2} only`,
    );
    assert.equal(moved.txt.gatewayPort, String(port2));

    assert.equal(await gw.stop(), 0);
  },
));
