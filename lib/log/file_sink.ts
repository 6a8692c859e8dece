/**
 * The file log sink: JSON lines (see `line.ts`) appended to the day's file.
 *
 * Why our own sink and not `@logtape/file`: we need a file name that follows the host's local
 * date (switching at midnight), pruning of old `openclaw-*.log` files, owner-only modes on the
 * directory and file, and a size cap that writes one notice and then drops lines.
 * `@logtape/file` rotates by size into numbered archives and buffers writes by default; bending
 * it to this would take more code than the ~150 lines here.
 *
 * Every line is written with a synchronous `writeSync` before the call returns, so a crash (or
 * `Deno.exit`) loses nothing; there is no buffer to flush.
 *
 * Size cap: `logging.maxFileBytes`, default 100 MiB (stock's later default; the baseline used
 * 500 MB). Once the next line would pass it, one notice line is written and later lines are
 * dropped until the next local day, so a runaway loop cannot fill the disk. A file that is
 * already over the cap when opened (a restart loop) gets no second notice.
 *
 * @module
 */
import type { LogRecord, Sink } from "./record.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { dirname, joinPath } from "../paths.ts";
import { isRollingLogName, nextLocalMidnight, resolveLogFile } from "./file_path.ts";
import { levelPasses, type LogLevel } from "./levels.ts";
import { formatLogEntry, formatLogLine } from "./line.ts";
import { noRedaction } from "./redact.ts";

/** Default `logging.maxFileBytes`: 100 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

/** Rolling files whose mtime is older than this are deleted when a sink is created. */
export const LOG_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Options for {@linkcode createFileSink}. */
export interface FileSinkOptions {
  /** `logging.file`: a fixed path (no daily name, no pruning; still reopened at midnight). */
  file?: string;
  /** Active profile, for `openclaw-<profile>-YYYY-MM-DD.log`. */
  profile?: string;
  /** Directory of the rolling files (tests). @default resolveLogDir() */
  dir?: string;
  /** Lowest level written. @default "info" */
  level?: LogLevel;
  /** `logging.maxFileBytes`. @default DEFAULT_MAX_FILE_BYTES */
  maxFileBytes?: number;
  /** Masks secrets in every string before it is written. @default no redaction */
  redact?: (text: string) => string;
  /** Clock for the file name, the midnight switch and pruning. @default () => new Date() */
  now?: () => Date;
  /** Called once per file when a write fails (disk full...); the sink then drops lines for it. */
  onError?: (error: unknown) => void;
}

/** A sink writing the file log, with the path it currently writes to. */
export interface FileSink extends Sink, Disposable {
  /** The file being written. */
  readonly path: string;
}

const encoder = new TextEncoder();

/**
 * Creates the file sink: makes the directory (0700) and opens the file (0600) at once, so a bad
 * `logging.file` is reported at start, and prunes rolling files older than 24 h.
 *
 * @throws {OpenClawError} `LOG_FILE_UNWRITABLE` when the directory or file cannot be opened
 */
export function createFileSink(options: FileSinkOptions = {}): FileSink {
  const now = options.now ?? (() => new Date());
  const level = options.level ?? "info";
  const redact = options.redact ?? noRedaction;
  const cap = options.maxFileBytes !== undefined && options.maxFileBytes > 0
    ? options.maxFileBytes
    : DEFAULT_MAX_FILE_BYTES;
  const fixed = Boolean(options.file?.trim());
  const pathFor = (date: Date) =>
    resolveLogFile({
      configFile: options.file,
      profile: options.profile,
      dir: options.dir,
      now: date,
    });

  let current = openedOverCap(openLog(pathFor(now())), cap);
  // A fixed `logging.file` is reopened at midnight too: that ends a day's suppression and follows
  // a logrotate that moved the file away.
  let rollAt = nextLocalMidnight(now());
  if (!fixed) pruneOldLogs(dirname(current.path), current.path, now().getTime());

  function rollIfNeeded(): void {
    const date = now();
    if (date.getTime() < rollAt) return;
    rollAt = nextLocalMidnight(date);
    let next: OpenLog;
    try {
      next = openedOverCap(openLog(pathFor(date)), cap);
    } catch (err) {
      // Keep writing to yesterday's file rather than losing lines.
      options.onError?.(err);
      return;
    }
    closeLog(current);
    current = next;
    if (!fixed) pruneOldLogs(dirname(next.path), next.path, date.getTime());
  }

  let disposed = false;
  const sink = (record: LogRecord): void => {
    // After dispose a late record must not reopen a file nobody would close.
    if (disposed || !levelPasses(record.level, level)) return;
    rollIfNeeded();
    if (current.suppressed || current.failed) return;
    const bytes = encoder.encode(formatLogLine(record, redact) + "\n");
    if (current.size + bytes.length > cap) {
      current.suppressed = true;
      write(current, encoder.encode(capNotice(record.timestamp, cap) + "\n"), options.onError);
      return;
    }
    write(current, bytes, options.onError);
  };
  // defineProperty, not Object.assign: assign would copy the getter's value once.
  Object.defineProperty(sink, "path", { get: () => current.path, enumerable: true });
  return Object.assign(sink as typeof sink & { readonly path: string }, {
    [Symbol.dispose]() {
      disposed = true;
      closeLog(current);
    },
  });
}

interface OpenLog {
  path: string;
  file: Deno.FsFile | undefined;
  size: number;
  suppressed: boolean;
  failed: boolean;
}

function openLog(path: string): OpenLog {
  try {
    Deno.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const file = Deno.openSync(path, { append: true, create: true, mode: 0o600 });
    let size = 0;
    try {
      size = file.statSync().size;
    } catch {
      // Unknown size: start counting from zero; the cap still bounds what this process adds.
    }
    return { path, file, size, suppressed: false, failed: false };
  } catch (err) {
    throw new OpenClawError(
      "LOG_FILE_UNWRITABLE",
      `Cannot open log file "${path}": ${err instanceof Error ? err.message : String(err)}`,
      { hint: "Set logging.file to a writable path", exitCode: ExitCode.failed, cause: err },
    );
  }
}

// A file already at the cap was capped (and noticed) by an earlier process: stay quiet.
function openedOverCap(log: OpenLog, cap: number): OpenLog {
  if (log.size >= cap) log.suppressed = true;
  return log;
}

function write(log: OpenLog, bytes: Uint8Array, onError?: (error: unknown) => void): void {
  if (!log.file) return;
  try {
    let done = 0;
    while (done < bytes.length) done += log.file.writeSync(bytes.subarray(done));
    log.size += bytes.length;
  } catch (err) {
    log.failed = true;
    onError?.(err);
  }
}

function closeLog(log: OpenLog): void {
  const file = log.file;
  log.file = undefined;
  try {
    file?.close();
  } catch {
    // Already closed (e.g. disposed twice): nothing left to release.
  }
}

function capNotice(timestamp: number, cap: number): string {
  return formatLogEntry({
    timestamp,
    level: "warn",
    subsystem: "logging",
    message: `log file reached logging.maxFileBytes (${cap} bytes); ` +
      "further lines are suppressed until the next day",
  });
}

/**
 * Deletes `openclaw-*.log` regular files in `dir` whose mtime is more than 24 h before `nowMs`,
 * never `keep`. Failures (another user's file, a race) are ignored: pruning is housekeeping.
 */
export function pruneOldLogs(dir: string, keep: string, nowMs: number): string[] {
  const removed: string[] = [];
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync(dir);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.isFile || !isRollingLogName(entry.name)) continue;
    const path = joinPath(dir, entry.name);
    if (path === keep) continue;
    try {
      const mtime = Deno.lstatSync(path).mtime?.getTime();
      if (mtime === undefined || nowMs - mtime <= LOG_RETENTION_MS) continue;
      Deno.removeSync(path);
      removed.push(path);
    } catch {
      // Gone already or not ours to delete.
    }
  }
  return removed;
}
