/**
 * Is a debugger open inside the running gateway? A V8 inspector port takes no credentials: any
 * local user who reaches it can run code in the gateway and read its tokens. Deno opens one on
 * `--inspect*` and (since 2.9.2) when the process receives SIGUSR1, so the audit and doctor look
 * for one in the gateway named by the runtime file.
 *
 * On Linux: the socket inodes in `/proc/<pid>/fd`, matched against the LISTEN entries of
 * `/proc/<pid>/net/tcp{,6}`, give every port the gateway process listens on; each one other than
 * the gateway's own port is asked `GET /json/version` (1 s budget), which an inspector answers
 * with JSON carrying `V8-Version` / `Protocol-Version`. Elsewhere the check says it was skipped.
 *
 * @module
 */
import { concatBytes } from "../bytes.ts";
import { isPidAlive, readGatewayRuntime } from "../instance/runtime_file.ts";
import type { SecurityFinding } from "./types.ts";
import { clearTimer, setTimer, type TimerHandle } from "../timers.ts";

/** The stock-style check id of an open inspector. */
export const INSPECTOR_OPEN_CHECK_ID = "gateway.inspector_open";
/** The check id when the inspector check could not run. */
export const INSPECTOR_SKIPPED_CHECK_ID = "gateway.inspector_check_skipped";

/** One TCP socket in LISTEN state. */
export interface ListeningSocket {
  /** The bound address as text (`127.0.0.1`, `0.0.0.0`, `::1`, `::`, ...). */
  address: string;
  port: number;
  /** The socket inode (matches `socket:[<inode>]` in `/proc/<pid>/fd`). */
  inode: string;
}

/** An inspector that answered `/json/version`. */
export interface InspectorEndpoint {
  /** Where it was reached. */
  host: string;
  port: number;
  /** The address it is bound to (wildcard binds are reachable from the network). */
  boundAddress: string;
  browser?: string;
  v8Version?: string;
  protocolVersion?: string;
}

/** The outcome of {@linkcode scanGatewayInspector}. */
export type InspectorScan =
  | { status: "not-running" }
  | { status: "skipped"; pid: number; reason: string }
  | {
    status: "checked";
    pid: number;
    /** Ports the process listens on besides the gateway's own. */
    extraPorts: number[];
    inspectors: InspectorEndpoint[];
  };

/** Options of {@linkcode scanGatewayInspector} and {@linkcode findProcessInspectors}. */
export interface InspectorScanOptions {
  /** @default Deno.build.os */
  os?: string;
  /** @default "/proc" */
  procRoot?: string;
  /** Budget of each `/json/version` request. @default 1000 */
  timeoutMs?: number;
  /** Replaces the HTTP probe (tests). */
  probe?: (host: string, port: number, timeoutMs: number) => Promise<Record<string, unknown>>;
}

// ---------------------------------------------------------------------------------------------
// /proc parsing

function hexToIpv4(hex: string): string {
  // /proc prints the address as one 32-bit word in host order (little-endian on every platform
  // Deno ships for), so the bytes come reversed.
  const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return bytes.join(".");
}

function hexToIpv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (const i of [6, 4, 2, 0]) bytes.push(parseInt(word.slice(i, i + 2), 16));
  }
  // IPv4-mapped (::ffff:a.b.c.d) reads better in dotted form.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i > 1) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

/** Parses `/proc/net/tcp` or `/proc/net/tcp6` text into its LISTEN sockets. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    if (cols.length < 10 || cols[3] !== "0A") continue;
    const [addrHex, portHex] = cols[1].split(":");
    if (!portHex || !/^[0-9A-Fa-f]+$/.test(addrHex)) continue;
    const address = addrHex.length === 32
      ? hexToIpv6(addrHex)
      : addrHex.length === 8
      ? hexToIpv4(addrHex)
      : undefined;
    if (address === undefined) continue;
    out.push({ address, port: parseInt(portHex, 16), inode: cols[9] });
  }
  return out;
}

/**
 * Returns the socket inodes `pid` holds open.
 *
 * @throws {Deno.errors.PermissionDenied} when the process belongs to another user
 * @throws {Deno.errors.NotFound} when it is gone
 */
export function socketInodesOf(pid: number, procRoot = "/proc"): Set<string> {
  const inodes = new Set<string>();
  const dir = `${procRoot}/${pid}/fd`;
  for (const entry of Deno.readDirSync(dir)) {
    let target: string;
    try {
      target = Deno.readLinkSync(`${dir}/${entry.name}`);
    } catch {
      continue; // closed while we looked
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]);
  }
  return inodes;
}

/**
 * Returns the TCP sockets `pid` listens on (IPv4 and IPv6), read in the process's own network
 * namespace.
 *
 * @throws {Deno.errors.PermissionDenied} / {Deno.errors.NotFound} as {@linkcode socketInodesOf}
 */
export function listeningSocketsOf(pid: number, procRoot = "/proc"): ListeningSocket[] {
  const inodes = socketInodesOf(pid, procRoot);
  const out: ListeningSocket[] = [];
  for (const file of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = Deno.readTextFileSync(`${procRoot}/${pid}/net/${file}`);
    } catch {
      continue; // no IPv6 in this kernel or namespace
    }
    for (const s of parseProcNetTcp(text)) if (inodes.has(s.inode)) out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The HTTP probe

/** Where to reach a listener bound to `address` from this host (wildcards via loopback). */
function probeHost(address: string): string {
  if (address === "0.0.0.0") return "127.0.0.1";
  if (address === "::" || address === "::1") return "::1";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1] === "0.0.0.0" ? "127.0.0.1" : mapped[1];
  return address;
}

/**
 * `GET /json/version` over a plain TCP connection (no proxy settings apply, nothing is pooled),
 * within `timeoutMs`. Returns the parsed JSON object, or throws.
 */
export async function fetchJsonVersion(
  host: string,
  port: number,
  timeoutMs = 1000,
): Promise<Record<string, unknown>> {
  let conn: Deno.TcpConn | undefined;
  let timer: TimerHandle | undefined;
  let timedOut = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimer(() => {
      timedOut = true;
      try {
        conn?.close();
      } catch { /* already closed */ }
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const work = (async () => {
    const c = await Deno.connect({ hostname: host, port });
    if (timedOut) {
      c.close();
      throw new Error("timed out");
    }
    conn = c;
    const hostHeader = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    await c.write(
      new TextEncoder().encode(
        `GET /json/version HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const chunks: Uint8Array[] = [];
    let total = 0;
    const buf = new Uint8Array(16 * 1024);
    while (total < 64 * 1024) {
      const n = await c.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
      total += n;
      const text = new TextDecoder().decode(concatBytes(...chunks));
      const parsed = parseHttpJson(text);
      if (parsed) return parsed;
    }
    const parsed = parseHttpJson(new TextDecoder().decode(concatBytes(...chunks)));
    if (!parsed) throw new Error("not a JSON answer");
    return parsed;
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimer(timer);
    try {
      conn?.close();
    } catch { /* already closed */ }
    work.catch(() => {}); // the loser of the race may still reject
  }
}

/** The JSON object of a complete `200` answer, or undefined (incomplete, not 200, not JSON). */
function parseHttpJson(text: string): Record<string, unknown> | undefined {
  const head = text.indexOf("\r\n\r\n");
  if (head < 0 || !/^HTTP\/1\.[01] 200 /.test(text)) return undefined;
  const body = text.slice(head + 4);
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start < 0 || end < start) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.slice(start, end + 1));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? parsed as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

function looksLikeInspector(json: Record<string, unknown>): boolean {
  return typeof json["V8-Version"] === "string" || typeof json["Protocol-Version"] === "string";
}

// ---------------------------------------------------------------------------------------------
// The scan

/**
 * Finds the inspectors `pid` has open: its listening ports other than `ownPorts`, confirmed by
 * `/json/version`. Linux only.
 *
 * @throws as {@linkcode listeningSocketsOf}
 */
export async function findProcessInspectors(
  pid: number,
  ownPorts: readonly number[],
  options: InspectorScanOptions = {},
): Promise<{ extraPorts: number[]; inspectors: InspectorEndpoint[] }> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const probe = options.probe ?? fetchJsonVersion;
  const sockets = listeningSocketsOf(pid, options.procRoot).filter((s) =>
    !ownPorts.includes(s.port)
  );
  const extraPorts = [...new Set(sockets.map((s) => s.port))].sort((a, b) => a - b);
  // One probe per (host, port): a dual-stack wildcard shows up in tcp and tcp6.
  const targets = new Map<string, ListeningSocket & { host: string }>();
  for (const s of sockets) {
    const host = probeHost(s.address);
    targets.set(`${host}|${s.port}`, { ...s, host });
  }
  const results = await Promise.all([...targets.values()].map(async (t) => {
    try {
      const json = await probe(t.host, t.port, timeoutMs);
      if (!looksLikeInspector(json)) return undefined;
      const endpoint: InspectorEndpoint = { host: t.host, port: t.port, boundAddress: t.address };
      if (typeof json.Browser === "string") endpoint.browser = json.Browser;
      if (typeof json["V8-Version"] === "string") endpoint.v8Version = json["V8-Version"];
      if (typeof json["Protocol-Version"] === "string") {
        endpoint.protocolVersion = json["Protocol-Version"];
      }
      return endpoint;
    } catch {
      return undefined; // not HTTP, not answering: not an inspector we can confirm
    }
  }));
  const seen = new Set<number>();
  const inspectors = results.filter((r): r is InspectorEndpoint => {
    if (!r || seen.has(r.port)) return false;
    seen.add(r.port);
    return true;
  });
  return { extraPorts, inspectors };
}

/** Looks for an open inspector in the gateway named by `<stateDir>/gateway.runtime.json`. */
export async function scanGatewayInspector(
  stateDir: string,
  options: InspectorScanOptions = {},
): Promise<InspectorScan> {
  const runtime = readGatewayRuntime(stateDir);
  if (!runtime || !isPidAlive(runtime.pid)) return { status: "not-running" };
  const pid = runtime.pid;
  const os = options.os ?? Deno.build.os;
  if (os !== "linux") {
    return {
      status: "skipped",
      pid,
      reason: `only supported on Linux (this is ${os})`,
    };
  }
  try {
    const found = await findProcessInspectors(pid, [runtime.port], options);
    return { status: "checked", pid, ...found };
  } catch (err) {
    const why = err instanceof Deno.errors.PermissionDenied
      ? `cannot read /proc/${pid}/fd (the gateway runs as another user)`
      : err instanceof Deno.errors.NotFound
      ? `pid ${pid} exited during the check`
      : `cannot read /proc/${pid}: ${err instanceof Error ? err.message : String(err)}`;
    return { status: "skipped", pid, reason: why };
  }
}

/** What to do about an open inspector. */
export const INSPECTOR_REMEDIATION =
  "Restart the gateway now (openclaw gateway restart, or stop and start it) so the debugger " +
  "closes; never send it SIGUSR1 (Deno opens a debugger on that signal; openclaw restarts with " +
  "SIGHUP) and never run it with --inspect, --inspect-brk or --inspect-wait";

/** Turns a scan into audit findings: critical per open inspector, info when skipped. */
export function inspectorFindings(scan: InspectorScan): SecurityFinding[] {
  if (scan.status === "not-running") return [];
  if (scan.status === "skipped") {
    return [{
      checkId: INSPECTOR_SKIPPED_CHECK_ID,
      severity: "info",
      title: "Debugger check skipped",
      detail: `Could not check the running gateway (pid ${scan.pid}) for an open V8 inspector: ` +
        scan.reason,
      remediation: "Make sure the gateway was not started with --inspect and was never sent " +
        "SIGUSR1 (restart it with openclaw gateway restart)",
    }];
  }
  return scan.inspectors.map((i) => ({
    checkId: INSPECTOR_OPEN_CHECK_ID,
    severity: "critical",
    title: "Gateway has a debugger port open",
    detail: `The running gateway (pid ${scan.pid}) has a V8 inspector listening on ` +
      `${i.boundAddress.includes(":") ? `[${i.boundAddress}]` : i.boundAddress}:${i.port}` +
      (i.v8Version ? ` (V8 ${i.v8Version})` : "") +
      ": it takes no credentials, so any local user (or anyone who can reach that address) " +
      "can run code inside the gateway and read its tokens",
    remediation: INSPECTOR_REMEDIATION,
  }));
}
