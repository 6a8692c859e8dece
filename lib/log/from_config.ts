/**
 * Turns the `logging.*` section of a config into {@linkcode LoggingOptions}, with every
 * configured secret handed to the redactor. One place, so the CLI and the gateway log alike.
 *
 * @module
 */
import { collectSecretStrings } from "../config/schema/secret_strings.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { type Env, processEnv, resolveProfile } from "../paths.ts";
import type { LoggingOptions } from "./configure.ts";

/** Builds logging options from a validated (or raw, best-effort) config. */
export function loggingOptionsFromConfig(
  config: Partial<OpenClawConfig> | undefined,
  extra: Partial<LoggingOptions> = {},
  env: Env = processEnv(),
): LoggingOptions {
  const logging = config?.logging;
  return {
    level: logging?.level,
    consoleLevel: logging?.consoleLevel,
    consoleStyle: logging?.consoleStyle,
    file: logging?.file,
    redactSensitive: logging?.redactSensitive,
    redactPatterns: logging?.redactPatterns,
    maxFileBytes: logging?.maxFileBytes,
    profile: resolveProfile(env),
    secrets: collectSecretStrings(config ?? {}),
    env,
    ...extra,
  };
}
