/**
 * The errors of the QQ client. Messages name the call and the platform's code and message and
 * have already been scrubbed of the AppSecret and access tokens.
 *
 * @module
 */

/** The OpenAPI answered with an error status, or with an error `code` in a 200 body. */
export class QQApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** The platform's error code, when it sent one. */
  readonly code?: number;
  /** `METHOD /route`. */
  readonly route: string;
  /** `X-Tps-trace-ID`: what the platform's support asks for. */
  readonly traceId?: string;

  constructor(
    message: string,
    init: { status: number; route: string; code?: number; traceId?: string },
  ) {
    super(message);
    this.name = "QQApiError";
    this.status = init.status;
    this.route = init.route;
    this.code = init.code;
    this.traceId = init.traceId;
  }
}

/** The request never got a usable answer (network error, timeout, unreadable body). */
export class QQRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QQRequestError";
  }
}

/** The token endpoint refused the AppID / AppSecret. */
export class QQAuthError extends Error {
  /** The platform's error code, when it sent one. */
  readonly code?: number;

  constructor(message: string, code?: number) {
    super(message);
    this.name = "QQAuthError";
    this.code = code;
  }
}
