/**
 * The failed-auth rate limiter (protocol.md §4.4, `gateway.auth.rateLimit`) and the failed-auth
 * record that travels with it: every failure on the WS handshake or the HTTP bearer path is
 * counted (for `health`) and logged on `gateway/auth`, at most one line per client address per
 * 10 s. Private to the gateway; `auth.ts` re-exports it.
 *
 * @module
 */
import { getLogger } from "../lib/log/mod.ts";

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
  /** Where failure lines go. @default a warning on the `gateway/auth` logger */
  failureLog?: AuthFailureLogSink;
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
  /** Counts and logs failed authentications (every surface, every reason). */
  readonly failures: AuthFailureMonitor;
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
    failures: createAuthFailureMonitor({ now, log: options.failureLog }),
  };
}

// ---------------------------------------------------------------------------------------------
// Failure log and counters

/** One failed authentication. Never carries the secret that was tried. */
export interface AuthFailure {
  /** Why it failed: an `authReason` of protocol.md §4.6 (`token_mismatch`, `rate_limited`, ...). */
  reason: string;
  /** The client address the gateway attributes the attempt to. */
  clientIp: string | undefined;
  /** Where it happened. */
  surface: "ws" | "http";
}

/** The `authFailures` counters `health` shows under `subsystems.server`. */
export interface AuthFailureCounts {
  total: number;
  byReason: Record<string, number>;
  bySurface: { ws: number; http: number };
  /** Failures counted but not logged (the per-address line limit). */
  suppressedLines: number;
}

/** Receives one log line: a message template and its properties (lib/log style). */
export type AuthFailureLogSink = (message: string, properties: Record<string, unknown>) => void;

/** Options of {@linkcode createAuthFailureMonitor}. */
export interface AuthFailureMonitorOptions {
  /** @default Date.now */
  now?: () => number;
  /** @default a warning on the `gateway/auth` logger */
  log?: AuthFailureLogSink;
  /** One line per client address per this long. @default 10000 */
  windowMs?: number;
  /** Addresses remembered at most (the stalest are forgotten first). @default 1024 */
  maxAddresses?: number;
  /** Lines per window for all addresses together, so a spread-out flood stays bounded too. @default 100 */
  maxLinesPerWindow?: number;
}

/** Counts failed authentications and logs them without flooding the log. */
export interface AuthFailureMonitor {
  record(failure: AuthFailure): void;
  counts(): AuthFailureCounts;
  /** Addresses whose line limit is being tracked. */
  trackedAddresses(): number;
}

interface AddressState {
  loggedAt: number;
  suppressed: number;
}

const defaultFailureLog: AuthFailureLogSink = (message, properties) =>
  getLogger("gateway/auth").warn(message, properties);

/**
 * Creates the failed-auth monitor: every failure is counted; the first per client address in a
 * `windowMs` window is logged (reason, address, surface, and how many earlier ones were not),
 * the rest only counted. Memory is bounded by `maxAddresses`.
 */
export function createAuthFailureMonitor(
  options: AuthFailureMonitorOptions = {},
): AuthFailureMonitor {
  const now = options.now ?? Date.now;
  const log = options.log ?? defaultFailureLog;
  const windowMs = options.windowMs ?? 10_000;
  const maxAddresses = options.maxAddresses ?? 1024;
  const maxLines = options.maxLinesPerWindow ?? 100;
  const counts: AuthFailureCounts = {
    total: 0,
    byReason: {},
    bySurface: { ws: 0, http: 0 },
    suppressedLines: 0,
  };
  // Map order is least-recently-logged first (entries are re-inserted when they log).
  const addresses = new Map<string, AddressState>();
  let globalWindowStart = -Infinity;
  let globalLines = 0;
  let globalSuppressed = 0;

  function makeRoom(t: number): void {
    for (const [k, v] of addresses) {
      if (addresses.size < maxAddresses) return;
      if (t - v.loggedAt >= windowMs) addresses.delete(k);
    }
    for (const k of addresses.keys()) {
      if (addresses.size < maxAddresses) return;
      addresses.delete(k);
    }
  }

  return {
    record({ reason, clientIp, surface }) {
      counts.total++;
      counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
      counts.bySurface[surface]++;
      const t = now();
      const key = clientIp ?? "unknown";
      const state = addresses.get(key);
      if (state && t - state.loggedAt < windowMs) {
        state.suppressed++;
        counts.suppressedLines++;
        return;
      }
      if (t - globalWindowStart >= windowMs) {
        globalWindowStart = t;
        globalLines = 0;
      }
      if (globalLines >= maxLines) {
        globalSuppressed++;
        counts.suppressedLines++;
        return;
      }
      globalLines++;
      const earlier = state?.suppressed ?? 0;
      const others = globalSuppressed;
      globalSuppressed = 0;
      addresses.delete(key);
      if (!state) makeRoom(t);
      addresses.set(key, { loggedAt: t, suppressed: 0 });
      let message = "auth failed: {reason} from {clientIp} ({surface})";
      const properties: Record<string, unknown> = { reason, clientIp: key, surface };
      if (earlier > 0) {
        message += "; {suppressed} earlier failure(s) from this address were not logged";
        properties.suppressed = earlier;
      }
      if (others > 0) {
        message += "; {othersSuppressed} failure(s) from other addresses were not logged";
        properties.othersSuppressed = others;
      }
      log(message, properties);
    },
    counts: () => ({
      ...counts,
      byReason: { ...counts.byReason },
      bySurface: { ...counts.bySurface },
    }),
    trackedAddresses: () => addresses.size,
  };
}
