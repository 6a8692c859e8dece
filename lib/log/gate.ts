/**
 * Level checks for code that logs on a hot path (every frame, every RPC call): the `debug` and
 * `trace` lines there must cost nothing at the default `info` level, so callers ask first and
 * build the message's properties only when the answer is yes.
 *
 * A {@linkcode LevelGate} asks its logger's `isEnabledFor` once per logging configuration (see
 * `loggingRevision()`) and answers from two booleans after that; it also serves stand-in loggers
 * (tests) that have no `isEnabledFor`.
 *
 * ```ts
 * const gate = new LevelGate(getLogger("gateway/rpc"));
 * const started = gate.debug ? performance.now() : 0;
 * // ... run the call ...
 * if (gate.debug) gate.log.debug("rpc {method} ok", { method, durationMs: elapsed(started) });
 * ```
 *
 * @module
 */
import type { Logger, RecordLevel } from "./record.ts";
import { loggingRevision } from "./configure.ts";

/**
 * Returns true when `logger` would pass a record at `level`. A stand-in logger without
 * `isEnabledFor` (a test's `{ info, warn }` object) counts as off, so optional detail never
 * calls a method the stand-in lacks.
 *
 * @param logger The logger to ask.
 * @param level A record level (`debug`, `trace`...).
 * @returns Whether a record at that level would reach a sink.
 * @example
 * ```ts
 * if (isLogEnabled(log, "debug")) log.debug("subsystem {id} started", { id });
 * ```
 */
export function isLogEnabled(logger: Logger | undefined, level: RecordLevel): boolean {
  return typeof logger?.isEnabledFor === "function" && logger.isEnabledFor(level);
}

/**
 * A logger with cached `debug` / `trace` checks, re-asked only after logging was reconfigured
 * through `configureLogging` (a hot reload of `logging.*` included). Configuring the core
 * (`logger.ts`) by other means is not seen until the next `configureLogging`.
 */
export class LevelGate {
  /** The logger the checks are for. */
  readonly log: Logger;
  #revision = -1;
  #debug = false;
  #trace = false;

  /** @param log The logger whose levels are checked. */
  constructor(log: Logger) {
    this.log = log;
  }

  /** True when `debug` records of this logger reach a sink. */
  get debug(): boolean {
    if (this.#revision !== loggingRevision()) this.#refresh();
    return this.#debug;
  }

  /** True when `trace` records of this logger reach a sink. */
  get trace(): boolean {
    if (this.#revision !== loggingRevision()) this.#refresh();
    return this.#trace;
  }

  #refresh(): void {
    this.#revision = loggingRevision();
    this.#debug = isLogEnabled(this.log, "debug");
    this.#trace = isLogEnabled(this.log, "trace");
  }
}

/** Returns milliseconds since `startedAt` (a `performance.now()` reading), to 0.01 ms. */
export function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 100) / 100;
}
