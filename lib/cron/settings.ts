/**
 * The cron settings of one config + environment: whether the scheduler runs (and why not),
 * where the store lives, bounds, retry policy and the defaults new jobs get. Every default of
 * the `cron` section lives here, once.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { type Env, expandHome, joinPath } from "../paths.ts";
import { defaultJobTimeZone } from "./timezone.ts";
import { type CatchUpPolicy, DEFAULT_MAX_JOBS, MAX_JOBS_LIMIT } from "./limits.ts";

/** Stock's recurring-error backoff: 30 s, 1 min, 5 min, 15 min, 60 min. */
export const DEFAULT_BACKOFF_MS: readonly number[] = [30_000, 60_000, 300_000, 900_000, 3_600_000];
/** Retries of a failed slot before it counts as failed for good. */
export const DEFAULT_MAX_RETRIES = 3;
/** Newest run-log rows kept per job (stock: 2000). */
export const DEFAULT_KEEP_LINES = 2_000;
/** Largest run-log file per job before it is trimmed. */
export const DEFAULT_RUN_LOG_MAX_BYTES = 2_000_000;

/** Error classes `cron.retry.retryOn` can name. */
export type RetryClass = "rate_limit" | "overloaded" | "network" | "timeout" | "server_error";

/** Resolved cron settings. */
export interface CronSettings {
  /** False when `cron.enabled: false` or `OPENCLAW_SKIP_CRON` is set. */
  enabled: boolean;
  /** Why the scheduler does not run: `OPENCLAW_SKIP_CRON=1` or `cron.enabled=false`. */
  disabledReason?: string;
  /** `<stateDir>/cron/jobs.json` unless `cron.store` says otherwise. */
  storePath: string;
  /** `<store dir>/runs`: one `<jobId>.jsonl` per job. */
  runLogDir: string;
  maxJobs: number;
  maxConcurrentRuns: number;
  retry: {
    /** Retries after the first failure (0 = none). */
    maxRetries: number;
    /** Wait before retry n is `backoffMs[n-1]` (the last value repeats). */
    backoffMs: readonly number[];
    /** Only errors of these classes are retried; undefined = every error. */
    retryOn?: readonly RetryClass[];
  };
  runLog: { keepLines: number; maxBytes: number };
  /** The zone of jobs created without `tz`. */
  defaultTimeZone: string;
  /** The catch-up policy of jobs created without one. */
  defaultCatchUp: CatchUpPolicy;
}

const TRUTHY = new Set(["1", "true", "yes", "on"]);

function parseBytes(value: string | number | undefined, fallback: number): number {
  if (typeof value === "number") return value > 0 ? Math.floor(value) : fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(value ?? "");
  if (!m) return fallback;
  const unit = (m[2] ?? "b").toLowerCase()[0];
  const scale = unit === "k" ? 1_000 : unit === "m" ? 1_000_000 : unit === "g" ? 1e9 : 1;
  return Math.max(1_024, Math.floor(Number(m[1]) * scale));
}

/**
 * Resolves the cron settings.
 *
 * @param config The running config (only `cron` and `agents.defaults.userTimezone` are read).
 * @param env The process environment (`OPENCLAW_SKIP_CRON`).
 * @param stateDir The state directory.
 * @returns The settings.
 * @example
 * ```ts
 * const s = resolveCronSettings(config, processEnv(), resolveStateDir());
 * if (!s.enabled) console.log(`scheduler disabled (${s.disabledReason})`);
 * ```
 */
export function resolveCronSettings(
  config: Pick<OpenClawConfig, "cron" | "agents">,
  env: Env,
  stateDir: string,
): CronSettings {
  const cron = config.cron ?? { enabled: true };
  const skip = TRUTHY.has((env.OPENCLAW_SKIP_CRON ?? "").trim().toLowerCase());
  const disabledReason = skip
    ? "OPENCLAW_SKIP_CRON=1"
    : cron.enabled === false
    ? "cron.enabled=false"
    : undefined;
  const storePath = cron.store
    ? expandHome(cron.store, env)
    : joinPath(stateDir, "cron", "jobs.json");
  const storeDir = storePath.slice(0, Math.max(0, storePath.lastIndexOf("/"))) || ".";
  let defaultZone: string | undefined;
  return {
    enabled: disabledReason === undefined,
    ...(disabledReason ? { disabledReason } : {}),
    storePath,
    runLogDir: joinPath(storeDir, "runs"),
    maxJobs: Math.min(cron.maxJobs ?? DEFAULT_MAX_JOBS, MAX_JOBS_LIMIT),
    maxConcurrentRuns: cron.maxConcurrentRuns ?? 1,
    retry: {
      maxRetries: cron.retry?.maxAttempts ?? DEFAULT_MAX_RETRIES,
      backoffMs: cron.retry?.backoffMs ?? DEFAULT_BACKOFF_MS,
      ...(cron.retry?.retryOn ? { retryOn: cron.retry.retryOn } : {}),
    },
    runLog: {
      keepLines: Math.min(cron.runLog?.keepLines ?? DEFAULT_KEEP_LINES, 100_000),
      maxBytes: Math.min(parseBytes(cron.runLog?.maxBytes, DEFAULT_RUN_LOG_MAX_BYTES), 64_000_000),
    },
    // Looked up on first use: asking the runtime for the host's zone loads ICU's zone data (tens
    // of ms), which a gateway without jobs never needs.
    get defaultTimeZone(): string {
      return defaultZone ??= defaultJobTimeZone(config.agents?.defaults?.userTimezone);
    },
    defaultCatchUp: cron.skipMissedJobs ? "none" : cron.catchUp ?? "latest",
  };
}
