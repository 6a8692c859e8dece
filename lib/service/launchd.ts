/**
 * The macOS launchd manager: a LaunchAgent in the `gui/<uid>` domain, driven by `launchctl`.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { dirname, type Env, joinPath, processEnv } from "../paths.ts";
import { commandDetail, type CommandResult, runCommand } from "./exec.ts";
import { launchAgentPlistPath, serviceHomeDir, type ServiceIdentity } from "./identity.ts";
import { parseLaunchdPlist, renderLaunchdPlist } from "./launchd_plist.ts";
import type {
  InstalledService,
  ServiceManager,
  ServiceRuntime,
  ServiceSpec,
  ServiceState,
} from "./types.ts";

const TIMEOUT_MS = 15_000;

/** Returns the service output files LaunchAgents write: `<stateDir>/logs/gateway{,.err}.log`. */
export function launchdLogPaths(stateDir: string): { stdout: string; stderr: string } {
  return {
    stdout: joinPath(stateDir, "logs", "gateway.log"),
    stderr: joinPath(stateDir, "logs", "gateway.err.log"),
  };
}

/** Runs `launchctl <args>`. */
export function launchctl(
  args: readonly string[],
  env: Env = processEnv(),
): Promise<CommandResult> {
  return runCommand("launchctl", args, { timeoutMs: TIMEOUT_MS, lookupEnv: env });
}

/** Parses `launchctl print` output (`state`, `pid`, `last exit status|code`, reason). */
export function parseLaunchctlPrint(text: string): ServiceRuntime {
  // Nested blocks (endpoints, sockets) have their own `state = ...`; the service's own keys are
  // the first ones, one tab deep.
  const field = (name: string) => new RegExp(`^\\s*${name} = (.+)$`, "m").exec(text)?.[1]?.trim();
  const state = field("state");
  const pid = Number(field("pid"));
  const exitRaw = field("last exit (?:status|code)");
  const exit = exitRaw === undefined ? NaN : Number.parseInt(exitRaw, 10);
  return {
    status: state === undefined ? "unknown" : state === "running" ? "running" : "stopped",
    state,
    pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
    lastExitStatus: Number.isInteger(exit) ? exit : undefined,
    lastExitReason: field("last exit reason"),
  };
}

/** Creates the launchd manager for `identity`. */
export function createLaunchdManager(
  identity: ServiceIdentity,
  env: Env = processEnv(),
): ServiceManager {
  const label = identity.launchdLabel;
  const path = launchAgentPlistPath(identity, env);
  const domain = `gui/${Deno.uid() ?? 0}`;
  const target = `${domain}/${label}`;
  const run = async (args: string[]) => {
    const result = await launchctl(args, env);
    if (result.code !== 0) {
      throw new OpenClawError(
        "SERVICE_COMMAND_FAILED",
        `launchctl ${args.join(" ")} failed: ${commandDetail(result)}`,
        { hint: `Inspect with: launchctl print ${target}` },
      );
    }
    return result;
  };
  const bootstrap = async () => {
    await run(["enable", target]);
    await run(["bootstrap", domain, path]);
  };
  const isLoaded = async () => (await launchctl(["print", target], env)).code === 0;
  const manager: ServiceManager = {
    kind: "launchd",
    label: "LaunchAgent",
    loadedText: "loaded",
    notLoadedText: "not loaded",
    path,
    name: target,
    render: (spec: ServiceSpec) => {
      const logs = launchdLogPaths(spec.stateDir);
      return renderLaunchdPlist({
        label: spec.identity.launchdLabel,
        comment: spec.identity.description,
        programArguments: spec.programArguments,
        environment: spec.environment,
        workingDirectory: spec.workingDirectory,
        stdoutPath: logs.stdout,
        stderrPath: logs.stderr,
      });
    },
    readInstalled(): InstalledService | undefined {
      let text: string;
      try {
        text = Deno.readTextFileSync(path);
      } catch {
        return undefined;
      }
      let parsed;
      try {
        parsed = parseLaunchdPlist(text);
      } catch {
        return { path, text, programArguments: [], environment: {} };
      }
      return {
        path,
        text,
        programArguments: parsed.programArguments,
        environment: parsed.environment,
        workingDirectory: parsed.workingDirectory,
      };
    },
    async state(): Promise<ServiceState> {
      const print = await launchctl(["print", target], env);
      if (print.code !== 0) {
        // Not loaded: launchd has no process for the label, which is what "stopped" means here.
        return { loaded: false, runtime: { status: "stopped", missingUnit: true } };
      }
      return { loaded: true, runtime: parseLaunchctlPrint(print.stdout) };
    },
    async install(spec: ServiceSpec): Promise<string> {
      Deno.mkdirSync(dirname(path), { recursive: true });
      ensureDir(dirname(launchdLogPaths(spec.stateDir).stdout));
      // 0600: the plist carries the service environment.
      writeFileAtomic(path, manager.render(spec), { mode: 0o600 });
      // Unload whatever ran under this label before; "not loaded" is the normal case.
      await launchctl(["bootout", target], env);
      await bootstrap();
      await run(["kickstart", "-k", target]);
      return `Installed LaunchAgent: ${path}`;
    },
    async uninstall(): Promise<string> {
      await launchctl(["bootout", target], env);
      const trash = joinPath(serviceHomeDir(env), ".Trash");
      try {
        if (Deno.statSync(trash).isDirectory) {
          Deno.renameSync(path, joinPath(trash, `${label}.plist`));
        } else Deno.removeSync(path);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) {
          try {
            Deno.removeSync(path);
          } catch { /* already gone */ }
        } else throw err;
      }
      if (await isLoaded()) {
        throw new OpenClawError(
          "SERVICE_STILL_LOADED",
          "Gateway service still loaded after uninstall.",
          { hint: `launchctl bootout ${target}` },
        );
      }
      return `Removed LaunchAgent: ${path}`;
    },
    async start(): Promise<string> {
      if (await isLoaded()) await run(["kickstart", "-k", target]);
      else await bootstrap();
      return `Started LaunchAgent: ${target}`;
    },
    async stop(): Promise<string> {
      if (await isLoaded()) await run(["bootout", target]);
      return `Stopped LaunchAgent: ${target}`;
    },
    async restart(): Promise<string> {
      if (await isLoaded()) await run(["kickstart", "-k", target]);
      else await bootstrap();
      return `Restarted LaunchAgent: ${target}`;
    },
    logsHint: () => {
      const installed = manager.readInstalled();
      const stateDir = installed?.environment.OPENCLAW_STATE_DIR;
      return stateDir ? launchdLogPaths(stateDir).stdout : "~/.openclaw/logs/gateway.log";
    },
    managerStartHint: () => `launchctl bootstrap ${domain} ${path}`,
  };
  return manager;
}
