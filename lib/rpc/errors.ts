/**
 * The CLI's error for an `ok:false` answer of the gateway, in its own module so error reporting
 * (cli/output.ts, loaded by every command) can recognise it without loading the RPC client and
 * its WebSocket code.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { ErrorCode } from "../protocol/error_shape.ts";
import type { ErrorShape } from "../protocol/frames.ts";

/**
 * An `ok:false` answer of the gateway: an {@linkcode OpenClawError} (`GATEWAY_RPC_ERROR`, or
 * `GATEWAY_AUTH_FAILED` for refused credentials) that keeps the gateway's ErrorShape, so callers
 * and the CLI's JSON envelope can show the protocol code (`INVALID_REQUEST`, `FORBIDDEN`,
 * `UNAVAILABLE`, ...), `retryAfterMs` and the gateway's `details`. `details` of the
 * OpenClawError is the whole shape, as it always was.
 */
export class GatewayRpcError extends OpenClawError {
  /** The method that failed. */
  readonly method: string;
  /** The gateway's `res.error`. */
  readonly shape: ErrorShape;

  /**
   * @param code `GATEWAY_RPC_ERROR` or `GATEWAY_AUTH_FAILED`.
   * @param method The method that failed.
   * @param shape The gateway's `res.error`.
   * @param hint The command or flag that fixes it.
   */
  constructor(code: string, method: string, shape: ErrorShape, hint?: string) {
    super(code, `${method} failed: ${shape.message}`, { hint, details: shape });
    this.name = "GatewayRpcError";
    this.method = method;
    this.shape = shape;
  }
}

/**
 * Builds the error for an `ok:false` response.
 *
 * @param method The method that was called.
 * @param shape The gateway's `res.error`; anything malformed is read as an `UNAVAILABLE` shape.
 * @returns A `GATEWAY_AUTH_FAILED` error for refused connect credentials, else
 *   `GATEWAY_RPC_ERROR`.
 */
export function rpcError(method: string, shape: ErrorShape): GatewayRpcError {
  const safe = normalizeShape(shape);
  const isAuth = method === "connect" && /^unauthorized/.test(safe.message);
  return new GatewayRpcError(
    isAuth ? "GATEWAY_AUTH_FAILED" : "GATEWAY_RPC_ERROR",
    method,
    safe,
    isAuth
      ? authHint(safe)
      : safe.retryAfterMs
      ? `Retry in ${Math.ceil(safe.retryAfterMs / 1000)} s`
      : undefined,
  );
}

// The refusal's reason says which credential the gateway wanted: a password (password mode, or
// the local fallback of trusted-proxy mode) or a token.
function authHint(shape: ErrorShape): string {
  const details = shape.details;
  const reason = details && typeof details === "object" && "authReason" in details
    ? String((details as { authReason?: unknown }).authReason ?? "")
    : "";
  if (reason.startsWith("password_") || reason.startsWith("trusted_proxy_")) {
    return "Check the password: set gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD), or pass --password";
  }
  return "Check the token: openclaw config get gateway.auth.token, or pass --token / set OPENCLAW_GATEWAY_TOKEN";
}

/** A gateway that sends a broken `res.error` still gets a readable error. */
function normalizeShape(shape: unknown): ErrorShape {
  if (typeof shape !== "object" || shape === null) {
    return { code: ErrorCode.UNAVAILABLE, message: "the gateway sent no error details" };
  }
  const s = shape as Partial<ErrorShape>;
  if (typeof s.code === "string" && typeof s.message === "string") return s as ErrorShape;
  return {
    ...s,
    code: typeof s.code === "string" ? s.code : ErrorCode.UNAVAILABLE,
    message: typeof s.message === "string" ? s.message : "the gateway sent no error message",
  };
}
