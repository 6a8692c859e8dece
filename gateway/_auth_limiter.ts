/**
 * The failed-auth rate limiter (protocol.md §4.4, `gateway.auth.rateLimit`). Private to the
 * gateway; `auth.ts` re-exports it.
 *
 * @module
 */

/** Options for {@linkcode createAuthRateLimiter} (`gateway.auth.rateLimit`). */
export interface AuthRateLimiterOptions {
  /** Failures within `windowMs` that trigger a lockout. @default 10 */
  maxAttempts?: number;
  /** @default 60000 */
  windowMs?: number;
  /** @default 300000 */
  lockoutMs?: number;
  /** Never limit loopback clients (unless they come from a browser Origin). @default true */
  exemptLoopback?: boolean;
  /** Tracked keys at most; the stalest are evicted first. @default 10000 */
  maxEntries?: number;
  /** @default Date.now */
  now?: () => number;
}

/** What the limiter knows about the client besides its key. */
export interface RateLimitSubject {
  loopback?: boolean;
  /** The request's Origin header, when a browser made it. */
  browserOrigin?: string;
}

/** The answer of {@linkcode AuthRateLimiter.check}. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Tracks failed auth attempts per key (scope + client IP). */
export interface AuthRateLimiter {
  check(key: string, subject?: RateLimitSubject): RateLimitDecision;
  recordFailure(key: string, subject?: RateLimitSubject): void;
  /** Forgets the key's failures (after a successful auth). */
  recordSuccess(key: string, subject?: RateLimitSubject): void;
  /** Number of tracked keys. */
  size(): number;
}

/** The rate-limit scope of shared-secret (token/password) checks, WS and HTTP alike. */
export const SHARED_SECRET_SCOPE = "shared-secret";

/** Returns the limiter key for shared-secret attempts from `clientIp`. */
export function sharedSecretRateLimitKey(clientIp: string | undefined): string {
  return `${SHARED_SECRET_SCOPE}:${clientIp ?? "unknown"}`;
}

interface Entry {
  attempts: number[];
  lockedUntil?: number;
}

function positiveInt(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`Cannot create auth rate limiter: ${name} must be an integer >= ${min}`);
  }
  return v;
}

/**
 * Creates the failed-auth limiter: `maxAttempts` failures within `windowMs` lock the key for
 * `lockoutMs`. No timers: expiry is computed from the injected clock on each call.
 *
 * @throws {RangeError} for a non-positive `maxAttempts`/`windowMs`/`maxEntries` or negative
 *   `lockoutMs`.
 */
export function createAuthRateLimiter(options: AuthRateLimiterOptions = {}): AuthRateLimiter {
  const maxAttempts = positiveInt("maxAttempts", options.maxAttempts ?? 10, 1);
  const windowMs = positiveInt("windowMs", options.windowMs ?? 60_000, 1);
  const lockoutMs = positiveInt("lockoutMs", options.lockoutMs ?? 300_000, 0);
  const maxEntries = positiveInt("maxEntries", options.maxEntries ?? 10_000, 1);
  const exemptLoopback = options.exemptLoopback ?? true;
  const now = options.now ?? Date.now;
  // Map order is least-recently-failed first (entries are re-inserted on each failure).
  const entries = new Map<string, Entry>();

  /** The key to count under, or null when the subject is exempt. */
  function effectiveKey(key: string, subject: RateLimitSubject = {}): string | null {
    const origin = subject.browserOrigin?.trim().toLowerCase();
    if (subject.loopback && origin) {
      // A page in the user's browser shares 127.0.0.1 with the CLI; keying per Origin throttles
      // a hostile page without locking out the local tools. Remote clients stay keyed by IP so
      // forging Origin headers cannot dodge a lockout.
      return `${key}|origin=${origin}`;
    }
    if (subject.loopback && exemptLoopback) return null;
    return key;
  }

  /** Drops expired state; returns the live entry or undefined. */
  function live(k: string, t: number): Entry | undefined {
    const e = entries.get(k);
    if (!e) return undefined;
    if (e.lockedUntil !== undefined && t >= e.lockedUntil) {
      e.lockedUntil = undefined;
      e.attempts = [];
    }
    e.attempts = e.attempts.filter((ts) => ts > t - windowMs);
    if (e.lockedUntil === undefined && e.attempts.length === 0) {
      entries.delete(k);
      return undefined;
    }
    return e;
  }

  function evict(t: number): void {
    for (const k of entries.keys()) {
      if (entries.size <= maxEntries) return;
      live(k, t);
    }
    // Still over the cap (a flood of live entries): drop the stalest, locked or not, so memory
    // stays bounded no matter what.
    for (const k of entries.keys()) {
      if (entries.size <= maxEntries) return;
      entries.delete(k);
    }
  }

  return {
    check(key, subject) {
      const k = effectiveKey(key, subject);
      if (k === null) return { allowed: true };
      const t = now();
      const e = live(k, t);
      if (e?.lockedUntil !== undefined) return { allowed: false, retryAfterMs: e.lockedUntil - t };
      return { allowed: true };
    },
    recordFailure(key, subject) {
      const k = effectiveKey(key, subject);
      if (k === null) return;
      const t = now();
      const e = live(k, t) ?? { attempts: [] };
      if (e.lockedUntil !== undefined) return; // already locked: the lockout does not extend
      e.attempts.push(t);
      if (e.attempts.length >= maxAttempts) {
        e.attempts = [];
        e.lockedUntil = t + lockoutMs;
      }
      entries.delete(k);
      entries.set(k, e);
      if (entries.size > maxEntries) evict(t);
    },
    recordSuccess(key, subject) {
      const k = effectiveKey(key, subject);
      if (k !== null) entries.delete(k);
    },
    size: () => entries.size,
  };
}
