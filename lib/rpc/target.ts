/**
 * Which gateway a CLI command talks to, and with which credentials: `--url` (explicit
 * credentials only) > `OPENCLAW_GATEWAY_URL` > `gateway.mode: "remote"` + `gateway.remote.url` >
 * the local gateway (its runtime file, else port/bind from the config). Reads the config without
 * the schema, so query commands stay fast and work when the config does not validate. When the
 * config does not even parse, a running local gateway is still reached: its runtime file has the
 * port and the credential the config held (the gateway keeps serving its last good config).
 *
 * @module
 */
import { getAtPath } from "../config/path.ts";
import { isSecretRef } from "../config/secret_ref.ts";
import {
  type ConfigReadProblem,
  describeConfigReadError,
  parseConfigText,
  readConfigFile,
  resolveIncludes,
  substituteEnvVars,
} from "../config/read.ts";
import { configEnvVars } from "../env.ts";
import { OpenClawError } from "../errors.ts";
import { clientCredentials, type GatewayAuthConfigView } from "../auth/resolve.ts";
import { isPidAlive, readGatewayRuntime } from "../instance/runtime_file.ts";
import { resolveConfigPath, resolveGatewayPort, resolveStateDir } from "../paths.ts";

/** Flags shared by query commands. */
export interface TargetFlags {
  url?: string;
  token?: string;
  password?: string;
}

/** A resolved target. */
export interface GatewayTarget {
  url: string;
  token?: string;
  password?: string;
  /** Where the URL came from. */
  source: "cli" | "env" | "remote-config" | "runtime" | "config";
  isLocal: boolean;
  /** The config as read (raw, `${VAR}` substituted where possible), or `{}`. */
  config: Record<string, unknown>;
  configPath: string;
  configExists: boolean;
  /** Why the config file could not be read (syntax error, `$include`, permissions). */
  configProblem?: ConfigReadProblem;
  /** Where the credential came from when it is not the config: `runtime` = the runtime file. */
  credentialSource?: "runtime";
}

/** What {@linkcode readConfigLoosely} found. */
export interface LooseConfig {
  /** The config, or `{}` when it is missing or could not be read. */
  config: Record<string, unknown>;
  exists: boolean;
  /** Set when the file exists but could not be read as JSON5. */
  problem?: ConfigReadProblem;
}

/**
 * Reads the config best-effort: includes and `${VAR}` resolved; a file that cannot be read is
 * reported as `problem` (with line and column for a syntax error), never thrown.
 */
export async function readConfigLoosely(path = resolveConfigPath()): Promise<LooseConfig> {
  let exists = false;
  try {
    const file = await readConfigFile(path);
    exists = file.exists;
    const raw = resolveIncludes(parseConfigText(file.text, path), path) as Record<string, unknown>;
    const env = { ...configEnvVars(raw.env), ...Deno.env.toObject() };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      try {
        out[k] = substituteEnvVars(v, env, [k]);
      } catch {
        out[k] = v;
      }
    }
    return { config: out, exists: file.exists };
  } catch (err) {
    const problem = describeConfigReadError(err, path);
    // CONFIG_UNREADABLE means the file is there; the others are thrown after it was read.
    return { config: {}, exists: exists || problem?.kind === "unreadable", problem };
  }
}

/** True when a gateway credential a client sends is a SecretRef. */
function hasCredentialRef(config: Record<string, unknown>): boolean {
  const gw = config.gateway as Record<string, Record<string, unknown> | undefined> | undefined;
  return [gw?.auth?.token, gw?.auth?.password, gw?.remote?.token, gw?.remote?.password].some(
    isSecretRef,
  );
}

function loopbackUrlFor(host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `ws://${h.includes(":") ? `[${h}]` : h}:${port}`;
}

/**
 * Resolves the target of a query command.
 *
 * @throws {OpenClawError} `USAGE` for `--url` without `--token`/`--password`.
 */
export async function resolveGatewayTarget(flags: TargetFlags = {}): Promise<GatewayTarget> {
  const configPath = resolveConfigPath();
  const { config, exists, problem } = await readConfigLoosely(configPath);
  const view = config as GatewayAuthConfigView;
  const base = { config, configPath, configExists: exists, configProblem: problem };
  // Credentials kept in a secrets provider are resolved here, like the gateway does at start;
  // the resolver (and its providers) load only when the config actually has such a ref.
  const resolveSecret = !flags.token && !flags.password && hasCredentialRef(config)
    ? await (await import("../secrets/client.ts")).clientSecretResolver(config)
    : undefined;
  const creds = clientCredentials({
    config: view,
    cliAuth: { token: flags.token, password: flags.password },
    url: flags.url,
    resolveSecret,
  });
  if (flags.url) {
    if (!flags.token && !flags.password) {
      throw new OpenClawError("USAGE", "gateway url override requires explicit credentials", {
        exitCode: 2,
        hint: "Pass --token <token> or --password <password> with --url",
      });
    }
    return { ...base, url: flags.url, ...creds, source: "cli", isLocal: false };
  }
  const envUrl = Deno.env.get("OPENCLAW_GATEWAY_URL")?.trim();
  if (envUrl) return { ...base, url: envUrl, ...creds, source: "env", isLocal: false };
  const gw = (config.gateway ?? {}) as Record<string, unknown>;
  const remoteUrl = getAtPath(gw, ["remote", "url"]);
  if (gw.mode === "remote" && remoteUrl.found && typeof remoteUrl.value === "string") {
    return { ...base, url: remoteUrl.value, ...creds, source: "remote-config", isLocal: false };
  }
  const runtime = readGatewayRuntime(resolveStateDir());
  if (runtime && isPidAlive(runtime.pid)) {
    // Without a credential of its own (a config that does not parse, or a gateway started with
    // --allow-unconfigured and a token of its own making) the CLI uses the one the gateway
    // recorded; a flag, env or config credential always wins.
    const fallback = !creds.token && !creds.password ? runtime.clientAuth : undefined;
    return {
      ...base,
      url: loopbackUrlFor(runtime.host, runtime.port),
      ...creds,
      ...(fallback ? { ...fallback, credentialSource: "runtime" as const } : {}),
      source: "runtime",
      isLocal: true,
    };
  }
  const configPort = typeof gw.port === "number" ? gw.port : undefined;
  const { port } = resolveGatewayPort({ configPort });
  const host = gw.bind === "custom" && typeof gw.customBindHost === "string"
    ? gw.customBindHost
    : "127.0.0.1";
  return { ...base, url: loopbackUrlFor(host, port), ...creds, source: "config", isLocal: true };
}
