/**
 * The error a method handler throws to answer `ok:false` with a protocol ErrorShape. Anything
 * else a handler throws becomes `UNAVAILABLE` with the error's text (protocol.md §5).
 *
 * @module
 */

/** The ErrorShape of protocol.md §3.1. */
export interface ErrorShape {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** A method failure with its wire shape. */
export class RpcError extends Error {
  readonly shape: ErrorShape;
  constructor(shape: ErrorShape) {
    super(shape.message);
    this.name = "RpcError";
    this.shape = shape;
  }
}

/** Shorthand for an `INVALID_REQUEST` failure. */
export function invalidRequest(message: string, details?: unknown): RpcError {
  return new RpcError({
    code: "INVALID_REQUEST",
    message,
    ...(details === undefined ? {} : { details }),
  });
}

/** Turns anything thrown by a handler into an ErrorShape. */
export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof RpcError) return err.shape;
  const message = err instanceof Error ? err.message : String(err);
  return { code: "UNAVAILABLE", message: message || "internal error" };
}
