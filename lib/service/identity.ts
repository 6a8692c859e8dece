/**
 * Names and places of the gateway service: the systemd user unit and the macOS LaunchAgent
 * label, suffixed by the profile so several gateways can be installed side by side.
 *
 * @module
 */
import { type Env, joinPath, processEnv, resolveHomeDir, resolveProfile } from "../paths.ts";
import { VERSION } from "../version.ts";

/** The platforms the service code distinguishes. */
export type ServicePlatform = "linux" | "darwin" | "windows" | "other";

/**
 * Returns the platform whose service manager is used. `OPENCLAW_SERVICE_PLATFORM`
 * (`linux`|`darwin`|`windows`) overrides the real OS: a test and diagnostic switch that lets the
 * launchd path run on Linux against a fake `launchctl`.
 */
export function resolveServicePlatform(env: Env = processEnv()): ServicePlatform {
  const raw = (env.OPENCLAW_SERVICE_PLATFORM ?? "").trim().toLowerCase();
  const os = raw || Deno.build.os;
  if (os === "linux" || os === "darwin" || os === "windows") return os;
  return "other";
}

/** Who the service is. */
export interface ServiceIdentity {
  /** The named profile, or `undefined` for the default one. */
  profile?: string;
  /** systemd unit name with its `.service` suffix. */
  systemdUnit: string;
  /** launchd label. */
  launchdLabel: string;
  /** Unit `Description=` / plist `Comment`. */
  description: string;
}

/** Returns `OpenClaw Gateway`, or `OpenClaw Gateway (profile: <p>, v<version>)`. */
export function serviceDescription(profile: string | undefined, version = VERSION): string {
  return profile ? `OpenClaw Gateway (profile: ${profile}, v${version})` : "OpenClaw Gateway";
}

function normalizeUnitName(name: string): string {
  return name.endsWith(".service") ? name : `${name}.service`;
}

/** Returns the service identity for the active profile; the `OPENCLAW_*` overrides win. */
export function resolveServiceIdentity(env: Env = processEnv()): ServiceIdentity {
  const profile = resolveProfile(env);
  const unitOverride = env.OPENCLAW_SYSTEMD_UNIT?.trim();
  const labelOverride = env.OPENCLAW_LAUNCHD_LABEL?.trim();
  return {
    profile,
    systemdUnit: normalizeUnitName(
      unitOverride || (profile ? `openclaw-gateway-${profile}` : "openclaw-gateway"),
    ),
    launchdLabel: labelOverride || (profile ? `ai.openclaw.${profile}` : "ai.openclaw.gateway"),
    description: serviceDescription(profile),
  };
}

/**
 * Returns the OS account's home: `HOME` first, since systemd and launchd read their files from
 * the real home even when `OPENCLAW_HOME` relocates openclaw's own state.
 */
export function serviceHomeDir(env: Env = processEnv()): string {
  return env.HOME || resolveHomeDir(env);
}

/** Returns `$XDG_CONFIG_HOME/systemd/user` (default `~/.config/systemd/user`). */
export function systemdUserDir(env: Env = processEnv()): string {
  const base = env.XDG_CONFIG_HOME?.startsWith("/")
    ? env.XDG_CONFIG_HOME
    : joinPath(serviceHomeDir(env), ".config");
  return joinPath(base, "systemd", "user");
}

/** Returns the path of the unit file for `identity`. */
export function systemdUnitPath(identity: ServiceIdentity, env: Env = processEnv()): string {
  return joinPath(systemdUserDir(env), identity.systemdUnit);
}

/** Returns `~/Library/LaunchAgents/<label>.plist`. */
export function launchAgentPlistPath(identity: ServiceIdentity, env: Env = processEnv()): string {
  return joinPath(serviceHomeDir(env), "Library", "LaunchAgents", `${identity.launchdLabel}.plist`);
}
