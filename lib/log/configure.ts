/**
 * Wires openclaw's sinks into the logger core (`logger.ts`) from `logging.*` settings, the
 * `OPENCLAW_LOG_LEVEL` variable and the global `--log-level` / `--verbose` flags.
 *
 * Calling {@linkcode configureLogging} again (hot reload of `logging.*`) swaps the whole unit:
 * new sinks are built first, then `configure({ reset: true })` installs them and disposes the old
 * ones (closing the old file). A handle that has been superseded disposes nothing.
 *
 * @module
 */
import { configure, getLogger as getCategoryLogger, META_CATEGORY, reset } from "./logger.ts";
import type { Logger, LogRecord, Sink } from "./record.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import type { Env } from "../paths.ts";
import {
  CONSOLE_STYLES,
  type ConsoleStyle,
  createConsoleSink,
  isConsoleStyle,
  shouldUseColor,
} from "./console_sink.ts";
import { createFileSink, type FileSink } from "./file_sink.ts";
import { isLogLevel, LOG_LEVELS, type LogLevel, louderLevel, toRecordLevel } from "./levels.ts";
import { createRedactor, type RedactMode, type Redactor } from "./redact.ts";

/** Options for {@linkcode configureLogging}; the `logging.*` config plus CLI flags. */
export interface LoggingOptions {
  /** `logging.level`: the file level. @default "info" */
  level?: LogLevel;
  /** `logging.consoleLevel`. @default "info" */
  consoleLevel?: LogLevel;
  /** `logging.consoleStyle`. @default "pretty" */
  consoleStyle?: ConsoleStyle;
  /** `--verbose`: raises the console (never the file) to at least `debug`. @default false */
  verbose?: boolean;
  /** The global `--log-level` flag: beats `OPENCLAW_LOG_LEVEL` and the config, for both sinks. */
  cliLevel?: string;
  /** `logging.file`: a fixed log path instead of the daily file. */
  file?: string;
  /** Active profile, for `openclaw-<profile>-YYYY-MM-DD.log`. */
  profile?: string;
  /** Directory of the daily files. @default resolveLogDir() */
  dir?: string;
  /** `logging.redactSensitive`. @default "tools" */
  redactSensitive?: RedactMode;
  /** `logging.redactPatterns`. @default [] */
  redactPatterns?: readonly string[];
  /** Resolved secret values that must never be logged (masked in every mode). @default [] */
  secrets?: readonly string[];
  /** `logging.maxFileBytes`. @default DEFAULT_MAX_FILE_BYTES (100 MiB) */
  maxFileBytes?: number;
  /** `false` for `--no-color`; otherwise colour follows the TTY and `NO_COLOR`. */
  color?: boolean;
  /** Whether to log to stderr at all. @default true */
  console?: boolean;
  /** Clock for file naming, the midnight switch and pruning. @default () => new Date() */
  now?: () => Date;
  /** Where `OPENCLAW_LOG_LEVEL` and `NO_COLOR` are read. @default the process environment */
  env?: Env;
  /** Where console lines go. @default stderr */
  writeConsole?: (text: string) => void;
}

/** The running logging setup. */
export interface LoggingHandle extends AsyncDisposable {
  /** The file being written, or `undefined` when the file level is `silent` or it failed. */
  readonly file: string | undefined;
  /** The effective file level. */
  readonly level: LogLevel;
  /** The effective console level (`silent` when the console is off). */
  readonly consoleLevel: LogLevel;
  /** Problems found in the settings; each was also logged once as a warning. */
  readonly warnings: readonly string[];
  /** The redactor both sinks use, for other output that must be masked the same way. */
  readonly redact: Redactor;
  /** Removes the sinks and closes the file (no-op once a newer configuration replaced it). */
  dispose(): Promise<void>;
}

/** The inputs of {@linkcode resolveLogLevels}. */
export interface LogLevelInputs {
  level?: string;
  consoleLevel?: string;
  verbose?: boolean;
  cliLevel?: string;
  /** The value of `OPENCLAW_LOG_LEVEL`. */
  envLevel?: string;
}

/**
 * Resolves the file and console levels: `--log-level` > `OPENCLAW_LOG_LEVEL` > config > `info`;
 * then `--verbose` raises the console to at least `debug`.
 *
 * @throws {OpenClawError} `LOG_LEVEL_INVALID` (exit 2) for a bad `--log-level`
 */
export function resolveLogLevels(
  inputs: LogLevelInputs,
): { file: LogLevel; console: LogLevel; warnings: string[] } {
  const warnings: string[] = [];
  const allowed = LOG_LEVELS.join(", ");
  let override: LogLevel | undefined;
  if (inputs.cliLevel !== undefined) {
    const cli = inputs.cliLevel.trim().toLowerCase();
    if (!isLogLevel(cli)) {
      throw new OpenClawError(
        "LOG_LEVEL_INVALID",
        `Invalid --log-level "${inputs.cliLevel}": expected one of ${allowed}`,
        { exitCode: ExitCode.usage, hint: "Use --log-level debug (or another level above)" },
      );
    }
    override = cli;
  }
  const env = inputs.envLevel?.trim().toLowerCase();
  if (env) {
    if (isLogLevel(env)) override ??= env;
    else {warnings.push(
        `Ignoring OPENCLAW_LOG_LEVEL="${inputs.envLevel}": expected one of ${allowed}`,
      );}
  }
  const fromConfig = (value: string | undefined, key: string): LogLevel => {
    if (value === undefined || isLogLevel(value)) return value ?? "info";
    warnings.push(`Ignoring logging.${key}="${value}": expected one of ${allowed}`);
    return "info";
  };
  const file = override ?? fromConfig(inputs.level, "level");
  let console = override ?? fromConfig(inputs.consoleLevel, "consoleLevel");
  if (inputs.verbose) console = louderLevel(console, "debug");
  return { file, console, warnings };
}

// Serialises configure/dispose so a hot reload racing a shutdown cannot interleave, and lets a
// superseded handle know it no longer owns the logging configuration.
let queue: Promise<unknown> = Promise.resolve();
let generation = 0;
// Bumped on every change of the logging configuration (configure and reset), so cached level
// checks (gate.ts) know when to ask the loggers again.
let revision = 0;

/**
 * Returns a number that changes whenever {@linkcode configureLogging} (or a handle's `dispose`)
 * changes which levels are logged. Cached level checks compare it instead of asking a logger.
 */
export function loggingRevision(): number {
  return revision;
}

function serialised<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

/**
 * Configures logging with openclaw's file and console sinks. A file that cannot be opened is a
 * warning (logging goes on to the console), never a failed start.
 *
 * @example
 * ```ts
 * await using logging = await configureLogging({ level: config.logging?.level, secrets });
 * getLogger("gateway").info("listening on {url}", { url });
 * ```
 * @throws {OpenClawError} `LOG_LEVEL_INVALID` for a bad `cliLevel`
 */
export async function configureLogging(options: LoggingOptions = {}): Promise<LoggingHandle> {
  const env = options.env;
  const envLevel = env ? env.OPENCLAW_LOG_LEVEL : readEnv("OPENCLAW_LOG_LEVEL");
  const levels = resolveLogLevels({ ...options, envLevel });
  const noColor = env ? env.NO_COLOR ?? "" : readEnv("NO_COLOR");
  return await serialised(async () => {
    const warnings = [...levels.warnings];
    const redact = createRedactor({
      mode: options.redactSensitive === "off" ? "off" : "tools",
      patterns: options.redactPatterns,
      secrets: options.secrets,
    });
    warnings.push(...redact.warnings);
    const style = checkChoices(options, warnings);

    const consoleLevel: LogLevel = options.console === false ? "silent" : levels.console;
    const consoleSink = consoleLevel === "silent" ? undefined : createConsoleSink({
      style,
      level: consoleLevel,
      redact,
      color: shouldUseColor(options.color, noColor),
      write: options.writeConsole,
    });

    let fileSink: FileSink | undefined;
    if (levels.file !== "silent") {
      try {
        fileSink = createFileSink({
          file: options.file,
          profile: options.profile,
          dir: options.dir,
          level: levels.file,
          maxFileBytes: options.maxFileBytes,
          redact,
          now: options.now,
          onError: (err) => {
            const text = `Cannot write log file "${fileSink?.path}": ${errorText(err)}`;
            warnings.push(text);
            consoleSink?.(warningRecord(text));
          },
        });
      } catch (err) {
        warnings.push(errorText(err));
      }
    }

    const sinks: Record<string, Sink> = {};
    if (fileSink) sinks.file = fileSink;
    if (consoleSink) sinks.console = consoleSink;
    const lowest = louderLevel(fileSink ? levels.file : "silent", consoleLevel);
    try {
      await configure({
        reset: true,
        sinks,
        loggers: [
          {
            category: ["openclaw"],
            sinks: Object.keys(sinks),
            lowestLevel: toRecordLevel(lowest),
          },
          // Where the core reports a sink that throws.
          {
            category: META_CATEGORY,
            sinks: consoleSink ? ["console"] : [],
            lowestLevel: "warning",
          },
        ],
      });
    } catch (err) {
      fileSink?.[Symbol.dispose]();
      throw err;
    }
    const mine = ++generation;
    revision++;
    const logger = getLogger("logging");
    for (const warning of warnings) logger.warn(warning);

    let disposed = false;
    const dispose = () =>
      serialised(async () => {
        if (disposed) return;
        disposed = true;
        if (generation === mine) {
          await reset();
          revision++;
        }
        fileSink?.[Symbol.dispose]();
      });
    return {
      get file() {
        return fileSink?.path;
      },
      level: fileSink ? levels.file : "silent",
      consoleLevel,
      warnings,
      redact,
      dispose,
      [Symbol.asyncDispose]: dispose,
    };
  });
}

/**
 * Returns the logger of a subsystem: category `["openclaw", ...subsystem.split("/")]`, so
 * `gateway/ws` is a child of `gateway` and its lines say `"subsystem":"gateway/ws"`.
 */
export function getLogger(subsystem?: string): Logger {
  const parts = subsystem ? subsystem.split("/").filter((p) => p !== "") : [];
  return getCategoryLogger(["openclaw", ...parts]);
}

// Config values the zod schema normally rejects; if one slips through, warn and use the default.
function checkChoices(options: LoggingOptions, warnings: string[]): ConsoleStyle {
  const mode = options.redactSensitive;
  if (mode !== undefined && mode !== "off" && mode !== "tools") {
    warnings.push(`Ignoring logging.redactSensitive="${mode}": expected off, tools`);
  }
  const style = options.consoleStyle;
  if (style === undefined || isConsoleStyle(style)) return style ?? "pretty";
  warnings.push(`Ignoring logging.consoleStyle="${style}": expected ${CONSOLE_STYLES.join(", ")}`);
  return "pretty";
}

function warningRecord(text: string): LogRecord {
  return {
    category: ["openclaw", "logging"],
    level: "warning",
    message: [text],
    rawMessage: text,
    timestamp: Date.now(),
    properties: {},
  };
}

function errorText(err: unknown): string {
  if (err instanceof OpenClawError && err.hint) return `${err.message} (${err.hint})`;
  return err instanceof Error ? err.message : String(err);
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
