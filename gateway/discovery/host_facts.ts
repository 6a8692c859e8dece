/**
 * Facts about this machine the beacon is built from: its names, whether it runs in a container
 * (mDNS stays off there by default), where the `openclaw` binary is, and the SSH port to
 * advertise. Every probe is best-effort and bounded; none throws.
 *
 * @module
 */
import type { HostFacts } from "../../lib/discovery/settings.ts";
import type { Env } from "../../lib/paths.ts";
import { runCommand } from "../../lib/service/exec.ts";

/** The system host name, or `openclaw` when it cannot be read. */
export function systemHostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "openclaw";
  }
}

/**
 * The names the instance name is made from, best first: on macOS the ComputerName and the
 * LocalHostName (`scutil`), then the host name everywhere.
 */
export async function machineNameCandidates(): Promise<string[]> {
  const names: string[] = [];
  if (Deno.build.os === "darwin") {
    for (const key of ["ComputerName", "LocalHostName"]) {
      const r = await runCommand("scutil", ["--get", key], { timeoutMs: 2_000 });
      if (r.code === 0 && r.stdout.trim()) names.push(r.stdout.trim());
    }
  }
  names.push(systemHostname());
  return names;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** True inside Docker, Podman, containerd, Kubernetes, LXC or Fly.io. */
export function detectContainer(env: Env): boolean {
  if (exists("/.dockerenv") || exists("/run/.containerenv")) return true;
  if (env.container || env.KUBERNETES_SERVICE_HOST || env.FLY_APP_NAME) return true;
  try {
    const cgroup = Deno.readTextFileSync("/proc/1/cgroup");
    return /docker|containerd|kubepods|lxc/.test(cgroup);
  } catch {
    return false;
  }
}

/** The host facts the mDNS default depends on. */
export function hostFacts(env: Env): HostFacts {
  return { os: Deno.build.os, inContainer: detectContainer(env) };
}

/** `OPENCLAW_CLI_PATH`, else this binary when it is a compiled `openclaw`. */
export function cliPathOf(env: Env): string | undefined {
  if (env.OPENCLAW_CLI_PATH?.trim()) return env.OPENCLAW_CLI_PATH.trim();
  const exec = Deno.execPath();
  return /(^|\/)openclaw[^/]*$/.test(exec) ? exec : undefined;
}

/** `OPENCLAW_SSH_PORT` when it is a valid port. */
export function sshPortOf(env: Env): number | undefined {
  const raw = env.OPENCLAW_SSH_PORT?.trim();
  if (!raw || !/^\d{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : undefined;
}
