/**
 * The bounds and policy names of cron jobs, as plain constants: what the settings (read at every
 * gateway start) need, without the zod schemas of `types.ts`.
 *
 * @module
 */

/** Most jobs one store holds (a `cron.maxJobs` above it is clamped). */
export const MAX_JOBS_LIMIT = 5_000;
/** Default for `cron.maxJobs`. */
export const DEFAULT_MAX_JOBS = 500;
/** Longest system-event text or agent-turn message (characters). */
export const MAX_PAYLOAD_CHARS = 65_536;
/** Longest job name (stock: 1..200). */
export const MAX_NAME_CHARS = 200;
/** Longest description. */
export const MAX_DESCRIPTION_CHARS = 2_000;
/** Longest error or summary text kept in a run-log row or the job state. */
export const MAX_RESULT_CHARS = 2_000;
/** Shortest `every` interval: a scheduler that wakes more often than this is a busy loop. */
export const MIN_EVERY_MS = 1_000;
/** Longest `every` interval (a year). */
export const MAX_EVERY_MS = 366 * 24 * 3_600_000;

/** What happens to slots that fell due while the gateway was down. */
export const CATCH_UP_POLICIES = ["none", "latest", "all"] as const;
/** One of {@link CATCH_UP_POLICIES}. */
export type CatchUpPolicy = typeof CATCH_UP_POLICIES[number];
