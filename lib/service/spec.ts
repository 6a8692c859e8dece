/**
 * What `gateway install` would write now: identity, argv, environment and working directory for
 * the active profile, port from `--port` > `OPENCLAW_GATEWAY_PORT` > `gateway.port` > default.
 *
 * @module
 */
import {
  type Env,
  processEnv,
  resolveConfigPath,
  resolveGatewayPort,
  resolveStateDir,
} from "../paths.ts";
import { readConfigLoosely } from "../rpc/target.ts";
import { buildServiceEnvironment, type ServiceManagerKind } from "./env.ts";
import { resolveServiceIdentity, resolveServicePlatform } from "./identity.ts";
import { resolveProgramArguments } from "./program.ts";
import type { ServiceSpec } from "./types.ts";

/** Inputs to {@linkcode resolveServiceSpec}. */
export interface ServiceSpecOptions {
  manager: ServiceManagerKind;
  /** `--port`. */
  port?: string | number;
  /** @default the process environment */
  env?: Env;
  /** The config's `gateway.port`; read from the config file when omitted. */
  configPort?: number;
  /** Overrides for tests: see {@linkcode resolveProgramArguments}. */
  execPath?: string;
  entry?: string;
}

/** Reads `gateway.port` from the config without validating the rest of it. */
export async function readConfiguredPort(configPath: string): Promise<number | undefined> {
  const { config } = await readConfigLoosely(configPath);
  const port = (config.gateway as { port?: unknown } | undefined)?.port;
  return typeof port === "number" ? port : undefined;
}

/**
 * Returns the service definition `gateway install` writes for the active profile.
 *
 * @throws {OpenClawError} `PORT_INVALID` for a bad `--port`/`OPENCLAW_GATEWAY_PORT`/config port;
 *   `SERVICE_ENV_INVALID` for CR/LF in a value.
 */
export async function resolveServiceSpec(options: ServiceSpecOptions): Promise<ServiceSpec> {
  const env = options.env ?? processEnv();
  const stateDir = resolveStateDir(env);
  const configPath = resolveConfigPath(env);
  const configPort = options.port !== undefined
    ? undefined
    : options.configPort ?? await readConfiguredPort(configPath);
  const { port } = resolveGatewayPort({ cliPort: options.port, configPort, env });
  const identity = resolveServiceIdentity(env);
  return {
    identity,
    programArguments: resolveProgramArguments({
      port,
      execPath: options.execPath,
      entry: options.entry,
    }),
    environment: buildServiceEnvironment({
      env,
      platform: resolveServicePlatform(env),
      manager: options.manager,
      identity,
      port,
      stateDir,
      configPath,
    }),
    workingDirectory: stateDir,
    stateDir,
    configPath,
    port,
  };
}
