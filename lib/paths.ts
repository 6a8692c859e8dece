/**
 * Where openclaw keeps its files, and which port and bind it uses: profiles (`--dev`,
 * `--profile NAME`), the `OPENCLAW_*` variables and their precedence.
 *
 * Everything here is pure over an {@linkcode Env} snapshot, so tests pass their own.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "./errors.ts";

/** A read-only view of environment variables. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The default gateway port. */
export const DEFAULT_GATEWAY_PORT = 18789;
/** The dev profile's default gateway port. */
export const DEV_GATEWAY_PORT = 19001;
/** Bind modes the gateway understands. */
export const BIND_MODES = ["loopback", "lan", "tailnet", "auto", "custom"] as const;
/** One of {@link BIND_MODES}. */
export type BindMode = typeof BIND_MODES[number];

const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;

/** Returns the process environment as a plain object. */
export function processEnv(): Env {
  return Deno.env.toObject();
}

/** Returns the home directory: `OPENCLAW_HOME` > `HOME` > `USERPROFILE`. */
export function resolveHomeDir(env: Env = processEnv()): string {
  const home = env.OPENCLAW_HOME || env.HOME || env.USERPROFILE;
  if (!home) {
    throw new OpenClawError("HOME_UNKNOWN", "Cannot find the home directory: HOME is not set", {
      hint: "Set HOME or OPENCLAW_HOME",
    });
  }
  return home;
}

/** Expands a leading `~` or `~/` to the home directory. */
export function expandHome(path: string, env: Env = processEnv()): string {
  if (path === "~") return resolveHomeDir(env);
  if (path.startsWith("~/")) return joinPath(resolveHomeDir(env), path.slice(2));
  return path;
}

/** Replaces the home directory prefix of `path` with `~` for display. */
export function shortenHome(path: string, env: Env = processEnv()): string {
  const home = env.OPENCLAW_HOME || env.HOME;
  if (home && (path === home || path.startsWith(home + "/"))) return "~" + path.slice(home.length);
  return path;
}

/** Joins path segments with `/`, collapsing duplicate separators. */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/").replace(/\/{2,}/g, "/");
}

/** Returns the directory part of a path. */
export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : path.slice(0, i);
}

/**
 * Checks a profile name and returns it, or `undefined` for the default profile.
 *
 * @throws {OpenClawError} `PROFILE_INVALID` when the name has other characters than letters,
 *   digits, `_` and `-`.
 */
export function normalizeProfileName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  if (trimmed === "") {
    throw new OpenClawError("PROFILE_INVALID", "--profile requires a value", {
      exitCode: ExitCode.usage,
    });
  }
  if (!PROFILE_NAME.test(trimmed)) {
    throw new OpenClawError(
      "PROFILE_INVALID",
      'Invalid --profile (use letters, numbers, "_", "-" only)',
      { exitCode: ExitCode.usage, hint: `Got "${trimmed.slice(0, 40)}"` },
    );
  }
  return trimmed.toLowerCase() === "default" ? undefined : trimmed;
}

/** The global flags that choose a profile. */
export interface ProfileFlags {
  dev?: boolean;
  profile?: string;
}

/**
 * Returns the environment variables a profile flag sets. Values already present in `env` are
 * never overridden, so an explicit `OPENCLAW_STATE_DIR` beats `--profile`.
 *
 * @throws {OpenClawError} `PROFILE_CONFLICT` for `--dev` with `--profile`, `PROFILE_INVALID`
 *   for a bad name.
 */
export function profileEnv(flags: ProfileFlags, env: Env = processEnv()): Record<string, string> {
  if (flags.dev && flags.profile !== undefined) {
    throw new OpenClawError("PROFILE_CONFLICT", "Cannot combine --dev with --profile", {
      exitCode: ExitCode.usage,
      hint: "Use either --dev or --profile <name>",
    });
  }
  const profile = flags.dev ? "dev" : normalizeProfileName(flags.profile);
  if (profile === undefined) return {};
  const out: Record<string, string> = {};
  if (!env.OPENCLAW_PROFILE) out.OPENCLAW_PROFILE = profile;
  const stateDir = env.OPENCLAW_STATE_DIR
    ? expandHome(env.OPENCLAW_STATE_DIR, env)
    : joinPath(resolveHomeDir(env), `.openclaw-${profile}`);
  if (!env.OPENCLAW_STATE_DIR) out.OPENCLAW_STATE_DIR = stateDir;
  if (!env.OPENCLAW_CONFIG_PATH) out.OPENCLAW_CONFIG_PATH = joinPath(stateDir, "openclaw.json");
  return out;
}

/** Returns the active profile name, or `undefined` for the default profile. */
export function resolveProfile(env: Env = processEnv()): string | undefined {
  const raw = env.OPENCLAW_PROFILE;
  if (!raw) return undefined;
  try {
    return normalizeProfileName(raw);
  } catch {
    return undefined;
  }
}

/** Returns the state directory: `OPENCLAW_STATE_DIR`, else `~/.openclaw[-<profile>]`. */
export function resolveStateDir(env: Env = processEnv()): string {
  if (env.OPENCLAW_STATE_DIR) return expandHome(env.OPENCLAW_STATE_DIR, env);
  const profile = resolveProfile(env);
  return joinPath(resolveHomeDir(env), profile ? `.openclaw-${profile}` : ".openclaw");
}

/** Returns the config file path: `OPENCLAW_CONFIG_PATH`, else `<stateDir>/openclaw.json`. */
export function resolveConfigPath(env: Env = processEnv()): string {
  if (env.OPENCLAW_CONFIG_PATH) return expandHome(env.OPENCLAW_CONFIG_PATH, env);
  return joinPath(resolveStateDir(env), "openclaw.json");
}

/** Returns the default workspace: `OPENCLAW_WORKSPACE_DIR`, else `<stateDir>/workspace`. */
export function resolveDefaultWorkspace(env: Env = processEnv()): string {
  if (env.OPENCLAW_WORKSPACE_DIR) return expandHome(env.OPENCLAW_WORKSPACE_DIR, env);
  return joinPath(resolveStateDir(env), "workspace");
}

/**
 * Parses a TCP port; `source` names where it came from for the error.
 *
 * @throws {OpenClawError} `PORT_INVALID` unless it is an integer in 1-65535.
 */
export function parsePort(value: string | number, source: string): number {
  const n = typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new OpenClawError("PORT_INVALID", `Invalid port "${value}" from ${source}`, {
      hint: "Use an integer between 1 and 65535",
    });
  }
  return n;
}

/** Where a resolved port came from. */
export type PortSource = "cli" | "env" | "config" | "default";

/** Inputs to {@linkcode resolveGatewayPort}. */
export interface PortInputs {
  cliPort?: string | number;
  configPort?: number;
  env?: Env;
}

/** Returns the gateway port: `--port` > `OPENCLAW_GATEWAY_PORT` > `gateway.port` > default. */
export function resolveGatewayPort(inputs: PortInputs = {}): { port: number; source: PortSource } {
  const env = inputs.env ?? processEnv();
  if (inputs.cliPort !== undefined) {
    return { port: parsePort(inputs.cliPort, "--port"), source: "cli" };
  }
  if (env.OPENCLAW_GATEWAY_PORT) {
    return { port: parsePort(env.OPENCLAW_GATEWAY_PORT, "OPENCLAW_GATEWAY_PORT"), source: "env" };
  }
  if (inputs.configPort !== undefined) {
    return { port: parsePort(inputs.configPort, "gateway.port"), source: "config" };
  }
  const dev = resolveProfile(env) === "dev";
  return { port: dev ? DEV_GATEWAY_PORT : DEFAULT_GATEWAY_PORT, source: "default" };
}

/**
 * Returns the bind mode: CLI `--bind` > `gateway.bind` > `loopback`.
 *
 * @throws {OpenClawError} `BIND_INVALID` for an unknown CLI value.
 */
export function resolveGatewayBind(cliBind?: string, configBind?: BindMode): BindMode {
  if (cliBind !== undefined) {
    if (!(BIND_MODES as readonly string[]).includes(cliBind)) {
      throw new OpenClawError(
        "BIND_INVALID",
        'Invalid --bind (use "loopback", "lan", "tailnet", "auto", or "custom")',
        { exitCode: ExitCode.usage },
      );
    }
    return cliBind as BindMode;
  }
  return configBind ?? "loopback";
}

/**
 * Returns the global flags that select the active profile, for printed hints: `--dev`,
 * `--profile NAME`, or `""` for the default profile.
 */
export function profileArgs(env: Env = processEnv()): string {
  const profile = resolveProfile(env);
  if (profile === undefined) return "";
  return profile === "dev" ? "--dev" : `--profile ${profile}`;
}

/** Returns `openclaw [profile flags] <rest>`: a command to print that reaches the same state. */
export function openclawCommand(rest: string, env: Env = processEnv()): string {
  return ["openclaw", profileArgs(env), rest].filter((p) => p !== "").join(" ");
}
