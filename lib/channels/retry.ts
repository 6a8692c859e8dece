/**
 * Waiting between attempts: exponential backoff with jitter for reconnects (a channel that
 * cannot connect keeps trying, never giving up and never hammering), and rate-limited sends that
 * wait exactly as long as the platform asks (Telegram `parameters.retry_after`, Discord
 * `retry_after` / `Retry-After`). All waits run on an injectable {@linkcode Clock} and end early
 * when their `AbortSignal` aborts.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";

/** Options of {@linkcode backoffDelay} and {@linkcode Backoff}. */
export interface BackoffOptions {
  /** First delay. @default 1000 */
  initialMs?: number;
  /** Largest delay. @default 60000 */
  maxMs?: number;
  /** Growth per attempt. @default 2 */
  factor?: number;
  /** Random spread, as a fraction of the delay (0.2 = ±20 %). @default 0.2 */
  jitter?: number;
  /** A number in [0, 1). @default Math.random */
  random?: () => number;
}

/**
 * The delay before attempt `attempt` (0 = the first retry).
 *
 * @param attempt How many retries came before.
 * @param options Initial, cap, factor, jitter.
 * @returns Milliseconds, within `[0, maxMs]`.
 * @example
 * ```ts
 * backoffDelay(0, { jitter: 0 }); // 1000
 * backoffDelay(10, { jitter: 0 }); // 60000
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 1000;
  const max = options.maxMs ?? 60_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * Math.pow(factor, Math.max(0, Math.min(attempt, 64))));
  const spread = base * jitter * (random() * 2 - 1);
  return Math.round(Math.min(max, Math.max(0, base + spread)));
}

/** A reconnect schedule: delays grow per failure and reset after a success. */
export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;

  /** @param options See {@linkcode BackoffOptions}. */
  constructor(options: BackoffOptions = {}) {
    this.#options = options;
  }

  /** Failures since the last success. */
  get attempts(): number {
    return this.#attempt;
  }

  /** Returns the delay before the next attempt and counts a failure. */
  next(): number {
    return backoffDelay(this.#attempt++, this.#options);
  }

  /** Starts over (call once a connection has been stable). */
  reset(): void {
    this.#attempt = 0;
  }
}

/** Thrown when a wait is aborted. */
export class AbortedError extends Error {
  constructor(reason?: unknown) {
    super("The operation was aborted", { cause: reason });
    this.name = "AbortError";
  }
}

/**
 * Waits `ms` on `clock`; rejects with an `AbortError` as soon as `signal` aborts.
 *
 * @param ms How long.
 * @param options The clock and the signal.
 * @returns A promise that resolves after the wait.
 * @throws {AbortedError} When `signal` aborts first.
 */
export function sleep(
  ms: number,
  options: { clock?: Clock; signal?: AbortSignal } = {},
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(new AbortedError(signal?.reason));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Thrown by adapters when the platform answered "too many requests". */
export class RateLimitError extends Error {
  /** How long the platform asked to wait. */
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number, cause?: unknown) {
    super(message, { cause });
    this.name = "RateLimitError";
    this.retryAfterMs = Math.max(0, retryAfterMs);
  }
}

/**
 * Reads a platform's retry-after value as milliseconds: a number of seconds (Telegram
 * `retry_after: 5`, Discord `retry_after: 1.5`, header `Retry-After: 5`) or an HTTP date.
 *
 * @param value The header or body value.
 * @param now The current time, for HTTP dates.
 * @returns Milliseconds to wait, or `undefined` when `value` says nothing usable.
 */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  }
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Options of {@linkcode withRateLimitRetry}. */
export interface RateLimitRetryOptions {
  /** @default systemClock */
  clock?: Clock;
  signal?: AbortSignal;
  /** Tries in all (the first included). @default 4 */
  maxAttempts?: number;
  /** A wait longer than this is not waited: the error goes to the caller. @default 60000 */
  maxWaitMs?: number;
  /** Also retry errors this says are transient (network), with backoff. @default none */
  isTransient?: (err: unknown) => boolean;
  /** Backoff for transient errors. */
  backoff?: BackoffOptions;
}

/**
 * Runs `send`, retrying after a {@linkcode RateLimitError} for as long as the platform asked
 * (and transient errors with backoff), up to `maxAttempts` tries.
 *
 * @param send The call to make.
 * @param options Clock, signal, limits.
 * @returns What `send` returned.
 * @throws The last error when the tries run out, a wait would exceed `maxWaitMs`, or the error
 *   is neither a rate limit nor transient; {@linkcode AbortedError} when `signal` aborts.
 * @example
 * ```ts
 * const sent = await withRateLimitRetry(() => api.sendMessage(chatId, text), { signal });
 * ```
 */
export async function withRateLimitRetry<T>(
  send: () => Promise<T>,
  options: RateLimitRetryOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 4;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  for (let attempt = 1;; attempt++) {
    if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
    try {
      return await send();
    } catch (err) {
      if (attempt >= maxAttempts) throw err;
      let wait: number;
      if (err instanceof RateLimitError) wait = err.retryAfterMs;
      else if (options.isTransient?.(err)) wait = backoffDelay(attempt - 1, options.backoff);
      else throw err;
      if (wait > maxWaitMs) throw err;
      await sleep(wait, { clock: options.clock, signal: options.signal });
    }
  }
}
