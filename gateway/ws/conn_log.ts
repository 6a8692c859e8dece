/**
 * The WebSocket path's `debug` and `trace` lines, in one place so connection.ts stays about the
 * protocol. Categories are stable, for `logs` filters and greps:
 *
 * | category      | level | line                                                              |
 * |---------------|-------|-------------------------------------------------------------------|
 * | `gateway/ws`  | debug | `connection open from <ip>`, `handshake ok: ...`, `handshake failed: ...`, `connection closed: ...`, refused upgrades |
 * | `gateway/rpc` | debug | `rpc <method> ok in <ms> ms`, `rpc <method> failed (<code>) in <ms> ms` |
 * | `gateway/ws`  | trace | `frame in: ...`, `frame out: ...` (masked by lib/log/frame.ts, first 2 KiB) |
 *
 * Every property is structured (`connId`, `clientIp`, `method`, `durationMs`, `outcome`,
 * `errorCode`...). No line carries a credential: handshake lines name the auth *method*, and frames
 * are masked before they are logged.
 *
 * Callers ask {@linkcode ConnectionLog.debug} / {@linkcode ConnectionLog.trace} before building
 * anything, so at the default `info` level a frame or a call costs one cached boolean check.
 *
 * @module
 */
import { elapsedMs, getLogger, LevelGate } from "../../lib/log/mod.ts";
import { redactFrame } from "../../lib/log/frame.ts";
import type { ErrorShape } from "../../lib/protocol/frames.ts";
import type { CallerInfo } from "../methods/types.ts";
import type { HandshakeSuccess } from "./handshake.ts";

/** The peer facts a connection line names. */
interface PeerFacts {
  clientIp: string;
  remoteAddr: string;
  isLoopback: boolean;
}

/** Who ended a connection. */
export type ClosedBy = "server" | "client";

/** The debug/trace lines of WebSocket connections (one per hub, shared by its connections). */
export class ConnectionLog {
  readonly #ws = new LevelGate(getLogger("gateway/ws"));
  readonly #rpc = new LevelGate(getLogger("gateway/rpc"));

  /** True when connection lines (`gateway/ws` debug) are logged. */
  get debug(): boolean {
    return this.#ws.debug;
  }

  /** True when RPC call lines (`gateway/rpc` debug) are logged: time the call only then. */
  get calls(): boolean {
    return this.#rpc.debug;
  }

  /** True when frames (`gateway/ws` trace) are logged. */
  get trace(): boolean {
    return this.#ws.trace;
  }

  /** A socket finished its upgrade. */
  opened(connId: string, peer: PeerFacts): void {
    if (!this.#ws.debug) return;
    this.#ws.log.debug("connection open from {clientIp}", {
      connId,
      clientIp: peer.clientIp,
      remoteAddr: peer.remoteAddr,
      loopback: peer.isLoopback,
    });
  }

  /** hello-ok was sent. `startedAt` is the connection's `performance.now()` at open. */
  handshakeOk(connId: string, outcome: HandshakeSuccess, startedAt: number): void {
    if (!this.#ws.debug) return;
    const { caller, helloAuth } = outcome;
    this.#ws.log.debug(
      "handshake ok: {clientId} ({clientMode}) as {role}, auth {authMethod}",
      {
        connId,
        clientId: caller.clientId,
        clientMode: caller.clientMode,
        role: caller.role,
        scopes: caller.scopes,
        authMethod: helloAuth.method,
        deviceId: caller.deviceId,
        clientIp: caller.clientIp,
        durationMs: elapsedMs(startedAt),
      },
    );
  }

  /** The handshake was refused (bad first frame, `connect` refused, deadline passed). */
  handshakeFailed(
    connId: string,
    peer: PeerFacts,
    why: { error?: ErrorShape; reason?: string; closeCode?: number },
    startedAt: number,
  ): void {
    if (!this.#ws.debug) return;
    const details = why.error?.details;
    const authReason = typeof details === "object" && details !== null &&
        "authReason" in details && typeof details.authReason === "string"
      ? details.authReason
      : undefined;
    this.#ws.log.debug("handshake failed: {reason}", {
      connId,
      clientIp: peer.clientIp,
      reason: why.reason ?? why.error?.message ?? "refused",
      errorCode: why.error?.code,
      authReason,
      closeCode: why.closeCode,
      durationMs: elapsedMs(startedAt),
    });
  }

  /** The socket is gone. `caller` is set when the handshake had succeeded. */
  closed(
    connId: string,
    close: { code?: number; reason?: string; by: ClosedBy },
    caller: CallerInfo | undefined,
    startedAt: number,
  ): void {
    if (!this.#ws.debug) return;
    const properties = {
      connId,
      code: close.code,
      reason: close.reason ?? "",
      closedBy: close.by,
      clientId: caller?.clientId,
      clientIp: caller?.clientIp,
      durationMs: elapsedMs(startedAt),
    };
    if (properties.reason) {
      this.#ws.log.debug(
        "connection closed by {closedBy}: {code} {reason} after {durationMs} ms",
        properties,
      );
    } else {
      this.#ws.log.debug(
        "connection closed by {closedBy}: {code} after {durationMs} ms",
        properties,
      );
    }
  }

  /** One RPC call ended; `error` is what it was answered with, if it failed. */
  call(
    connId: string,
    call: { method?: string; id?: string; error?: ErrorShape },
    startedAt: number,
  ): void {
    if (!this.#rpc.debug) return;
    const properties = {
      connId,
      method: call.method ?? "(invalid frame)",
      id: call.id,
      outcome: call.error ? "error" : "ok",
      errorCode: call.error?.code,
      durationMs: elapsedMs(startedAt),
    };
    if (call.error) {
      this.#rpc.log.debug("rpc {method} failed ({errorCode}) in {durationMs} ms", properties);
    } else {
      this.#rpc.log.debug("rpc {method} ok in {durationMs} ms", properties);
    }
  }

  /** A frame arrived or left (trace): masked and cut by lib/log/frame.ts. */
  frame(connId: string, direction: "in" | "out", data: string | ArrayBuffer | Blob): void {
    if (!this.#ws.trace) return;
    const properties = { connId, direction, frame: redactFrame(data) };
    if (direction === "in") this.#ws.log.trace("frame in: {frame}", properties);
    else this.#ws.log.trace("frame out: {frame}", properties);
  }

  /** An upgrade was answered with a plain HTTP refusal before any socket existed. */
  upgradeRefused(clientIp: string, status: number, reason: string): void {
    if (!this.#ws.debug) return;
    this.#ws.log.debug("websocket upgrade refused ({status}): {reason}", {
      clientIp,
      status,
      reason,
    });
  }
}
