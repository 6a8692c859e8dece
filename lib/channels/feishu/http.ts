/**
 * A small Feishu open-platform HTTP client: JSON in and out, a deadline on every request (body
 * included), bounded answers, and the platform's error model -- every answer carries `code`
 * (0 = success) whatever the HTTP status. Rate limits (HTTP 429, or `code` 99991400 / 230020
 * on older APIs) are retried after `x-ogw-ratelimit-reset` seconds; network errors and 5xx are
 * retried with backoff when the call is idempotent (reads, the token call, and sends, which
 * carry a `uuid` the platform dedupes on). Errors name the method, path, status and Feishu's
 * `code`/`msg`; never a secret.
 *
 * @module
 */
import { readBoundedText } from "../../net/bounded_body.ts";
import type { z } from "zod";
import type { Clock } from "../../clock.ts";
import { AbortedError, RateLimitError, withRateLimitRetry } from "../retry.ts";
import { startDeadline } from "../../deadline.ts";
import type { FeishuLogger, Scrubber } from "./_log.ts";
import { FeishuCode } from "./constants.ts";
import { ApiEnvelopeSchema } from "./schemas.ts";

/** Largest answer read. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Options of {@linkcode FeishuHttp}. */
export interface FeishuHttpOptions {
  /** The origin (`https://open.feishu.cn`), no trailing slash. */
  baseUrl: string;
  clock: Clock;
  scrubber: Scrubber;
  log: FeishuLogger;
  /** Per request, body included. @default 15000 */
  timeoutMs?: number;
  /** Tries per call (rate limits and transient failures). @default 4 */
  maxAttempts?: number;
  /** A rate-limit wait longer than this fails the call instead. @default 60000 */
  maxRateLimitWaitMs?: number;
}

/** One call. */
export interface FeishuRequest<T> {
  method: "GET" | "POST";
  /** Path below the origin, query included. */
  path: string;
  body?: unknown;
  /** `Authorization: Bearer <token>`. */
  token?: string;
  /** Validates a successful answer. */
  schema: z.ZodType<T>;
  /** Retry network errors and 5xx (safe: a read, or a send with a `uuid`). */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/** Feishu answered with a non-zero `code` or an error status. */
export class FeishuApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Feishu's `code` (-1 when the answer had none). */
  readonly code: number;
  /** `METHOD /path` (no query). */
  readonly route: string;

  constructor(message: string, status: number, code: number, route: string) {
    super(message);
    this.name = "FeishuApiError";
    this.status = status;
    this.code = code;
    this.route = route;
  }
}

/** The request never got a usable answer (network error, timeout, unreadable body). */
export class FeishuRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeishuRequestError";
  }
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Makes calls to one Feishu origin (see the module doc). */
export class FeishuHttp {
  readonly #o: FeishuHttpOptions;

  /** @param options Origin, clock, scrubber, limits. */
  constructor(options: FeishuHttpOptions) {
    this.#o = options;
  }

  /** The origin calls go to. */
  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  /**
   * Makes one call, retrying rate limits (and transient failures when idempotent).
   *
   * @param request Method, path, body, token, answer schema.
   * @returns The validated answer.
   * @throws {FeishuApiError} On a non-zero `code` or an error status.
   * @throws {FeishuRequestError} On a network error, timeout, or an answer of another shape.
   * @throws {RateLimitError} When the wait would be too long or the tries ran out.
   * @throws {AbortedError} When `signal` aborts.
   */
  request<T>(request: FeishuRequest<T>): Promise<T> {
    return withRateLimitRetry(() => this.#attempt(request), {
      clock: this.#o.clock,
      signal: request.signal,
      maxAttempts: this.#o.maxAttempts ?? 4,
      maxWaitMs: this.#o.maxRateLimitWaitMs ?? 60_000,
      isTransient: (err) =>
        request.idempotent === true &&
        (err instanceof FeishuRequestError || (err instanceof FeishuApiError && err.status >= 500)),
      backoff: { initialMs: 500, maxMs: 5000 },
    });
  }

  async #attempt<T>(request: FeishuRequest<T>): Promise<T> {
    const route = `${request.method} ${request.path.split("?")[0]}`;
    const timeoutMs = this.#o.timeoutMs ?? 15_000;
    using deadline = startDeadline(this.#o.clock, timeoutMs, request.signal);
    const headers: Record<string, string> = { "user-agent": "openclaw" };
    if (request.body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.#o.baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: deadline.signal,
      });
      text = await readBoundedText(res, MAX_RESPONSE_BYTES);
    } catch (err) {
      if (request.signal?.aborted) throw new AbortedError(request.signal.reason);
      const why = deadline.timedOut
        ? `timed out after ${timeoutMs} ms`
        : this.#o.scrubber.scrub(err);
      throw new FeishuRequestError(`Feishu ${route} failed: ${why}`);
    }
    const json = parseJson(text);
    const envelope = ApiEnvelopeSchema.safeParse(json);
    const code = envelope.success ? envelope.data.code : -1;
    if (
      res.status === 429 || code === FeishuCode.RATE_LIMITED ||
      code === FeishuCode.CHAT_RATE_LIMITED
    ) {
      const reset = Number(res.headers.get("x-ogw-ratelimit-reset"));
      const waitMs = Number.isFinite(reset) && reset >= 0 ? Math.ceil(reset * 1000) : 1000;
      this.#o.log.warn("feishu rate limited on {route}; retrying in {waitMs} ms", {
        route,
        waitMs,
      });
      throw new RateLimitError(
        `Feishu ${route} is rate limited (retry after ${waitMs} ms)`,
        waitMs,
      );
    }
    if (!res.ok || code !== 0) {
      const msg = envelope.success && envelope.data.msg ? `: ${envelope.data.msg}` : "";
      const message = this.#o.scrubber.scrub(
        `Feishu ${route} answered ${res.status}${code !== -1 ? ` code ${code}` : ""}${msg}`,
      );
      throw new FeishuApiError(message, res.status, code, route);
    }
    const parsed = request.schema.safeParse(json);
    if (!parsed.success) {
      throw new FeishuRequestError(`Feishu ${route} answered with an unexpected shape`);
    }
    return parsed.data;
  }
}
