/**
 * What `openclaw dns setup` shows and writes for serving the wide-area zone with CoreDNS: the
 * server block (`<domain>:53`, bound to the tailnet address only, `file` with `reload 10s`), the
 * Corefile `import` line, the bootstrap zone a fresh setup starts from, the recommended config,
 * and the Tailscale split-DNS steps. Pure text; cli/commands/dns.ts does the IO.
 *
 * @module
 */
import { joinPath } from "../paths.ts";
import type { TailnetAddresses } from "./tailnet.ts";
import { nextSerial } from "./zone.ts";

/** Where the CoreDNS config lives under a prefix (`/` -> `/etc/coredns`). */
export interface CorednsPaths {
  dir: string;
  confD: string;
  corefile: string;
  /** `conf.d/<domain>.server`. */
  serverFile: string;
}

/** The CoreDNS paths for `domain` under `prefix`. */
export function corednsPaths(prefix: string, domain: string): CorednsPaths {
  const dir = joinPath(prefix || "/", "etc", "coredns");
  const confD = joinPath(dir, "conf.d");
  return {
    dir,
    confD,
    corefile: joinPath(dir, "Corefile"),
    serverFile: joinPath(confD, `${domain}.server`),
  };
}

/** The Corefile line that loads every server block in `conf.d`. */
export function corefileImportLine(paths: CorednsPaths): string {
  return `import ${paths.confD}/*.server`;
}

/**
 * The Corefile with the import line: a new file holding just that line, the existing text with
 * the line appended, or `undefined` when it is already there.
 */
export function corefileWithImport(existing: string | undefined, line: string): string | undefined {
  if (existing === undefined) return `${line}\n`;
  if (existing.split("\n").some((l) => l.trim() === line)) return undefined;
  return `${existing}${existing.endsWith("\n") || existing === "" ? "" : "\n"}${line}\n`;
}

/**
 * The server block for the zone: answers `<domain>` on port 53 of the tailnet address(es) only,
 * so it never collides with a local resolver (systemd-resolved's 127.0.0.53).
 *
 * @example
 * ```ts
 * corednsServerBlock("openclaw.internal", { ipv4: "100.101.102.103" }, "/h/.openclaw/dns/x.db");
 * ```
 */
export function corednsServerBlock(
  domain: string,
  addresses: TailnetAddresses,
  zonePath: string,
): string {
  const bind = [addresses.ipv4, addresses.ipv6].filter(Boolean).join(" ");
  return [
    `${domain}:53 {`,
    `  bind ${bind}`,
    `  file ${zonePath} {`,
    "    reload 10s",
    "  }",
    "  errors",
    "  log",
    "}",
    "",
  ].join("\n");
}

/** True when a zone file is missing or lacks its SOA or NS record (then it is bootstrapped). */
export function zoneNeedsBootstrap(text: string | undefined): boolean {
  if (text === undefined) return true;
  return !/^@\s+IN\s+SOA\s/m.test(text) || !/^@\s+IN\s+NS\s/m.test(text);
}

/** The minimal zone `dns setup` creates until the gateway publishes the real one. */
export function bootstrapZone(domain: string, addresses: TailnetAddresses, nowMs: number): string {
  return [
    "; created by openclaw dns setup (the gateway replaces it when it publishes)",
    `$ORIGIN ${domain}.`,
    "$TTL 60",
    `@ IN SOA ns1 hostmaster ${nextSerial(undefined, nowMs)} 7200 3600 1209600 60`,
    "@ IN NS ns1",
    ...(addresses.ipv4 ? [`ns1 IN A ${addresses.ipv4}`] : []),
    ...(addresses.ipv6 ? [`ns1 IN AAAA ${addresses.ipv6}`] : []),
    "",
  ].join("\n");
}

/** The config `dns setup` recommends for publishing `domain` over the tailnet. */
export function recommendedConfig(domain: string): Record<string, unknown> {
  return {
    gateway: { bind: "tailnet" },
    discovery: { wideArea: { enabled: true, domain: `${domain}.` } },
  };
}

/** The Tailscale admin-console steps that make tailnet devices ask CoreDNS for `domain`. */
export function splitDnsHints(domain: string, addresses: TailnetAddresses): string[] {
  if (!addresses.ipv4) {
    return ["No tailnet IP detected; ensure Tailscale is running on this machine."];
  }
  return [
    "Tailscale admin console \u2192 DNS \u2192 Nameservers:",
    `  1. Add nameserver: ${addresses.ipv4}`,
    `  2. Restrict to domain (Split DNS): ${domain}`,
    `Check: dig @${addresses.ipv4} -p 53 _openclaw-gw._tcp.${domain} PTR +short`,
  ];
}
