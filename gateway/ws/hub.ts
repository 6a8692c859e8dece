/**
 * The set of WebSocket connections of one server start: upgrades (with the per-IP cap on
 * unauthenticated sockets), broadcasts with per-connection `seq` and scope gating, the `tick`
 * and `health` timers (running only while someone listens), and the shutdown sequence.
 *
 * @module
 */
import { eventRequiredScope } from "../../lib/protocol/scopes.ts";
import {
  CLOSE,
  MAX_BUFFERED_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_PENDING_HANDSHAKE_FRAMES,
  MAX_PREAUTH_PAYLOAD_BYTES,
  type ProtocolLimits,
  protocolLimits,
  TICK_INTERVAL_MS,
} from "../../lib/protocol/constants.ts";
import { type Clock, systemClock, type TimerHandle } from "../../lib/clock.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { isLoopbackAddress, resolveClientIp } from "../auth.ts";
import type { GatewayPhase } from "../http/app.ts";
import type { PresenceEntry } from "../state.ts";
import { originAllowed } from "./origin.ts";
import { type ConnectionDeps, GatewayConnection, type PeerInfo } from "./connection.ts";

/** How often the `health` event refreshes (protocol.md §7.3). */
const HEALTH_EVENT_INTERVAL_MS = 60_000;

/** Every limit a connection enforces: the protocol constants plus the env-tunable ones. */
export interface ServerLimits extends ProtocolLimits {
  maxPreauthPayloadBytes: number;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  maxPendingHandshakeFrames: number;
  tickIntervalMs: number;
  healthEventIntervalMs: number;
}

/** Returns the server limits for an environment. */
export function serverLimits(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): ServerLimits {
  return {
    ...protocolLimits(env),
    maxPreauthPayloadBytes: MAX_PREAUTH_PAYLOAD_BYTES,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    maxPendingHandshakeFrames: MAX_PENDING_HANDSHAKE_FRAMES,
    tickIntervalMs: TICK_INTERVAL_MS,
    healthEventIntervalMs: HEALTH_EVENT_INTERVAL_MS,
  };
}

/** Options for {@linkcode ConnectionHub}. */
export interface HubOptions extends Omit<ConnectionDeps, "hub" | "limits"> {
  limits?: ServerLimits;
  /** Builds the `health` event payload. */
  healthPayload(): unknown;
}

/** Owns every socket of one server start. */
export class ConnectionHub {
  readonly #connections = new Set<GatewayConnection>();
  readonly #preauthByIp = new Map<string, number>();
  readonly #extraPresence = new Map<string, PresenceEntry>();
  readonly #options: HubOptions;
  readonly limits: ServerLimits;
  readonly #clock: Clock;
  #tick: TimerHandle | undefined;
  #health: TimerHandle | undefined;
  #closing = false;

  constructor(options: HubOptions) {
    this.#options = options;
    this.limits = options.limits ?? serverLimits();
    this.#clock = options.clock ?? systemClock;
  }

  /** Answers a WebSocket upgrade request, or refuses it with a plain HTTP status. */
  upgrade(req: Request, peer: Omit<PeerInfo, "headers">): Response {
    const clientIp = peer.clientIp;
    if (this.#closing) {
      return new Response("gateway shutting down", {
        status: 503,
        headers: { Connection: "close" },
      });
    }
    const pending = this.#preauthByIp.get(clientIp) ?? 0;
    if (pending >= this.limits.maxPreauthConnectionsPerIp) {
      return new Response("Too many unauthenticated sockets", {
        status: 503,
        headers: { Connection: "close" },
      });
    }
    // The request is consumed by the upgrade; keep a copy of its headers for the handshake.
    const headers = new Headers(req.headers);
    let upgraded: { socket: WebSocket; response: Response };
    try {
      upgraded = Deno.upgradeWebSocket(req, { idleTimeout: 30 });
    } catch {
      return new Response("Bad Request", { status: 400, headers: { Connection: "close" } });
    }
    this.#preauthByIp.set(clientIp, pending + 1);
    const conn = new GatewayConnection(upgraded.socket, { ...peer, headers }, {
      ...this.#options,
      hub: this,
      limits: this.limits,
    });
    this.#connections.add(conn);
    return upgraded.response;
  }

  /** Called by a connection when its handshake ends (either way) to release its pre-auth slot. */
  releasePreauth(clientIp: string): void {
    const n = (this.#preauthByIp.get(clientIp) ?? 1) - 1;
    if (n <= 0) this.#preauthByIp.delete(clientIp);
    else this.#preauthByIp.set(clientIp, n);
  }

  /** Called by a connection after hello-ok. */
  connectionOpened(): void {
    this.#startTimers();
    this.#broadcastPresence();
  }

  /** Called by a connection when its socket is gone. */
  connectionClosed(conn: GatewayConnection, wasOpen: boolean): void {
    this.#connections.delete(conn);
    if (wasOpen && !this.#closing) {
      this.#broadcastPresence();
    }
    if (this.openCount() === 0) this.#stopTimers();
  }

  #broadcastPresence(): void {
    this.#options.state.broadcast("presence", { presence: this.presence() }, {
      dropIfSlow: true,
      stateVersion: true,
    });
  }

  /** Number of connections past the handshake. */
  openCount(): number {
    let n = 0;
    for (const c of this.#connections) if (c.isOpen) n++;
    return n;
  }

  /** Presence of open connections plus entries recorded by `system-event`. */
  presence(): PresenceEntry[] {
    const out: PresenceEntry[] = [];
    for (const c of this.#connections) {
      const p = c.presenceEntry();
      if (p) out.push(p);
    }
    return [...out, ...this.#extraPresence.values()];
  }

  /** Records a presence entry that is not a socket (bounded). */
  notePresence(key: string, entry: PresenceEntry): void {
    this.#extraPresence.delete(key);
    this.#extraPresence.set(key, entry);
    if (this.#extraPresence.size > 200) {
      this.#extraPresence.delete(this.#extraPresence.keys().next().value!);
    }
  }

  /** Sends an event to every open connection whose scopes allow it. */
  broadcast(
    event: string,
    payload: unknown,
    options: { dropIfSlow?: boolean; stateVersion?: { presence: number; health: number } } = {},
  ): void {
    const scope = eventRequiredScope(event);
    for (const c of this.#connections) {
      if (c.isOpen) {
        c.sendEvent(event, payload, {
          scope,
          dropIfSlow: options.dropIfSlow,
          stateVersion: options.stateVersion,
        });
      }
    }
  }

  #startTimers(): void {
    // Timers run only while clients are connected, so an idle gateway uses no CPU.
    this.#tick ??= this.#clock.setInterval(
      () => this.broadcast("tick", { ts: this.#clock.now() }),
      this.limits.tickIntervalMs,
    );
    this.#health ??= this.#clock.setInterval(() => {
      this.#options.onHealthTick?.();
      this.broadcast("health", this.#options.healthPayload(), { dropIfSlow: true });
    }, this.limits.healthEventIntervalMs);
  }

  #stopTimers(): void {
    this.#clock.clearInterval(this.#tick);
    this.#clock.clearInterval(this.#health);
    this.#tick = undefined;
    this.#health = undefined;
  }

  /**
   * Tells every client the gateway is going away (`shutdown`), closes their sockets with 1012
   * and waits briefly for the closes to be sent.
   */
  async shutdown(reason: string, restartExpectedMs?: number): Promise<void> {
    this.#closing = true;
    this.#stopTimers();
    const payload = restartExpectedMs === undefined ? { reason } : { reason, restartExpectedMs };
    this.broadcast("shutdown", payload);
    const closed = [...this.#connections].map((c) => c.closeWith(CLOSE.serviceRestart));
    // Real time, not the clock: this waits for sockets, it schedules nothing.
    let timer: TimerHandle | undefined;
    await Promise.race([Promise.all(closed), new Promise((r) => timer = setTimeout(r, 1000))])
      .finally(() => clearTimeout(timer));
  }
}

/** What {@linkcode createRequestHandler} routes with. */
export interface RequestRouting {
  hub: ConnectionHub;
  /** The HTTP app (Hono's `fetch`). */
  fetch(req: Request, env: { remoteAddr: Deno.NetAddr }): Response | Promise<Response>;
  phase(): GatewayPhase;
  /** The running config (trusted proxies and allowed origins are read per request). */
  config(): OpenClawConfig;
}

/**
 * The server's one request handler: WebSocket upgrades go to the hub once the gateway is ready
 * and the Origin is allowed; every other request goes to the HTTP app.
 */
export function createRequestHandler(
  routing: RequestRouting,
): (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response> {
  return function routeRequest(req, info) {
    const remote = info.remoteAddr.hostname;
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return routing.fetch(req, { remoteAddr: info.remoteAddr });
    }
    const config = routing.config();
    const clientIp = resolveClientIp({
      remoteAddr: remote,
      headers: req.headers,
      trustedProxies: config.gateway?.trustedProxies ?? [],
      allowRealIpFallback: config.gateway?.allowRealIpFallback ?? false,
    }) ?? remote;
    if (routing.phase() !== "started") {
      return new Response("gateway not ready", { status: 503, headers: { Connection: "close" } });
    }
    if (!originAllowed(req.headers, config)) {
      return new Response("origin not allowed", { status: 403, headers: { Connection: "close" } });
    }
    return routing.hub.upgrade(req, {
      clientIp,
      remoteAddr: remote,
      isLoopback: isLoopbackAddress(clientIp),
    });
  };
}
