/**
 * Private network namespaces for the discovery tests (mDNS, avahi, `gateway discover`): only
 * `lo`, with a multicast route, so nothing a test sends leaves the machine. A holder process
 * (`unshare`) keeps the namespace alive; commands join it with `nsenter`.
 *
 * Needs `unshare`/`nsenter` (util-linux), `ip` (iproute2) and either root or unprivileged user
 * namespaces; without them the tests are ignored with the reason, unless `OPENCLAW_TEST_REQUIRE`
 * names the requirement (then they fail).
 */
import assert from "node:assert/strict";
import {
  CLI_ENTRY,
  type CliResult,
  DENO_DIR,
  makeSandbox,
  type Sandbox,
  watchChild,
  type WatchedProcess,
} from "../helpers.ts";

const ROOT = Deno.uid() === 0;

/** A namespace kept alive by its holder; `join` are the nsenter flags to enter it. */
export interface Netns extends AsyncDisposable {
  pid: number;
  join: string[];
}

/** Options of {@link netns}. */
export interface NetnsOptions {
  /** A mount namespace too (for a private tmpfs, e.g. on `/run`). */
  mount?: boolean;
  /** Shell steps run in the namespace after `lo` is up with its multicast route. */
  setup?: string[];
}

function unshareFlags(mount: boolean): string[] {
  const ns = mount ? ["-n", "-m"] : ["-n"];
  return ROOT ? ns : ["-r", ...ns];
}

function joinFlags(mount: boolean): string[] {
  const ns = mount ? ["-n", "-m"] : ["-n"];
  return ROOT ? ns : ["-U", ...ns, "--preserve-credentials"];
}

/** Whether `cmd args` runs and succeeds (false when it is not installed). */
export function runs(cmd: string, args: string[]): boolean {
  try {
    return new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

/** Why a namespace cannot be made here, or undefined when it can. */
export function netnsProblem(mount = false): string | undefined {
  if (!runs("unshare", [...unshareFlags(mount), "true"])) {
    return mount
      ? "cannot create a network + mount namespace (unshare -n -m)"
      : "cannot create a network namespace (unshare -n)";
  }
  if (!runs("nsenter", ["--version"])) return "nsenter is missing";
  if (!runs("ip", ["-V"])) return "ip (iproute2) is missing";
  return undefined;
}

/** Whether `OPENCLAW_TEST_REQUIRE` (comma-separated) names `what`. */
export function required(what: string): boolean {
  return (Deno.env.get("OPENCLAW_TEST_REQUIRE") ?? "").split(",").includes(what);
}

/**
 * A test that runs only where `skip` is undefined: otherwise it is ignored, or, when `mustRun`,
 * fails with `${why}: ${skip}`.
 */
export function gatedTest(
  name: string,
  fn: () => Promise<void>,
  gate: { skip: string | undefined; mustRun: boolean; why: string },
): Deno.TestDefinition {
  const { skip, mustRun, why } = gate;
  return {
    name,
    ignore: skip !== undefined && !mustRun,
    fn: () => skip ? Promise.reject(new Error(`${why}: ${skip}`)) : fn(),
  };
}

let plainProblem: string | undefined | null = null;

/** A test needing a network namespace; `OPENCLAW_TEST_REQUIRE=…,netns` fails instead of skips. */
export function needsNetns(name: string, fn: () => Promise<void>): Deno.TestDefinition {
  if (plainProblem === null) plainProblem = netnsProblem();
  return gatedTest(name, fn, {
    skip: plainProblem,
    mustRun: required("netns"),
    why: "mDNS tests need a namespace",
  });
}

/** A private network namespace with a multicast route on loopback; disposed with its holder. */
export async function netns(options: NetnsOptions = {}): Promise<Netns> {
  const mount = options.mount ?? false;
  const steps = ["ip link set lo up", "ip route add 224.0.0.0/4 dev lo", ...options.setup ?? []];
  const holder = new Deno.Command("unshare", {
    args: [
      ...unshareFlags(mount),
      "sh",
      "-c",
      `${steps.join(" && ")} && echo ready && exec sleep 600`,
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
    join: joinFlags(mount),
    async [Symbol.asyncDispose]() {
      holder.kill("SIGKILL");
      await holder.status;
      await holder.stdout.cancel().catch(() => {});
    },
  };
}

function nsenter(
  ns: Netns,
  argv: string[],
  env: Record<string, string>,
  cwd: string,
  stdin: "piped" | "null",
): Deno.Command {
  return new Deno.Command("nsenter", {
    args: ["-t", String(ns.pid), ...ns.join, "--", ...argv],
    env,
    clearEnv: true,
    cwd,
    stdin,
    stdout: "piped",
    stderr: "piped",
  });
}

/** A process started inside the namespace, its output collected (30 s default waits). */
export function spawnIn(
  ns: Netns,
  argv: string[],
  env: Record<string, string>,
  cwd: string,
  stdin: "piped" | "null" = "null",
): WatchedProcess {
  return watchChild(nsenter(ns, argv, env, cwd, stdin).spawn(), { timeoutMs: 30_000 });
}

/** `argv` run inside the namespace to completion. */
export async function runIn(
  ns: Netns,
  argv: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<CliResult> {
  const out = await nsenter(ns, argv, env, cwd, "null").output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const DENO_RUN = ["run", "-A", "--quiet"];

/** `openclaw <args>` run inside the namespace, to completion, with the sandbox's env. */
export function cliIn(
  ns: Netns,
  sb: Sandbox,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runIn(
    ns,
    [Deno.execPath(), ...DENO_RUN, CLI_ENTRY, ...args],
    { ...sb.env, ...env },
    sb.home,
  );
}

/** `openclaw gateway` inside the namespace, advertising the mDNS hostname `studio-gw`. */
export function gatewayIn(
  ns: Netns,
  sb: Sandbox,
  env: Record<string, string> = {},
): WatchedProcess {
  return spawnIn(
    ns,
    [Deno.execPath(), ...DENO_RUN, CLI_ENTRY, "gateway"],
    { ...sb.env, OPENCLAW_MDNS_HOSTNAME: "studio-gw", ...env },
    sb.home,
  );
}

/** A local gateway's config on `port` with token auth and the given `discovery.mdns.mode`. */
export function beaconConfig(port: number, token: string, mdnsMode: "minimal" | "full"): string {
  return `{ gateway: { mode: "local", port: ${port}, auth: { mode: "token", token: "${token}" } },
    discovery: { mdns: { mode: "${mdnsMode}" } } }`;
}

/**
 * A sandbox with `config`, every package the gateway (ciao included) and `modules` need already
 * cached: the namespace has no network to fetch them.
 */
export async function offlineSandbox(config: string, modules: string[] = []): Promise<Sandbox> {
  const sb = await makeSandbox({ config });
  const cache = await new Deno.Command(Deno.execPath(), {
    args: [
      "cache",
      "--quiet",
      CLI_ENTRY,
      new URL("../../gateway/discovery/ciao_responder.ts", import.meta.url).pathname,
      ...modules,
    ],
    env: { DENO_DIR },
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(cache.success, new TextDecoder().decode(cache.stderr));
  return sb;
}
