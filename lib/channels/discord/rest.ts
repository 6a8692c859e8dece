/**
 * A small Discord REST client: `Authorization: Bot <token>`, JSON in and out, a timeout on every
 * request (body included), bounded response bodies, and Discord's rate limits honoured -- each
 * route's `X-RateLimit-Remaining` / `X-RateLimit-Reset-After` is remembered so the next call waits
 * instead of earning a 429, and a 429 is retried after exactly `retry_after` (global limits block
 * every route). Errors name the method, route and Discord's message; never the token.
 *
 * @module
 */
import { readBoundedText } from "../../net/bounded_body.ts";
import { type Clock, systemClock } from "../../clock.ts";
import { AbortedError, RateLimitError, sleep, withRateLimitRetry } from "../retry.ts";
import { type DiscordLogger, scrubToken, silentLogger } from "./_log.ts";
import { startDeadline } from "../../deadline.ts";
import type { Guard } from "../../json_guard.ts";
import { ErrorBodySchema, RateLimitBodySchema } from "./schemas.ts";

/** Largest response body read. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Routes whose rate-limit state is remembered (oldest forgotten first). */
const MAX_BUCKETS = 256;

/** Options of {@linkcode DiscordRest}. */
export interface DiscordRestOptions {
  /** The versioned base (`https://discord.com/api/v10`). */
  baseUrl: string;
  token: string;
  /** @default systemClock */
  clock?: Clock;
  /** Per request, body included. @default 15000 */
  timeoutMs?: number;
  /** Tries per call when rate limited (or a GET fails transiently). @default 4 */
  maxAttempts?: number;
  /** A rate-limit wait longer than this fails the call instead. @default 60000 */
  maxRateLimitWaitMs?: number;
  log?: DiscordLogger;
}

/** Options of one call. */
export interface RequestOptions<T> {
  body?: unknown;
  /** Validates the answer; without it the answer is ignored. */
  schema?: Guard<T>;
  signal?: AbortSignal;
}

/** Discord answered with an error status. */
export class DiscordApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Discord's JSON error code, when it sent one. */
  readonly code?: number;
  /** `METHOD /route`. */
  readonly route: string;

  constructor(message: string, status: number, route: string, code?: number) {
    super(message);
    this.name = "DiscordApiError";
    this.status = status;
    this.route = route;
    this.code = code;
  }
}

/** The request never got an answer (network error, timeout, unreadable body). */
export class DiscordRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DiscordRequestError";
  }
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Calls Discord's REST API (see the module doc). */
export class DiscordRest {
  readonly #base: string;
  readonly #token: string;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #maxWait: number;
  readonly #log: DiscordLogger;
  readonly #buckets = new Map<string, Bucket>();
  #globalUntil = 0;

  /** @param options Base URL, token, clock, limits. */
  constructor(options: DiscordRestOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, "");
    this.#token = options.token;
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#maxAttempts = options.maxAttempts ?? 4;
    this.#maxWait = options.maxRateLimitWaitMs ?? 60_000;
    this.#log = options.log ?? silentLogger;
  }

  /**
   * Makes one call, retrying rate limits (and, for GET, network errors and 5xx).
   *
   * @param method HTTP method.
   * @param path The route below the base (`/channels/123/messages`).
   * @param options Body, answer schema, signal.
   * @returns The validated answer (`undefined` without a schema).
   * @throws {DiscordApiError} On an error status (after retries for 429).
   * @throws {DiscordRequestError} On a network error, timeout or unreadable answer.
   * @throws {RateLimitError} When the wait would exceed the limit or tries run out.
   * @throws {AbortedError} When `signal` aborts.
   */
  request<T = undefined>(
    method: string,
    path: string,
    options: RequestOptions<T> = {},
  ): Promise<T> {
    const isGet = method === "GET";
    return withRateLimitRetry(() => this.#attempt(method, path, options), {
      clock: this.#clock,
      signal: options.signal,
      maxAttempts: this.#maxAttempts,
      maxWaitMs: this.#maxWait,
      isTransient: (err) =>
        isGet &&
        (err instanceof DiscordRequestError ||
          (err instanceof DiscordApiError && err.status >= 500)),
      backoff: { initialMs: 500, maxMs: 5000 },
    });
  }

  async #waitForLimits(route: string, signal?: AbortSignal): Promise<void> {
    const bucket = this.#buckets.get(route);
    const until = Math.max(this.#globalUntil, bucket && bucket.remaining <= 0 ? bucket.resetAt : 0);
    const wait = until - this.#clock.now();
    if (wait <= 0) return;
    if (wait > this.#maxWait) {
      throw new RateLimitError(`Discord ${route} is rate limited for ${wait} ms`, wait);
    }
    this.#log.debug("discord rate limit bucket empty on {route}; waiting {waitMs} ms", {
      route,
      waitMs: wait,
    });
    await sleep(wait, { clock: this.#clock, signal });
  }

  #remember(route: string, headers: Headers): void {
    const remaining = Number(headers.get("x-ratelimit-remaining"));
    const resetAfter = Number(headers.get("x-ratelimit-reset-after"));
    if (!headers.has("x-ratelimit-remaining") || !Number.isFinite(remaining)) return;
    this.#buckets.delete(route);
    if (this.#buckets.size >= MAX_BUCKETS) {
      this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    const resetMs = Number.isFinite(resetAfter) ? Math.ceil(resetAfter * 1000) : 1000;
    this.#buckets.set(route, { remaining, resetAt: this.#clock.now() + resetMs });
  }

  #rateLimited(route: string, res: Response, text: string): RateLimitError {
    const parsed = RateLimitBodySchema.safeParse(parseJson(text));
    const body = parsed.success ? parsed.data : {};
    const header = Number(
      res.headers.get("retry-after") ?? res.headers.get("x-ratelimit-reset-after"),
    );
    const seconds = body.retry_after ?? (Number.isFinite(header) ? header : 1);
    const waitMs = Math.ceil(seconds * 1000);
    const global = body.global === true || res.headers.get("x-ratelimit-global") === "true";
    if (global) this.#globalUntil = this.#clock.now() + waitMs;
    else this.#buckets.set(route, { remaining: 0, resetAt: this.#clock.now() + waitMs });
    this.#log.warn("discord rate limited on {route}{scope}; retrying in {waitMs} ms", {
      route,
      scope: global ? " (global)" : "",
      waitMs,
    });
    return new RateLimitError(`Discord ${route} answered 429 (retry after ${waitMs} ms)`, waitMs);
  }

  async #attempt<T>(method: string, path: string, options: RequestOptions<T>): Promise<T> {
    const route = `${method} ${path}`;
    await this.#waitForLimits(route, options.signal);
    using deadline = startDeadline(this.#clock, this.#timeoutMs, options.signal);
    const headers: Record<string, string> = {
      authorization: `Bot ${this.#token}`,
      "user-agent": "DiscordBot (https://openclaw.ai, 1) openclaw",
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
      text = await readBoundedText(res, MAX_RESPONSE_BYTES);
    } catch (err) {
      if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
      const why = deadline.timedOut
        ? `timed out after ${this.#timeoutMs} ms`
        : scrubToken(err instanceof Error ? err.message : String(err), this.#token);
      throw new DiscordRequestError(`Discord ${route} failed: ${why}`);
    }
    this.#remember(route, res.headers);
    if (res.status === 429) throw this.#rateLimited(route, res, text);
    if (!res.ok) {
      const parsed = ErrorBodySchema.safeParse(parseJson(text));
      const detail = parsed.success && parsed.data.message ? `: ${parsed.data.message}` : "";
      const code = parsed.success ? parsed.data.code : undefined;
      const message = scrubToken(
        `Discord ${route} answered ${res.status} ${res.statusText}${detail}` +
          (code ? ` (code ${code})` : ""),
        this.#token,
      );
      throw new DiscordApiError(message, res.status, route, code);
    }
    if (!options.schema) return undefined as T;
    const parsed = options.schema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw new DiscordRequestError(`Discord ${route} answered with an unexpected shape`);
    }
    return parsed.data;
  }
}
