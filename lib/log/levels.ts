/**
 * openclaw's log levels (`silent fatal error warn info debug trace`, the names stock OpenClaw's
 * config and `--log-level` accept) and their mapping onto LogTape's levels.
 *
 * Type-only imports of LogTape keep this module free to load: nothing here runs LogTape code.
 *
 * @module
 */
import type { LogLevel as LogTapeLevel } from "@logtape/logtape";

/** Every level openclaw accepts, from quietest to loudest. */
export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;

/** One of {@link LOG_LEVELS}; `silent` means "no sink at all". */
export type LogLevel = typeof LOG_LEVELS[number];

/** Returns true when `value` is one of {@link LOG_LEVELS}. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

/** Returns the LogTape level for an openclaw level, or `null` for `silent` (reject everything). */
export function toLogTapeLevel(level: LogLevel): LogTapeLevel | null {
  if (level === "silent") return null;
  return level === "warn" ? "warning" : level;
}

/** Returns the openclaw level name for a LogTape level (`warning` becomes `warn`). */
export function fromLogTapeLevel(level: LogTapeLevel): Exclude<LogLevel, "silent"> {
  return level === "warning" ? "warn" : level;
}

/** Returns the louder (more verbose) of two levels. */
export function louderLevel(a: LogLevel, b: LogLevel): LogLevel {
  return LOG_LEVELS.indexOf(a) >= LOG_LEVELS.indexOf(b) ? a : b;
}

/** Returns true when a record at LogTape level `record` passes a sink set to `threshold`. */
export function levelPasses(record: LogTapeLevel, threshold: LogLevel): boolean {
  if (threshold === "silent") return false;
  return LOG_LEVELS.indexOf(fromLogTapeLevel(record)) <= LOG_LEVELS.indexOf(threshold);
}
