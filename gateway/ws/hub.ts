/**
 * The set of WebSocket connections of one server start: upgrades (with the per-IP cap on
 * unauthenticated sockets), broadcasts with per-connection `seq` and scope gating, the `tick`
 * and `health` timers (running only while someone listens), coalesced `presence` events, and the
 * shutdown sequence.
 *
 * Presence is coalesced: a connect, a close or a `system-event` line only marks presence as
 * changed, and one `presence` event per window ({@linkcode PRESENCE_COALESCE_MS}) carries the
 * list to every reader, so a connect or close costs O(1) per reader instead of one full list each.
 *
 * @module
 */
import type { GatewayEventName } from "../../lib/protocol/events.ts";
import {
  CLOSE,
  HEALTH_EVENT_INTERVAL_MS,
  MAX_BUFFERED_BYTES,
  MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
  MAX_PAYLOAD_BYTES,
  MAX_PENDING_HANDSHAKE_FRAMES,
  MAX_PREAUTH_PAYLOAD_BYTES,
  PRESENCE_COALESCE_MS,
  PRESENCE_EVENT_MAX_ENTRIES,
  type ProtocolLimits,
  protocolLimits,
  REQUEST_QUEUE_LIMITS,
  REQUEST_SLOT_LEASE_MS,
  TICK_INTERVAL_MS,
} from "../../lib/protocol/constants.ts";
import { type Clock, systemClock, type TimerHandle } from "../../lib/clock.ts";
import { HeadHeaders, type ServerWebSocket, upgradeWebSocket } from "../net/mod.ts";
import type { ShutdownEvent, StateVersion, TickEvent } from "../../lib/protocol/frames.ts";
import type { PresenceEntry } from "../state.ts";
import type { ConnectionDeps, GatewayConnection, PeerInfo } from "./connection.ts";
import { ConnectionLog } from "./conn_log.ts";
import { clearTimer, setTimer } from "../../lib/timers.ts";

/** Every limit a connection enforces: the protocol constants plus the env-tunable ones. */
export interface ServerLimits extends ProtocolLimits {
  maxPreauthPayloadBytes: number;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  maxPendingHandshakeFrames: number;
  tickIntervalMs: number;
  healthEventIntervalMs: number;
  /** Requests one connection may have pending (running + queued) before "server is busy". */
  maxPendingRequests: number;
  /** Bytes of request frames one connection may have pending before "server is busy". */
  maxPendingRequestBytes: number;
  /** Requests of one connection that run at once; the others wait their turn in order. */
  maxInFlightRequests: number;
  /** A request running longer than this frees its in-flight slot for the next one. */
  requestSlotLeaseMs: number;
  /** Presence changes within this window go out as one `presence` event. */
  presenceCoalesceMs: number;
  /** Most entries a `presence` event carries (the most recent ones). */
  presenceMaxEntries: number;
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
    maxPendingRequests: REQUEST_QUEUE_LIMITS.maxPending,
    maxPendingRequestBytes: REQUEST_QUEUE_LIMITS.maxBytes,
    maxInFlightRequests: MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
    requestSlotLeaseMs: REQUEST_SLOT_LEASE_MS,
    presenceCoalesceMs: PRESENCE_COALESCE_MS,
    presenceMaxEntries: PRESENCE_EVENT_MAX_ENTRIES,
  };
}

/** The `presence` event payload: every entry, or the most recent `max` with the total count. */
export function presenceEventPayload(
  all: PresenceEntry[],
  max: number,
): { presence: PresenceEntry[]; total?: number } {
  if (all.length <= max) return { presence: all };
  // Newest first by `ts`; on a tie the later entry (connected or noted later) wins.
  const order = all.map((_, i) => i).sort((x, y) => (all[y].ts - all[x].ts) || (y - x));
  const keep = new Set(order.slice(0, max));
  return { presence: all.filter((_, i) => keep.has(i)), total: all.length };
}

/** Options for {@linkcode ConnectionHub}. */
export interface HubOptions extends Omit<ConnectionDeps, "hub" | "limits"> {
  limits?: ServerLimits;
  /** Builds the `health` event payload. */
  healthPayload(): unknown;
}

let connectionModule: Promise<typeof import("./connection.ts")> | undefined;

/** The connection layer, imported once; a failed import is tried again by the next upgrade. */
function loadConnectionModule(): Promise<typeof import("./connection.ts")> {
  connectionModule ??= import("./connection.ts").catch((err) => {
    connectionModule = undefined;
    throw err;
  });
  return connectionModule;
}

/** Owns every socket of one server start. */
export class ConnectionHub {
  readonly #connections = new Set<GatewayConnection>();
  readonly #preauthByIp = new Map<string, number>();
  readonly #extraPresence = new Map<string, PresenceEntry>();
  readonly #options: HubOptions;
  readonly limits: ServerLimits;
  readonly #clock: Clock;
  readonly #log: ConnectionLog;
  #tick: TimerHandle | undefined;
  #health: TimerHandle | undefined;
  #presenceFlush: TimerHandle | undefined;
  #open = 0;
  #closing = false;

  constructor(options: HubOptions) {
    this.#options = options;
    this.limits = options.limits ?? serverLimits();
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? new ConnectionLog();
  }

  /**
   * Answers a WebSocket upgrade request, or refuses it with a plain HTTP status. The connection
   * layer (handshake, frame schemas, dispatch) is imported at the first upgrade, not at start.
   */
  async upgrade(req: Request, peer: Omit<PeerInfo, "headers">): Promise<Response> {
    // Loaded before the checks, so the pre-auth count is read and raised with no await between.
    const { GatewayConnection } = await loadConnectionModule();
    const clientIp = peer.clientIp;
    if (this.#closing) {
      this.#log.upgradeRefused(clientIp, 503, "gateway shutting down");
      return new Response("gateway shutting down", {
        status: 503,
        headers: { Connection: "close" },
      });
    }
    const pending = this.#preauthByIp.get(clientIp) ?? 0;
    if (pending >= this.limits.maxPreauthConnectionsPerIp) {
      this.#log.upgradeRefused(clientIp, 503, "too many unauthenticated sockets");
      return new Response("Too many unauthenticated sockets", {
        status: 503,
        headers: { Connection: "close" },
      });
    }
    // The request is consumed by the upgrade; keep its headers for the handshake (a copy, unless
    // they are the server's read-only view of the handshake's fields).
    const headers = req.headers instanceof HeadHeaders ? req.headers : new Headers(req.headers);
    let upgraded: { socket: ServerWebSocket; response: Response };
    try {
      // Frames above the pre-auth limit are refused from their header, before any payload is
      // buffered; the connection raises the limit after hello-ok.
      upgraded = upgradeWebSocket(req, {
        idleTimeoutSec: 30,
        maxMessageBytes: this.limits.maxPreauthPayloadBytes,
      });
      upgraded.socket.tooLargeReason = CLOSE.preauthPayloadTooLarge.reason;
    } catch {
      this.#log.upgradeRefused(clientIp, 400, "not a valid websocket upgrade");
      return new Response("Bad Request", { status: 400, headers: { Connection: "close" } });
    }
    this.#preauthByIp.set(clientIp, pending + 1);
    const conn = new GatewayConnection(upgraded.socket, { ...peer, headers }, {
      ...this.#options,
      hub: this,
      limits: this.limits,
      log: this.#log,
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
    this.#open++;
    this.#startTimers();
    // The new client has the list in its hello-ok snapshot; the others hear at the window's end.
    this.#presenceChanged();
  }

  /** Called by a connection when its socket is gone. */
  connectionClosed(conn: GatewayConnection, wasOpen: boolean): void {
    if (!this.#connections.delete(conn)) return;
    if (wasOpen) {
      this.#open--;
      this.#presenceChanged();
    }
    if (this.#open === 0) this.#stopTimers();
  }

  /** Marks presence as changed: one `presence` event goes out when the window ends. */
  #presenceChanged(): void {
    if (this.#closing || this.#open === 0 || this.#presenceFlush !== undefined) return;
    this.#presenceFlush = this.#clock.setTimeout(() => {
      this.#presenceFlush = undefined;
      this.#flushPresence();
    }, this.limits.presenceCoalesceMs);
  }

  #flushPresence(): void {
    if (this.#closing || this.#open === 0) return;
    // Built once for all readers; `stateVersion.presence` grows by one per event.
    const payload = presenceEventPayload(this.presence(), this.limits.presenceMaxEntries);
    this.#options.state.broadcast("presence", payload, { dropIfSlow: true, stateVersion: true });
  }

  /** Number of connections past the handshake. */
  openCount(): number {
    return this.#open;
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

  /**
   * Records a presence entry that is not a socket (bounded), and announces it with the next
   * coalesced `presence` event.
   */
  notePresence(key: string, entry: PresenceEntry): void {
    this.#extraPresence.delete(key);
    this.#extraPresence.set(key, entry);
    if (this.#extraPresence.size > 200) {
      this.#extraPresence.delete(this.#extraPresence.keys().next().value!);
    }
    this.#presenceChanged();
  }

  /** Sends an event to every open connection whose scopes allow it. */
  broadcast(
    event: GatewayEventName,
    payload: unknown,
    options: { dropIfSlow?: boolean; stateVersion?: StateVersion } = {},
  ): void {
    if (this.#open === 0) return;
    // Serialized once, not once per reader.
    const encodedPayload = JSON.stringify(payload);
    for (const c of this.#connections) {
      if (c.isOpen) {
        c.sendEvent(event, payload, {
          dropIfSlow: options.dropIfSlow,
          stateVersion: options.stateVersion,
          encodedPayload,
        });
      }
    }
  }

  #startTimers(): void {
    // Timers run only while clients are connected, so an idle gateway uses no CPU.
    this.#tick ??= this.#clock.setInterval(
      () => this.broadcast("tick", { ts: this.#clock.now() } satisfies TickEvent),
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
    this.#clock.clearTimeout(this.#presenceFlush);
    this.#tick = undefined;
    this.#health = undefined;
    this.#presenceFlush = undefined;
  }

  /**
   * Tells every client the gateway is going away (`shutdown`), closes their sockets with 1012
   * and waits briefly for the closes to be sent.
   */
  async shutdown(reason: string, restartExpectedMs?: number): Promise<void> {
    this.#closing = true;
    this.#stopTimers();
    const payload: ShutdownEvent = restartExpectedMs === undefined
      ? { reason }
      : { reason, restartExpectedMs };
    this.broadcast("shutdown", payload);
    const closed = [...this.#connections].map((c) => c.closeWith(CLOSE.serviceRestart));
    // Real time, not the clock: this waits for sockets, it schedules nothing.
    let timer: TimerHandle | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((r) => timer = setTimer(r, 1000))])
      .finally(() => clearTimer(timer));
  }
}
