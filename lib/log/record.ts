/**
 * The shapes the logger core (`logger.ts`) and the sinks (`console_sink.ts`, `file_sink.ts`)
 * share: a log record, a sink, a record level and the `Logger` handle code logs through.
 *
 * They are the shapes LogTape used (openclaw logged through LogTape before; the sinks and the
 * tests were written against them), so a record built by hand in a test, by `configure.ts` or by
 * the core looks the same to every sink. Types only: importing this module runs no code.
 *
 * @module
 */

/**
 * The level of a record, from most to least verbose. `warning` (not `warn`) is the record's
 * spelling; `levels.ts` maps it to and from openclaw's level names.
 */
export type RecordLevel = "trace" | "debug" | "info" | "warning" | "error" | "fatal";

/** One log record, as every sink receives it. */
export interface LogRecord {
  /** The logger's category: `["openclaw", "gateway", "ws"]` for `getLogger("gateway/ws")`. */
  readonly category: readonly string[];
  /** The record's level. */
  readonly level: RecordLevel;
  /**
   * The message split at its placeholders: text and values alternate, starting and ending with
   * text (`["listening on ", "ws://...", ""]` for `"listening on {url}"`).
   */
  readonly message: readonly unknown[];
  /** The message template as logged, placeholders included. */
  readonly rawMessage: string;
  /** Epoch milliseconds when the record was made. */
  readonly timestamp: number;
  /** The structured properties logged with the message (a copy; placeholders' values too). */
  readonly properties: Record<string, unknown>;
}

/**
 * Where records go. A sink that is also `Disposable` or `AsyncDisposable` is disposed when the
 * configuration that installed it is replaced or reset.
 */
export type Sink = (record: LogRecord) => void;

/** Properties logged with a message, or a function computing them only when the level is on. */
export type LogProperties = Record<string, unknown> | (() => Record<string, unknown>);

/**
 * A logging method. Forms:
 * - `log.info("listening on {url}", { url })`: `{name}` placeholders are filled from the
 *   properties (`{a.b}`, `{a[0]}` reach inside; `{*}` is all of them; `{{`/`}}` are literal
 *   braces); properties no placeholder names are kept on the record (the file's `"1"` object);
 * - `log.info("text", () => ({ costly }))`: the function runs only when the level is on;
 * - `log.warn("could not bind", err)`: the error is the property `error`;
 * - `log.warn(err)` / `log.warn(err, { port })`: the message is the error's message;
 * - `log.info({ port })`: properties only, the message renders them all.
 */
export interface LogMethod {
  (message: string, properties?: LogProperties): void;
  (message: string, error: Error): void;
  (error: Error, properties?: LogProperties): void;
  (properties: Record<string, unknown>): void;
}

/**
 * A live logger handle of one category. It can be obtained before logging is configured: what
 * it logs goes wherever the configuration in force at the call sends it, and nowhere (silently)
 * while there is none.
 */
export interface Logger {
  /** The category, root first. */
  readonly category: readonly string[];
  /** Logs at `trace`. */
  readonly trace: LogMethod;
  /** Logs at `debug`. */
  readonly debug: LogMethod;
  /** Logs at `info`. */
  readonly info: LogMethod;
  /** Logs at `warning`. */
  readonly warn: LogMethod;
  /** Logs at `error`. */
  readonly error: LogMethod;
  /** Logs at `fatal`. */
  readonly fatal: LogMethod;
  /** Returns true when a record at `level` would reach at least one sink. */
  isEnabledFor(level: RecordLevel): boolean;
}
