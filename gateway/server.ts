/**
 * One start of the gateway, as composition: load the config (refusing the starts the seed
 * names), build the shared state, then start the subsystems in dependency order --
 * `logging -> secrets -> server (port, bind, auth, listen: the port is the lock) -> processes ->
 * sandbox -> agent -> reloader -> heartbeat -> cron -> channels` -- write the runtime file and report
 * ready. `stop()` stops the subsystems in reverse. A restart is a stop followed by a new start in
 * the same process (run.ts). The parts themselves live in gateway/subsystems/.
 *
 * @module
 */
import { getLogger } from "../lib/log/mod.ts";
import { type Clock, systemClock } from "../lib/clock.ts";
import { ExitCode, OpenClawError } from "../lib/errors.ts";
import {
  configHeldClientAuth,
  removeGatewayRuntime,
  writeGatewayRuntime,
} from "../lib/instance/runtime_file.ts";
import { resolveConfigPath, resolveStateDir } from "../lib/paths.ts";
import { VERSION } from "../lib/version.ts";
import { createAuthRateLimiter } from "./auth.ts";
import type { GatewayPhase } from "./http/app.ts";
import { GATEWAY_METHODS } from "./methods/mod.ts";
import type { WindowLimiter } from "./rate_limit.ts";
import { loadStartConfig } from "./start_config.ts";
import { createGatewayState } from "./state_builder.ts";
import type { GatewayState } from "./state.ts";
import { agentSubsystem } from "./subsystems/agent.ts";
import { heartbeatSubsystem } from "./subsystems/heartbeat.ts";
import { cronSubsystem } from "./subsystems/cron.ts";
import { discoverySubsystem } from "./subsystems/discovery.ts";
import { tailscaleSubsystem } from "./tailscale/subsystem.ts";
import { lazyTailscaleWhois, ManagedTailscaleIngress } from "./tailscale/ingress.ts";
import { channelsSubsystem } from "./subsystems/channels.ts";
import { browserSubsystem } from "./subsystems/browser.ts";
import { type GatewaySubsystem, SubsystemSet } from "./subsystems/lifecycle.ts";
import { loggingSubsystem } from "./subsystems/logging.ts";
import { processesSubsystem } from "./subsystems/processes.ts";
import { reloaderSubsystem } from "./subsystems/reloader.ts";
import { sandboxSubsystem } from "./subsystems/sandbox.ts";
import { secretsSubsystem } from "./subsystems/secrets.ts";
import { serverSubsystem } from "./subsystems/server.ts";

/** Flags of `openclaw gateway run`, plus what the process keeps across restarts. */
export interface GatewayStartOptions {
  port?: string;
  bind?: string;
  auth?: string;
  token?: string;
  password?: string;
  /** `--tailscale off|serve|funnel`: wins over `gateway.tailscale.mode`. */
  tailscale?: string;
  force?: boolean;
  allowUnconfigured?: boolean;
  verbose?: boolean;
  /** Lives across restarts so a restart does not reset the config-write rate limit. */
  controlPlaneLimiter: WindowLimiter;
  /** Print a line for people (stdout), e.g. where the gateway listens. */
  announce?: (line: string) => void;
  /** Runs every timer of this start. @default systemClock */
  clock?: Clock;
  /** More subsystems, started after the built-in ones they name in `after`. */
  subsystems?: readonly GatewaySubsystem[];
}

/** Why a server start ended. */
export interface ServerExit {
  restart: boolean;
  reason: string;
}

/** A running server start. */
export interface RunningGateway {
  readonly state: GatewayState;
  readonly url: string;
  /** Resolves when the server has fully stopped. */
  readonly finished: Promise<ServerExit>;
  stop(reason: string, restart?: boolean, restartExpectedMs?: number): Promise<void>;
}

/** Logger category of each built-in subsystem (the names the log file has always used). */
const LOGGERS: ReadonlyMap<string, string> = new Map([
  ["logging", "gateway"],
  ["server", "gateway"],
  ["secrets", "gateway/secrets"],
  ["reloader", "gateway/reload"],
  ["agent", "agent"],
]);

/** Starts one server. Throws an OpenClawError (with its exit code) when it cannot start. */
export async function startGateway(options: GatewayStartOptions): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock;
  const configPath = resolveConfigPath();
  const stateDir = resolveStateDir();
  const { config, hash } = await loadStartConfig(options, configPath, stateDir);
  let phase: GatewayPhase = "starting";
  let resolveFinished!: (exit: ServerExit) => void;
  const finished = new Promise<ServerExit>((r) => resolveFinished = r);
  const gwLog = getLogger("gateway");

  const state = createGatewayState({
    clock,
    configPath,
    stateDir,
    config,
    configHash: hash,
    controlPlaneLimiter: options.controlPlaneLimiter,
    log: getLogger,
    restart: (reason, expectedMs) => running.stop(reason, true, expectedMs),
  });
  const logging = loggingSubsystem(state, options.verbose);
  const secrets = secretsSubsystem(state, {
    logging,
    commit: (next) => state.adoptSecrets(next, options),
  });
  const processes = processesSubsystem();
  const agent = agentSubsystem(state, processes);
  const heartbeat = heartbeatSubsystem(state);
  const channels = channelsSubsystem(state);
  // Shared by the server (which requests came through the Tailscale route) and the tailscale
  // subsystem (which runs that route's listener).
  const tailscaleIngress = new ManagedTailscaleIngress({ whois: lazyTailscaleWhois(clock) });
  const server = serverSubsystem(state, {
    tailscaleIngress,
    flags: options,
    methods: GATEWAY_METHODS,
    authLimiter: createAuthRateLimiter({
      ...config.gateway?.auth?.rateLimit,
      now: () => clock.now(),
    }),
    phase: () => phase,
    helloSnapshot: () => state.helloSnapshot(),
    agentHost: state,
  });
  const reloader = reloaderSubsystem({
    configPath,
    stateDir: state.stateDir,
    current: () => ({ config: state.config, hash: state.configHash }),
    applyHot: (next, nextHash, plan) => state.applyConfig(next, nextHash, plan.changed),
    restart: (reason, nextHash) => {
      state.configHash = nextHash;
      state.requestRestart(reason, 0);
    },
  });
  const subsystems = new SubsystemSet([
    logging,
    secrets,
    server,
    processes,
    sandboxSubsystem(state),
    agent,
    reloader,
    heartbeat,
    cronSubsystem(state),
    discoverySubsystem(state, { tailscaleMode: () => options.tailscale }),
    tailscaleSubsystem(state, { mode: options.tailscale, ingress: tailscaleIngress }),
    channels,
    browserSubsystem(state),
    ...(options.subsystems ?? []),
  ], { clock, logger: (id) => getLogger(LOGGERS.get(id) ?? `gateway/${id}`) });
  state.wire({ subsystems, server, agent, secrets, reloader, heartbeat, channels });

  await subsystems.start();
  writeGatewayRuntime(state.stateDir, {
    pid: Deno.pid,
    port: state.port,
    host: state.host,
    bind: state.bindMode,
    version: VERSION,
    startedAt: new Date(state.startedAt).toISOString(),
    configPath,
    logFile: state.logFile,
    url: state.url,
    // Lets local diagnostics reach this gateway while the config does not parse.
    clientAuth: configHeldClientAuth(state.auth, configPath),
  });
  phase = "started";
  gwLog.info(`listening on ${state.url} (PID ${Deno.pid})`);
  const degraded = subsystems.degraded();
  if (degraded.length > 0) gwLog.warn(`running without: ${degraded.join(", ")} (see health)`);

  let stopping: Promise<void> | undefined;
  const running: RunningGateway = {
    state,
    url: state.url,
    finished,
    stop(reason, restart = false, restartExpectedMs) {
      stopping ??= (async () => {
        phase = "draining";
        gwLog.info(restart ? `restarting: ${reason}` : `stopping: ${reason}`);
        await subsystems.stop({ reason, restart, restartExpectedMs });
        if (!restart) removeGatewayRuntime(state.stateDir);
        resolveFinished({ restart, reason });
      })();
      return stopping;
    },
  };
  return running;
}

/** Exit code for a failed start: the error's own, or 1. */
export function startFailureExitCode(err: unknown): number {
  return err instanceof OpenClawError ? err.exitCode : ExitCode.failed;
}
