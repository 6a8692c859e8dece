/**
 * Which service manager this machine has: launchd on macOS, the systemd user manager on Linux
 * when `systemctl --user` answers, otherwise none, with the reason and how to run the gateway in
 * the foreground instead (containers and WSL without systemd must be told, never fail silently).
 *
 * @module
 */
import { type Env, processEnv, resolveProfile } from "../paths.ts";
import { commandDetail, findOnPath } from "./exec.ts";
import { resolveServiceIdentity, resolveServicePlatform } from "./identity.ts";
import { createLaunchdManager } from "./launchd.ts";
import { createSystemdManager, systemctl, userBusMissing } from "./systemd.ts";
import type { ServiceManager } from "./types.ts";

/** A service manager was found. */
export interface ManagerFound {
  kind: "systemd" | "launchd";
  manager: ServiceManager;
}

/** No usable service manager. */
export interface ManagerMissing {
  kind: "none";
  /** One line: why there is none. */
  reason: string;
  /** What to do instead, most useful first. */
  hints: string[];
}

/** The outcome of {@linkcode detectServiceManager}. */
export type ManagerDetection = ManagerFound | ManagerMissing;

/** Returns `openclaw [--dev|--profile p] <rest>` for the active profile, for hints. */
export function cliCommand(rest: string, env: Env = processEnv()): string {
  const profile = resolveProfile(env);
  const flag = !profile ? "" : profile === "dev" ? "--dev " : `--profile ${profile} `;
  return `openclaw ${flag}${rest}`;
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Returns `"wsl"`, `"container"` or `undefined`: environments that often lack systemd. */
export function detectLinuxEnvironment(env: Env = processEnv()): "wsl" | "container" | undefined {
  if (env.WSL_DISTRO_NAME || /microsoft/i.test(readText("/proc/sys/kernel/osrelease"))) {
    return "wsl";
  }
  if (env.container || exists("/.dockerenv") || exists("/run/.containerenv")) return "container";
  return undefined;
}

function missing(reason: string, env: Env, extra: string[] = []): ManagerMissing {
  return {
    kind: "none",
    reason,
    hints: [...extra, `Run the gateway in the foreground: ${cliCommand("gateway", env)}`],
  };
}

/** Why systemd user services cannot be used here, or undefined when `systemctl --user` answers. */
async function systemdUnavailable(env: Env): Promise<string | undefined> {
  const notAvailable = "systemctl not available; systemd user services are required on Linux.";
  if (!findOnPath("systemctl", env)) return notAvailable;
  const noBus = userBusMissing(env);
  if (noBus) return `systemctl --user unavailable: ${noBus}`;
  const probe = await systemctl(["status"], { env, timeoutMs: 5_000 });
  if (probe.code === 0) return undefined;
  return probe.notFound ? notAvailable : `systemctl --user unavailable: ${commandDetail(probe)}`;
}

/** Finds the service manager for the active profile. */
export async function detectServiceManager(
  options: { env?: Env } = {},
): Promise<ManagerDetection> {
  const env = options.env ?? processEnv();
  const platform = resolveServicePlatform(env);
  const identity = resolveServiceIdentity(env);
  if (platform === "darwin") {
    if (!findOnPath("launchctl", env)) {
      return missing("launchctl not available; LaunchAgents require macOS launchd.", env);
    }
    return { kind: "launchd", manager: createLaunchdManager(identity, env) };
  }
  if (platform === "windows") {
    return missing("Scheduled Task services are not supported on Windows yet.", env);
  }
  if (platform !== "linux") {
    return missing(`No supported service manager on ${Deno.build.os}.`, env);
  }
  const reason = await systemdUnavailable(env);
  if (reason === undefined) {
    return { kind: "systemd", manager: createSystemdManager(identity, env) };
  }
  const where = detectLinuxEnvironment(env);
  const extra = where === "wsl"
    ? [
      "WSL: enable systemd in /etc/wsl.conf ([boot] systemd=true), run `wsl --shutdown`, then retry",
    ]
    : where === "container"
    ? ["Containers usually run without systemd: make `openclaw gateway` the container's command"]
    : [
      "Headless login? Set XDG_RUNTIME_DIR=/run/user/$(id -u) and check `systemctl --user status`",
    ];
  return missing(reason, env, extra);
}
