/**
 * One start of the gateway: config → secrets → logging → port, bind and auth → listen (the port
 * is the lock) → hub, reloader, runtime file → ready. `stop()` drains in the reverse order. A
 * restart is a stop followed by a new start in the same process (see run.ts).
 *
 * @module
 */
import { checkConfig } from "../lib/config/load.ts";
import { collectSecretStrings, type OpenClawConfig } from "../lib/config/schema.ts";
import { ExitCode, OpenClawError } from "../lib/errors.ts";
import { resolveGatewayAuth, shouldGenerateGatewayToken } from "../lib/auth/resolve.ts";
import { removeGatewayRuntime, writeGatewayRuntime } from "../lib/instance/runtime_file.ts";
import { configureLogging, getLogger, type LoggingHandle } from "../lib/log/mod.ts";
import { loggingOptionsFromConfig } from "../lib/log/from_config.ts";
import {
  resolveConfigPath,
  resolveGatewayBind,
  resolveGatewayPort,
  resolveStateDir,
} from "../lib/paths.ts";
import { collectSecretRefs } from "../lib/secrets/collect.ts";
import { resolveSecretRefs } from "../lib/secrets/snapshot.ts";
import { VERSION } from "../lib/version.ts";
import {
  authorizeHttpRequest,
  checkBindAllowed,
  createAuthRateLimiter,
  isLoopbackAddress,
  resolveClientIp,
} from "./auth.ts";
import { resolveBindHost } from "./bind.ts";
import { createGatewayAgentRuntime, LazyAgentRuntime } from "./agent_runtime.ts";
import { createHttpApp, type GatewayPhase } from "./http/app.ts";
import { freePort, gatewayLockError } from "./lock.ts";
import { buildHealthSummary, listAgents } from "./methods/health.ts";
import { GATEWAY_METHODS } from "./methods/mod.ts";
import type { WindowLimiter } from "./rate_limit.ts";
import { startConfigReloader } from "./reload.ts";
import { loadStartConfig, resolveStartAuth } from "./start_config.ts";
import { restartPreflight } from "./restart_preflight.ts";
import type { GatewayState, PresenceEntry } from "./state.ts";
import { ConnectionHub } from "./ws/hub.ts";
import { originAllowed } from "./ws/origin.ts";

/** How long a HealthSummary is served from cache (stock: under 60 s unless probed). */
const HEALTH_CACHE_MS = 60_000;

/** How long a stop waits for the agent runtime to abort its turns and close. */
const AGENT_CLOSE_BUDGET_MS = 5_000;

/** Flags of `openclaw gateway run`. */
export interface GatewayStartOptions {
  port?: string;
  bind?: string;
  auth?: string;
  token?: string;
  password?: string;
  force?: boolean;
  allowUnconfigured?: boolean;
  verbose?: boolean;
  /** Lives across restarts so a restart does not reset the config-write rate limit. */
  controlPlaneLimiter: WindowLimiter;
  /** Print a line for people (stdout), e.g. where the gateway listens. */
  announce?: (line: string) => void;
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

/** Starts one server. Throws an OpenClawError (with its exit code) when it cannot start. */
export async function startGateway(options: GatewayStartOptions): Promise<RunningGateway> {
  const startedAt = Date.now();
  const configPath = resolveConfigPath();
  const stateDir = resolveStateDir();
  let { config, hash } = await loadStartConfig(options, configPath);
  // Before logging and auth: a ref that does not resolve stops the start (exit 1).
  const secrets = await resolveSecretRefs(config);
  // Every value resolved during this start stays masked in logs, rotated-out ones included.
  const resolvedValues = new Set(secrets.values.values());
  const logOptions = (cfg: OpenClawConfig) =>
    loggingOptionsFromConfig(cfg, {
      verbose: options.verbose,
      secrets: [...collectSecretStrings(cfg), ...resolvedValues],
    });

  let logging: LoggingHandle = await configureLogging(logOptions(config));
  const log = (subsystem: string) => getLogger(subsystem);
  const gwLog = log("gateway");
  for (const w of secrets.warnings) gwLog.warn(w.message);
  try {
    const { port } = resolveGatewayPort({
      cliPort: options.port,
      configPort: config.gateway?.port,
    });
    const bindMode = resolveGatewayBind(options.bind, config.gateway?.bind);
    const host = await resolveBindHost(bindMode, config.gateway?.customBindHost);
    const loopback = isLoopbackAddress(host);
    const auth = await resolveStartAuth(options, config, configPath, loopback, gwLog, secrets);
    checkBindAllowed({ bindMode, host, port, auth });
    if (auth.source.token === "generated") {
      // The token was just written into the config: start from that text so the watcher does
      // not treat our own write as an edit.
      const again = await checkConfig({ path: configPath });
      if (again.valid && again.config) {
        config = again.config;
        hash = again.file.hash;
      }
    }
    if (options.force) {
      const freed = await freePort(port, { log: (line) => gwLog.info(line) });
      for (const k of freed.killed) {
        options.announce?.(`force: stopped pid ${k.pid} (${k.command || "?"}) on port ${port}`);
      }
    }

    let phase: GatewayPhase = "starting";
    const urlHost = host.includes(":") ? `[${host}]` : host;
    const wsUrl = `ws://${urlHost}:${port}`;
    const authLimiter = createAuthRateLimiter(config.gateway?.auth?.rateLimit ?? {});
    let restartPending = false;
    let healthCache: { at: number; value: Record<string, unknown> } | undefined;
    let stopping: Promise<void> | undefined;
    const agentRuntime = new LazyAgentRuntime(
      () => createGatewayAgentRuntime(state),
      (message) => gwLog.warn(message),
    );
    let resolveFinished!: (exit: ServerExit) => void;
    const finished = new Promise<ServerExit>((r) => resolveFinished = r);

    // deno-lint-ignore prefer-const -- assigned after the hub, which needs `state` first
    let hub: ConnectionHub;
    const state: GatewayState = {
      startedAt,
      stateDir,
      configPath,
      config,
      configHash: hash,
      auth,
      secrets,
      host,
      port,
      bindMode,
      logFile: logging.file,
      log,
      stateVersion: { presence: 1, health: 1 },
      lastHeartbeat: null,
      systemEvents: [],
      controlPlaneLimiter: options.controlPlaneLimiter,
      agent: () => agentRuntime.get(),
      requestRestart(reason, delayMs = 0) {
        if (restartPending) return;
        restartPending = true;
        gwLog.info(`restart requested (${reason}); restarting in ${delayMs} ms`);
        setTimeout(async () => {
          const problem = await restartPreflight(configPath);
          if (problem) {
            restartPending = false;
            gwLog.warn(`restart (${reason}) refused: ${problem}`);
            return;
          }
          await running.stop(reason, true, delayMs + 500);
        }, delayMs);
      },
      broadcast(event, payload, opts = {}) {
        if (opts.stateVersion) {
          if (event === "presence") state.stateVersion.presence++;
          if (event === "health") state.stateVersion.health++;
        }
        hub.broadcast(event, payload, {
          dropIfSlow: opts.dropIfSlow,
          stateVersion: opts.stateVersion ? { ...state.stateVersion } : undefined,
        });
      },
      presence: () => hub.presence(),
      notePresence: (key: string, entry: PresenceEntry) => hub.notePresence(key, entry),
      connectionCount: () => hub.openCount(),
      health(fresh = false) {
        const now = Date.now();
        if (!fresh && healthCache && now - healthCache.at < HEALTH_CACHE_MS) {
          return healthCache.value;
        }
        healthCache = { at: now, value: buildHealthSummary(state) };
        return healthCache.value;
      },
      reloadConfig: (reason) => reloader.reload(reason),
      reloadSecrets: () => {
        const run = async () => {
          // A failing resolver's stderr may echo the running secrets: mask them too.
          const next = await resolveSecretRefs(state.config, { mask: resolvedValues });
          const resolved = resolveGatewayAuth({
            config: state.config,
            cliAuth: { mode: options.auth, token: options.token, password: options.password },
            resolveSecret: (ref) => next.get(ref),
          });
          // A generated token is plaintext in the config and resolves again; should nothing
          // resolve, keep the running auth rather than generating a second token here.
          const nextAuth = shouldGenerateGatewayToken(resolved) ? state.auth : resolved;
          checkBindAllowed({ bindMode, host, port, auth: nextAuth });
          const fresh = [...next.values.values()].filter((v) => !resolvedValues.has(v));
          fresh.forEach((v) => resolvedValues.add(v));
          if (fresh.length > 0) {
            logging = await configureLogging(logOptions(state.config));
            state.logFile = logging.file;
          }
          state.secrets = next;
          state.auth = nextAuth;
          for (const w of next.warnings) gwLog.warn(w.message);
          gwLog.info(`secrets reloaded (${next.values.size} resolved)`);
          return { warningCount: next.warnings.length };
        };
        const p = secretsQueue.then(run, run);
        secretsQueue = p.catch(() => {});
        return p;
      },
    };
    let secretsQueue: Promise<unknown> = Promise.resolve();

    hub = new ConnectionHub({
      state,
      methods: GATEWAY_METHODS,
      authLimiter,
      healthPayload: () => state.health(true),
      helloSnapshot: () => ({
        presence: hub.presence(),
        health: state.health(),
        stateVersion: { ...state.stateVersion },
        uptimeMs: Date.now() - startedAt,
        appliedConfigHash: state.configHash,
        configPath,
        stateDir,
        sessionDefaults: {
          defaultAgentId: "main",
          mainKey: "main",
          mainSessionKey: "agent:main:main",
        },
        authMode: state.auth.mode,
      }),
    });

    const app = createHttpApp({
      phase: () => phase,
      failingChecks: () => [],
      wsUrl: () => wsUrl,
      authorize: (req, remoteAddr) =>
        authorizeHttpRequest({ headers: req.headers, remoteAddr }, {
          auth: state.auth,
          limiter: authLimiter,
          trustedProxies: state.config.gateway?.trustedProxies ?? [],
          allowRealIpFallback: state.config.gateway?.allowRealIpFallback ?? false,
        }),
      agentIds: () => listAgents(state.config).map((a) => a.id),
      agentHost: state,
    });

    const abort = new AbortController();
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve({
        hostname: host,
        port,
        signal: abort.signal,
        onListen: () => {},
        onError: () =>
          new Response(
            JSON.stringify({ error: { message: "internal error", type: "api_error" } }),
            {
              status: 500,
              headers: { "Content-Type": "application/json; charset=utf-8" },
            },
          ),
      }, (req, info) => {
        const remote = info.remoteAddr.hostname;
        const clientIp = resolveClientIp({
          remoteAddr: remote,
          headers: req.headers,
          trustedProxies: state.config.gateway?.trustedProxies ?? [],
          allowRealIpFallback: state.config.gateway?.allowRealIpFallback ?? false,
        }) ?? remote;
        if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
          if (phase !== "started") {
            return new Response("gateway not ready", {
              status: 503,
              headers: { Connection: "close" },
            });
          }
          if (!originAllowed(req.headers, state.config)) {
            return new Response("origin not allowed", {
              status: 403,
              headers: { Connection: "close" },
            });
          }
          return hub.upgrade(req, {
            clientIp,
            remoteAddr: remote,
            isLoopback: isLoopbackAddress(clientIp),
          });
        }
        return app.fetch(req, { remoteAddr: info.remoteAddr });
      });
    } catch (err) {
      if (err instanceof Deno.errors.AddrInUse) throw gatewayLockError(host, port, err);
      if (err instanceof Deno.errors.PermissionDenied) {
        throw new OpenClawError(
          "BIND_DENIED",
          `Cannot listen on ${host}:${port}: permission denied`,
          {
            hint: "Use a port above 1024 (--port)",
            cause: err,
          },
        );
      }
      throw err;
    }

    const reloader = startConfigReloader({
      configPath,
      log: log("gateway/reload"),
      current: () => ({ config: state.config, hash: state.configHash }),
      applyHot: async (next, nextHash, plan) => {
        const refsBefore = JSON.stringify(collectSecretRefs(state.config));
        state.config = next;
        healthCache = undefined;
        agentRuntime.updateConfig(next);
        state.configHash = nextHash;
        if (JSON.stringify(collectSecretRefs(next)) !== refsBefore) {
          await state.reloadSecrets().catch((err) =>
            gwLog.warn(
              `secret refs changed but did not resolve; keeping the previous secrets: ${
                err instanceof Error ? err.message : err
              }`,
            )
          );
        }
        if (plan.hot.some((h) => h.path.startsWith("logging"))) {
          logging = await configureLogging(logOptions(next));
          state.logFile = logging.file;
        }
        state.broadcast("config.changed", {
          path: configPath,
          hash: nextHash,
          ts: Date.now(),
          changedPaths: plan.changed,
        });
      },
      restart: (reason, nextHash) => {
        state.configHash = nextHash;
        state.requestRestart(reason, 0);
      },
    });

    writeGatewayRuntime(stateDir, {
      pid: Deno.pid,
      port,
      host,
      bind: bindMode,
      version: VERSION,
      startedAt: new Date(startedAt).toISOString(),
      configPath,
      logFile: logging.file,
      url: wsUrl,
    });
    phase = "started";
    gwLog.info(`listening on ${wsUrl} (PID ${Deno.pid})`);

    const running: RunningGateway = {
      state,
      url: wsUrl,
      finished,
      stop(reason, restart = false, restartExpectedMs) {
        stopping ??= (async () => {
          phase = "draining";
          gwLog.info(restart ? `restarting: ${reason}` : `stopping: ${reason}`);
          reloader.stop();
          // Abort running turns first, so their transcripts are closed before sockets go.
          await agentRuntime.close(AGENT_CLOSE_BUDGET_MS);
          await hub.shutdown(
            restart ? "gateway restarting" : "gateway stopping",
            restart ? restartExpectedMs ?? 1000 : undefined,
          );
          abort.abort();
          await server.finished.catch(() => {});
          if (!restart) removeGatewayRuntime(stateDir);
          await logging.dispose();
          resolveFinished({ restart, reason });
        })();
        return stopping;
      },
    };
    return running;
  } catch (err) {
    await logging.dispose();
    throw err;
  }
}

/** Exit code for a failed start: the error's own, or 1. */
export function startFailureExitCode(err: unknown): number {
  return err instanceof OpenClawError ? err.exitCode : ExitCode.failed;
}
