/**
 * `openclaw dns setup [--domain D] [--apply] [--yes]`: wide-area DNS-SD over Tailscale.
 *
 * Without `--apply` it prints the domain, the zone file the gateway writes and this machine's
 * tailnet address, the config that publishes the zone, and the Tailscale split-DNS steps.
 * With `--apply` (Linux) it configures an installed CoreDNS to serve the zone on the tailnet
 * address: it first lists every command it will run, asks before anything that needs `sudo`
 * (`--yes` skips the question; no terminal and no `--yes` changes nothing), then writes
 * `<prefix>/etc/coredns/conf.d/<domain>.server`, adds the `import` line to the Corefile,
 * bootstraps the zone if the gateway has not written it yet, and restarts the `coredns`
 * systemd unit when there is one.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { formatTable, printErr, printJson, printLine } from "../output.ts";
import { act } from "../program.ts";

interface SetupFlags {
  domain?: string;
  apply?: boolean;
  yes?: boolean;
  prefix: string;
  json?: boolean;
}

/** Registers `dns`. */
export function register(program: CommandUnknownOpts): void {
  const dns = program.command("dns").description(
    "Wide-area discovery (unicast DNS-SD over Tailscale)",
  );
  dns.command("setup")
    .description("Show (and with --apply, install) the DNS setup for wide-area discovery")
    .option("--domain <domain>", "Zone domain (default: discovery.wideArea.domain)")
    .option("--apply", "Configure CoreDNS to serve the zone (Linux; asks before sudo)")
    .option("--yes", "With --apply: run the commands without asking")
    .option("--prefix <dir>", "Root of the CoreDNS config (<dir>/etc/coredns)", "/")
    .option("--json", "Print JSON")
    .action(act((opts: SetupFlags) => dnsSetup(opts)));
}

/** One thing `--apply` does, shown before it runs. */
interface Step {
  /** What is shown: the command line, or `write <path>`. */
  show: string;
  /** The text a write puts in the file (listed under the step). */
  content?: string;
  sudo: boolean;
  run(): Promise<void>;
}

async function dnsSetup(flags: SetupFlags): Promise<number | void> {
  const { OpenClawError } = await import("../../lib/errors.ts");
  const { checkConfig } = await import("../../lib/config/load.ts");
  const { processEnv, resolveStateDir, shortenHome } = await import("../../lib/paths.ts");
  const { normalizeDomain } = await import("../../lib/discovery/names.ts");
  const { DEFAULT_WIDE_AREA_DOMAIN } = await import("../../lib/discovery/settings.ts");
  const { detectTailnetAddresses } = await import("../../lib/discovery/tailnet.ts");
  const coredns = await import("../../lib/discovery/coredns.ts");

  const env = processEnv();
  const check = await checkConfig({ applyEnv: false });
  const wideArea = wideAreaBlock(check.resolved);
  const raw = flags.domain ?? wideArea.domain ?? env.OPENCLAW_WIDE_AREA_DOMAIN ??
    (wideArea.enabled ? DEFAULT_WIDE_AREA_DOMAIN : undefined);
  if (raw === undefined) {
    throw new OpenClawError(
      "DNS_DOMAIN_MISSING",
      "No wide-area domain configured. Set discovery.wideArea.domain or pass --domain.",
      { hint: "openclaw dns setup --domain openclaw.internal" },
    );
  }
  const domain = normalizeDomain(raw);
  if (!domain) {
    throw new OpenClawError("DNS_DOMAIN_INVALID", `Invalid domain "${raw}": not a DNS name`, {
      hint: "Use a name like openclaw.internal",
    });
  }
  const stateDir = resolveStateDir();
  const zonePath = `${stateDir}/dns/${domain}.db`;
  const addresses = await detectTailnetAddresses();
  const tailnetIp = addresses.ipv4
    ? `${addresses.ipv4}${addresses.ipv6 ? ` (${addresses.ipv6})` : ""}`
    : "not detected";
  const recommended = coredns.recommendedConfig(domain);
  const hints = coredns.splitDnsHints(domain, addresses);

  if (!flags.apply) {
    if (flags.json) {
      printJson({
        ok: true,
        domain: `${domain}.`,
        zoneFile: zonePath,
        tailnet: addresses,
        recommendedConfig: recommended,
        hints,
      });
      return;
    }
    printLine(formatTable([
      ["Domain", `${domain}.`],
      ["Zone file", shortenHome(zonePath)],
      ["Tailnet IP", tailnetIp],
    ]));
    printLine("");
    printLine("Recommended config:");
    printLine(JSON.stringify(recommended));
    printLine("");
    for (const line of hints) printLine(line);
    printLine("");
    printLine("Run with --apply to install CoreDNS and configure it.");
    return;
  }

  if (Deno.build.os !== "linux") {
    throw new OpenClawError(
      "DNS_SETUP_UNSUPPORTED",
      `dns setup --apply is supported on Linux here, not on ${Deno.build.os}`,
      { hint: "Serve the zone with the printed server block (openclaw dns setup)" },
    );
  }
  if (!addresses.ipv4) {
    throw new OpenClawError(
      "DNS_NO_TAILNET_IP",
      "no tailnet IP detected; ensure Tailscale is running on this machine",
      { hint: "tailscale up" },
    );
  }
  const { findOnPath, runCommand } = await import("../../lib/service/exec.ts");
  if (!findOnPath("coredns")) {
    throw new OpenClawError("DNS_COREDNS_MISSING", "coredns is not installed (not on PATH)", {
      hint: "Install the CoreDNS binary (https://coredns.io), then run: openclaw dns setup --apply",
    });
  }
  const version = await runCommand("coredns", ["-version"], { timeoutMs: 5_000 });
  const paths = coredns.corednsPaths(flags.prefix, domain);
  const steps: Step[] = [];
  ensureDirStep(steps, paths.confD);
  writeStep(steps, paths.serverFile, coredns.corednsServerBlock(domain, addresses, zonePath));
  const corefile = coredns.corefileWithImport(
    readText(paths.corefile),
    coredns.corefileImportLine(paths),
  );
  if (corefile !== undefined) writeStep(steps, paths.corefile, corefile);
  if (coredns.zoneNeedsBootstrap(readText(zonePath))) {
    ensureDirStep(steps, `${stateDir}/dns`);
    writeStep(steps, zonePath, coredns.bootstrapZone(domain, addresses, Date.now()), 0o644);
  }
  const restart = await corednsUnitRestart(runCommand);
  if (restart) steps.push(restart);

  const needsSudo = steps.some((s) => s.sudo);
  const out = flags.json ? printErr : printLine;
  out(`CoreDNS ${version.stdout.trim().split("\n")[0] || "(version unknown)"}`);
  out(`dns setup --apply will run:`);
  for (const s of steps) {
    out(`  ${s.show}`);
    for (const line of s.content?.trimEnd().split("\n") ?? []) out(`      ${line}`);
  }
  if (
    needsSudo && !flags.yes &&
    (flags.json || !(await confirm("Run these commands (some with sudo)?")))
  ) {
    throw new OpenClawError("DNS_SETUP_DECLINED", "Nothing was changed.", {
      hint: "Re-run with --yes to proceed: openclaw dns setup --apply --yes",
    });
  }
  for (const s of steps) await s.run();
  const notes = [
    ...(restart ? [] : [`Start CoreDNS with: sudo coredns -conf ${paths.corefile}`]),
    ...(await resolvedNote(addresses.ipv4)),
    ...(wideArea.enabled || wideArea.domain ? [] : [
      "Then publish the zone: openclaw config set discovery.wideArea.enabled true " +
      `(and discovery.wideArea.domain ${domain}), and restart the gateway.`,
    ]),
  ];
  if (flags.json) {
    printJson({
      ok: true,
      domain: `${domain}.`,
      zoneFile: zonePath,
      tailnet: addresses,
      applied: steps.map((s) => s.show),
      notes,
    });
    return;
  }
  printLine(`Done: CoreDNS serves ${domain}. on ${addresses.ipv4}:53.`);
  for (const n of notes) printLine(n);
  printLine("");
  for (const line of hints) printLine(line);
}

/** `discovery.wideArea` of a config that may not validate. */
function wideAreaBlock(resolved: unknown): { enabled?: boolean; domain?: string } {
  const discovery = (resolved as { discovery?: { wideArea?: unknown } } | undefined)?.discovery;
  const wa = discovery?.wideArea;
  if (!wa || typeof wa !== "object") return {};
  const { enabled, domain } = wa as { enabled?: unknown; domain?: unknown };
  return {
    ...(typeof enabled === "boolean" ? { enabled } : {}),
    ...(typeof domain === "string" ? { domain } : {}),
  };
}

function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** The nearest directory of `path` (itself or a parent) that exists. */
function existingDir(path: string): string {
  let dir = path;
  while (dir !== "/" && dir !== "") {
    try {
      if (Deno.statSync(dir).isDirectory) return dir;
    } catch { /* not there yet */ }
    dir = dir.slice(0, dir.lastIndexOf("/")) || "/";
  }
  return "/";
}

/** True when this process can create `path` (or write it, when it exists). */
function canWrite(path: string): boolean {
  try {
    if (Deno.statSync(path).isFile) {
      Deno.openSync(path, { append: true }).close();
      return true;
    }
  } catch { /* missing: try its directory */ }
  try {
    const probe = Deno.makeTempFileSync({ dir: existingDir(path), prefix: ".openclaw-probe-" });
    Deno.removeSync(probe);
    return true;
  } catch {
    return false;
  }
}

function ensureDirStep(steps: Step[], dir: string): void {
  try {
    if (Deno.statSync(dir).isDirectory) return;
  } catch { /* to create */ }
  if (canWrite(dir)) {
    steps.push({
      show: `mkdir -p ${dir}`,
      sudo: false,
      run: () => Deno.mkdir(dir, { recursive: true }),
    });
  } else {
    steps.push(sudoStep(["mkdir", "-p", dir]));
  }
}

function writeStep(steps: Step[], path: string, text: string, mode = 0o644): void {
  if (canWrite(path)) {
    steps.push({
      show: `write ${path}:`,
      content: text,
      sudo: false,
      run: () => Deno.writeTextFile(path, text, { mode }),
    });
  } else {
    steps.push(sudoStep(["tee", path], text));
  }
}

/** A command run through `sudo` (stdin piped when `input` is given; output to the terminal). */
function sudoStep(argv: string[], input?: string): Step {
  const args = argv;
  return {
    show: `sudo ${args.join(" ")}${input === undefined ? "" : " < (the text below)"}`,
    ...(input === undefined ? {} : { content: input }),
    sudo: true,
    async run() {
      const child = new Deno.Command("sudo", {
        args,
        stdin: input === undefined ? "inherit" : "piped",
        stdout: "null",
        stderr: "inherit",
      }).spawn();
      if (input !== undefined) {
        const w = child.stdin.getWriter();
        await w.write(new TextEncoder().encode(input));
        await w.close();
      }
      const status = await child.status;
      if (!status.success) {
        const { OpenClawError } = await import("../../lib/errors.ts");
        throw new OpenClawError(
          "DNS_SETUP_FAILED",
          `\`sudo ${args.join(" ")}\` failed with exit code ${status.code}`,
        );
      }
    },
  };
}

/** `systemctl restart coredns` when systemd runs and knows a `coredns` unit. */
async function corednsUnitRestart(
  run: typeof import("../../lib/service/exec.ts").runCommand,
): Promise<Step | undefined> {
  try {
    Deno.statSync("/run/systemd/system");
  } catch {
    return undefined;
  }
  const unit = await run("systemctl", ["cat", "coredns.service"], { timeoutMs: 5_000 });
  if (unit.code !== 0) return undefined;
  if (Deno.uid() !== 0) return sudoStep(["systemctl", "restart", "coredns"]);
  return {
    show: "systemctl restart coredns",
    sudo: false,
    async run() {
      const r = await run("systemctl", ["restart", "coredns"], { timeoutMs: 30_000 });
      if (r.code !== 0) throw new Error(`systemctl restart coredns failed: ${r.stderr.trim()}`);
    },
  };
}

/** A note when systemd-resolved runs here: CoreDNS binds only the tailnet address. */
async function resolvedNote(ipv4: string): Promise<string[]> {
  const { findOnPath } = await import("../../lib/service/exec.ts");
  let present = findOnPath("resolvectl") !== undefined;
  try {
    Deno.statSync("/run/systemd/resolve");
    present = true;
  } catch { /* not running */ }
  return present
    ? [
      `systemd-resolved is present: CoreDNS binds only ${ipv4}:53, so its 127.0.0.53 stub is unaffected.`,
    ]
    : [];
}

/** Asks a yes/no question on the terminal; anything but y/yes (or no input) is no. */
async function confirm(question: string): Promise<boolean> {
  await Deno.stdout.write(new TextEncoder().encode(`${question} [y/N] `));
  const buf = new Uint8Array(256);
  let n: number | null = null;
  try {
    n = await Deno.stdin.read(buf);
  } catch {
    n = null;
  }
  printLine("");
  const answer = n ? new TextDecoder().decode(buf.subarray(0, n)).trim().toLowerCase() : "";
  return answer === "y" || answer === "yes";
}
