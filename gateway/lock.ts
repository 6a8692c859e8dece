/**
 * The gateway lock is the listening socket itself (seed "Gateway Lock Mechanism"): the OS frees
 * the port when the process dies, so there is no lock file to clean up. This module names the
 * error for a taken port and implements `gateway --force`: find who holds the port, stop them.
 *
 * @module
 */
import { OpenClawError } from "../lib/errors.ts";
import { delay } from "../lib/timers.ts";

/** A process listening on a TCP port. */
export interface PortListener {
  pid: number;
  /** The process's command line (or command name from lsof); "" when unreadable. */
  command: string;
}

function formatHostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * Returns the error for a port another gateway (or anything else) already listens on.
 *
 * @example
 * ```ts
 * gatewayLockError("127.0.0.1", 18789).message;
 * // "GatewayLockError: another gateway instance is already listening on ws://127.0.0.1:18789"
 * ```
 */
export function gatewayLockError(host: string, port: number, cause?: unknown): OpenClawError {
  return new OpenClawError(
    "GATEWAY_LOCKED",
    `GatewayLockError: another gateway instance is already listening on ws://${
      formatHostForUrl(host)
    }:${port}`,
    { hint: "Use --port <other-port>, or --force to stop the process holding it", cause },
  );
}

// ---------------------------------------------------------------------------------------------
// Finding listeners

const TCP_LISTEN = "0A";

interface ProcSocket {
  inode: string;
  uid: number;
}

/** LISTEN sockets on `port` from /proc/net/tcp{,6}; `undefined` when /proc is unavailable. */
function procListenSockets(port: number): ProcSocket[] | undefined {
  const out: ProcSocket[] = [];
  let readAny = false;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = Deno.readTextFileSync(file);
      readAny = true;
    } catch {
      continue; // no IPv6, or not Linux
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== TCP_LISTEN) continue;
      const localPort = parseInt(f[1].slice(f[1].lastIndexOf(":") + 1), 16);
      if (localPort === port && f[9] !== "0") out.push({ inode: f[9], uid: Number(f[7]) });
    }
  }
  return readAny ? out : undefined;
}

function readCmdline(pid: number): string {
  try {
    const raw = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
    return raw.split("\0").filter((s) => s !== "").join(" ");
  } catch {
    return "";
  }
}

/** Maps socket inodes to the processes holding them, via the `/proc/<pid>/fd/*` symlinks. */
function procOwners(inodes: ReadonlySet<string>): PortListener[] {
  const found = new Map<number, PortListener>();
  let procEntries: Iterable<Deno.DirEntry>;
  try {
    procEntries = Deno.readDirSync("/proc");
  } catch {
    return [];
  }
  for (const entry of procEntries) {
    if (!/^\d+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    let fds: Iterable<Deno.DirEntry>;
    try {
      fds = Deno.readDirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or it just exited
    }
    try {
      for (const fd of fds) {
        let target: string;
        try {
          target = Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`);
        } catch {
          continue;
        }
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1])) {
          found.set(pid, { pid, command: readCmdline(pid) });
          break;
        }
      }
    } catch { /* the process exited while we iterated its fds */ }
  }
  return [...found.values()].sort((a, b) => a.pid - b.pid);
}

/** Parses `lsof -F pc` output: `p<pid>` starts a process, `c<command>` names it. */
function parseLsofFields(text: string): PortListener[] {
  const found = new Map<number, PortListener>();
  let current: PortListener | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("p")) {
      const pid = Number(line.slice(1));
      if (!Number.isInteger(pid) || pid <= 0) {
        current = undefined;
        continue;
      }
      current = found.get(pid) ?? { pid, command: "" };
      found.set(pid, current);
    } else if (line.startsWith("c") && current) {
      current.command = line.slice(1);
    }
  }
  return [...found.values()].sort((a, b) => a.pid - b.pid);
}

async function lsofListeners(port: number): Promise<PortListener[]> {
  try {
    const out = await new Deno.Command("lsof", {
      args: ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-Fpc"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    // lsof exits 1 when nothing matched; its output is still the answer.
    return parseLsofFields(new TextDecoder().decode(out.stdout));
  } catch {
    return []; // lsof missing or not permitted
  }
}

/**
 * Returns the processes listening on TCP `port` (any address). Reads /proc on Linux and falls
 * back to `lsof`; never throws, and returns `[]` when it cannot tell.
 */
export async function findPortListeners(port: number): Promise<PortListener[]> {
  const sockets = procListenSockets(port);
  if (sockets && sockets.length > 0) {
    const owners = procOwners(new Set(sockets.map((s) => s.inode)));
    if (owners.length > 0) return owners;
  }
  // /proc said "nobody listens": trust it rather than paying for an lsof run.
  if (sockets && sockets.length === 0) return [];
  return await lsofListeners(port);
}

// ---------------------------------------------------------------------------------------------
// Freeing a port

/** Returns true when nothing listens on `port` and we could bind it. */
async function portIsFree(port: number): Promise<boolean> {
  const sockets = procListenSockets(port);
  if (sockets && sockets.length > 0) return false;
  for (const hostname of ["0.0.0.0", "127.0.0.1"]) {
    try {
      const probe = Deno.listen({ hostname, port, transport: "tcp" });
      probe.close();
    } catch (err) {
      if (err instanceof Deno.errors.AddrInUse) return false;
      // AddrNotAvailable (no such interface) or a permission problem: this address says nothing.
    }
  }
  // An IPv6-only holder (e.g. [::1]) does not block the IPv4 probes; ask the listener list too.
  if (!sockets) return (await lsofListeners(port)).length === 0;
  return true;
}

const POLL_MS = 100;

async function waitForFree(port: number, budgetMs: number): Promise<boolean> {
  const deadline = Date.now() + budgetMs;
  while (true) {
    if (await portIsFree(port)) return true;
    if (Date.now() >= deadline) return false;
    await delay(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

/** A signal {@linkcode freePort} sent. */
export interface KilledListener extends PortListener {
  /** The strongest signal sent to this pid. */
  signal: "SIGTERM" | "SIGKILL";
}

/** Options for {@linkcode freePort}. */
export interface FreePortOptions {
  /** How long holders get to exit after SIGTERM before SIGKILL. @default 5000 */
  graceMs?: number;
  /** Never signal this pid. @default Deno.pid */
  selfPid?: number;
  /** Receives progress lines (`force: killed pid ...`). */
  log?: (line: string) => void;
}

/** What {@linkcode freePort} did. */
export interface FreePortResult {
  killed: KilledListener[];
}

function describe(l: PortListener): string {
  return l.command ? `pid ${l.pid} (${l.command})` : `pid ${l.pid}`;
}

/** Sends `signal`; returns an error text when the kill was refused, undefined otherwise. */
function sendSignal(pid: number, signal: Deno.Signal): string | undefined {
  try {
    Deno.kill(pid, signal);
    return undefined;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined; // already gone: fine
    if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
    return err instanceof Error ? err.message : String(err);
  }
}

function portBusyError(
  port: number,
  holders: readonly PortListener[],
  selfPid: number,
  failures: ReadonlyMap<number, string>,
): OpenClawError {
  const parts = holders.map((h) => {
    const why = h.pid === selfPid ? "this process" : failures.get(h.pid);
    return why ? `${describe(h)}: ${why}` : describe(h);
  });
  const uids = [...new Set((procListenSockets(port) ?? []).map((s) => s.uid))];
  const owner = uids.length > 0 ? ` (socket owned by uid ${uids.join(", ")})` : "";
  const who = parts.length > 0
    ? `still held by ${parts.join(", ")}`
    : `still in use by a process we cannot see${owner}`;
  const pid = holders.find((h) => h.pid !== selfPid)?.pid;
  return new OpenClawError("PORT_BUSY", `Cannot free port ${port}: ${who}`, {
    hint: pid !== undefined
      ? `Stop it yourself (kill ${pid}, with sudo if it belongs to another user), or use --port <other-port>`
      : "Find the holder with `sudo lsof -nP -iTCP:" + port +
        " -sTCP:LISTEN`, or use --port <other-port>",
    details: { port, holders, failures: Object.fromEntries(failures) },
  });
}

/**
 * Stops whatever listens on `port` (`gateway --force`): SIGTERM to each holder except ourselves,
 * up to `graceMs` for the port to free, then SIGKILL for survivors.
 *
 * @throws {OpenClawError} `PORT_BUSY` naming the holder when the port still cannot be bound
 *   (e.g. it belongs to another user and kill was refused).
 */
export async function freePort(
  port: number,
  options: FreePortOptions = {},
): Promise<FreePortResult> {
  const graceMs = options.graceMs ?? 5000;
  const selfPid = options.selfPid ?? Deno.pid;
  const log = options.log ?? (() => {});
  if (!Number.isFinite(graceMs) || graceMs < 0) {
    throw new RangeError(`Cannot free port ${port}: graceMs must be >= 0, got ${graceMs}`);
  }
  const killed = new Map<number, KilledListener>();
  const failures = new Map<number, string>();
  const started = Date.now();

  const holders = await findPortListeners(port);
  const targets = holders.filter((h) => h.pid !== selfPid);
  if (holders.length === 0 && await portIsFree(port)) {
    log(`force: no listeners on port ${port}`);
    return { killed: [] };
  }

  for (const t of targets) {
    const failure = sendSignal(t.pid, "SIGTERM");
    if (failure) {
      failures.set(t.pid, `kill: ${failure}`);
      continue;
    }
    killed.set(t.pid, { ...t, signal: "SIGTERM" });
    log(`force: killed ${describe(t)} on port ${port}`);
  }

  // Waiting only helps when some signal was delivered.
  if (killed.size > 0 && !(await waitForFree(port, graceMs))) {
    const survivors = (await findPortListeners(port)).filter((h) => h.pid !== selfPid);
    if (survivors.length > 0) log(`force: escalated to SIGKILL while freeing port ${port}`);
    for (const s of survivors) {
      const failure = sendSignal(s.pid, "SIGKILL");
      if (failure) {
        failures.set(s.pid, `kill: ${failure}`);
        continue;
      }
      killed.set(s.pid, { ...s, signal: "SIGKILL" });
    }
    // SIGKILL cannot be ignored; the wait only covers the kernel tearing the process down.
    await waitForFree(port, Math.max(1000, Math.min(graceMs, 5000)));
  }

  if (!(await portIsFree(port))) {
    throw portBusyError(port, await findPortListeners(port), selfPid, failures);
  }
  if (killed.size > 0) log(`force: waited ${Date.now() - started}ms for port ${port} to free`);
  return { killed: [...killed.values()] };
}
