/**
 * The ErrorShape builder and the top-level error codes, kept apart from the message builders so
 * `errors.ts` and `auth_errors.ts` can both use them without an import cycle.
 *
 * @module
 */
import type { ErrorShape } from "./frames.ts";

/** Top-level error codes (`res.error.code`). */
export const ErrorCode = {
  /** Bad frames/params, unknown method, handshake failures, config hash conflicts. */
  INVALID_REQUEST: "INVALID_REQUEST",
  /** Device identity required; pairing, role, scope or metadata approval pending. */
  NOT_PAIRED: "NOT_PAIRED",
  /** Missing operator scope and other permission denials. */
  FORBIDDEN: "FORBIDDEN",
  /** Startup, restart, busy queue, rate limits, backend failures, handler exceptions. */
  UNAVAILABLE: "UNAVAILABLE",
  /** Approval resolution for a missing or expired request. */
  APPROVAL_NOT_FOUND: "APPROVAL_NOT_FOUND",
  /** Deprecated: no current emitter. */
  NOT_LINKED: "NOT_LINKED",
  /** Deprecated: no current emitter. */
  AGENT_TIMEOUT: "AGENT_TIMEOUT",
} as const;
/** One of the codes in {@link ErrorCode}. */
export type ErrorCodeValue = typeof ErrorCode[keyof typeof ErrorCode];

/** Optional parts of an {@linkcode errorShape}. */
export interface ErrorShapeOptions {
  /** Machine-readable facts; clients branch on `details.code`. */
  details?: unknown;
  /** Whether the same request may succeed later. */
  retryable?: boolean;
  /** Suggested delay before retrying; rounded up to a whole, non-negative number. */
  retryAfterMs?: number;
}

/**
 * Builds a closed ErrorShape, leaving absent options out entirely (the schema is closed and
 * tests compare shapes). An empty message falls back to the code, since the schema requires one.
 */
export function errorShape(
  code: string,
  message: string,
  options: ErrorShapeOptions = {},
): ErrorShape {
  const shape: ErrorShape = { code, message: message || code };
  if (options.details !== undefined) shape.details = options.details;
  if (options.retryable !== undefined) shape.retryable = options.retryable;
  if (options.retryAfterMs !== undefined && Number.isFinite(options.retryAfterMs)) {
    shape.retryAfterMs = Math.max(0, Math.ceil(options.retryAfterMs));
  }
  return shape;
}
