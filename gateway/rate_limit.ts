/**
 * A sliding-window counter for control-plane writes (`config.apply`, `config.patch`,
 * `update.run`): at most `limit` calls per `windowMs` per key. It lives for the whole process,
 * not one server start, so an in-process restart does not reset it.
 *
 * @module
 */

/** Options for {@linkcode createWindowLimiter}. */
export interface WindowLimiterOptions {
  /** @default 3 */
  limit?: number;
  /** @default 60000 */
  windowMs?: number;
  now?: () => number;
  /** Most keys remembered; the oldest are forgotten first. @default 10000 */
  maxKeys?: number;
}

/** The limiter's verdict. */
export type WindowVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/** A per-key sliding window. */
export interface WindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  take(key: string): WindowVerdict;
}

/** Creates a sliding-window limiter. */
export function createWindowLimiter(options: WindowLimiterOptions = {}): WindowLimiter {
  const limit = options.limit ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const hits = new Map<string, number[]>();
  return {
    limit,
    windowMs,
    take(key) {
      const t = now();
      const recent = (hits.get(key) ?? []).filter((ts) => t - ts < windowMs);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return { ok: false, retryAfterMs: Math.max(1, windowMs - (t - recent[0])) };
      }
      recent.push(t);
      hits.delete(key);
      hits.set(key, recent);
      if (hits.size > maxKeys) hits.delete(hits.keys().next().value!);
      return { ok: true };
    },
  };
}
