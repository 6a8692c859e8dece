/**
 * The contract between the connection layer and method handlers.
 *
 * @module
 */
import type { GatewayState } from "../state.ts";

/** Who is calling: fixed at handshake time. */
export interface CallerInfo {
  connId: string;
  clientIp: string;
  isLoopback: boolean;
  role: string;
  scopes: readonly string[];
  deviceId?: string;
  clientId?: string;
  clientMode?: string;
}

/** One method call; `params` have passed the method's schema. */
export interface MethodCall<P = Record<string, unknown>> {
  params: P;
  caller: CallerInfo;
  state: GatewayState;
  /** Aborted when the caller disconnects or the gateway stops. */
  signal: AbortSignal;
  /**
   * Sends an `ok:true` response with this payload now, before the handler returns (the
   * `accepted` phase of a two-phase method, protocol.md §3.2). The handler's return value is
   * then sent as a second response with the same id.
   */
  respondEarly(payload: unknown): void;
}
