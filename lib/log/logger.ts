/**
 * The logger core: category loggers, a process-wide configuration routing their records to
 * sinks, and its replacement. `configure.ts` builds openclaw's configuration on top of it; code
 * that logs only needs `getLogger` from `mod.ts`.
 *
 * Routing (the rules LogTape had, which openclaw used before): categories form a tree
 * (`["openclaw", "gateway", "ws"]` is below `["openclaw", "gateway"]`). A configured category has
 * sinks and a lowest level (default `trace`; `null` rejects everything). A record of category C
 * at level L goes to the sinks of C and of its ancestors, nearest last, walking up from C and
 * stopping at the first configured category whose lowest level is above L. With no configuration
 * every record is dropped without a trace.
 *
 * Cost: a logger caches, per configuration, which sinks each level reaches; a call at a level
 * that reaches none returns after a property check and an array read, before any record (or
 * lazy properties) is made.
 *
 * A sink that throws does not take the caller down: the failure is logged at `fatal` to the
 * {@link META_CATEGORY} logger (sink name and error), skipping the failing sink.
 *
 * @module
 */
import type { Logger, LogProperties, LogRecord, RecordLevel, Sink } from "./record.ts";
import { parseMessageTemplate } from "./template.ts";

export type { Logger, LogRecord, RecordLevel, Sink } from "./record.ts";

/** Where the core reports sinks that throw, and old sinks that fail to be disposed. */
export const META_CATEGORY: readonly string[] = Object.freeze(["logger", "meta"]);

/** The settings of one category in {@linkcode LoggingConfig}. */
export interface CategoryConfig {
  /** A category (`"openclaw"` is `["openclaw"]`); descendants inherit its sinks. */
  category: string | readonly string[];
  /** Names of sinks in {@linkcode LoggingConfig.sinks}. @default [] */
  sinks?: readonly string[];
  /**
   * Records below this level stop here (and do not reach ancestors); `null` stops all.
   * @default "trace"
   */
  lowestLevel?: RecordLevel | null;
}

/** A whole logging configuration for {@linkcode configure}. */
export interface LoggingConfig {
  /** The sinks, by name. */
  sinks: Readonly<Record<string, Sink>>;
  /** The configured categories; each at most once. */
  loggers: readonly CategoryConfig[];
  /** Whether an existing configuration may be replaced. @default false */
  reset?: boolean;
}

const LEVELS: readonly RecordLevel[] = ["trace", "debug", "info", "warning", "error", "fatal"];
const TRACE = 0, DEBUG = 1, INFO = 2, WARNING = 3, ERROR = 4, FATAL = 5;
const RANKS: Readonly<Record<RecordLevel, number>> = {
  trace: TRACE,
  debug: DEBUG,
  info: INFO,
  warning: WARNING,
  error: ERROR,
  fatal: FATAL,
};
const NO_SINKS: readonly Sink[] = Object.freeze([]);
// Loggers kept for reuse by category; more categories than this get uncached handles.
const MAX_CACHED_LOGGERS = 1024;

interface CategoryNode {
  readonly sinks: readonly Sink[];
  /** Lowest rank that passes; Infinity for `null`. */
  readonly lowest: number;
}

interface State {
  readonly nodes: ReadonlyMap<string, CategoryNode>;
  readonly names: ReadonlyMap<Sink, string>;
}

let state: State | undefined;
// Bumped on every change of `state`; loggers compare it to know their cached routes are stale.
let revision = 0;
const loggers = new Map<string, LoggerImpl>();

function keyOf(category: readonly string[]): string {
  return JSON.stringify(category);
}

/**
 * Returns the live logger of a category. The same handle serves before and after
 * {@linkcode configure} and across reconfigurations.
 *
 * @param category A category, root first; a string is a one-part category.
 * @returns The logger.
 * @example
 * ```ts
 * getLogger(["openclaw", "gateway"]).info("listening on {url}", { url });
 * ```
 */
export function getLogger(category: string | readonly string[] = []): Logger {
  return loggerOf(category);
}

function loggerOf(category: string | readonly string[]): LoggerImpl {
  const parts = typeof category === "string" ? [category] : category;
  const key = keyOf(parts);
  let logger = loggers.get(key);
  if (logger === undefined) {
    logger = new LoggerImpl(Object.freeze([...parts]));
    if (loggers.size < MAX_CACHED_LOGGERS) loggers.set(key, logger);
  }
  return logger;
}

/**
 * Installs a logging configuration. The previous one's sinks that the new one does not reuse are
 * disposed afterwards (`Symbol.dispose`, then `Symbol.asyncDispose`, whichever they have); a
 * failure there is logged to {@link META_CATEGORY}, since the new configuration is in force.
 *
 * @param config The sinks and categories.
 * @throws {Error} when already configured without `reset`, a category is listed twice or names
 *   an unknown sink (the configuration in force is then left as it was)
 * @example
 * ```ts
 * await configure({
 *   reset: true,
 *   sinks: { console: consoleSink },
 *   loggers: [{ category: "openclaw", sinks: ["console"], lowestLevel: "info" }],
 * });
 * ```
 */
export async function configure(config: LoggingConfig): Promise<void> {
  if (state !== undefined && !config.reset) {
    throw new Error("Cannot configure logging: it is already configured (pass reset: true)");
  }
  const nodes = new Map<string, CategoryNode>();
  for (const entry of config.loggers) {
    const category = typeof entry.category === "string" ? [entry.category] : entry.category;
    const key = keyOf(category);
    if (nodes.has(key)) {
      throw new Error(`Cannot configure logging: category ${key} is configured twice`);
    }
    const sinks = (entry.sinks ?? []).map((name) => {
      if (!Object.hasOwn(config.sinks, name)) {
        throw new Error(`Cannot configure logging: no sink named "${name}"`);
      }
      return config.sinks[name];
    });
    const lowest = entry.lowestLevel === null ? Infinity : RANKS[entry.lowestLevel ?? "trace"];
    nodes.set(key, { sinks, lowest });
  }
  const names = new Map<Sink, string>();
  for (const [name, sink] of Object.entries(config.sinks)) names.set(sink, name);
  const old = state;
  state = { nodes, names };
  revision++;
  if (!old) return;
  const stale = [...old.names.keys()].filter((sink) => !names.has(sink));
  for (const error of await disposeSinks(stale)) {
    loggerOf(META_CATEGORY).error("Failed to dispose a log sink: {error}", { error });
  }
}

/**
 * Removes the configuration (every record is dropped from then on) and disposes its sinks.
 *
 * @throws {Error} what a sink's dispose threw (an `AggregateError` for several)
 */
export async function reset(): Promise<void> {
  const old = state;
  state = undefined;
  revision++;
  if (!old) return;
  const errors = await disposeSinks([...old.names.keys()]);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, "Cannot dispose log sinks");
}

/** Returns true while a configuration is installed. */
export function isConfigured(): boolean {
  return state !== undefined;
}

async function disposeSinks(sinks: readonly Sink[]): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const sink of sinks) {
    const disposable = sink as Sink & Partial<Disposable & AsyncDisposable>;
    try {
      // Both, when a sink has both: what LogTape did with the sinks openclaw gave it.
      disposable[Symbol.dispose]?.();
      await disposable[Symbol.asyncDispose]?.();
    } catch (err) {
      errors.push(err);
    }
  }
  return errors;
}

// The sinks a record of `category` at `rank` reaches under the current configuration.
function routeOf(category: readonly string[], rank: number): readonly Sink[] {
  if (state === undefined) return NO_SINKS;
  const found: (readonly Sink[])[] = [];
  for (let n = category.length; n >= 0; n--) {
    const node = state.nodes.get(keyOf(category.slice(0, n)));
    if (node === undefined) continue;
    if (rank < node.lowest) break;
    if (node.sinks.length > 0) found.push(node.sinks);
  }
  if (found.length === 0) return NO_SINKS;
  return Object.freeze(found.reverse().flat());
}

/** Makes a record; `properties` is copied, so later changes by the caller do not show. */
function makeRecord(
  category: readonly string[],
  level: RecordLevel,
  rawMessage: string,
  properties: Record<string, unknown> | undefined,
): LogRecord {
  const timestamp = Date.now();
  if (!rawMessage.includes("{") && (properties === undefined || isEmpty(properties))) {
    return { category, level, message: [rawMessage], rawMessage, timestamp, properties: {} };
  }
  const copy = { ...properties };
  const message = parseMessageTemplate(rawMessage, copy);
  return { category, level, message, rawMessage, timestamp, properties: copy };
}

function isEmpty(properties: Record<string, unknown>): boolean {
  for (const _ in properties) return false;
  return true;
}

function dispatch(sinks: readonly Sink[], record: LogRecord, skip?: ReadonlySet<Sink>): void {
  for (const sink of sinks) {
    if (skip?.has(sink)) continue;
    try {
      sink(record);
    } catch (error) {
      reportSinkFailure(sink, error, skip);
    }
  }
}

function reportSinkFailure(sink: Sink, error: unknown, skip?: ReadonlySet<Sink>): void {
  const meta = loggerOf(META_CATEGORY);
  const sinks = meta.sinksFor(FATAL);
  if (sinks.length === 0) return;
  const name = state?.names.get(sink) ?? sink.name ?? "anonymous";
  const record = makeRecord(
    META_CATEGORY,
    "fatal",
    "Failed to emit a log record to sink {sink}: {error}",
    { sink: name, error },
  );
  dispatch(sinks, record, new Set([...(skip ?? []), sink]));
}

type Message = string | Error | Record<string, unknown>;
type Extra = LogProperties | Error | undefined;

// The handle behind `Logger` (record.ts documents the call forms).
class LoggerImpl implements Logger {
  /** The category, root first. */
  readonly category: readonly string[];
  #revision = -1;
  #routes: readonly (readonly Sink[])[] = [];

  /** @param category The (frozen) category. */
  constructor(category: readonly string[]) {
    this.category = category;
  }

  /** Returns the sinks a record at `rank` (0 = trace ... 5 = fatal) reaches now. */
  sinksFor(rank: number): readonly Sink[] {
    return (this.#revision === revision ? this.#routes : this.#refresh())[rank];
  }

  /** Returns true when a record at `level` would reach at least one sink. */
  isEnabledFor(level: RecordLevel): boolean {
    return this.sinksFor(RANKS[level]).length > 0;
  }

  /** Logs at `trace`. */
  trace(message: Message, extra?: Extra): void {
    const sinks = (this.#revision === revision ? this.#routes : this.#refresh())[TRACE];
    if (sinks.length !== 0) this.#log(sinks, "trace", message, extra);
  }

  /** Logs at `debug`. */
  debug(message: Message, extra?: Extra): void {
    const sinks = (this.#revision === revision ? this.#routes : this.#refresh())[DEBUG];
    if (sinks.length !== 0) this.#log(sinks, "debug", message, extra);
  }

  /** Logs at `info`. */
  info(message: Message, extra?: Extra): void {
    const sinks = (this.#revision === revision ? this.#routes : this.#refresh())[INFO];
    if (sinks.length !== 0) this.#log(sinks, "info", message, extra);
  }

  /** Logs at `warning`. */
  warn(message: Message, extra?: Extra): void {
    const sinks = (this.#revision === revision ? this.#routes : this.#refresh())[WARNING];
    if (sinks.length !== 0) this.#log(sinks, "warning", message, extra);
  }

  /** Logs at `error`. */
  error(message: Message, extra?: Extra): void {
    const sinks = (this.#revision === revision ? this.#routes : this.#refresh())[ERROR];
    if (sinks.length !== 0) this.#log(sinks, "error", message, extra);
  }

  /** Logs at `fatal`. */
  fatal(message: Message, extra?: Extra): void {
    const sinks = (this.#revision === revision ? this.#routes : this.#refresh())[FATAL];
    if (sinks.length !== 0) this.#log(sinks, "fatal", message, extra);
  }

  #refresh(): readonly (readonly Sink[])[] {
    this.#routes = LEVELS.map((_, rank) => routeOf(this.category, rank));
    this.#revision = revision;
    return this.#routes;
  }

  #log(sinks: readonly Sink[], level: RecordLevel, message: Message, extra: Extra): void {
    const props = extra instanceof Error
      ? { error: extra }
      : typeof extra === "function"
      ? extra()
      : extra;
    let record: LogRecord;
    if (typeof message === "string") {
      record = makeRecord(this.category, level, message, props);
    } else if (message instanceof Error) {
      record = makeRecord(this.category, level, "{error.message}", { ...props, error: message });
    } else {
      record = makeRecord(this.category, level, "{*}", message);
    }
    dispatch(sinks, record);
  }
}
