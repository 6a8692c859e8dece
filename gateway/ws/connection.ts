/**
 * One WebSocket client: the handshake state machine (challenge → connect → hello-ok), then
 * request dispatch with scope checks, and event delivery with `seq` and slow-consumer handling.
 * Every limit and failure answer is protocol.md §2–§6.
 *
 * @module
 */
import type { AuthRateLimiter } from "../auth.ts";
import { type Clock, systemClock, type TimerHandle } from "../../lib/clock.ts";
import { type HelloOk, parseFrame, type Snapshot } from "../../lib/protocol/frames.ts";
import {
  CLOSE,
  CloseCode,
  type CloseSpec,
  PROTOCOL_VERSION,
  truncateCloseReason,
} from "../../lib/protocol/constants.ts";
import {
  connectNotFirstError,
  ErrorCode,
  errorShape,
  firstRequestMustBeConnectError,
} from "../../lib/protocol/errors.ts";
import { scopesSatisfy } from "../../lib/protocol/scopes.ts";
import { protocolErrorOf } from "../../lib/protocol/error_map.ts";
import type { ErrorShape } from "../../lib/protocol/frames.ts";
import type { GatewayState, PresenceEntry } from "../state.ts";
import type { CallerInfo } from "../methods/types.ts";
import type { MethodRegistry } from "../methods/registry.ts";
import { type HandshakeOutcome, runHandshake } from "./handshake.ts";
import type { ConnectionHub, ServerLimits } from "./hub.ts";

/** What a connection needs from the server. */
export interface ConnectionDeps {
  hub: ConnectionHub;
  state: GatewayState;
  methods: MethodRegistry;
  limits: ServerLimits;
  authLimiter: AuthRateLimiter;
  /** Runs the handshake deadline here and the hub's `tick`/`health` timers. @default systemClock */
  clock?: Clock;
  /** Called when the periodic health event fires (to refresh caches). */
  onHealthTick?: () => void;
  /** The hello-ok `snapshot`. */
  helloSnapshot(): Snapshot;
}

/** Facts about the peer, fixed at upgrade time. */
export interface PeerInfo {
  /** The client's address (after trusted-proxy forwarding headers). */
  clientIp: string;
  /** The direct TCP peer. */
  remoteAddr: string;
  isLoopback: boolean;
  headers: Headers;
}

type Phase = "challenge" | "connecting" | "open" | "closed";

const encoder = new TextEncoder();

function byteLength(data: string | ArrayBuffer | Blob): number {
  if (typeof data === "string") {
    return data.length > 16_384 ? encoder.encode(data).length : data.length * 3;
  }
  if (data instanceof ArrayBuffer) return data.byteLength;
  return data.size;
}

/** One client connection. */
export class GatewayConnection {
  readonly connId = crypto.randomUUID();
  readonly #socket: WebSocket;
  readonly #peer: PeerInfo;
  readonly #deps: ConnectionDeps;
  readonly #clock: Clock;
  readonly #nonce = crypto.randomUUID();
  readonly #abort = new AbortController();
  #phase: Phase = "challenge";
  #seq = 0;
  #pending: string[] = [];
  #handshakeTimer: TimerHandle | undefined;
  #caller: CallerInfo | undefined;
  #presence: PresenceEntry | undefined;
  #closed: Promise<void>;

  constructor(socket: WebSocket, peer: PeerInfo, deps: ConnectionDeps) {
    this.#socket = socket;
    this.#peer = peer;
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    let resolveClosed!: () => void;
    this.#closed = new Promise((r) => resolveClosed = r);
    socket.onopen = () => this.#onOpen();
    socket.onmessage = (e) => this.#onMessage(e.data);
    socket.onclose = () => {
      const wasOpen = this.#phase === "open";
      if (this.#phase !== "open") this.#releasePreauth();
      this.#phase = "closed";
      this.#clock.clearTimeout(this.#handshakeTimer);
      this.#abort.abort();
      this.#deps.hub.connectionClosed(this, wasOpen);
      resolveClosed();
    };
    socket.onerror = () => {/* onclose follows and does the cleanup */};
  }

  /** True once hello-ok was sent and until the socket closes. */
  get isOpen(): boolean {
    return this.#phase === "open";
  }

  /** The presence entry of this client (open connections only). */
  presenceEntry(): PresenceEntry | undefined {
    return this.#phase === "open" ? this.#presence : undefined;
  }

  #preauthReleased = false;
  #releasePreauth(): void {
    if (this.#preauthReleased) return;
    this.#preauthReleased = true;
    this.#deps.hub.releasePreauth(this.#peer.clientIp);
  }

  #onOpen(): void {
    this.#sendRaw({
      type: "event",
      event: "connect.challenge",
      payload: { nonce: this.#nonce, ts: this.#clock.now(), capabilities: [] },
    });
    this.#handshakeTimer = this.#clock.setTimeout(() => {
      // protocol.md §4.7: a handshake that never finishes is closed cleanly with no reason.
      if (this.#phase !== "open") this.closeWith(CLOSE.handshakeTimeout);
    }, this.#deps.limits.handshakeTimeoutMs);
  }

  #onMessage(data: string | ArrayBuffer | Blob): void {
    if (this.#phase === "closed") return;
    const size = byteLength(data);
    if (this.#phase !== "open" && size > this.#deps.limits.maxPreauthPayloadBytes) {
      this.closeWith(CLOSE.preauthPayloadTooLarge);
      return;
    }
    if (size > this.#deps.limits.maxPayloadBytes) {
      this.close(CloseCode.preauthPayloadTooLarge, "payload too large");
      return;
    }
    if (typeof data !== "string") {
      // Frames are text JSON; a binary frame is not a valid request.
      if (this.#phase === "open") {
        this.#respondError(
          "invalid",
          errorShape(
            ErrorCode.INVALID_REQUEST,
            "invalid request frame: binary frames are not supported",
          ),
        );
      } else this.closeWith(CLOSE.invalidRequestFrame);
      return;
    }
    if (this.#phase === "challenge") {
      void this.#handleFirstFrame(data);
    } else if (this.#phase === "connecting") {
      if (this.#pending.length >= this.#deps.limits.maxPendingHandshakeFrames) {
        this.closeWith(CLOSE.tooManyPendingHandshakeFrames);
        return;
      }
      this.#pending.push(data);
    } else {
      void this.#handleRequest(data);
    }
  }

  async #handleFirstFrame(text: string): Promise<void> {
    const parsed = parseFrame(text);
    if (!parsed.ok || parsed.frame.type !== "req") {
      this.closeWith(CLOSE.invalidRequestFrame);
      return;
    }
    const req = parsed.frame;
    if (req.method !== "connect") {
      this.#respondError(
        req.id,
        firstRequestMustBeConnectError(),
      );
      this.close(CloseCode.policyViolation, "invalid handshake: first request must be connect");
      return;
    }
    this.#phase = "connecting";
    let outcome: HandshakeOutcome;
    try {
      outcome = await runHandshake({
        params: req.params,
        nonce: this.#nonce,
        peer: this.#peer,
        state: this.#deps.state,
        authLimiter: this.#deps.authLimiter,
      });
    } catch (err) {
      outcome = {
        ok: false,
        error: protocolErrorOf(err).shape,
        closeCode: CLOSE.handlerUnavailable.code,
        closeReason: CLOSE.handlerUnavailable.reason,
      };
    }
    if ((this.#phase as Phase) === "closed") return;
    if (!outcome.ok) {
      this.#respondError(req.id, outcome.error);
      this.close(outcome.closeCode, outcome.closeReason);
      return;
    }
    this.#clock.clearTimeout(this.#handshakeTimer);
    this.#releasePreauth();
    this.#caller = { ...outcome.caller, connId: this.connId };
    const now = this.#clock.now();
    this.#presence = { ...outcome.presence, ts: now, onlineSince: now };
    const methods = this.#deps.methods.names();
    const hello: HelloOk = {
      type: "hello-ok",
      protocol: PROTOCOL_VERSION,
      server: { version: outcome.serverVersion, connId: this.connId },
      features: { methods, events: outcome.events },
      snapshot: this.#deps.helloSnapshot(),
      auth: outcome.helloAuth,
      policy: {
        maxPayload: this.#deps.limits.maxPayloadBytes,
        maxBufferedBytes: this.#deps.limits.maxBufferedBytes,
        tickIntervalMs: this.#deps.limits.tickIntervalMs,
      },
    };
    this.#sendRaw({ type: "res", id: req.id, ok: true, payload: hello });
    this.#phase = "open";
    this.#deps.hub.connectionOpened();
    const queued = this.#pending;
    this.#pending = [];
    for (const frame of queued) await this.#handleRequest(frame);
  }

  async #handleRequest(text: string): Promise<void> {
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      this.#respondError(
        parsed.id ?? "invalid",
        errorShape(ErrorCode.INVALID_REQUEST, `invalid request frame: ${parsed.error}`),
      );
      return;
    }
    const frame = parsed.frame;
    if (frame.type !== "req") {
      this.#respondError(
        "invalid",
        errorShape(ErrorCode.INVALID_REQUEST, "invalid request frame: expected a request"),
      );
      return;
    }
    if (frame.method === "connect") {
      this.#respondError(
        frame.id,
        connectNotFirstError(),
      );
      return;
    }
    const caller = this.#caller!;
    const resolved = this.#deps.methods.resolve(frame.method, frame.params, caller.scopes);
    if (!resolved.ok) {
      this.#respondError(frame.id, resolved.error);
      return;
    }
    try {
      const payload = await resolved.method.run({
        params: resolved.params,
        caller,
        state: this.#deps.state,
        signal: this.#abort.signal,
        respondEarly: (early) =>
          this.#sendRaw({ type: "res", id: frame.id, ok: true, payload: early ?? null }),
      });
      this.#sendRaw({ type: "res", id: frame.id, ok: true, payload: payload ?? null });
    } catch (err) {
      const failure = protocolErrorOf(err);
      if (!failure.expected) {
        this.#deps.state.log("gateway/ws").warn(
          `method ${frame.method} failed: ${failure.shape.message}`,
        );
      }
      this.#respondError(frame.id, failure.shape);
    }
  }

  /**
   * Sends an event if the client's scopes allow it. A client that falls behind by more than
   * `maxBufferedBytes` is closed as a slow consumer, unless the event may simply be dropped.
   */
  sendEvent(
    event: string,
    payload: unknown,
    options: {
      scope: string | null;
      dropIfSlow?: boolean;
      stateVersion?: { presence: number; health: number };
    },
  ): void {
    if (this.#phase !== "open") return;
    if (options.scope !== null && !scopesSatisfy(this.#caller!.scopes, options.scope)) return;
    const seq = ++this.#seq;
    if (this.#socket.bufferedAmount > this.#deps.limits.maxBufferedBytes) {
      if (options.dropIfSlow) return; // the seq gap tells the client something was skipped
      this.closeWith(CLOSE.slowConsumer);
      return;
    }
    this.#sendRaw({
      type: "event",
      event,
      payload,
      seq,
      ...(options.stateVersion ? { stateVersion: options.stateVersion } : {}),
    });
  }

  #respondError(id: string, error: ErrorShape): void {
    this.#sendRaw({ type: "res", id, ok: false, error });
  }

  #sendRaw(frame: unknown): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    try {
      this.#socket.send(JSON.stringify(frame));
    } catch {
      // The socket died between the check and the send; onclose cleans up.
    }
  }

  /** Closes with one of the protocol's fixed closes. */
  closeWith(spec: CloseSpec): Promise<void> {
    return this.close(spec.code, spec.reason);
  }

  /** Closes the socket (reason cut to fit the 123-byte limit) and resolves when it is closed. */
  close(code: number, reason: string): Promise<void> {
    if (
      this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING
    ) {
      try {
        // An empty reason stays empty (the handshake deadline closes 1000 with none).
        this.#socket.close(code, reason === "" ? "" : truncateCloseReason(reason));
      } catch {
        this.#socket.close();
      }
    }
    return this.#closed;
  }
}
