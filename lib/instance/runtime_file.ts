/**
 * The runtime file a running gateway keeps in its state directory, so `openclaw gateway status`
 * can say what runs (pid, port, version, start time) without a service manager. It is a hint,
 * not a lock: the port is the lock, and a stale file (its pid gone) is reported as stale.
 *
 * @module
 */
import { writeFileAtomic } from "../fs/atomic.ts";
import { joinPath } from "../paths.ts";

/** What a running gateway records about itself. */
export interface GatewayRuntimeInfo {
  pid: number;
  port: number;
  /** The address it listens on, e.g. `127.0.0.1`. */
  host: string;
  bind: string;
  version: string;
  /** ISO-8601 start time. */
  startedAt: string;
  configPath: string;
  logFile?: string;
  /** The WebSocket URL local clients use. */
  url: string;
}

/** Returns the runtime file path for a state directory. */
export function gatewayRuntimePath(stateDir: string): string {
  return joinPath(stateDir, "gateway.runtime.json");
}

/**
 * Writes the runtime file (0600, atomically), creating the state directory (0700) when a start
 * without config (`--allow-unconfigured`) found none.
 */
export function writeGatewayRuntime(stateDir: string, info: GatewayRuntimeInfo): void {
  Deno.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(gatewayRuntimePath(stateDir), JSON.stringify(info, null, 2) + "\n", {
    mode: 0o600,
    durable: false,
  });
}

/** Removes the runtime file if it still names `pid` (a newer gateway may have replaced it). */
export function removeGatewayRuntime(stateDir: string, pid = Deno.pid): void {
  const current = readGatewayRuntime(stateDir);
  if (current && current.pid !== pid) return;
  try {
    Deno.removeSync(gatewayRuntimePath(stateDir));
  } catch { /* already gone */ }
}

/** Reads the runtime file; `undefined` when missing or unreadable. */
export function readGatewayRuntime(stateDir: string): GatewayRuntimeInfo | undefined {
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(gatewayRuntimePath(stateDir)));
    if (typeof parsed?.pid !== "number" || typeof parsed?.port !== "number") return undefined;
    return parsed as GatewayRuntimeInfo;
  } catch {
    return undefined;
  }
}

/** Returns true when a process with `pid` exists (signal 0 semantics via /proc where possible). */
export function isPidAlive(pid: number): boolean {
  if (Deno.build.os === "linux") {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      // A zombie has exited; only its parent has not reaped it yet.
      return !/^\d+ \(.*\) Z /.test(stat);
    } catch {
      return false;
    }
  }
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch (err) {
    return err instanceof Deno.errors.PermissionDenied;
  }
}
