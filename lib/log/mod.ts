/**
 * openclaw's logging: a daily JSON-lines file log that stock OpenClaw's readers understand, a
 * console sink on stderr, and redaction of secrets in both, over a small structured logger core
 * (`logger.ts`: categories, levels, message templates, sinks).
 *
 * ```ts
 * import { configureLogging, getLogger } from "./lib/log/mod.ts";
 * await using logging = await configureLogging({ level: "info", secrets: [token] });
 * getLogger("gateway").info("listening on {url} (PID {pid})", { url, pid: Deno.pid });
 * ```
 *
 * Everything here is our own code and cheap to load; code that only reads log files
 * (`openclaw logs`) can still import `line.ts` and `file_path.ts` directly. `frame.ts`
 * (trace-level frame masking) loads the JSON5 parser, so only the gateway imports it, directly.
 *
 * @module
 */
export {
  configureLogging,
  getLogger,
  type LoggingHandle,
  type LoggingOptions,
  loggingRevision,
  type LogLevelInputs,
  resolveLogLevels,
} from "./configure.ts";
export { elapsedMs, isLogEnabled, LevelGate } from "./gate.ts";
export type { Logger, LogMethod, LogProperties, LogRecord, RecordLevel, Sink } from "./record.ts";
export { isLogLevel, LOG_LEVELS, type LogLevel } from "./levels.ts";
export {
  DEFAULT_LOG_DIR,
  formatLocalDate,
  resolveLogDir,
  resolveLogFile,
  type ResolveLogFileOptions,
} from "./file_path.ts";
export { formatLogLine, type LogEntry, type ParsedLogLine, parseLogLine } from "./line.ts";
export {
  createRedactor,
  maskToken,
  type RedactMode,
  type Redactor,
  type RedactorOptions,
} from "./redact.ts";
export {
  CONSOLE_STYLES,
  type ConsoleStyle,
  createConsoleSink,
  isConsoleStyle,
  shouldUseColor,
} from "./console_sink.ts";
export {
  createFileSink,
  DEFAULT_MAX_FILE_BYTES,
  type FileSink,
  pruneOldLogs,
} from "./file_sink.ts";
