/**
 * The service lifecycle behind `gateway install|uninstall|start|stop|restart`: each returns an
 * outcome for the CLI to print (human or JSON) or throws an {@linkcode OpenClawError}.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { ensureDir } from "../fs/atomic.ts";
import { isPidAlive, readGatewayRuntime } from "../instance/runtime_file.ts";
import { type Env, processEnv, resolveStateDir } from "../paths.ts";
import { SECRET_ENV_KEYS } from "./env.ts";
import { serviceDrift } from "./inspect.ts";
import { launchdLogPaths } from "./launchd.ts";
import { lingerStatus } from "./linger.ts";
import { cliCommand, detectServiceManager, type ManagerMissing } from "./manager.ts";
import { resolveServiceSpec } from "./spec.ts";
import type { ServiceManager } from "./types.ts";
import { delay } from "../timers.ts";

/** A lifecycle sub-command. */
export type LifecycleAction = "install" | "uninstall" | "start" | "stop" | "restart";
/** What a lifecycle sub-command did. */
export type LifecycleResult =
  | "installed"
  | "uninstalled"
  | "started"
  | "stopped"
  | "restarted"
  | "not-loaded";

/** The service as lifecycle JSON shows it. */
export interface ServiceSummary {
  label: string;
  loaded: boolean;
  loadedText: string;
  notLoadedText: string;
}

/** A successful lifecycle step. */
export interface LifecycleOutcome {
  ok: true;
  action: LifecycleAction;
  result: LifecycleResult;
  message: string;
  /** Further human lines after the message (e.g. `Logs: ...`). */
  details?: string[];
  hints?: string[];
  warnings?: string[];
  service?: ServiceSummary;
}

/** Options shared by the lifecycle functions. */
export interface LifecycleOptions {
  /** @default the process environment */
  env?: Env;
}

function summary(manager: ServiceManager, loaded: boolean): ServiceSummary {
  const { label, loadedText, notLoadedText } = manager;
  return { label, loaded, loadedText, notLoadedText };
}

function refuseInNixMode(env: Env, what: "install" | "uninstall"): void {
  if (env.OPENCLAW_NIX_MODE === "1") {
    throw new OpenClawError("NIX_MODE", `Nix mode detected; service ${what} is disabled.`, {
      hint: "Manage the service through your Nix configuration",
    });
  }
}

function unavailable(missing: ManagerMissing): OpenClawError {
  return new OpenClawError("SERVICE_MANAGER_UNAVAILABLE", missing.reason, {
    hint: missing.hints.at(-1),
    details: { hints: missing.hints },
  });
}

function notInstalled(
  action: LifecycleAction,
  env: Env,
  manager?: ServiceManager,
  reason?: string,
): LifecycleOutcome {
  return {
    ok: true,
    action,
    result: "not-loaded",
    message: reason
      ? `Gateway service not installed (${reason}).`
      : "Gateway service not installed.",
    hints: action === "stop" || action === "uninstall"
      ? undefined
      : [cliCommand("gateway install", env), cliCommand("gateway", env)],
    service: manager ? summary(manager, false) : undefined,
  };
}

/**
 * `gateway install`: writes the unit/plist, enables and (re)starts it.
 *
 * @throws {OpenClawError} `SERVICE_MANAGER_UNAVAILABLE` (no systemd/launchd), `SERVICE_EXISTS`
 *   (a different definition is installed and `force` is off), `SERVICE_COMMAND_FAILED`,
 *   `NIX_MODE`, `PORT_INVALID`.
 */
export async function installGatewayService(
  options: LifecycleOptions & { port?: string; force?: boolean } = {},
): Promise<LifecycleOutcome> {
  const env = options.env ?? processEnv();
  refuseInNixMode(env, "install");
  const detection = await detectServiceManager({ env });
  if (detection.kind === "none") throw unavailable(detection);
  const { manager, kind } = detection;
  const spec = await resolveServiceSpec({ manager: kind, port: options.port, env });
  const installed = manager.readInstalled();
  if (installed && installed.text !== manager.render(spec) && !options.force) {
    const drift = serviceDrift(installed, spec, kind);
    const lines = drift.length > 0 ? drift : ["its content differs from what install writes"];
    throw new OpenClawError(
      "SERVICE_EXISTS",
      `Gateway service already installed at ${installed.path} with different settings:\n${
        lines.map((l) => `- ${l}`).join("\n")
      }`,
      {
        hint: cliCommand("gateway install --force", env),
        details: { path: installed.path, drift },
      },
    );
  }
  // The service's WorkingDirectory must exist or systemd/launchd refuse to start it.
  ensureDir(spec.stateDir);
  const message = await manager.install(spec);
  const logs = kind === "systemd" ? manager.logsHint() : launchdLogPaths(spec.stateDir).stdout;
  const warnings: string[] = [];
  if (kind === "systemd") {
    const linger = await lingerStatus({ env });
    if (linger.enabled === false) {
      warnings.push(
        `Linger is off for ${linger.user}: the gateway stops when you log out. Fix: ${linger.fix}`,
      );
    }
  }
  return {
    ok: true,
    action: "install",
    result: "installed",
    message,
    details: [`Logs: ${logs}`],
    warnings: warnings.length > 0 ? warnings : undefined,
    service: summary(manager, true),
  };
}

/**
 * `gateway uninstall`: stops the service and removes its definition.
 *
 * @throws {OpenClawError} `SERVICE_STILL_LOADED`, `SERVICE_COMMAND_FAILED`, `NIX_MODE`.
 */
export async function uninstallGatewayService(
  options: LifecycleOptions = {},
): Promise<LifecycleOutcome> {
  const env = options.env ?? processEnv();
  refuseInNixMode(env, "uninstall");
  const detection = await detectServiceManager({ env });
  if (detection.kind === "none") {
    return notInstalled("uninstall", env, undefined, detection.reason);
  }
  const { manager } = detection;
  if (!manager.readInstalled()) return notInstalled("uninstall", env, manager);
  const message = await manager.uninstall();
  return {
    ok: true,
    action: "uninstall",
    result: "uninstalled",
    message,
    service: summary(manager, false),
  };
}

/**
 * `gateway start`: starts the installed service; without one, says how to start the gateway.
 *
 * @throws {OpenClawError} `SERVICE_COMMAND_FAILED`.
 */
export async function startGatewayService(
  options: LifecycleOptions = {},
): Promise<LifecycleOutcome> {
  const env = options.env ?? processEnv();
  const detection = await detectServiceManager({ env });
  if (detection.kind === "none") return notInstalled("start", env, undefined, detection.reason);
  const { manager } = detection;
  if (!manager.readInstalled()) return notInstalled("start", env, manager);
  const message = await manager.start();
  return { ok: true, action: "start", result: "started", message, service: summary(manager, true) };
}

/** How long `gateway stop` waits for a foreground gateway to exit after SIGTERM. */
const FOREGROUND_STOP_WAIT_MS = 10_000;

/**
 * Stops a gateway that runs without a service (found through its runtime file) with SIGTERM,
 * its graceful stop, and waits for it to exit. Undefined when none runs.
 */
async function stopForegroundGateway(env: Env): Promise<LifecycleOutcome | undefined> {
  const runtime = readGatewayRuntime(resolveStateDir(env));
  if (!runtime || Deno.build.os === "windows" || !isPidAlive(runtime.pid)) return undefined;
  Deno.kill(runtime.pid, "SIGTERM");
  const deadline = Date.now() + FOREGROUND_STOP_WAIT_MS;
  while (isPidAlive(runtime.pid) && Date.now() < deadline) {
    await delay(50);
  }
  if (isPidAlive(runtime.pid)) {
    throw new OpenClawError(
      "GATEWAY_STOP_TIMEOUT",
      `The gateway (pid ${runtime.pid}) did not stop within ${
        FOREGROUND_STOP_WAIT_MS / 1000
      } s of SIGTERM`,
      { hint: `kill ${runtime.pid}` },
    );
  }
  return {
    ok: true,
    action: "stop",
    result: "stopped",
    message: `Stopped the gateway running without a service (pid ${runtime.pid}).`,
  };
}

/**
 * `gateway stop`: stops the installed service; without one, stops a gateway running in the
 * foreground (SIGTERM, its graceful stop); with neither, says that nothing runs.
 *
 * @throws {OpenClawError} `SERVICE_COMMAND_FAILED`, `GATEWAY_STOP_TIMEOUT`.
 */
export async function stopGatewayService(
  options: LifecycleOptions = {},
): Promise<LifecycleOutcome> {
  const env = options.env ?? processEnv();
  const detection = await detectServiceManager({ env });
  const manager = detection.kind === "none" ? undefined : detection.manager;
  if (!manager?.readInstalled()) {
    const stopped = await stopForegroundGateway(env);
    if (stopped) return { ...stopped, service: manager ? summary(manager, false) : undefined };
    return notInstalled(
      "stop",
      env,
      manager,
      detection.kind === "none" ? detection.reason : undefined,
    );
  }
  const kind = detection.kind;
  const message = await manager.stop();
  // systemd keeps a stopped unit enabled; launchd's bootout unloads the agent.
  return {
    ok: true,
    action: "stop",
    result: "stopped",
    message,
    service: summary(manager, kind === "systemd"),
  };
}

/** The warnings `gateway restart` adds for secrets baked into the service env. */
function tokenDriftWarnings(environment: Record<string, string>, env: Env): string[] {
  return SECRET_ENV_KEYS.filter((k) => environment[k] !== undefined).map((k) =>
    `Service env carries ${k} (${
      k.endsWith("TOKEN") ? "token" : "password"
    } drift): config changes to it are ignored. Fix: ${cliCommand("gateway install --force", env)}`
  );
}

/**
 * `gateway restart`: restarts the installed service; without one, sends SIGHUP to a gateway
 * running in the foreground (it restarts in place), else says how to start one. Never SIGUSR1:
 * Deno answers that signal by opening an unauthenticated V8 inspector in the gateway.
 *
 * @throws {OpenClawError} `SERVICE_COMMAND_FAILED`.
 */
export async function restartGatewayService(
  options: LifecycleOptions = {},
): Promise<LifecycleOutcome> {
  const env = options.env ?? processEnv();
  const detection = await detectServiceManager({ env });
  const manager = detection.kind === "none" ? undefined : detection.manager;
  const installed = manager?.readInstalled();
  if (manager && installed) {
    const message = await manager.restart();
    const warnings = tokenDriftWarnings(installed.environment, env);
    return {
      ok: true,
      action: "restart",
      result: "restarted",
      message,
      warnings: warnings.length > 0 ? warnings : undefined,
      service: summary(manager, true),
    };
  }
  const runtime = readGatewayRuntime(resolveStateDir(env));
  if (runtime && Deno.build.os !== "windows" && isPidAlive(runtime.pid)) {
    Deno.kill(runtime.pid, "SIGHUP");
    return {
      ok: true,
      action: "restart",
      result: "restarted",
      message: `Sent SIGHUP to the gateway (pid ${runtime.pid}); it restarts in place.`,
      service: manager ? summary(manager, false) : undefined,
    };
  }
  // Nothing was restarted: say so with a failure, not a quiet "not installed".
  throw new OpenClawError(
    "GATEWAY_NOT_RUNNING",
    `Cannot restart: no gateway service is installed${
      detection.kind === "none" ? ` (${detection.reason})` : ""
    } and no gateway is running`,
    { hint: `${cliCommand("gateway", env)} (or ${cliCommand("gateway install", env)})` },
  );
}
