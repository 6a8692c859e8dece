/**
 * The gateway as a system service: systemd user units on Linux, LaunchAgents on macOS.
 *
 * - identity: unit/label names per profile and where their files live
 * - program/env: the argv and environment a service runs with (never a secret)
 * - systemd_unit / launchd_plist: the definition text, rendered and read back
 * - systemd / launchd: the managers (`systemctl --user`, `launchctl`) through one runner (exec)
 * - manager: which one this machine has, or why none
 * - lifecycle: install / uninstall / start / stop / restart
 * - status / inspect / linger: read-only views for `gateway status` and `doctor`
 *
 * `OPENCLAW_SERVICE_PLATFORM=linux|darwin|windows` overrides the detected OS for the service
 * code only (tests and diagnostics: the launchd path can run on Linux with a fake `launchctl`).
 *
 * @module
 */
export { type CommandResult, findOnPath, runCommand } from "./exec.ts";
export {
  launchAgentPlistPath,
  resolveServiceIdentity,
  resolveServicePlatform,
  serviceDescription,
  type ServiceIdentity,
  type ServicePlatform,
  systemdUnitPath,
} from "./identity.ts";
export {
  buildServiceEnvironment,
  minimalServicePath,
  SECRET_ENV_KEYS,
  type ServiceManagerKind,
  STATUS_ENV_KEYS,
} from "./env.ts";
export { isDenoExecutable, resolveProgramArguments } from "./program.ts";
export { parseSystemdUnit, renderSystemdUnit } from "./systemd_unit.ts";
export { parseLaunchdPlist, renderLaunchdPlist } from "./launchd_plist.ts";
export {
  cliCommand,
  detectServiceManager,
  type ManagerDetection,
  type ManagerMissing,
} from "./manager.ts";
export { resolveServiceSpec } from "./spec.ts";
export { inspectService, serviceDrift, type ServiceInspection } from "./inspect.ts";
export { type LingerStatus, lingerStatus } from "./linger.ts";
export { readServiceStatus, type ServiceStatus } from "./status.ts";
export {
  installGatewayService,
  type LifecycleAction,
  type LifecycleOutcome,
  type LifecycleResult,
  restartGatewayService,
  type ServiceSummary,
  startGatewayService,
  stopGatewayService,
  uninstallGatewayService,
} from "./lifecycle.ts";
export type {
  InstalledService,
  ServiceManager,
  ServiceRuntime,
  ServiceSpec,
  ServiceState,
} from "./types.ts";
