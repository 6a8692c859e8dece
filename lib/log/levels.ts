/**
 * openclaw's log levels (`silent fatal error warn info debug trace`, the names stock OpenClaw's
 * config and `--log-level` accept) and their mapping onto record levels (`record.ts`, where
 * `warn` is spelled `warning`).
 *
 * @module
 */
import type { RecordLevel } from "./record.ts";

/** Every level openclaw accepts, from quietest to loudest. */
export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;

/** One of {@link LOG_LEVELS}; `silent` means "no sink at all". */
export type LogLevel = typeof LOG_LEVELS[number];

/** Returns true when `value` is one of {@link LOG_LEVELS}. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

/** Returns the record level for an openclaw level, or `null` for `silent` (reject everything). */
export function toRecordLevel(level: LogLevel): RecordLevel | null {
  if (level === "silent") return null;
  return level === "warn" ? "warning" : level;
}

/** Returns the openclaw level name for a record level (`warning` becomes `warn`). */
export function fromRecordLevel(level: RecordLevel): Exclude<LogLevel, "silent"> {
  return level === "warning" ? "warn" : level;
}

/** @deprecated Use {@linkcode toRecordLevel} (the name from when records were LogTape's). */
export const toLogTapeLevel: typeof toRecordLevel = toRecordLevel;

/** @deprecated Use {@linkcode fromRecordLevel} (the name from when records were LogTape's). */
export const fromLogTapeLevel: typeof fromRecordLevel = fromRecordLevel;

/** Returns the louder (more verbose) of two levels. */
export function louderLevel(a: LogLevel, b: LogLevel): LogLevel {
  return LOG_LEVELS.indexOf(a) >= LOG_LEVELS.indexOf(b) ? a : b;
}

/** Returns true when a record at level `record` passes a sink set to `threshold`. */
export function levelPasses(record: RecordLevel, threshold: LogLevel): boolean {
  if (threshold === "silent") return false;
  return LOG_LEVELS.indexOf(fromRecordLevel(record)) <= LOG_LEVELS.indexOf(threshold);
}
