/**
 * The service half of `gateway status`: which manager, whether the gateway service is installed
 * and loaded, what it runs with, and what the manager says about its process. Read-only.
 *
 * @module
 */
import { type Env, processEnv } from "../paths.ts";
import { SECRET_ENV_KEYS, statusEnvironment } from "./env.ts";
import { cliCommand, detectServiceManager } from "./manager.ts";
import type { ServiceRuntime } from "./types.ts";

/** What {@linkcode readServiceStatus} found. */
export interface ServiceStatus {
  manager: "systemd" | "launchd" | "none";
  /** `systemd`, `LaunchAgent` or `none`. */
  label: string;
  installed: boolean;
  loaded: boolean;
  loadedText: string;
  notLoadedText: string;
  /** Where the definition is (or would be) written. */
  sourcePath?: string;
  command?: {
    programArguments: string[];
    workingDirectory?: string;
    /** Only the {@link statusEnvironment} keys. */
    environment: Record<string, string>;
    sourcePath: string;
  };
  runtime?: ServiceRuntime;
  /** Secret keys found in the service environment (token drift). */
  secretEnvKeys?: string[];
  /** Why there is no manager; what to do instead (or how to install, when not installed). */
  reason?: string;
  hints?: string[];
}

/** Reads the gateway service's state for the active profile. */
export async function readServiceStatus(options: { env?: Env } = {}): Promise<ServiceStatus> {
  const env = options.env ?? processEnv();
  const detection = await detectServiceManager({ env });
  if (detection.kind === "none") {
    return {
      manager: "none",
      label: "none",
      installed: false,
      loaded: false,
      loadedText: "loaded",
      notLoadedText: "not installed",
      reason: detection.reason,
      hints: detection.hints,
    };
  }
  const { manager, kind } = detection;
  const base = {
    manager: kind,
    label: manager.label,
    loadedText: manager.loadedText,
    notLoadedText: manager.notLoadedText,
    sourcePath: manager.path,
  };
  const installed = manager.readInstalled();
  if (!installed) {
    return {
      ...base,
      installed: false,
      loaded: false,
      hints: [cliCommand("gateway install", env)],
    };
  }
  const { loaded, runtime } = await manager.state();
  const secrets = SECRET_ENV_KEYS.filter((k) => installed.environment[k] !== undefined);
  return {
    ...base,
    installed: true,
    loaded,
    command: {
      programArguments: installed.programArguments,
      workingDirectory: installed.workingDirectory,
      environment: statusEnvironment(installed.environment),
      sourcePath: installed.path,
    },
    runtime,
    secretEnvKeys: secrets.length > 0 ? secrets : undefined,
  };
}
