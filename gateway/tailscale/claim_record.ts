/**
 * The note a gateway leaves about its live Tailscale claim (`<stateDir>/tailscale/claim.json`:
 * the claim process id and the local port its route targets), so the next start can end a
 * claim a killed gateway left running and remove a route it left behind — one route, never a
 * pile of them.
 *
 * @module
 */
import { z } from "zod";
import { ensureDir, writeFileAtomic } from "../../lib/fs/atomic.ts";
import { joinPath } from "../../lib/paths.ts";

const ClaimRecordSchema = z.object({
  pid: z.number().int().positive(),
  mode: z.enum(["serve", "funnel"]),
  /** The local port the route proxies to. */
  targetPort: z.number().int().min(1).max(65535),
  gatewayPort: z.number().int().min(1).max(65535),
  startedAt: z.string(),
});

/** What a gateway records about its claim. */
export type ClaimRecord = z.infer<typeof ClaimRecordSchema>;

function recordPath(stateDir: string): string {
  return joinPath(stateDir, "tailscale", "claim.json");
}

/** Reads the claim note; a missing or unreadable one is `undefined`. */
export function readClaimRecord(stateDir: string): ClaimRecord | undefined {
  try {
    const parsed = ClaimRecordSchema.safeParse(
      JSON.parse(Deno.readTextFileSync(recordPath(stateDir))),
    );
    return parsed.success ? parsed.data : undefined;
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
    await new Promise((r) => setTimeout(r, 50));
  }
  signal("SIGKILL");
  return true;
}
