/**
 * A small QQ OpenAPI client: `Authorization: QQBot <access token>` (fetched and refreshed by
 * token.ts) and `X-Union-Appid`, JSON in and out, a timeout on every request (body included),
 * bounded response bodies. Errors come as an HTTP status or as a `code` in a 200 body; both
 * become a {@linkcode QQApiError}. A rejected token (401, codes 11241-11244) is dropped and the
 * call tried once more with a fresh one; a 429 or a rate-limit code is retried after the wait the
 * platform asks for (`Retry-After`, else 1 s); GETs also retry network errors and 5xx. Error
 * texts never contain the AppSecret or a token.
 *
 * @module
 */
import type { z } from "zod";
import type { Clock } from "../../clock.ts";
import { AbortedError, parseRetryAfter, RateLimitError, withRateLimitRetry } from "../retry.ts";
import { parseJson, readBounded, startDeadline } from "./_http.ts";
import { type QQBotLogger, scrubSecrets } from "./_log.ts";
import { RATE_LIMIT_ERROR_CODES, TOKEN_ERROR_CODES } from "./constants.ts";
import { QQApiError, QQRequestError } from "./errors.ts";
import { ErrorBodySchema } from "./schemas.ts";
import type { AccessTokens } from "./token.ts";

/** Options of {@linkcode QQRest}. */
export interface QQRestOptions {
  /** The OpenAPI base (`https://api.sgroup.qq.com`). */
  baseUrl: string;
  appId: string;
  tokens: AccessTokens;
  clock: Clock;
  log: QQBotLogger;
  /** Per request, body included. @default 15000 */
  timeoutMs?: number;
  /** Tries per call when rate limited (or a GET fails transiently). @default 4 */
  maxAttempts?: number;
  /** A rate-limit wait longer than this fails the call instead. @default 60000 */
  maxRateLimitWaitMs?: number;
}

/** Options of one call. */
export interface QQRequestOptions<T> {
  body?: unknown;
  /** Validates the answer; without it the answer is ignored. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

function isTokenError(err: unknown): err is QQApiError {
  return err instanceof QQApiError &&
    (err.status === 401 || (err.code !== undefined && TOKEN_ERROR_CODES.has(err.code)));
}

/** Calls the QQ OpenAPI (see the module doc). */
export class QQRest {
  readonly #o: QQRestOptions;
  readonly #base: string;

  /** @param options Base URL, credentials, clock, limits. */
  constructor(options: QQRestOptions) {
    this.#o = options;
    this.#base = options.baseUrl.replace(/\/+$/, "");
  }

  /**
   * Makes one call (see the module doc for the retries).
   *
   * @param method HTTP method.
   * @param path The route below the base (`/v2/users/<openid>/messages`).
   * @param options Body, answer schema, signal.
   * @returns The validated answer (`undefined` without a schema).
   * @throws {QQApiError} On an error status or code (after the retries).
   * @throws {QQRequestError} On a network error, timeout or unreadable answer.
   * @throws {QQAuthError} When a fresh token cannot be had (AppID/AppSecret refused).
   * @throws {RateLimitError} When the wait would exceed the limit or tries run out.
   * @throws {AbortedError} When `signal` aborts.
   */
  request<T = undefined>(
    method: string,
    path: string,
    options: QQRequestOptions<T> = {},
  ): Promise<T> {
    const isGet = method === "GET";
    return withRateLimitRetry(() => this.#withFreshToken(method, path, options), {
      clock: this.#o.clock,
      signal: options.signal,
      maxAttempts: this.#o.maxAttempts ?? 4,
      maxWaitMs: this.#o.maxRateLimitWaitMs ?? 60_000,
      isTransient: (err) =>
        isGet &&
        (err instanceof QQRequestError || (err instanceof QQApiError && err.status >= 500)),
      backoff: { initialMs: 500, maxMs: 5000 },
    });
  }

  async #withFreshToken<T>(method: string, path: string, options: QQRequestOptions<T>) {
    const token = await this.#o.tokens.get(options.signal);
    try {
      return await this.#attempt(method, path, token, options);
    } catch (err) {
      if (!isTokenError(err)) throw err;
      this.#o.log.info("qqbot access token rejected on {route}; fetching a new one", {
        route: err.route,
      });
      this.#o.tokens.invalidate(token);
      return await this.#attempt(method, path, await this.#o.tokens.get(options.signal), options);
    }
  }

  #scrub(text: string): string {
    return scrubSecrets(text, this.#o.tokens.secrets());
  }

  async #attempt<T>(
    method: string,
    path: string,
    token: string,
    options: QQRequestOptions<T>,
  ): Promise<T> {
    const route = `${method} ${path}`;
    const timeoutMs = this.#o.timeoutMs ?? 15_000;
    using deadline = startDeadline(this.#o.clock, timeoutMs, options.signal);
    const headers: Record<string, string> = {
      authorization: `QQBot ${token}`,
      "x-union-appid": this.#o.appId,
      "user-agent": "openclaw",
    };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: deadline.signal,
      });
      text = await readBounded(res);
    } catch (err) {
      if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
      const why = deadline.timedOut
        ? `timed out after ${timeoutMs} ms`
        : this.#scrub(err instanceof Error ? err.message : String(err));
      throw new QQRequestError(`QQ ${route} failed: ${why}`);
    }
    const json = parseJson(text);
    const error = ErrorBodySchema.safeParse(json);
    const code = error.success ? error.data.code ?? error.data.err_code : undefined;
    const traceId = res.headers.get("x-tps-trace-id") ?? undefined;
    if (res.status === 429 || (code !== undefined && RATE_LIMIT_ERROR_CODES.has(code))) {
      const waitMs = parseRetryAfter(res.headers.get("retry-after"), this.#o.clock.now()) ?? 1000;
      this.#o.log.warn("qqbot rate limited on {route}; retrying in {waitMs} ms", {
        route,
        waitMs,
      });
      throw new RateLimitError(`QQ ${route} is rate limited (retry after ${waitMs} ms)`, waitMs);
    }
    if (!res.ok || (code !== undefined && code !== 0)) {
      const message = error.success && error.data.message ? `: ${error.data.message}` : "";
      throw new QQApiError(
        this.#scrub(
          `QQ ${route} answered ${res.status}${message}` +
            (code !== undefined ? ` (code ${code})` : "") +
            (traceId ? ` [trace ${traceId.slice(0, 64)}]` : ""),
        ),
        { status: res.status, route, code, traceId },
      );
    }
    if (!options.schema) return undefined as T;
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) throw new QQRequestError(`QQ ${route} answered with an unexpected shape`);
    return parsed.data;
  }
}
