/**
 * One WebSocket client: the handshake state machine (challenge -> connect -> hello-ok), then
 * request dispatch with scope checks, and event delivery with `seq` and slow-consumer handling.
 * Every limit and failure answer is protocol.md §2-§6.
 *
 * Requests are bounded per connection: at most `maxPendingRequests` (256) and
 * `maxPendingRequestBytes` (50 MiB) pending, more are answered "The server is busy...". Of the
 * pending ones at most `maxInFlightRequests` run at once; the rest wait in FIFO order, and a
 * connection starts at most one queued request per event-loop turn. That pacing is what keeps a
 * client pipelining heavy calls from starving the others: Deno sends a socket's queued frames
 * between turns, and a connection that starts several requests per turn (as one handled inline
 * per frame read does) gets its answers, and everyone else's, held back until it is done
 * (measured: 300 pipelined 20 ms calls held another client's `health` answer 7 s; paced, it
 * came back within a turn). Responses, like events, close a client whose unread output would
 * pass `maxBufferedBytes` ("slow consumer").
 *
 * @module
 */
import { utf8Length } from "../../lib/text/utf8.ts";
import type { AuthRateLimiter } from "../auth.ts";
import type { TailscaleIngressPeer } from "../tailscale/ingress.ts";
import type { ServerWebSocket } from "../net/mod.ts";
import { RequestQueue } from "./request_queue.ts";
import { JsonText } from "../methods/json_text.ts";
import { type Clock, systemClock, type TimerHandle } from "../../lib/clock.ts";
import type { HelloOk, Snapshot, StateVersion } from "../../lib/protocol/frames.ts";
// Zod-free: frames needing a schema (rare) load it; valid requests never do.
import { type ParseFrameResult, readFrame } from "../../lib/protocol/frame_parse.ts";
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
  serverBusyError,
} from "../../lib/protocol/errors.ts";
import { canReceiveEvent } from "../../lib/protocol/scopes.ts";
import { protocolErrorOf } from "../../lib/protocol/error_map.ts";
import type { ErrorShape } from "../../lib/protocol/frames.ts";
import type { GatewayState, PresenceEntry } from "../state.ts";
import type { CallerInfo } from "../methods/types.ts";
import type { MethodTable } from "../methods/lazy_registry.ts";
import type { ResolvedCall } from "../methods/registry.ts";
import { type HandshakeOutcome, runHandshake } from "./handshake.ts";
import type { ConnectionHub, ServerLimits } from "./hub.ts";
import { type ClosedBy, ConnectionLog } from "./conn_log.ts";

/** What a connection needs from the server. */
export interface ConnectionDeps {
  hub: ConnectionHub;
  state: GatewayState;
  methods: MethodTable;
  limits: ServerLimits;
  authLimiter: AuthRateLimiter;
  /** Runs the handshake deadline here and the hub's `tick`/`health` timers. @default systemClock */
  clock?: Clock;
  /** Called when the periodic health event fires (to refresh caches). */
  onHealthTick?: () => void;
  /** The hello-ok `snapshot`. */
  helloSnapshot(): Snapshot;
  /** The connection's debug/trace lines (conn_log.ts). @default a new ConnectionLog */
  log?: ConnectionLog;
}

/** Facts about the peer, fixed at upgrade time. */
export interface PeerInfo {
  /** The client's address (after trusted-proxy forwarding headers). */
  clientIp: string;
  /** The direct TCP peer. */
  remoteAddr: string;
  isLoopback: boolean;
  headers: Headers;
  /** Set when the connection came through the managed Tailscale listener (tailscale/ingress.ts). */
  tailscale?: TailscaleIngressPeer;
}

type Phase = "challenge" | "connecting" | "open" | "closed";

/**
 * The reason a closed connection's running methods are aborted with: one shared AbortError, as
 * `abort()` would make, but made once (a fresh DOMException captures a stack trace per close).
 */
const CONNECTION_CLOSED = new DOMException("the client's connection closed", "AbortError");

function byteLength(data: string | ArrayBuffer | Blob): number {
  if (typeof data === "string") return utf8Length(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  return data.size;
}

/** One client connection. */
export class GatewayConnection {
  readonly connId = crypto.randomUUID();
  readonly #socket: ServerWebSocket;
  readonly #peer: PeerInfo;
  readonly #deps: ConnectionDeps;
  readonly #clock: Clock;
  readonly #nonce = crypto.randomUUID();
  readonly #abort = new AbortController();
  // Read once: the getter is a branded web API call, and every request passes the signal on.
  readonly #signal = this.#abort.signal;
  #phase: Phase = "challenge";
  #seq = 0;
  #pending: string[] = [];
  readonly #requests: RequestQueue;
  #handshakeTimer: TimerHandle | undefined;
  #caller: CallerInfo | undefined;
  #presence: PresenceEntry | undefined;
  #closed: Promise<void>;
  readonly #log: ConnectionLog;
  // Monotonic, for the durations of the debug lines (handshake, connection).
  readonly #startedAt = performance.now();
  #closedBy: { code: number; reason: string } | undefined;

  constructor(socket: ServerWebSocket, peer: PeerInfo, deps: ConnectionDeps) {
    this.#socket = socket;
    this.#peer = peer;
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#log = deps.log ?? new ConnectionLog();
    this.#requests = new RequestQueue({
      maxPending: deps.limits.maxPendingRequests,
      maxPendingBytes: deps.limits.maxPendingRequestBytes,
      maxInFlight: deps.limits.maxInFlightRequests,
      leaseMs: deps.limits.requestSlotLeaseMs,
      clock: this.#clock,
      run: (text, release) => this.#handleRequest(text, release),
      // #handleRequest answers every failure itself; this is a bug, not a client error.
      onError: (err) => deps.state.log("gateway/ws").warn(`request dispatch failed: ${err}`),
    });
    let resolveClosed!: () => void;
    this.#closed = new Promise((r) => resolveClosed = r);
    socket.onopen = () => this.#onOpen();
    socket.onmessage = (e) => this.#onMessage(e.data, e.byteLength);
    socket.onclose = (ev) => {
      if (this.#log.debug) this.#logClosed(ev);
      const wasOpen = this.#phase === "open";
      if (this.#phase !== "open") this.#releasePreauth();
      this.#phase = "closed";
      this.#clock.clearTimeout(this.#handshakeTimer);
      this.#requests.close();
      this.#abort.abort(CONNECTION_CLOSED);
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

  #logClosed(ev: { code?: number; reason?: string } | undefined): void {
    const by: ClosedBy = this.#closedBy ? "server" : "client";
    const close = this.#closedBy ?? { code: ev?.code, reason: ev?.reason };
    this.#log.closed(this.connId, { ...close, by }, this.#caller, this.#startedAt);
  }

  #preauthReleased = false;
  #releasePreauth(): void {
    if (this.#preauthReleased) return;
    this.#preauthReleased = true;
    this.#deps.hub.releasePreauth(this.#peer.clientIp);
  }

  #onOpen(): void {
    this.#log.opened(this.connId, this.#peer);
    this.#sendRaw({
      type: "event",
      event: "connect.challenge",
      payload: { nonce: this.#nonce, ts: this.#clock.now(), capabilities: [] },
    });
    this.#handshakeTimer = this.#clock.setTimeout(() => {
      // protocol.md §4.7: a handshake that never finishes is closed cleanly with no reason.
      if (this.#phase !== "open") {
        this.#handshakeFailed({ reason: "timed out", closeCode: CLOSE.handshakeTimeout.code });
        this.closeWith(CLOSE.handshakeTimeout);
      }
    }, this.#deps.limits.handshakeTimeoutMs);
  }

  /** `bytes` is the message's size as the socket read it (counted here when it is not known). */
  #onMessage(data: string | ArrayBuffer | Blob, bytes?: number): void {
    if (this.#phase === "closed") return;
    this.#log.frame(this.connId, "in", data);
    const size = bytes ?? byteLength(data);
    if (this.#phase !== "open" && size > this.#deps.limits.maxPreauthPayloadBytes) {
      this.closeWith(CLOSE.preauthPayloadTooLarge);
      return;
    }
    if (size > this.#deps.limits.maxPayloadBytes) {
      this.closeWith(CLOSE.payloadTooLarge);
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
      this.#admit(data, size);
    }
  }

  /** Queues a request, or answers "The server is busy..." when too much is pending already. */
  #admit(text: string, bytes: number): void {
    if (this.#requests.admit(text, bytes)) return;
    const startedAt = this.#log.calls ? performance.now() : -1;
    const parsed = readFrame(text);
    // Only a frame needing its schema before zod was ever loaded is answered a little later.
    if (parsed instanceof Promise) void parsed.then((p) => this.#answerBusy(p, startedAt));
    else this.#answerBusy(parsed, startedAt);
  }

  #answerBusy(parsed: ParseFrameResult, startedAt: number): void {
    const id = parsed.ok ? (parsed.frame.type === "req" ? parsed.frame.id : "invalid") : parsed.id;
    const error = serverBusyError();
    this.#respondError(id ?? "invalid", error);
    const method = parsed.ok && parsed.frame.type === "req" ? parsed.frame.method : undefined;
    this.#callDone(startedAt, method, id, error);
  }

  /** Logs one call (only when `startedAt` says call lines were on when it began). */
  #callDone(startedAt: number, method?: string, id?: string, error?: ErrorShape): void {
    if (startedAt >= 0) this.#log.call(this.connId, { method, id, error }, startedAt);
  }

  #handshakeFailed(why: { error?: ErrorShape; reason?: string; closeCode?: number }): void {
    if (this.#log.debug) this.#log.handshakeFailed(this.connId, this.#peer, why, this.#startedAt);
  }

  async #handleFirstFrame(text: string): Promise<void> {
    const read = readFrame(text);
    let parsed: ParseFrameResult;
    if (read instanceof Promise) {
      // Only a frame that is not a valid request waits for its schema: hold later frames back
      // (as a handshake does) until its answer, the close, is known.
      this.#phase = "connecting";
      parsed = await read;
      if ((this.#phase as Phase) === "closed") return;
    } else parsed = read;
    if (!parsed.ok || parsed.frame.type !== "req") {
      this.#handshakeFailed({
        reason: "invalid request frame",
        closeCode: CLOSE.invalidRequestFrame.code,
      });
      this.closeWith(CLOSE.invalidRequestFrame);
      return;
    }
    const req = parsed.frame;
    if (req.method !== "connect") {
      const error = firstRequestMustBeConnectError();
      this.#handshakeFailed({ error, closeCode: CloseCode.policyViolation });
      this.#respondError(req.id, error);
      this.close(CloseCode.policyViolation, error.message);
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
      this.#handshakeFailed({ error: outcome.error, closeCode: outcome.closeCode });
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
    this.#respond({ type: "res", id: req.id, ok: true, payload: hello });
    this.#phase = "open";
    if (this.#log.debug) this.#log.handshakeOk(this.connId, outcome, this.#startedAt);
    // Authenticated: frames up to the post-auth limit may arrive now.
    this.#socket.maxMessageBytes = this.#deps.limits.maxPayloadBytes;
    this.#socket.tooLargeReason = CLOSE.payloadTooLarge.reason;
    this.#deps.hub.connectionOpened();
    const queued = this.#pending;
    this.#pending = [];
    for (const frame of queued) this.#admit(frame, byteLength(frame));
  }

  /** Runs one request; `answeredEarly` is called when a two-phase method sends its first answer. */
  async #handleRequest(text: string, answeredEarly?: () => void): Promise<void> {
    // Timed only when call lines are on: at `info` a request pays one cached boolean check.
    const startedAt = this.#log.calls ? performance.now() : -1;
    const read = readFrame(text);
    const parsed = read instanceof Promise ? await read : read;
    if (!parsed.ok) {
      const error = errorShape(ErrorCode.INVALID_REQUEST, `invalid request frame: ${parsed.error}`);
      this.#respondError(parsed.id ?? "invalid", error);
      this.#callDone(startedAt, undefined, parsed.id, error);
      return;
    }
    const frame = parsed.frame;
    if (frame.type !== "req") {
      const error = errorShape(
        ErrorCode.INVALID_REQUEST,
        "invalid request frame: expected a request",
      );
      this.#respondError("invalid", error);
      this.#callDone(startedAt, undefined, undefined, error);
      return;
    }
    if (frame.method === "connect") {
      const error = connectNotFirstError();
      this.#respondError(frame.id, error);
      this.#callDone(startedAt, frame.method, frame.id, error);
      return;
    }
    const caller = this.#caller!;
    let resolved: ResolvedCall;
    try {
      // A method's area is imported on its first call; later calls resolve synchronously.
      const pending = this.#deps.methods.resolve(frame.method, frame.params, caller.scopes);
      resolved = pending instanceof Promise ? await pending : pending;
    } catch (err) {
      const failure = protocolErrorOf(err);
      this.#deps.state.log("gateway/ws").error(
        `method ${frame.method} could not be loaded: ${failure.shape.message}`,
      );
      this.#respondError(frame.id, failure.shape);
      this.#callDone(startedAt, frame.method, frame.id, failure.shape);
      return;
    }
    if (!resolved.ok) {
      this.#respondError(frame.id, resolved.error);
      this.#callDone(startedAt, frame.method, frame.id, resolved.error);
      return;
    }
    try {
      const payload = await resolved.method.run({
        params: resolved.params,
        caller,
        state: this.#deps.state,
        signal: this.#signal,
        respondEarly: (early) => {
          this.#respond({ type: "res", id: frame.id, ok: true, payload: early ?? null });
          answeredEarly?.();
        },
      });
      if (payload instanceof JsonText) {
        // Serialized by the method; the text is what JSON.stringify would make of the frame.
        this.#respondText(
          `{"type":"res","id":${JSON.stringify(frame.id)},"ok":true,"payload":${payload.text}}`,
        );
      } else this.#respond({ type: "res", id: frame.id, ok: true, payload: payload ?? null });
      this.#callDone(startedAt, frame.method, frame.id);
    } catch (err) {
      const failure = protocolErrorOf(err);
      if (!failure.expected) {
        this.#deps.state.log("gateway/ws").warn(
          `method ${frame.method} failed: ${failure.shape.message}`,
        );
      }
      this.#respondError(frame.id, failure.shape);
      this.#callDone(startedAt, frame.method, frame.id, failure.shape);
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
      dropIfSlow?: boolean;
      stateVersion?: StateVersion;
      /** `JSON.stringify(payload)`, when the caller serialized it once for many connections. */
      encodedPayload?: string;
    } = {},
  ): void {
    if (this.#phase !== "open") return;
    // Operator-scoped events go to operators holding the scope; nodes get only scope-free ones.
    if (!canReceiveEvent(this.#caller!, event)) return;
    const seq = ++this.#seq;
    if (this.#socket.bufferedAmount > this.#deps.limits.maxBufferedBytes) {
      if (options.dropIfSlow) return; // the seq gap tells the client something was skipped
      this.closeWith(CLOSE.slowConsumer);
      return;
    }
    // The same text JSON.stringify makes of {type, event, payload, seq, stateVersion?}.
    const body = "encodedPayload" in options ? options.encodedPayload : JSON.stringify(payload);
    const text = `{"type":"event","event":${JSON.stringify(event)}` +
      (body === undefined ? "" : `,"payload":${body}`) + `,"seq":${seq}` +
      (options.stateVersion ? `,"stateVersion":${JSON.stringify(options.stateVersion)}` : "") +
      "}";
    this.#sendText(text);
  }

  #respondError(id: string, error: ErrorShape): void {
    this.#respond({ type: "res", id, ok: false, error });
  }

  /**
   * Sends a response, unless it would push the socket's unsent output past `maxBufferedBytes`:
   * then the client is not reading, and it is closed as a slow consumer.
   */
  #respond(frame: unknown): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#respondText(JSON.stringify(frame));
  }

  #respondText(text: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    const room = this.#deps.limits.maxBufferedBytes - this.#socket.bufferedAmount;
    // Counted in UTF-8 bytes, as bufferedAmount is; the scan is skipped when it cannot matter.
    if (text.length > room || (text.length * 3 > room && utf8Length(text) > room)) {
      this.closeWith(CLOSE.slowConsumer);
      return;
    }
    this.#sendText(text);
  }

  #sendRaw(frame: unknown): void {
    this.#sendText(JSON.stringify(frame));
  }

  #sendText(text: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#log.frame(this.connId, "out", text);
    try {
      this.#socket.send(text);
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
      this.#closedBy ??= { code, reason };
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
