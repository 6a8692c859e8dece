/**
 * A gateway RPC client over the WebSocket protocol v4: wait for `connect.challenge`, send
 * `connect`, then requests with per-call timeouts. Used by every CLI command that talks to a
 * running gateway. Failures are OpenClawErrors that say what went wrong and what to run next.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { openWebSocket, type WebSocketLike, WsState } from "../net/ws_client.ts";
import { CloseCode, PROTOCOL_VERSION } from "../protocol/constants.ts";
import type { DeviceAuthFields } from "../protocol/device_keys.ts";
import type {
  ClientId,
  ClientMode,
  ConnectAuth,
  ConnectChallenge,
  ConnectParams,
  DeviceProof,
  ErrorShape,
} from "../protocol/frames.ts";
import { CLI_DEFAULT_OPERATOR_SCOPES } from "../protocol/scopes.ts";
import { GatewayRpcError, rpcError } from "./errors.ts";
import { VERSION } from "../version.ts";
import { clearTimer, delay, setTimer, type TimerHandle } from "../timers.ts";

export { GatewayRpcError, rpcError };

/** Options for {@linkcode connectGateway}. */
export interface ConnectOptions {
  url: string;
  token?: string;
  password?: string;
  /** Handshake and default per-call timeout. @default 10000 */
  timeoutMs?: number;
  /** `client.id` / `client.mode` to present. @default cli / cli */
  clientId?: ClientId;
  clientMode?: ClientMode;
  /** Requested operator scopes. @default CLI_DEFAULT_OPERATOR_SCOPES */
  scopes?: readonly string[];
  /** Lowest protocol version to offer (the status probe offers 3). @default PROTOCOL_VERSION */
  minProtocol?: number;
  /** Signs the connect with a device identity (needed off loopback). */
  device?: (
    challenge: Pick<ConnectChallenge, "nonce" | "ts">,
    fields: DeviceSignFields,
  ) => Promise<DeviceProof>;
}

/**
 * The connect fields a device signature covers (protocol.md §4.5) besides the device id and the
 * challenge's `ts` and `nonce`.
 */
export type DeviceSignFields = Omit<DeviceAuthFields, "deviceId" | "signedAtMs" | "nonce">;

/** A connected client. */
export interface GatewayClient extends AsyncDisposable {
  /** The hello-ok payload. */
  readonly hello: Record<string, unknown>;
  /**
   * Calls a method; on `ok:false` throws a {@linkcode GatewayRpcError} (`GATEWAY_RPC_ERROR`)
   * carrying the gateway's ErrorShape.
   */
  call<T = unknown>(
    method: string,
    params?: unknown,
    options?: { timeoutMs?: number; expectFinal?: boolean },
  ): Promise<T>;
  /** Receives events (`tick`, `presence`, ...). */
  onEvent(fn: (event: string, payload: unknown) => void): void;
  close(): Promise<void>;
}

const DOCTOR_HINT =
  "Is the gateway running? Start it with `openclaw gateway`, check `openclaw gateway status`, or run `openclaw doctor`";

function unreachable(url: string, why: string, cause?: unknown): OpenClawError {
  return new OpenClawError("GATEWAY_UNREACHABLE", `Cannot reach the gateway at ${url}: ${why}`, {
    hint: DOCTOR_HINT,
    cause,
  });
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer?: TimerHandle;
  expectFinal: boolean;
  method: string;
}

/**
 * Opens a connection and completes the handshake.
 *
 * @throws {OpenClawError} `GATEWAY_UNREACHABLE` (nothing listens / timeout),
 *   `GATEWAY_AUTH_FAILED` (credentials refused), `GATEWAY_RPC_ERROR` (other refusals).
 */
export async function connectGateway(options: ConnectOptions): Promise<GatewayClient> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = options.url;
  let ws: WebSocketLike;
  try {
    ws = openWebSocket(url);
  } catch (err) {
    throw unreachable(url, `invalid URL (${err instanceof Error ? err.message : err})`, err);
  }
  const pending = new Map<string, Pending>();
  const listeners: ((event: string, payload: unknown) => void)[] = [];
  let nextId = 1;
  let closedInfo: { code: number; reason: string } | undefined;
  type Challenge = Pick<ConnectChallenge, "nonce" | "ts">;
  let challenge: ((c: Challenge) => void) | undefined;
  const challengeP = new Promise<Challenge>((r) => challenge = r);

  const failAll = (err: unknown) => {
    for (const p of pending.values()) {
      clearTimer(p.timer);
      p.reject(err);
    }
    pending.clear();
  };

  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = (e) => {
      const msg = e.message ?? "connection failed";
      reject(
        unreachable(
          url,
          /refused|ECONNREFUSED|os error 111/i.test(msg) ? "connection refused" : msg,
        ),
      );
    };
  });
  const closed = new Promise<void>((resolve) => {
    ws.onclose = (e) => {
      closedInfo = { code: e.code, reason: e.reason };
      failAll(
        new OpenClawError(
          "GATEWAY_CLOSED",
          `gateway closed (${e.code}): ${e.reason || "no reason"}`,
          {
            hint: e.code === CloseCode.serviceRestart
              ? "The gateway is restarting; retry in a moment"
              : DOCTOR_HINT,
          },
        ),
      );
      resolve();
    };
  });
  ws.onmessage = (e) => {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(String(e.data));
    } catch {
      return;
    }
    if (frame.type === "event") {
      if (frame.event === "connect.challenge") {
        const p = frame.payload as { nonce?: string; ts?: number };
        if (typeof p?.nonce === "string") {
          challenge?.({ nonce: p.nonce, ts: Number(p.ts ?? Date.now()) });
        }
        return;
      }
      for (const l of listeners) l(String(frame.event), frame.payload);
      return;
    }
    if (frame.type !== "res") return;
    const p = pending.get(String(frame.id));
    if (!p) return;
    if (
      frame.ok === true && p.expectFinal &&
      (frame.payload as { status?: string })?.status === "accepted"
    ) return;
    pending.delete(String(frame.id));
    clearTimer(p.timer);
    if (frame.ok === true) p.resolve(frame.payload);
    else p.reject(rpcError(p.method, frame.error as ErrorShape));
  };

  const deadline = <T>(promise: Promise<T>, what: string): Promise<T> => {
    let timer: TimerHandle;
    return Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimer(
          () => reject(unreachable(url, `${what} timed out after ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimer(timer));
  };

  const send = (
    method: string,
    params: unknown,
    callTimeout: number | undefined,
    expectFinal: boolean,
  ) => {
    const id = `${nextId++}:${crypto.randomUUID()}`;
    return new Promise<unknown>((resolve, reject) => {
      if (ws.readyState !== WsState.OPEN) {
        reject(
          closedInfo
            ? new OpenClawError(
              "GATEWAY_CLOSED",
              `gateway closed (${closedInfo.code}): ${closedInfo.reason}`,
            )
            : unreachable(url, "not connected"),
        );
        return;
      }
      const entry: Pending = { resolve, reject, expectFinal, method };
      if (callTimeout !== undefined && callTimeout > 0) {
        entry.timer = setTimer(() => {
          pending.delete(id);
          reject(
            new OpenClawError("GATEWAY_TIMEOUT", `${method} timed out after ${callTimeout} ms`, {
              hint: DOCTOR_HINT,
            }),
          );
        }, callTimeout);
      }
      pending.set(id, entry);
      ws.send(JSON.stringify({ type: "req", id, method, params }));
    });
  };

  const shutdown = async () => {
    if (ws.readyState === WsState.OPEN || ws.readyState === WsState.CONNECTING) {
      try {
        ws.close(CloseCode.normal);
      } catch { /* already closing */ }
    }
    await Promise.race([closed, delay(500)]);
  };

  try {
    await deadline(
      Promise.race([
        opened,
        closed.then(() => Promise.reject(unreachable(url, "closed before opening"))),
      ]),
      "connecting",
    );
    const ch = await deadline(
      Promise.race([
        challengeP,
        closed.then(() => Promise.reject(unreachable(url, "closed before the challenge"))),
      ]),
      "waiting for connect.challenge",
    );
    const clientId = options.clientId ?? "cli";
    const clientMode = options.clientMode ?? "cli";
    const scopes = [...(options.scopes ?? CLI_DEFAULT_OPERATOR_SCOPES)];
    const auth: ConnectAuth = {};
    if (options.token) auth.token = options.token;
    if (options.password) auth.password = options.password;
    const params: ConnectParams = {
      minProtocol: options.minProtocol ?? PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client: { id: clientId, version: VERSION, platform: Deno.build.os, mode: clientMode },
      role: "operator",
      scopes,
      ...(Object.keys(auth).length ? { auth } : {}),
    };
    if (options.device) {
      params.device = await options.device(ch, {
        clientId,
        clientMode,
        role: params.role,
        scopes,
        auth: params.auth,
        platform: Deno.build.os,
      });
    }
    const hello = await send("connect", params, timeoutMs, false) as Record<string, unknown>;
    return {
      hello,
      call: (method, p, o = {}) =>
        send(
          method,
          p ?? {},
          o.expectFinal ? undefined : o.timeoutMs ?? timeoutMs,
          o.expectFinal ?? false,
        ) as never,
      onEvent: (fn) => void listeners.push(fn),
      close: shutdown,
      [Symbol.asyncDispose]: shutdown,
    };
  } catch (err) {
    await shutdown();
    throw err;
  }
}
