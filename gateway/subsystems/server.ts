/**
 * The `server` subsystem: port, bind and auth (refusing the starts the seed names), then one
 * `Deno.serve` for HTTP and WebSocket. Binding the port is the lock, so a second gateway fails
 * here, before any later subsystem (a channel, a heartbeat) can start twice. Stopping tells
 * every client (`shutdown`, close 1012) and closes the listener.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import { checkConfigCached } from "../../lib/config/check_cached.ts";
import { OpenClawError } from "../../lib/errors.ts";
import { resolveGatewayBind, resolveGatewayPort } from "../../lib/paths.ts";
import type { Snapshot } from "../../lib/protocol/frames.ts";
import {
  authorizeHttpRequest,
  type AuthRateLimiter,
  checkBindAllowed,
  isLoopbackAddress,
} from "../auth.ts";
import { resolveBindHost } from "../bind.ts";
import { createHttpApp, type GatewayPhase } from "../http/app.ts";
import type { AgentHost } from "../agent_runtime.ts";
import { listAgents } from "../../lib/agent/agents.ts";
import { freePort, gatewayLockError } from "../lock.ts";
import { type HttpServer, serveHttp } from "../net/mod.ts";
import { maxConnectionsFor, openFileLimit } from "../../lib/net/fd_limit.ts";
import type { MethodTable } from "../methods/lazy_registry.ts";
import type { GatewayStartOptions } from "../server.ts";
import { resolveStartAuth } from "../start_config.ts";
import type { GatewayState } from "../state.ts";
import { ConnectionHub } from "../ws/hub.ts";
import { createRequestHandler } from "../ws/route.ts";
import type { ManagedTailscaleIngress } from "../tailscale/ingress.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";

/** The parts of the state the server sets when it binds. */
export interface ServerHost extends GatewayState {
  host: string;
  port: number;
  bindMode: string;
  url: string;
}

/** What the server subsystem needs besides the state. */
export interface ServerOptions {
  flags: Pick<
    GatewayStartOptions,
    "port" | "bind" | "auth" | "token" | "password" | "force" | "allowUnconfigured" | "announce"
  >;
  methods: MethodTable;
  authLimiter: AuthRateLimiter;
  /** The start's phase, for the probes and for refusing upgrades until ready. */
  phase(): GatewayPhase;
  /** The hello-ok snapshot. */
  helloSnapshot(): Snapshot;
  /** Runs agent turns for the HTTP API. */
  agentHost: AgentHost;
  /** Tells connections that came through the managed Tailscale listener (tailscale/ingress.ts). */
  tailscaleIngress?: Pick<ManagedTailscaleIngress, "classify">;
}

/** The server subsystem and the hub it serves. */
export interface ServerSubsystem extends GatewaySubsystem {
  /** The connection hub (exists once started). */
  hub(): ConnectionHub | undefined;
}

/** Creates the server subsystem. */
export function serverSubsystem(state: ServerHost, options: ServerOptions): ServerSubsystem {
  let hub: ConnectionHub | undefined;
  let server: HttpServer | undefined;
  const abort = new AbortController();
  const { flags } = options;

  const bindAndAuth = async (log: Logger) => {
    const { port } = resolveGatewayPort({
      cliPort: flags.port,
      configPort: state.config.gateway?.port,
    });
    const bindMode = resolveGatewayBind(flags.bind, state.config.gateway?.bind);
    const host = await resolveBindHost(bindMode, state.config.gateway?.customBindHost);
    const auth = await resolveStartAuth(
      flags,
      state.config,
      state.configPath,
      isLoopbackAddress(host),
      log,
      state.secrets,
    );
    checkBindAllowed({ bindMode, host, port, auth });
    if (auth.source.token === "generated") {
      // The token was just written into the config: run from that text so the reloader does
      // not take our own write for an edit.
      const again = await checkConfigCached({ path: state.configPath, stateDir: state.stateDir });
      if (again.valid && again.config) {
        state.config = again.config;
        state.configHash = again.file.hash;
      }
    }
    Object.assign(state, {
      host,
      port,
      bindMode,
      auth,
      url: `ws://${host.includes(":") ? `[${host}]` : host}:${port}`,
    });
  };

  const listen = (clock: GatewayState["clock"], log: Logger) => {
    hub = new ConnectionHub({
      state,
      methods: options.methods,
      authLimiter: options.authLimiter,
      clock,
      healthPayload: () => state.health(true),
      helloSnapshot: options.helloSnapshot,
    });
    const app = createHttpApp({
      phase: options.phase,
      failingChecks: () => [],
      wsUrl: () => state.url,
      authorize: (req, remoteAddr) =>
        authorizeHttpRequest({ headers: req.headers, remoteAddr }, {
          auth: state.auth,
          limiter: options.authLimiter,
          trustedProxies: state.config.gateway?.trustedProxies ?? [],
          allowRealIpFallback: state.config.gateway?.allowRealIpFallback ?? false,
        }),
      agentIds: () => listAgents(state.config).map((a) => a.id),
      agentHost: options.agentHost,
    });
    const handler = createRequestHandler({
      hub,
      fetch: (req, env) => app.fetch(req, env),
      phase: options.phase,
      config: () => state.config,
      ...(options.tailscaleIngress ? { tailscale: options.tailscaleIngress } : {}),
    });
    const limits = state.config.gateway?.limits;
    try {
      server = serveHttp({
        hostname: state.host,
        port: state.port,
        signal: abort.signal,
        handler,
        log,
        limits: {
          maxConnections: maxConnectionsFor(limits?.maxConnections, openFileLimit()),
          ...(limits?.headerTimeoutMs ? { headerTimeoutMs: limits.headerTimeoutMs } : {}),
          ...(limits?.bodyTimeoutMs ? { bodyTimeoutMs: limits.bodyTimeoutMs } : {}),
        },
        // Only reached when the app itself could not answer (its onError renders the rest).
        onError: () =>
          new Response(
            JSON.stringify({ error: { message: "internal error", type: "api_error" } }),
            { status: 500, headers: { "Content-Type": "application/json; charset=utf-8" } },
          ),
      });
    } catch (err) {
      if (err instanceof Deno.errors.AddrInUse) throw gatewayLockError(state.host, state.port, err);
      if (err instanceof Deno.errors.PermissionDenied) {
        throw new OpenClawError(
          "BIND_DENIED",
          `Cannot listen on ${state.host}:${state.port}: permission denied`,
          { hint: "Use a port above 1024 (--port)", cause: err },
        );
      }
      throw err;
    }
  };

  return {
    id: "server",
    required: true,
    after: ["logging", "secrets"],
    async start(ctx) {
      await bindAndAuth(ctx.log);
      if (flags.force) {
        const freed = await freePort(state.port, { log: (line) => ctx.log.info(line) });
        for (const k of freed.killed) {
          flags.announce?.(
            `force: stopped pid ${k.pid} (${k.command || "?"}) on port ${state.port}`,
          );
        }
      }
      listen(ctx.clock, ctx.log);
    },
    hub: () => hub,
    async stop({ restart, restartExpectedMs }) {
      await hub?.shutdown(
        restart ? "gateway restarting" : "gateway stopping",
        restart ? restartExpectedMs ?? 1000 : undefined,
      );
      abort.abort();
      await server?.finished.catch(() => {});
    },
    health: () => ({
      url: state.url,
      connections: hub?.openCount() ?? 0,
      http: server?.stats(),
      authFailures: options.authLimiter.failures.counts(),
    }),
  };
}
