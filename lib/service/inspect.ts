/**
 * Comparing an installed service with what `gateway install` would write now ("drift"): a stale
 * port or config path, a token baked into the service env, missing unit directives. `doctor` and
 * `gateway status` report it; `gateway install --force` repairs it.
 *
 * @module
 */
import { type Env, processEnv } from "../paths.ts";
import { redactServiceEnvironment, SECRET_ENV_KEYS, type ServiceManagerKind } from "./env.ts";
import { detectServiceManager } from "./manager.ts";
import { portFromProgramArguments } from "./program.ts";
import { resolveServiceSpec } from "./spec.ts";
import type { InstalledService, ServiceSpec } from "./types.ts";

/** Env keys whose value must match what install would write. */
const COMPARED_ENV_KEYS = [
  "OPENCLAW_PROFILE",
  "OPENCLAW_STATE_DIR",
  "OPENCLAW_CONFIG_PATH",
  "OPENCLAW_GATEWAY_PORT",
  "OPENCLAW_SYSTEMD_UNIT",
  "OPENCLAW_LAUNCHD_LABEL",
  "OPENCLAW_SERVICE_VERSION",
];

/** systemd directives whose absence makes a unit misbehave (restart loops, early start). */
const REQUIRED_DIRECTIVES: [section: string, key: string, value: string][] = [
  ["Unit", "After", "network-online.target"],
  ["Service", "Restart", "always"],
  ["Service", "RestartPreventExitStatus", "78"],
];

function show(v: string | undefined): string {
  return v === undefined ? "(unset)" : `"${v}"`;
}

/** Lists the differences between an installed service and the desired one, one line each. */
export function serviceDrift(
  installed: InstalledService,
  desired: ServiceSpec,
  kind: ServiceManagerKind,
): string[] {
  const drift: string[] = [];
  const have = installed.programArguments;
  const want = desired.programArguments;
  const havePort = portFromProgramArguments(have);
  if (havePort !== undefined && havePort !== desired.port) {
    drift.push(`port: service uses ${havePort}, expected ${desired.port}`);
  }
  const sameArgs = have.length === want.length && have.every((a, i) => a === want[i]);
  if (!sameArgs && (havePort === desired.port || havePort === undefined)) {
    drift.push(
      `command: service runs "${have.join(" ")}", install would write "${want.join(" ")}"`,
    );
  }
  for (const key of COMPARED_ENV_KEYS) {
    const a = installed.environment[key];
    const b = desired.environment[key];
    if (a === b) continue;
    if (key === "OPENCLAW_GATEWAY_PORT" && havePort !== desired.port) continue;
    if (a === undefined && b === undefined) continue;
    drift.push(`${key}: service has ${show(a)}, install would write ${show(b)}`);
  }
  for (const key of SECRET_ENV_KEYS) {
    if (installed.environment[key] !== undefined) {
      const what = key.endsWith("TOKEN") ? "token" : "password";
      drift.push(`${key} in service env (${what} drift)`);
    }
  }
  if (installed.workingDirectory !== desired.workingDirectory) {
    drift.push(
      `working directory: service has ${show(installed.workingDirectory)}, install would write ${
        show(desired.workingDirectory)
      }`,
    );
  }
  if (kind === "systemd" && installed.directives) {
    for (const [section, key, value] of REQUIRED_DIRECTIVES) {
      const got = installed.directives[section]?.[key];
      if (got === undefined || !got.split(/\s+/).includes(value)) {
        drift.push(`unit: missing ${key}=${value} in [${section}]`);
      }
    }
  }
  return drift;
}

/** What {@linkcode inspectService} reports. */
export interface ServiceInspection {
  manager: "systemd" | "launchd" | "none";
  installed: boolean;
  /** The unit/plist path (also when not installed, where install would write it). */
  unitPath?: string;
  programArguments?: string[];
  environment?: Record<string, string>;
  /** Differences from what `gateway install` would write now. */
  drift: string[];
  /** Why there is no manager (`manager: "none"`). */
  reason?: string;
}

/** Finds the installed gateway service for the active profile and its drift; read-only. */
export async function inspectService(options: { env?: Env } = {}): Promise<ServiceInspection> {
  const env = options.env ?? processEnv();
  const detection = await detectServiceManager({ env });
  if (detection.kind === "none") {
    return { manager: "none", installed: false, drift: [], reason: detection.reason };
  }
  const { manager } = detection;
  const installed = manager.readInstalled();
  if (!installed) {
    return { manager: detection.kind, installed: false, unitPath: manager.path, drift: [] };
  }
  let drift: string[];
  try {
    const desired = await resolveServiceSpec({ manager: detection.kind, env });
    drift = serviceDrift(installed, desired, detection.kind);
  } catch (err) {
    drift = [`cannot compute the expected service: ${err instanceof Error ? err.message : err}`];
  }
  return {
    manager: detection.kind,
    installed: true,
    unitPath: installed.path,
    programArguments: installed.programArguments,
    environment: redactServiceEnvironment(installed.environment),
    drift,
  };
}
