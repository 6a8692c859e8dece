/**
 * One Feishu long connection (WebSocket, binary `pbbp2.Frame`s, see frame.ts), from opening the
 * socket to its end:
 *
 * 1. open the socket (timeout `openTimeoutMs`);
 * 2. send a ping control frame (`type: ping`, the URL's `service_id`) at once and then every
 *    ping interval (the server's `ClientConfig.PingInterval`, updated by each pong);
 * 3. after each ping, a watchdog: if no frame at all arrives within `pongTimeoutMs`, the
 *    connection is dead -- it ends with `dead` and the socket is closed. This is the liveness
 *    stock lacks (its long connection "silently dies and still reports OK");
 * 4. data frames of `type: event` are reassembled (fragments.ts), parsed and handed to
 *    `onEvent`; the same frame goes back as the acknowledgement -- headers plus `biz_rt`, payload
 *    `{"code":200}` once `onEvent` resolved, `{"code":500}` when it threw (Feishu redelivers).
 *    Other data frames (`card`) are acknowledged and ignored;
 * 5. end on a close, a timeout, a dead connection or abort -- the result says which.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../../clock.ts";
import type { FeishuLogger } from "./_log.ts";
import { AckCode, FrameHeader, FrameMethod, FrameType } from "./constants.ts";
import { decodeFrame, encodeFrame, type Frame, frameHeader } from "./frame.ts";
import { FragmentBuffer } from "./fragments.ts";
import { type ClientConfig, ClientConfigSchema } from "./schemas.ts";

/** How a connection ended. */
export type SessionEnd =
  | { kind: "closed"; code: number; reason: string }
  | { kind: "timeout" }
  | { kind: "dead"; silentMs: number }
  | { kind: "aborted" };

/** Options of {@linkcode WsSession}. */
export interface WsSessionOptions {
  url: string;
  serviceId: number;
  clock: Clock;
  log: FeishuLogger;
  signal: AbortSignal;
  /** The ping interval until a pong says otherwise. */
  pingIntervalMs: number;
  /** No frame this long after a ping = dead. */
  pongTimeoutMs: number;
  /** @default 15000 */
  openTimeoutMs?: number;
  /** Largest frame accepted. @default 1048576 */
  maxFrameBytes?: number;
  /** The socket opened. */
  onOpen(): void;
  /** Any frame arrived (proof of life). */
  onFrame(): void;
  /** A pong arrived with the server's settings. */
  onPong(config: ClientConfig): void;
  /** A whole event; resolve = acknowledge, throw = not stored. */
  onEvent(payload: unknown): Promise<unknown>;
}

const encoder = new TextEncoder();

/** One long connection (see the module doc). */
export class WsSession {
  readonly #o: WsSessionOptions;
  readonly #fragments: FragmentBuffer;
  #ws?: WebSocket;
  #openTimer?: TimerHandle;
  #pingTimer?: TimerHandle;
  #watchdog?: TimerHandle;
  #pingIntervalMs: number;
  #done = false;
  #resolve!: (end: SessionEnd) => void;
  readonly #ended: Promise<SessionEnd>;
  #socketClosed: Promise<void> = Promise.resolve();

  /** @param options URL, timers, callbacks. */
  constructor(options: WsSessionOptions) {
    this.#o = options;
    this.#pingIntervalMs = options.pingIntervalMs;
    this.#fragments = new FragmentBuffer({ clock: options.clock });
    this.#ended = new Promise((resolve) => this.#resolve = resolve);
  }

  /** The ping interval in force. */
  get pingIntervalMs(): number {
    return this.#pingIntervalMs;
  }

  /** Resolves when the socket has closed (after the session ended). */
  get socketClosed(): Promise<void> {
    return this.#socketClosed;
  }

  /**
   * Opens the socket and runs until the connection ends.
   *
   * @returns Why it ended.
   */
  run(): Promise<SessionEnd> {
    const o = this.#o;
    if (o.signal.aborted) return Promise.resolve({ kind: "aborted" });
    const onAbort = () => this.#finish({ kind: "aborted" }, 1000);
    o.signal.addEventListener("abort", onAbort, { once: true });
    let ws: WebSocket;
    try {
      ws = new WebSocket(o.url);
    } catch (err) {
      o.signal.removeEventListener("abort", onAbort);
      const reason = err instanceof Error ? err.message : String(err);
      return Promise.resolve({ kind: "closed", code: 0, reason });
    }
    ws.binaryType = "arraybuffer";
    this.#ws = ws;
    this.#socketClosed = new Promise((resolve) => ws.addEventListener("close", () => resolve()));
    this.#openTimer = o.clock.setTimeout(
      () => this.#finish({ kind: "timeout" }, 4000),
      o.openTimeoutMs ?? 15_000,
    );
    ws.addEventListener("open", () => {
      o.clock.clearTimeout(this.#openTimer);
      o.onOpen();
      this.#ping();
    });
    ws.addEventListener("message", (ev) => this.#onMessage(ev.data));
    let failure = "";
    ws.addEventListener("error", (ev) => {
      failure = ev instanceof ErrorEvent ? ev.message : "connection failed";
    });
    ws.addEventListener("close", (ev) => {
      this.#finish({
        kind: "closed",
        code: ev.code,
        reason: ev.reason || failure || (ev.code === 1006 ? "connection lost" : ""),
      });
    });
    return this.#ended.finally(() => o.signal.removeEventListener("abort", onAbort));
  }

  #finish(end: SessionEnd, closeCode?: number): void {
    if (this.#done) return;
    this.#done = true;
    const clock = this.#o.clock;
    clock.clearTimeout(this.#openTimer);
    clock.clearTimeout(this.#pingTimer);
    clock.clearTimeout(this.#watchdog);
    if (closeCode !== undefined && this.#ws) {
      try {
        this.#ws.close(closeCode);
      } catch { /* already closing */ }
    }
    this.#resolve(end);
  }

  #send(frame: Frame): void {
    if (this.#done || this.#ws?.readyState !== WebSocket.OPEN) return;
    this.#ws.send(encodeFrame(frame));
  }

  #ping(): void {
    if (this.#done) return;
    const o = this.#o;
    this.#send({
      seqId: 0n,
      logId: 0n,
      service: o.serviceId,
      method: FrameMethod.CONTROL,
      headers: [{ key: FrameHeader.TYPE, value: FrameType.PING }],
    });
    o.clock.clearTimeout(this.#watchdog);
    this.#watchdog = o.clock.setTimeout(() => {
      o.log.warn("feishu long connection: no frame within {timeoutMs} ms of a ping; reconnecting", {
        timeoutMs: o.pongTimeoutMs,
      });
      this.#finish({ kind: "dead", silentMs: o.pongTimeoutMs }, 4000);
    }, o.pongTimeoutMs);
    this.#pingTimer = o.clock.setTimeout(() => this.#ping(), this.#pingIntervalMs);
  }

  #onMessage(data: unknown): void {
    if (this.#done) return;
    const o = this.#o;
    if (!(data instanceof ArrayBuffer)) {
      o.log.warn("feishu long connection sent a text frame; only binary frames are spoken");
      return;
    }
    if (data.byteLength > (o.maxFrameBytes ?? 1024 * 1024)) {
      o.log.warn("feishu long connection frame of {bytes} bytes dropped (too large)", {
        bytes: data.byteLength,
      });
      return;
    }
    let frame: Frame;
    try {
      frame = decodeFrame(new Uint8Array(data));
    } catch (err) {
      o.log.warn("feishu long connection frame dropped: {error}", {
        error: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    // Any frame proves the connection alive; the next ping arms the watchdog again.
    o.clock.clearTimeout(this.#watchdog);
    o.onFrame();
    const type = frameHeader(frame, FrameHeader.TYPE);
    if (frame.method === FrameMethod.CONTROL) {
      if (type === FrameType.PONG) this.#onPong(frame);
      return;
    }
    if (frame.method === FrameMethod.DATA) void this.#onData(frame, type);
  }

  #onPong(frame: Frame): void {
    if (!frame.payload) return;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(frame.payload));
    } catch {
      return;
    }
    const config = ClientConfigSchema.safeParse(json);
    if (!config.success) return;
    const seconds = config.data.PingInterval;
    if (seconds !== undefined && seconds >= 1 && seconds <= 3600) {
      this.#pingIntervalMs = seconds * 1000;
    }
    this.#o.onPong(config.data);
  }

  async #onData(frame: Frame, type: string | undefined): Promise<void> {
    const started = this.#o.clock.now();
    if (type !== FrameType.EVENT) return this.#ack(frame, AckCode.OK, started);
    let whole: Uint8Array | undefined;
    try {
      whole = this.#fragments.add(
        frameHeader(frame, FrameHeader.MESSAGE_ID) ?? "",
        Number(frameHeader(frame, FrameHeader.SUM) ?? "1"),
        Number(frameHeader(frame, FrameHeader.SEQ) ?? "0"),
        frame.payload ?? new Uint8Array(),
      );
    } catch (err) {
      this.#o.log.warn("feishu event fragment dropped: {error}", {
        error: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    if (!whole) return;
    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder().decode(whole));
    } catch {
      this.#o.log.warn("feishu event dropped: payload is not JSON");
      return this.#ack(frame, AckCode.OK, started);
    }
    let code: number = AckCode.OK;
    try {
      await this.#o.onEvent(payload);
    } catch {
      code = AckCode.FAILED;
    }
    this.#ack(frame, code, started);
  }

  #ack(frame: Frame, code: number, started: number): void {
    this.#send({
      ...frame,
      headers: [
        ...frame.headers,
        { key: FrameHeader.BIZ_RT, value: String(this.#o.clock.now() - started) },
      ],
      payload: encoder.encode(JSON.stringify({ code })),
    });
  }
}
