/**
 * The one table from failures to what a client sees: a protocol `ErrorShape` for WebSocket
 * responses and an HTTP status for the HTTP API. Handlers throw (`ProtocolError` when they
 * already know the wire shape, `OpenClawError` from lib/ code, anything else by accident); only
 * the transport edges call {@linkcode protocolErrorOf} / {@linkcode httpStatusOf}.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import {
  ErrorCode,
  type ErrorCodeValue,
  errorShape,
  type ErrorShapeOptions,
} from "./error_shape.ts";
import type { ErrorShape } from "./frames.ts";

/** A failure that already has its wire shape (what a method handler throws to answer `ok:false`). */
export class ProtocolError extends Error {
  /** The `res.error` to send. */
  readonly shape: ErrorShape;

  /**
   * @param code The protocol error code (`INVALID_REQUEST`, `UNAVAILABLE`, ...).
   * @param message The human message, sent verbatim.
   * @param options Details, `retryable` and `retryAfterMs`.
   */
  constructor(code: ErrorCodeValue | string, message: string, options: ErrorShapeOptions = {}) {
    super(message);
    this.name = "ProtocolError";
    this.shape = errorShape(code, message, options);
  }

  /** Wraps an already built shape (e.g. from the lib/protocol error builders). */
  static of(shape: ErrorShape): ProtocolError {
    const err = new ProtocolError(shape.code, shape.message);
    (err as { shape: ErrorShape }).shape = shape;
    return err;
  }
}

/**
 * Shorthand for an `INVALID_REQUEST` failure.
 *
 * @example
 * ```ts
 * throw invalidRequest('invalid chat.send params: message must not be empty');
 * ```
 */
export function invalidRequest(message: string, details?: unknown): ProtocolError {
  return new ProtocolError(
    ErrorCode.INVALID_REQUEST,
    message,
    details === undefined ? {} : { details },
  );
}

/** How one class of `OpenClawError` codes reaches clients. */
interface Mapping {
  code: ErrorCodeValue;
  http: number;
  retryable?: boolean;
}

const BAD_INPUT: Mapping = { code: ErrorCode.INVALID_REQUEST, http: 400 };
const NOT_FOUND: Mapping = { code: ErrorCode.INVALID_REQUEST, http: 404 };
const CONFLICT: Mapping = { code: ErrorCode.INVALID_REQUEST, http: 409 };
const DENIED: Mapping = { code: ErrorCode.FORBIDDEN, http: 403 };
const DOWN: Mapping = { code: ErrorCode.UNAVAILABLE, http: 503, retryable: true };
const TIMEOUT: Mapping = { code: ErrorCode.UNAVAILABLE, http: 504, retryable: true };
const INTERNAL: Mapping = { code: ErrorCode.UNAVAILABLE, http: 500 };

/** Codes whose suffix does not say what they are. */
const EXACT: ReadonlyMap<string, Mapping> = new Map([
  ["CONFIG_CHANGED", CONFLICT],
  ["CONFIG_PARSE", BAD_INPUT],
  ["USAGE", BAD_INPUT],
  ["AGENT_RUN_EXISTS", CONFLICT],
  ["EXEC_DENIED", DENIED],
  ["ELEVATED_DISABLED", DENIED],
  ["PATH_OUTSIDE_WORKSPACE", DENIED],
  ["NOT_A_FILE", BAD_INPUT],
  ["EDIT_NO_MATCH", BAD_INPUT],
  ["PROCESS_RUNNING", CONFLICT],
  ["LOCK_TIMEOUT", TIMEOUT],
  ["WORKSPACE_MISSING", NOT_FOUND],
]);

/** Suffix rules, first match wins: `MODEL_REF_INVALID` is bad input, `GATEWAY_CLOSED` is down. */
const SUFFIXES: readonly [string, Mapping][] = [
  ["_INVALID", BAD_INPUT],
  ["_UNKNOWN", BAD_INPUT],
  ["_AMBIGUOUS", BAD_INPUT],
  ["_MISMATCH", BAD_INPUT],
  ["_UNSUPPORTED", BAD_INPUT],
  ["_NOT_FOUND", NOT_FOUND],
  ["_MISSING", NOT_FOUND],
  ["_CONFLICT", CONFLICT],
  ["_EXISTS", CONFLICT],
  ["_DENIED", DENIED],
  ["_FORBIDDEN", DENIED],
  ["_TIMEOUT", TIMEOUT],
  ["_UNAVAILABLE", DOWN],
  ["_UNREACHABLE", DOWN],
  ["_CLOSED", DOWN],
  ["_NOT_RUNNING", DOWN],
  ["_FAILED", DOWN],
  ["_BROKEN", DOWN],
];

function mappingOf(code: string): Mapping {
  const exact = EXACT.get(code);
  if (exact) return exact;
  for (const [suffix, mapping] of SUFFIXES) if (code.endsWith(suffix)) return mapping;
  return INTERNAL;
}

const PROTOCOL_HTTP: Readonly<Record<string, number>> = {
  [ErrorCode.INVALID_REQUEST]: 400,
  [ErrorCode.NOT_PAIRED]: 403,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.APPROVAL_NOT_FOUND]: 404,
};

/** What {@linkcode protocolErrorOf} found out about a thrown value. */
export interface ClassifiedError {
  /** The `res.error` to send. */
  shape: ErrorShape;
  /** The HTTP status the same failure gets on the HTTP API. */
  status: number;
  /**
   * False for failures nobody planned (a bug or a crash in a dependency): the edge logs them.
   * Expected failures (bad input, a down backend) are the client's business, not the log's.
   */
  expected: boolean;
}

/**
 * Maps anything a handler threw to its wire shape and HTTP status.
 *
 * `ProtocolError` keeps its shape; `OpenClawError` is mapped by code (`*_INVALID` ->
 * `INVALID_REQUEST` 400, `*_NOT_FOUND` -> `INVALID_REQUEST` 404, `*_DENIED` -> `FORBIDDEN` 403,
 * `*_UNAVAILABLE`/`*_FAILED` -> `UNAVAILABLE` 503 retryable, `*_TIMEOUT` -> 504 retryable), with
 * `details.code` naming the lib code and `details.hint` its fix; anything else is `UNAVAILABLE`
 * 500 with the error's message and never a stack.
 *
 * @param err The thrown value.
 * @returns The shape, status and whether the failure was expected.
 * @example
 * ```ts
 * const { shape } = protocolErrorOf(new OpenClawError("SESSION_KEY_INVALID", "Cannot use key"));
 * // shape.code === "INVALID_REQUEST"
 * ```
 */
export function protocolErrorOf(err: unknown): ClassifiedError {
  if (err instanceof ProtocolError) {
    return { shape: err.shape, status: PROTOCOL_HTTP[err.shape.code] ?? 500, expected: true };
  }
  if (err instanceof OpenClawError) {
    const mapping = mappingOf(err.code);
    const details: Record<string, unknown> = { code: err.code };
    if (err.hint) details.hint = err.hint;
    return {
      shape: errorShape(mapping.code, err.message, {
        details,
        ...(mapping.retryable ? { retryable: true } : {}),
      }),
      status: mapping.http,
      expected: mapping !== INTERNAL,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    shape: errorShape(ErrorCode.UNAVAILABLE, message || "internal error"),
    status: 500,
    expected: false,
  };
}

/**
 * The HTTP status of a thrown value (the same table as {@linkcode protocolErrorOf}).
 *
 * @param err The thrown value.
 * @returns 400, 403, 404, 409, 500, 503 or 504.
 */
export function httpStatusOf(err: unknown): number {
  return protocolErrorOf(err).status;
}
