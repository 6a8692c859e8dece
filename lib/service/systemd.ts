/**
 * The systemd user service manager: `systemctl --user ...` for one unit.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import { dirname, type Env, processEnv } from "../paths.ts";
import { commandDetail, type CommandResult, runCommand } from "./exec.ts";
import { type ServiceIdentity, systemdUnitPath } from "./identity.ts";
import { parseSystemdUnit, renderSystemdUnit } from "./systemd_unit.ts";
import type {
  InstalledService,
  ServiceManager,
  ServiceRuntime,
  ServiceSpec,
  ServiceState,
} from "./types.ts";

/** Deadline for quick queries (status, is-enabled, show, daemon-reload). */
const QUERY_TIMEOUT_MS = 10_000;
/** Deadline for stop/restart: the unit's TimeoutStopSec (30 s) plus slack. */
const STOP_TIMEOUT_MS = 45_000;

/** Returns env additions for `systemctl --user`: headless logins lack `XDG_RUNTIME_DIR`. */
export function systemctlEnv(env: Env = processEnv()): Record<string, string> | undefined {
  if (env.XDG_RUNTIME_DIR) return undefined;
  const uid = Deno.uid();
  if (uid === null) return undefined;
  const dir = `/run/user/${uid}`;
  try {
    return Deno.statSync(dir).isDirectory ? { XDG_RUNTIME_DIR: dir } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why `systemctl --user` cannot reach a user manager, when that is certain without running it:
 * neither `DBUS_SESSION_BUS_ADDRESS` nor `XDG_RUNTIME_DIR` is set and there is no
 * `/run/user/<uid>` for {@linkcode systemctlEnv} to supply (a container, or a login without a
 * systemd user session). Undefined when it takes `systemctl` itself to tell.
 *
 * Running it only to hear "Failed to connect to bus" cost `gateway status` and `status` ~40 ms
 * on a 2-core container: systemctl's own run competes with the command's work.
 */
export function userBusMissing(env: Env = processEnv()): string | undefined {
  if (env.DBUS_SESSION_BUS_ADDRESS || env.XDG_RUNTIME_DIR || systemctlEnv(env)) return undefined;
  return "no user bus to connect to (XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS are not set, " +
    "and there is no /run/user/<uid>)";
}

/** Runs `systemctl --user <args>`. */
export function systemctl(
  args: readonly string[],
  options: { env?: Env; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const env = options.env ?? processEnv();
  return runCommand("systemctl", ["--user", ...args], {
    timeoutMs: options.timeoutMs ?? QUERY_TIMEOUT_MS,
    env: systemctlEnv(env),
    lookupEnv: env,
  });
}

/** Parses `systemctl show` `Key=Value` output into a runtime view. */
export function parseSystemctlShow(text: string): ServiceRuntime {
  const props: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) props[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  const state = props.ActiveState;
  const pid = Number(props.MainPID);
  const exit = Number(props.ExecMainStatus);
  const running = state === "active" || state === "reloading";
  return {
    status: state === undefined ? "unknown" : running ? "running" : "stopped",
    state,
    subState: props.SubState,
    pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
    lastExitStatus: props.ExecMainStatus !== undefined && Number.isInteger(exit) ? exit : undefined,
  };
}

function commandFailed(args: readonly string[], result: CommandResult): OpenClawError {
  return new OpenClawError(
    "SERVICE_COMMAND_FAILED",
    `systemctl --user ${args.join(" ")} failed: ${commandDetail(result)}`,
    { hint: "Check the user manager with: systemctl --user status" },
  );
}

/** Creates the systemd manager for `identity`. */
export function createSystemdManager(
  identity: ServiceIdentity,
  env: Env = processEnv(),
): ServiceManager {
  const unit = identity.systemdUnit;
  const path = systemdUnitPath(identity, env);
  const run = async (args: string[], timeoutMs?: number) => {
    const result = await systemctl(args, { env, timeoutMs });
    if (result.code !== 0) throw commandFailed(args, result);
    return result;
  };
  const manager: ServiceManager = {
    kind: "systemd",
    label: "systemd",
    loadedText: "enabled",
    notLoadedText: "disabled",
    path,
    name: unit,
    render: (spec: ServiceSpec) =>
      renderSystemdUnit({
        description: spec.identity.description,
        programArguments: spec.programArguments,
        environment: spec.environment,
        workingDirectory: spec.workingDirectory,
      }),
    readInstalled(): InstalledService | undefined {
      let text: string;
      try {
        text = Deno.readTextFileSync(path);
      } catch {
        return undefined;
      }
      const parsed = parseSystemdUnit(text);
      return {
        path,
        text,
        programArguments: parsed.programArguments,
        environment: parsed.environment,
        workingDirectory: parsed.workingDirectory,
        directives: parsed.directives,
      };
    },
    async state(): Promise<ServiceState> {
      const enabled = await systemctl(["is-enabled", unit], { env });
      const show = await systemctl(
        [
          "show",
          unit,
          "--no-page",
          "--property",
          "ActiveState,SubState,MainPID,ExecMainStatus,ExecMainCode",
        ],
        { env },
      );
      const runtime: ServiceRuntime = show.code === 0
        ? parseSystemctlShow(show.stdout)
        : { status: "unknown", detail: commandDetail(show) };
      if (/not[ -]found|could not be found|No such file/i.test(show.stderr + enabled.stderr)) {
        runtime.missingUnit = true;
      }
      return { loaded: enabled.code === 0, runtime };
    },
    async install(spec: ServiceSpec): Promise<string> {
      Deno.mkdirSync(dirname(path), { recursive: true });
      // No secrets inside (the token is read from the config), so the usual unit mode.
      writeFileAtomic(path, manager.render(spec), { mode: 0o644 });
      await run(["daemon-reload"]);
      await run(["enable", unit]);
      await run(["restart", unit], STOP_TIMEOUT_MS);
      return `Installed systemd service: ${path}`;
    },
    async uninstall(): Promise<string> {
      // A unit that is already disabled or stopped must not block its removal.
      await systemctl(["disable", "--now", unit], { env, timeoutMs: STOP_TIMEOUT_MS });
      try {
        Deno.removeSync(path);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
      await run(["daemon-reload"]);
      const still = await systemctl(["is-enabled", unit], { env });
      if (still.code === 0) {
        throw new OpenClawError(
          "SERVICE_STILL_LOADED",
          "Gateway service still loaded after uninstall.",
          { hint: `systemctl --user disable --now ${unit}` },
        );
      }
      return `Removed systemd service: ${path}`;
    },
    async start(): Promise<string> {
      await run(["restart", unit], STOP_TIMEOUT_MS);
      return `Started systemd service: ${unit}`;
    },
    async stop(): Promise<string> {
      await run(["stop", unit], STOP_TIMEOUT_MS);
      return `Stopped systemd service: ${unit}`;
    },
    async restart(): Promise<string> {
      await run(["restart", unit], STOP_TIMEOUT_MS);
      return `Restarted systemd service: ${unit}`;
    },
    logsHint: () => `journalctl --user -u ${unit} -n 200 --no-pager`,
    managerStartHint: () => `systemctl --user start ${unit}`,
  };
  return manager;
}
