/**
 * The environment written into a service definition. It is built from scratch (never copied from
 * the installing shell), so secrets such as `OPENCLAW_GATEWAY_TOKEN` can never leak into it: the
 * gateway reads its token from the config at run time, so it can be rotated.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { type Env, joinPath } from "../paths.ts";
import { VERSION } from "../version.ts";
import { serviceHomeDir, type ServiceIdentity, type ServicePlatform } from "./identity.ts";

/** The service manager a definition is written for. */
export type ServiceManagerKind = "systemd" | "launchd";

/** Keys `gateway status` shows from a service's environment. */
export const STATUS_ENV_KEYS = [
  "OPENCLAW_PROFILE",
  "OPENCLAW_STATE_DIR",
  "OPENCLAW_CONFIG_PATH",
  "OPENCLAW_GATEWAY_PORT",
] as const;

/** Secret-bearing keys that must not sit in a service definition. */
export const SECRET_ENV_KEYS = ["OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"] as const;

/** User bin directories (relative to home) put on the service `PATH` when they exist. */
const USER_BIN_DIRS = [
  ".local/bin",
  ".deno/bin",
  ".npm-global/bin",
  "bin",
  ".volta/bin",
  ".bun/bin",
  ".local/share/pnpm",
];

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** Returns the minimal service `PATH`: existing user bin dirs, then the system dirs. */
export function minimalServicePath(env: Env, platform: ServicePlatform): string {
  const home = serviceHomeDir(env);
  const dirs = USER_BIN_DIRS.map((d) => joinPath(home, d)).filter(isDir);
  if (platform === "darwin") dirs.push("/opt/homebrew/bin");
  dirs.push("/usr/local/bin", "/usr/bin", "/bin");
  return [...new Set(dirs)].join(":");
}

/** Inputs to {@linkcode buildServiceEnvironment}. */
export interface ServiceEnvironmentOptions {
  env: Env;
  platform: ServicePlatform;
  manager: ServiceManagerKind;
  identity: ServiceIdentity;
  port: number;
  stateDir: string;
  configPath: string;
}

/**
 * Returns the variables to write into the service, in a stable order.
 *
 * @throws {OpenClawError} `SERVICE_ENV_INVALID` when a value contains CR or LF.
 */
export function buildServiceEnvironment(opts: ServiceEnvironmentOptions): Record<string, string> {
  const out: Record<string, string> = {
    HOME: serviceHomeDir(opts.env),
    PATH: minimalServicePath(opts.env, opts.platform),
  };
  if (opts.identity.profile) out.OPENCLAW_PROFILE = opts.identity.profile;
  out.OPENCLAW_STATE_DIR = opts.stateDir;
  out.OPENCLAW_CONFIG_PATH = opts.configPath;
  out.OPENCLAW_GATEWAY_PORT = String(opts.port);
  if (opts.manager === "systemd") out.OPENCLAW_SYSTEMD_UNIT = opts.identity.systemdUnit;
  else out.OPENCLAW_LAUNCHD_LABEL = opts.identity.launchdLabel;
  out.OPENCLAW_SERVICE_MARKER = "openclaw";
  out.OPENCLAW_SERVICE_KIND = "gateway";
  out.OPENCLAW_SERVICE_VERSION = VERSION;
  assertServiceEnvironment(out);
  return out;
}

/**
 * Checks that no key or value can break the definition's line structure.
 *
 * @throws {OpenClawError} `SERVICE_ENV_INVALID` naming the variable.
 */
export function assertServiceEnvironment(env: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new OpenClawError(
        "SERVICE_ENV_INVALID",
        `Cannot write service environment variable "${key.slice(0, 40)}": not a valid name`,
        { hint: "Use letters, digits and _ only" },
      );
    }
    if (/[\r\n]/.test(value)) {
      throw new OpenClawError(
        "SERVICE_ENV_INVALID",
        `Cannot write service environment variable ${key}: its value contains a line break`,
        { hint: `Remove the CR/LF from ${key} (check OPENCLAW_* variables and the profile name)` },
      );
    }
  }
}

/** Returns only the {@link STATUS_ENV_KEYS} of a service environment. */
export function statusEnvironment(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of STATUS_ENV_KEYS) if (env[k] !== undefined) out[k] = env[k];
  return out;
}

/** Returns `env` with the values of {@link SECRET_ENV_KEYS} masked, for display. */
export function redactServiceEnvironment(
  env: Readonly<Record<string, string>>,
): Record<string, string> {
  const out = { ...env };
  for (const k of SECRET_ENV_KEYS) if (out[k] !== undefined) out[k] = "***";
  return out;
}
