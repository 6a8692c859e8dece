/**
 * One QQ gateway connection, from opening the socket to its end:
 *
 * 1. open the WebSocket (timeout), wait for op 10 HELLO (timeout);
 * 2. send op 2 IDENTIFY `{token: "QQBot <t>", intents, shard: [0, 1], properties}` -- or op 6
 *    RESUME `{token, session_id, seq}` when a session and sequence are known -- and wait for the
 *    `READY` / `RESUMED` dispatch (timeout);
 * 3. heartbeat (op 1) every `heartbeat_interval` with the sequence the caller has *committed*; a
 *    heartbeat due while the previous one is still unacknowledged (no op 11) means a zombie
 *    connection: close and resume;
 * 4. hand every dispatch (op 0, with its event `id`) to the caller in order; answer an op 1 from
 *    the server with a heartbeat at once;
 * 5. end on op 7 RECONNECT, op 9 INVALID_SESSION, a close, a timeout, `end()` or abort -- the
 *    result says which, and the caller (gateway_client.ts) decides between resume, identify and
 *    giving up.
 *
 * When it means to resume, the client closes with 4000 rather than 1000, so the platform keeps
 * the session; a stop closes with 1000 unless `keepSessionOnStop` asks to leave it resumable.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../../clock.ts";
import type { QQBotLogger } from "./_log.ts";
import { QQClose, QQEvent, QQOp } from "./constants.ts";
import { FrameSchema, HelloSchema, type QQReady, ReadySchema } from "./schemas.ts";

/** Longest frame accepted from the gateway. */
const MAX_FRAME_CHARS = 1024 * 1024;

/** How a connection ended. */
export type SessionEnd =
  | { kind: "reconnect" }
  | { kind: "zombie" }
  | { kind: "invalid"; resumable: boolean }
  | { kind: "closed"; code: number; reason: string }
  | { kind: "timeout"; stage: "open" | "hello" | "ready" }
  | { kind: "ended"; why: string }
  | { kind: "aborted" };

/** A dispatch (op 0) as handed to the caller. */
export interface Dispatch {
  t: string;
  s: number | null;
  /** The event id (`C2C_MESSAGE_CREATE:abc...`). */
  id?: string;
  d: unknown;
}

/** Options of {@linkcode QQGatewaySession}. */
export interface QQGatewaySessionOptions {
  /** The socket URL from `GET /gateway`. */
  url: string;
  /** The access token, without the `QQBot ` prefix. */
  accessToken: string;
  intents: number;
  /** Resume this session instead of identifying. */
  resume?: { sessionId: string; seq: number };
  clock: Clock;
  log: QQBotLogger;
  /** The sequence sent with heartbeats and RESUME (the last one the caller committed). */
  sequence(): number | null;
  /** `READY` arrived (called before the dispatch is handed on). */
  onReady(ready: QQReady): void;
  /** `RESUMED` arrived. */
  onResumed(): void;
  /** Every dispatch, in order (READY and RESUMED included). */
  onDispatch(dispatch: Dispatch): void;
  /** Aborting ends the session (close 1000, or 4000 with `keepSessionOnStop`). */
  signal: AbortSignal;
  /** Close with 4000 on abort so the next process can resume the session. */
  keepSessionOnStop?: boolean;
  /** @default 15000 */
  openTimeoutMs?: number;
  /** @default 15000 */
  helloTimeoutMs?: number;
  /** @default 30000 */
  readyTimeoutMs?: number;
}

/** One gateway connection (see the module doc). */
export class QQGatewaySession {
  readonly #o: QQGatewaySessionOptions;
  #ws?: WebSocket;
  #timer?: TimerHandle;
  #beatTimer?: TimerHandle;
  #acked = true;
  #lastBeatAt = 0;
  #latencyMs?: number;
  #done = false;
  #resolve!: (end: SessionEnd) => void;
  readonly #ended: Promise<SessionEnd>;
  #socketClosed: Promise<void> = Promise.resolve();

  /** @param options URL, credentials, callbacks, timeouts. */
  constructor(options: QQGatewaySessionOptions) {
    this.#o = options;
    this.#ended = new Promise((resolve) => this.#resolve = resolve);
  }

  /** Round trip of the last acknowledged heartbeat. */
  get latencyMs(): number | undefined {
    return this.#latencyMs;
  }

  /** Resolves when the socket has closed (after the session ended). */
  get socketClosed(): Promise<void> {
    return this.#socketClosed;
  }

  /**
   * Opens the socket and runs the session until it ends.
   *
   * @returns Why it ended.
   */
  run(): Promise<SessionEnd> {
    const o = this.#o;
    if (o.signal.aborted) return Promise.resolve({ kind: "aborted" });
    const onAbort = () =>
      this.#finish({ kind: "aborted" }, o.keepSessionOnStop ? QQClose.RESUMABLE : 1000);
    o.signal.addEventListener("abort", onAbort, { once: true });
    let ws: WebSocket;
    try {
      ws = new WebSocket(o.url);
    } catch (err) {
      o.signal.removeEventListener("abort", onAbort);
      const reason = err instanceof Error ? err.message : String(err);
      return Promise.resolve({ kind: "closed", code: 0, reason });
    }
    this.#ws = ws;
    this.#socketClosed = new Promise((resolve) => ws.addEventListener("close", () => resolve()));
    this.#arm(o.openTimeoutMs ?? 15_000, { kind: "timeout", stage: "open" });
    ws.addEventListener("open", () => {
      this.#arm(o.helloTimeoutMs ?? 15_000, { kind: "timeout", stage: "hello" });
    });
    ws.addEventListener("message", (ev) => this.#onMessage(ev.data));
    // Deno reports a socket failure as `error` then `close`; the close ends the session, with
    // the error's text as the reason when the server gave none.
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

  /**
   * Ends the session and closes the socket so that it can be resumed (close code 4000).
   *
   * @param why For the log and the result.
   */
  end(why: string): void {
    this.#finish({ kind: "ended", why }, QQClose.RESUMABLE);
  }

  #arm(ms: number, end: SessionEnd): void {
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = this.#o.clock.setTimeout(() => this.#finish(end, QQClose.RESUMABLE), ms);
  }

  #finish(end: SessionEnd, closeCode?: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#o.clock.clearTimeout(this.#timer);
    this.#o.clock.clearTimeout(this.#beatTimer);
    if (closeCode !== undefined && this.#ws) {
      try {
        this.#ws.close(closeCode);
      } catch { /* already closing */ }
    }
    this.#resolve(end);
  }

  #send(payload: { op: number; d: unknown }): void {
    if (this.#ws?.readyState !== WebSocket.OPEN) return;
    this.#ws.send(JSON.stringify(payload));
  }

  #beat(interval: number): void {
    if (this.#done) return;
    if (!this.#acked) {
      this.#o.log.warn("qqbot heartbeat not acknowledged within {intervalMs} ms; reconnecting", {
        intervalMs: interval,
      });
      this.#finish({ kind: "zombie" }, QQClose.RESUMABLE);
      return;
    }
    this.#acked = false;
    this.#lastBeatAt = this.#o.clock.now();
    this.#send({ op: QQOp.HEARTBEAT, d: this.#o.sequence() });
    this.#beatTimer = this.#o.clock.setTimeout(() => this.#beat(interval), interval);
  }

  #hello(d: unknown): void {
    const hello = HelloSchema.safeParse(d);
    const o = this.#o;
    if (!hello.success) {
      this.#finish({ kind: "closed", code: 0, reason: "malformed HELLO" }, QQClose.RESUMABLE);
      return;
    }
    const interval = hello.data.heartbeat_interval;
    o.clock.clearTimeout(this.#beatTimer);
    this.#acked = true;
    this.#beatTimer = o.clock.setTimeout(() => this.#beat(interval), interval);
    this.#arm(o.readyTimeoutMs ?? 30_000, { kind: "timeout", stage: "ready" });
    const token = `QQBot ${o.accessToken}`;
    if (o.resume) {
      this.#send({
        op: QQOp.RESUME,
        d: { token, session_id: o.resume.sessionId, seq: o.resume.seq },
      });
    } else {
      this.#send({
        op: QQOp.IDENTIFY,
        d: {
          token,
          intents: o.intents,
          shard: [0, 1],
          properties: { $os: Deno.build.os, $browser: "openclaw", $device: "openclaw" },
        },
      });
    }
  }

  #dispatch(t: string, s: number | null, id: string | undefined, d: unknown): void {
    const o = this.#o;
    if (t === QQEvent.READY) {
      const ready = ReadySchema.safeParse(d);
      if (!ready.success) {
        this.#finish({ kind: "closed", code: 0, reason: "malformed READY" }, QQClose.RESUMABLE);
        return;
      }
      o.clock.clearTimeout(this.#timer);
      o.onReady(ready.data);
    } else if (t === QQEvent.RESUMED) {
      o.clock.clearTimeout(this.#timer);
      o.onResumed();
    }
    o.onDispatch(id ? { t, s, id, d } : { t, s, d });
  }

  #onMessage(data: unknown): void {
    if (this.#done) return;
    const log = this.#o.log;
    if (typeof data !== "string" || data.length > MAX_FRAME_CHARS) {
      log.warn("qqbot gateway sent a binary or oversized frame; ignored");
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      log.warn("qqbot gateway sent a frame that is not JSON");
      return;
    }
    const frame = FrameSchema.safeParse(json);
    if (!frame.success) {
      log.warn("qqbot gateway sent a frame without an opcode");
      return;
    }
    const { op, d, s, t, id } = frame.data;
    switch (op) {
      case QQOp.HELLO:
        return this.#hello(d);
      case QQOp.HEARTBEAT:
        return this.#send({ op: QQOp.HEARTBEAT, d: this.#o.sequence() });
      case QQOp.HEARTBEAT_ACK:
        this.#acked = true;
        this.#latencyMs = this.#o.clock.now() - this.#lastBeatAt;
        return;
      case QQOp.RECONNECT:
        return this.#finish({ kind: "reconnect" }, QQClose.RESUMABLE);
      case QQOp.INVALID_SESSION:
        return this.#finish({ kind: "invalid", resumable: d === true }, QQClose.RESUMABLE);
      case QQOp.DISPATCH:
        if (t) this.#dispatch(t, s ?? null, id ?? undefined, d);
        return;
      default:
        log.debug("qqbot gateway sent unknown opcode {op}", { op });
    }
  }
}
