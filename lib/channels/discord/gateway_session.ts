/**
 * One Discord gateway connection (v10, JSON, no compression), from opening the socket to its end:
 *
 * 1. open the WebSocket (timeout), wait for op 10 HELLO (timeout);
 * 2. send op 2 IDENTIFY -- or op 6 RESUME when a session and sequence are known -- and wait for the
 *    `READY` / `RESUMED` dispatch (timeout);
 * 3. heartbeat every `heartbeat_interval` (the first after a random fraction of it, as Discord
 *    asks), with the sequence the caller has *committed*; a heartbeat due while the previous
 *    one is still unacknowledged means a zombie connection: close and resume;
 * 4. hand every dispatch (op 0) to the caller in order; answer op 1 with a heartbeat at once;
 * 5. end on op 7 RECONNECT, op 9 INVALID_SESSION, a close, a timeout, `end()` or abort -- the
 *    result says which, so the caller decides between resume, identify and giving up.
 *
 * The client closes with 4000 (not 1000) when it means to resume, because a 1000/1001 close
 * ends the session on Discord's side; a stop closes with 1000 unless `keepSessionOnStop` asks to
 * leave the session resumable for the next process.
 *
 * @module
 */
import type { Clock, TimerHandle } from "../../clock.ts";
import type { DiscordLogger } from "./_log.ts";
import {
  FATAL_CLOSE_CODES,
  GatewayClose,
  GatewayOp,
  NON_RESUMABLE_CLOSE_CODES,
} from "./constants.ts";
import { GatewayFrameSchema, HelloSchema, type Ready, ReadySchema } from "./schemas.ts";

/** How a connection ended. */
export type SessionEnd =
  | { kind: "reconnect" }
  | { kind: "zombie" }
  | { kind: "invalid"; resumable: boolean }
  | { kind: "closed"; code: number; reason: string; resumable: boolean; fatal: boolean }
  | { kind: "timeout"; stage: "open" | "hello" | "ready" }
  | { kind: "ended"; why: string }
  | { kind: "aborted" };

/** A dispatch (op 0) as handed to the caller. */
export interface Dispatch {
  t: string;
  s: number | null;
  d: unknown;
}

/** Options of {@linkcode GatewaySession}. */
export interface GatewaySessionOptions {
  /** The socket URL (with `?v=10&encoding=json`). */
  url: string;
  token: string;
  intents: number;
  /** Resume this session instead of identifying. */
  resume?: { sessionId: string; seq: number };
  clock: Clock;
  /** A number in [0, 1) for the first heartbeat's jitter. */
  random: () => number;
  log: DiscordLogger;
  /** The sequence sent with heartbeats (the last one the caller committed). */
  sequence(): number | null;
  /** `READY` arrived (called before the dispatch is handed on). */
  onReady(ready: Ready): void;
  /** `RESUMED` arrived. */
  onResumed(): void;
  /** Every dispatch, in order (READY and RESUMED included). */
  onDispatch(dispatch: Dispatch): void;
  /** Aborting ends the session (close 1000, or 4000 with `keepSessionOnStop`). */
  signal: AbortSignal;
  /** Close with 4000 on abort so the session can be resumed by the next process. */
  keepSessionOnStop?: boolean;
  /** @default 15000 */
  openTimeoutMs?: number;
  /** @default 15000 */
  helloTimeoutMs?: number;
  /** @default 30000 */
  readyTimeoutMs?: number;
}

/** One gateway connection (see the module doc). */
export class GatewaySession {
  readonly #o: GatewaySessionOptions;
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
  constructor(options: GatewaySessionOptions) {
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
      this.#finish({ kind: "aborted" }, o.keepSessionOnStop ? GatewayClose.UNKNOWN_ERROR : 1000);
    o.signal.addEventListener("abort", onAbort, { once: true });
    let ws: WebSocket;
    try {
      ws = new WebSocket(o.url);
    } catch (err) {
      o.signal.removeEventListener("abort", onAbort);
      const reason = err instanceof Error ? err.message : String(err);
      return Promise.resolve({ kind: "closed", code: 0, reason, resumable: true, fatal: false });
    }
    this.#ws = ws;
    this.#socketClosed = new Promise((resolve) => ws.addEventListener("close", () => resolve()));
    this.#arm(o.openTimeoutMs ?? 15_000, { kind: "timeout", stage: "open" });
    ws.addEventListener("open", () => {
      this.#arm(o.helloTimeoutMs ?? 15_000, { kind: "timeout", stage: "hello" });
    });
    ws.addEventListener("message", (ev) => this.#onMessage(ev.data));
    // Deno reports socket errors as an `error` event followed by `close`; the close ends it,
    // with the error's text as the reason when the server gave none.
    let failure = "";
    ws.addEventListener("error", (ev) => {
      failure = ev instanceof ErrorEvent ? ev.message : "connection failed";
    });
    ws.addEventListener("close", (ev) => {
      const code = ev.code;
      this.#finish({
        kind: "closed",
        code,
        reason: ev.reason || failure || (code === 1006 ? "connection lost" : ""),
        resumable: !NON_RESUMABLE_CLOSE_CODES.has(code),
        fatal: FATAL_CLOSE_CODES.has(code),
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
    this.#finish({ kind: "ended", why }, GatewayClose.UNKNOWN_ERROR);
  }

  #arm(ms: number, end: SessionEnd): void {
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = this.#o.clock.setTimeout(() => this.#finish(end, GatewayClose.UNKNOWN_ERROR), ms);
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
      this.#o.log.warn("discord heartbeat not acknowledged within {intervalMs} ms; reconnecting", {
        intervalMs: interval,
      });
      this.#finish({ kind: "zombie" }, GatewayClose.UNKNOWN_ERROR);
      return;
    }
    this.#acked = false;
    this.#lastBeatAt = this.#o.clock.now();
    this.#send({ op: GatewayOp.HEARTBEAT, d: this.#o.sequence() });
    this.#beatTimer = this.#o.clock.setTimeout(() => this.#beat(interval), interval);
  }

  #hello(d: unknown): void {
    const hello = HelloSchema.safeParse(d);
    if (!hello.success) {
      this.#finish({
        kind: "closed",
        code: 0,
        reason: "malformed HELLO",
        resumable: true,
        fatal: false,
      }, GatewayClose.UNKNOWN_ERROR);
      return;
    }
    const interval = hello.data.heartbeat_interval;
    const o = this.#o;
    o.clock.clearTimeout(this.#beatTimer);
    this.#acked = true;
    this.#beatTimer = o.clock.setTimeout(
      () => this.#beat(interval),
      Math.floor(interval * o.random()),
    );
    this.#arm(o.readyTimeoutMs ?? 30_000, { kind: "timeout", stage: "ready" });
    if (o.resume) {
      this.#send({
        op: GatewayOp.RESUME,
        d: { token: o.token, session_id: o.resume.sessionId, seq: o.resume.seq },
      });
    } else {
      this.#send({
        op: GatewayOp.IDENTIFY,
        d: {
          token: o.token,
          intents: o.intents,
          properties: { os: Deno.build.os, browser: "openclaw", device: "openclaw" },
        },
      });
    }
  }

  #dispatch(t: string | null | undefined, s: number | null | undefined, d: unknown): void {
    if (!t) return;
    const o = this.#o;
    if (t === "READY") {
      const ready = ReadySchema.safeParse(d);
      if (!ready.success) {
        this.#finish({
          kind: "closed",
          code: 0,
          reason: "malformed READY",
          resumable: false,
          fatal: false,
        }, GatewayClose.UNKNOWN_ERROR);
        return;
      }
      o.clock.clearTimeout(this.#timer);
      o.onReady(ready.data);
    } else if (t === "RESUMED") {
      o.clock.clearTimeout(this.#timer);
      o.onResumed();
    }
    o.onDispatch({ t, s: s ?? null, d });
  }

  #onMessage(data: unknown): void {
    if (this.#done) return;
    if (typeof data !== "string") {
      this.#o.log.warn("discord gateway sent a binary frame; only JSON text is spoken");
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.#o.log.warn("discord gateway sent a frame that is not JSON");
      return;
    }
    const frame = GatewayFrameSchema.safeParse(json);
    if (!frame.success) {
      this.#o.log.warn("discord gateway sent a frame without an opcode");
      return;
    }
    const { op, d, s, t } = frame.data;
    switch (op) {
      case GatewayOp.HELLO:
        return this.#hello(d);
      case GatewayOp.HEARTBEAT:
        return this.#send({ op: GatewayOp.HEARTBEAT, d: this.#o.sequence() });
      case GatewayOp.HEARTBEAT_ACK:
        this.#acked = true;
        this.#latencyMs = this.#o.clock.now() - this.#lastBeatAt;
        return;
      case GatewayOp.RECONNECT:
        return this.#finish({ kind: "reconnect" }, GatewayClose.UNKNOWN_ERROR);
      case GatewayOp.INVALID_SESSION:
        return this.#finish({ kind: "invalid", resumable: d === true }, GatewayClose.UNKNOWN_ERROR);
      case GatewayOp.DISPATCH:
        return this.#dispatch(t, s, d);
      default:
        this.#o.log.debug("discord gateway sent unknown opcode {op}", { op });
    }
  }
}
