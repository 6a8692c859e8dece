/**
 * Error codes and builders for `res.error` (reference/protocol.md §4.3, §4.7, §5, §6). Messages
 * are kept word for word: clients match on `code` and `details.code`, people read the message.
 * Auth, device and pairing failures are in `auth_errors.ts`, re-exported here.
 *
 * @module
 */
import type { ErrorShape } from "./frames.ts";
import { CLOSE, MIN_PROBE_PROTOCOL_VERSION, PROTOCOL_VERSION } from "./constants.ts";
import { ErrorCode, errorShape } from "./error_shape.ts";
import { CONTROL_PLANE_WRITE_LIMIT } from "./scopes.ts";

export * from "./error_shape.ts";
export * from "./auth_errors.ts";

/** `FORBIDDEN` "missing scope: <scope>" with details `{code:"MISSING_SCOPE", missingScope, requiredScopes}`. */
export function missingScopeError(scope: string, requiredScopes: readonly string[]): ErrorShape {
  return errorShape(ErrorCode.FORBIDDEN, `missing scope: ${scope}`, {
    details: { code: "MISSING_SCOPE", missingScope: scope, requiredScopes: [...requiredScopes] },
  });
}

/** `INVALID_REQUEST` "unknown method: <method>". */
export function unknownMethodError(method: string): ErrorShape {
  return errorShape(ErrorCode.INVALID_REQUEST, `unknown method: ${method}`);
}

/** `INVALID_REQUEST` "invalid <method> params: <errors>". */
export function invalidParamsError(method: string, errors: string): ErrorShape {
  return errorShape(ErrorCode.INVALID_REQUEST, `invalid ${method} params: ${errors}`);
}

/** `INVALID_REQUEST` "invalid handshake: first request must be connect". */
export function firstRequestMustBeConnectError(): ErrorShape {
  return errorShape(ErrorCode.INVALID_REQUEST, "invalid handshake: first request must be connect");
}

/** `INVALID_REQUEST` "connect is only valid as the first request". */
export function connectNotFirstError(): ErrorShape {
  return errorShape(ErrorCode.INVALID_REQUEST, "connect is only valid as the first request");
}

/**
 * `INVALID_REQUEST` "invalid-handshake": a connect claiming the worker role, client id or mode on
 * the main path (workers have their own); the socket is then closed 1008 "invalid-handshake".
 */
export function invalidHandshakeError(): ErrorShape {
  return errorShape(ErrorCode.INVALID_REQUEST, CLOSE.invalidHandshake.reason);
}

/** `INVALID_REQUEST` "invalid role" (connect with a role other than operator or node). */
export function invalidRoleError(): ErrorShape {
  return errorShape(ErrorCode.INVALID_REQUEST, "invalid role");
}

/** `INVALID_REQUEST` "unauthorized role: <role>" (a method not open to the caller's role). */
export function unauthorizedRoleError(role: string): ErrorShape {
  return errorShape(ErrorCode.INVALID_REQUEST, `unauthorized role: ${role}`);
}

/**
 * `INVALID_REQUEST` "protocol mismatch" with details `{code:"PROTOCOL_MISMATCH",
 * clientMinProtocol, clientMaxProtocol, expectedProtocol:4, minimumProbeProtocol:3}`; the
 * socket is then closed 1002 "protocol mismatch".
 */
export function protocolMismatchError(clientMin: number, clientMax: number): ErrorShape {
  return errorShape(ErrorCode.INVALID_REQUEST, "protocol mismatch", {
    details: {
      code: "PROTOCOL_MISMATCH",
      clientMinProtocol: clientMin,
      clientMaxProtocol: clientMax,
      expectedProtocol: PROTOCOL_VERSION,
      minimumProbeProtocol: MIN_PROBE_PROTOCOL_VERSION,
    },
  });
}

/**
 * `UNAVAILABLE` "rate limit exceeded for <method>; retry after <N>s" (N rounded up), retryable,
 * with `retryAfterMs` and details `{method, limit}`; `limit` defaults to the control-plane write
 * budget's label ("3 per 60s").
 */
export function rateLimitError(
  method: string,
  retryAfterMs: number,
  limit: string = CONTROL_PLANE_WRITE_LIMIT.label,
): ErrorShape {
  const seconds = Math.max(0, Math.ceil(retryAfterMs / 1000));
  return errorShape(
    ErrorCode.UNAVAILABLE,
    `rate limit exceeded for ${method}; retry after ${seconds}s`,
    { retryable: true, retryAfterMs, details: { method, limit } },
  );
}

/** `UNAVAILABLE` "The server is busy. Please try again in a moment.", retryable. */
export function serverBusyError(): ErrorShape {
  return errorShape(ErrorCode.UNAVAILABLE, "The server is busy. Please try again in a moment.", {
    retryable: true,
  });
}

/** Retry delay clients get while the gateway starts. */
export const STARTUP_RETRY_AFTER_MS = 500;
/** Retry delay clients get while the gateway restarts or suspends. */
export const DRAIN_RETRY_AFTER_MS = 1_000;

/**
 * `UNAVAILABLE` while the gateway starts: for `connect` "gateway starting; retry shortly" with
 * details `{reason:"startup-sidecars"}`, for other methods "<method> unavailable during gateway
 * startup" with details `{reason:"startup-sidecars", method}`; retryable after 500 ms.
 */
export function startupUnavailableError(method = "connect"): ErrorShape {
  const connect = method === "connect";
  return errorShape(
    ErrorCode.UNAVAILABLE,
    connect ? "gateway starting; retry shortly" : `${method} unavailable during gateway startup`,
    {
      retryable: true,
      retryAfterMs: STARTUP_RETRY_AFTER_MS,
      details: connect ? { reason: "startup-sidecars" } : { reason: "startup-sidecars", method },
    },
  );
}

/**
 * `UNAVAILABLE` "<method> unavailable during gateway restart|suspension", retryable after
 * 1000 ms, details `{method, reason:"gateway-restarting"|"gateway-suspending", phase?}`.
 */
export function drainUnavailableError(
  method: string,
  kind: "restart" | "suspension",
  phase?: string,
): ErrorShape {
  const reason = kind === "restart" ? "gateway-restarting" : "gateway-suspending";
  return errorShape(ErrorCode.UNAVAILABLE, `${method} unavailable during gateway ${kind}`, {
    retryable: true,
    retryAfterMs: DRAIN_RETRY_AFTER_MS,
    details: phase === undefined ? { method, reason } : { method, reason, phase },
  });
}
