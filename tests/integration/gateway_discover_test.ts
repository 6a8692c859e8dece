/**
 * `openclaw gateway discover` on a real multicast wire: in a private network namespace (only
 * `lo`, with a multicast route, so nothing leaves the test) a gateway advertises with
 * `discovery.mdns.mode: "full"` and `gateway discover`, run in the same namespace, lists it.
 * The namespace harness is the one of discovery_mdns_test.ts.
 *
 * Needs `unshare`/`nsenter` (util-linux) and either root or unprivileged user namespaces;
 * without them the tests are ignored with the reason.
 */
import assert from "node:assert/strict";
import { CLI_ENTRY, DENO_DIR, freePort, makeSandbox, type Sandbox, waitUntil } from "../helpers.ts";

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
async function cliIn(ns: { pid: number }, sb: Sandbox, args: string[]) {
  const out = await nsCommand(ns, sb, [CLI_ENTRY, ...args]).output();
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
    }[];
    const mine = found.find((g) => g.instanceName === instance);
    assert.ok(mine, `${instance} in ${res.stdout}`);
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
