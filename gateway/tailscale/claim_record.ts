/**
 * The note a gateway leaves about its live Tailscale claim (`<stateDir>/tailscale/claim.json`:
 * the claim process id and the local port its route targets), so the next start can end a
 * claim a killed gateway left running and remove a route it left behind -- one route, never a
 * pile of them.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../../lib/fs/atomic.ts";
import { joinPath } from "../../lib/paths.ts";
import { delay } from "../../lib/timers.ts";

/** What a gateway records about its claim. */
export interface ClaimRecord {
  /** The claim process (`tailscale serve|funnel --bg=false`). */
  pid: number;
  mode: "serve" | "funnel";
  /** The local port the route proxies to. */
  targetPort: number;
  gatewayPort: number;
  startedAt: string;
}

/** A record is about 120 bytes; anything much bigger is not ours. */
const MAX_RECORD_BYTES = 64 * 1024;

function recordPath(stateDir: string): string {
  return joinPath(stateDir, "tailscale", "claim.json");
}

function isPort(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
}

/**
 * The record in parsed JSON, or `undefined` when any field is missing or of the wrong kind
 * (a safe positive integer pid, `serve` or `funnel`, ports 1-65535, a string time); other
 * fields are dropped. Hand-written rather than a schema so the gateway's start stays light.
 */
export function toClaimRecord(raw: unknown): ClaimRecord | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const field = (key: string): unknown =>
    Object.hasOwn(raw, key) ? (raw as Record<string, unknown>)[key] : undefined;
  const pid = field("pid");
  const mode = field("mode");
  const targetPort = field("targetPort");
  const gatewayPort = field("gatewayPort");
  const startedAt = field("startedAt");
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return undefined;
  if (mode !== "serve" && mode !== "funnel") return undefined;
  if (!isPort(targetPort) || !isPort(gatewayPort)) return undefined;
  if (typeof startedAt !== "string") return undefined;
  return { pid: pid as number, mode, targetPort, gatewayPort, startedAt };
}

/** Reads the claim note; a missing, oversized or unreadable one is `undefined`. */
export function readClaimRecord(stateDir: string): ClaimRecord | undefined {
  try {
    const path = recordPath(stateDir);
    if (Deno.statSync(path).size > MAX_RECORD_BYTES) return undefined;
    return toClaimRecord(JSON.parse(Deno.readTextFileSync(path)));
  } catch {
    return undefined;
  }
}

/** Writes the claim note (0600; the directory 0700). */
export function writeClaimRecord(stateDir: string, record: ClaimRecord): void {
  ensureDir(joinPath(stateDir, "tailscale"), 0o700);
  writeFileAtomic(recordPath(stateDir), JSON.stringify(record) + "\n", { durable: false });
}

/** Removes the claim note. */
export function removeClaimRecord(stateDir: string): void {
  try {
    Deno.removeSync(recordPath(stateDir));
  } catch { /* already gone */ }
}

/** The command line of a process, or `undefined` when it is gone (Linux `/proc`, else `ps`). */
async function commandLineOf(pid: number): Promise<string | undefined> {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
  } catch (err) {
    if (Deno.build.os === "linux" || !(err instanceof Deno.errors.NotFound)) return undefined;
  }
  try {
    const out = await new Deno.Command("ps", {
      args: ["-p", String(pid), "-o", "command="],
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    return out.success && text ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ends the claim process a previous gateway left running (it was killed before it could),
 * when that pid is still a `tailscale serve|funnel` process. Returns true when one was ended.
 */
export async function endStaleClaim(record: ClaimRecord, waitMs = 2_000): Promise<boolean> {
  const cmd = await commandLineOf(record.pid);
  if (!cmd || !/tailscale/.test(cmd) || !/\b(serve|funnel)\b/.test(cmd)) return false;
  const signal = (sig: Deno.Signal) => {
    try {
      Deno.kill(record.pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal("SIGTERM")) return false;
  const deadline = performance.now() + waitMs;
  while (performance.now() < deadline) {
    // A zombie (exited, not yet reaped) has an empty command line: it is gone too.
    if (!(await commandLineOf(record.pid))) return true;
    await delay(50);
  }
  signal("SIGKILL");
  return true;
}
