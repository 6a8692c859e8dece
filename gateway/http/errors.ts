/**
 * The HTTP API's one error type and its one renderer (protocol.md §10.1). Handlers and helpers
 * throw: an {@linkcode HttpError} when they know the status and body, anything else otherwise.
 * `app.onError` (app.ts) hands every failure to {@linkcode renderHttpError}, the only place an
 * error becomes a response. Statuses of other errors come from the shared table in
 * lib/protocol/error_map.ts, so the HTTP API and the WebSocket methods agree.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import { protocolErrorOf } from "../../lib/protocol/error_map.ts";

const JSON_TYPE = "application/json; charset=utf-8";

/** The body of an unexpected failure: nothing about what broke, never a stack. */
const INTERNAL_ERROR = { error: { message: "internal error", type: "api_error" } } as const;

/** §10.1 `type` by status; other 4xx are `invalid_request_error`, other 5xx `api_error`. */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  429: "rate_limited",
  503: "unavailable",
  504: "timeout",
};

/**
 * The §10.1 error `type` of a status.
 *
 * @param status An HTTP error status.
 * @returns `invalid_request_error` (400, 405, 408, 413, ...), `unauthorized` (401), `forbidden`
 *   (403), `not_found` (404), `conflict` (409), `rate_limited` (429), `unavailable` (503),
 *   `timeout` (504), else `api_error`.
 * @example
 * ```ts
 * errorTypeOf(400); // "invalid_request_error"
 * ```
 */
export function errorTypeOf(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status < 500 ? "invalid_request_error" : "api_error");
}

/** A JSON response with the §10.1 content type. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: HeadersInit = {},
): Response {
  const h = new Headers(headers);
  h.set("Content-Type", JSON_TYPE);
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** Options for {@linkcode HttpError}; `body` and `res` are alternatives to the §10.1 body. */
export interface HttpErrorOptions {
  /** The §10.1 `message` (and the error's own message). @default "" */
  message?: string;
  /** The §10.1 `type`. @default errorTypeOf(status) */
  type?: string;
  /** A prepared JSON body sent instead of the §10.1 one (`/tools/invoke`'s `{ok:false,...}`). */
  body?: unknown;
  /**
   * A prepared response (e.g. the plain-text 405) sent with this error's status and the
   * response's own headers. Its body can be read once, so render the error once.
   */
  res?: Response;
  /** Extra response headers (`WWW-Authenticate`, `Retry-After`); ignored with `res`. */
  headers?: Record<string, string>;
  /** The underlying failure (never sent). */
  cause?: unknown;
}

/**
 * A failure whose HTTP answer is already decided, in the spirit of Hono's `HTTPException`.
 *
 * @example
 * ```ts
 * throw new HttpError(400, { message: "Invalid JSON body." });
 * // -> 400 {"error":{"message":"Invalid JSON body.","type":"invalid_request_error"}}
 * ```
 */
export class HttpError extends Error {
  /** The response status (400-599). */
  readonly status: number;
  /** The §10.1 `type`. */
  readonly type: string;
  readonly #body: unknown;
  readonly #res: Response | undefined;
  readonly #headers: Record<string, string>;

  /**
   * @param status The response status.
   * @param options Message and type of the §10.1 body, or a prepared body or response.
   * @throws {RangeError} When `status` is not an error status (400-599).
   */
  constructor(status: number, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`Cannot create an HttpError with status ${status}: expected 400-599`);
    }
    super(options.message ?? "", { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.type = options.type ?? errorTypeOf(status);
    this.#body = options.body;
    this.#res = options.res;
    this.#headers = options.headers ?? {};
  }

  /** The response this error answers with. */
  getResponse(): Response {
    if (this.#res) {
      return new Response(this.#res.body, { status: this.status, headers: this.#res.headers });
    }
    const body = this.#body ?? { error: { message: this.message, type: this.type } };
    return jsonResponse(this.status, body, this.#headers);
  }
}

/**
 * A 400 `invalid_request_error`.
 *
 * @param message The §10.1 message.
 * @returns The error to throw.
 */
export function badRequest(message: string): HttpError {
  return new HttpError(400, { message, type: "invalid_request_error" });
}

/**
 * A 405 for a call of a route with the wrong method: plain text `Method Not Allowed` with an
 * `Allow` header (§10.1).
 *
 * @param allow The value of the `Allow` header.
 * @returns The error to throw.
 */
export function methodNotAllowed(allow = "POST"): HttpError {
  return new HttpError(405, {
    message: "Method Not Allowed",
    res: new Response("Method Not Allowed", {
      headers: { "Allow": allow, "Content-Type": "text/plain; charset=utf-8" },
    }),
  });
}

/**
 * Turns anything a handler threw into its response; `app.onError` calls it and nothing else.
 *
 * - {@linkcode HttpError} (and Hono's `HTTPException`) answer with their own response.
 * - Other errors get the status of lib/protocol/error_map.ts (`OpenClawError` codes such as
 *   `*_INVALID` -> 400, `*_NOT_FOUND` -> 404, `*_UNAVAILABLE` -> 503; `ProtocolError` by its code)
 *   and a §10.1 body with the error's message.
 * - Failures nobody planned for get a bare 500 `internal error`, never a message or a stack;
 *   `onUnexpected` is the place to log them.
 *
 * @param err The thrown value.
 * @param onUnexpected Called with unplanned failures before the 500 is returned.
 * @returns The response to send.
 * @example
 * ```ts
 * app.onError((err) => renderHttpError(err, (e) => log.warn(String(e))));
 * ```
 */
export function renderHttpError(err: unknown, onUnexpected?: (err: unknown) => void): Response {
  if (err instanceof HttpError) return err.getResponse();
  if (err instanceof HTTPException) {
    if (err.res) return err.getResponse();
    return jsonResponse(err.status, {
      error: { message: err.message, type: errorTypeOf(err.status) },
    });
  }
  const failure = protocolErrorOf(err);
  if (!failure.expected) {
    try {
      onUnexpected?.(err);
    } catch { /* a failing logger must not change the answer */ }
    return jsonResponse(500, INTERNAL_ERROR);
  }
  return jsonResponse(failure.status, {
    error: { message: failure.shape.message, type: errorTypeOf(failure.status) },
  });
}
