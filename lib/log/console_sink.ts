/**
 * The console sink: log records on **stderr** (stdout carries command output and `--json`
 * documents, so a log line must never land there), in `logging.consoleStyle`:
 *
 * - `pretty`: `14:03:22 INFO  [gateway] listening on ws://127.0.0.1:18789`
 * - `compact`: `[gateway] listening on ws://127.0.0.1:18789`
 * - `json`: the file-log line (`line.ts`)
 *
 * Not `console.info` (stdout in Deno) nor a pretty-printing library (a different layout, and no
 * `[subsystem]` prefix stock users grep for): the formatter below is a few dozen lines.
 *
 * @module
 */
import type { LogRecord, Sink } from "./record.ts";
import { levelPasses, type LogLevel } from "./levels.ts";
import { formatLogEntry, type LogEntry, toLogEntry } from "./line.ts";
import { noRedaction } from "./redact.ts";

/** The `logging.consoleStyle` values. */
export const CONSOLE_STYLES = ["pretty", "compact", "json"] as const;

/** One of {@link CONSOLE_STYLES}. */
export type ConsoleStyle = typeof CONSOLE_STYLES[number];

/** Returns true when `value` is one of {@link CONSOLE_STYLES}. */
export function isConsoleStyle(value: unknown): value is ConsoleStyle {
  return typeof value === "string" && (CONSOLE_STYLES as readonly string[]).includes(value);
}

/** Options for {@linkcode createConsoleSink}. */
export interface ConsoleSinkOptions {
  /** `logging.consoleStyle`. @default "pretty" */
  style?: ConsoleStyle;
  /** Lowest level printed. @default "info" */
  level?: LogLevel;
  /** Whether to emit ANSI colours; decide with {@linkcode shouldUseColor}. @default false */
  color?: boolean;
  /** Masks secrets in every string before it is printed. @default no redaction */
  redact?: (text: string) => string;
  /** Where finished lines (with `\n`) go. @default synchronous write to stderr */
  write?: (text: string) => void;
}

/** Creates the console sink. */
export function createConsoleSink(options: ConsoleSinkOptions = {}): Sink {
  const style = options.style ?? "pretty";
  const level = options.level ?? "info";
  const color = options.color ?? false;
  const redact = options.redact ?? noRedaction;
  const write = options.write ?? writeStderr;
  return function consoleSink(record: LogRecord): void {
    if (!levelPasses(record.level, level)) return;
    write(formatConsoleLine(toLogEntry(record, redact), style, color) + "\n");
  };
}

/**
 * Returns true when colour should be used: not turned off by an option (`--no-color`), stderr is
 * a terminal, and `NO_COLOR` is unset or empty (https://no-color.org).
 */
export function shouldUseColor(
  option: boolean | undefined,
  noColorEnv: string | undefined = readNoColor(),
  isTerminal: () => boolean = () => Deno.stderr.isTerminal(),
): boolean {
  if (option === false) return false;
  if (noColorEnv !== undefined && noColorEnv !== "") return false;
  try {
    return isTerminal();
  } catch {
    return false;
  }
}

const RESET = "\x1b[0m";
const DIM = "\x1b[2m";
const SUBSYSTEM_COLOR = "\x1b[36m";
const LEVEL_COLORS: Record<LogEntry["level"], string> = {
  trace: "\x1b[90m",
  debug: "\x1b[34m",
  info: "\x1b[32m",
  warn: "\x1b[33m",
  error: "\x1b[31m",
  fatal: "\x1b[1;35m",
};

/** Returns one console line (no newline) for a rendered entry in the given style. */
export function formatConsoleLine(entry: LogEntry, style: ConsoleStyle, color: boolean): string {
  if (style === "json") return formatLogEntry(entry);
  const paint = (code: string, text: string) => color ? code + text + RESET : text;
  const prefix = entry.subsystem === undefined
    ? ""
    : paint(SUBSYSTEM_COLOR, `[${entry.subsystem}]`) + " ";
  // Warnings and errors keep their colour in compact style, where there is no level column.
  const loud = entry.level === "warn" || entry.level === "error" || entry.level === "fatal";
  let message = entry.message + formatExtra(entry.extra, entry.message);
  if (style === "compact") {
    if (loud) message = paint(LEVEL_COLORS[entry.level], message);
    return prefix + message;
  }
  const time = paint(DIM, formatClock(new Date(entry.timestamp)));
  const level = paint(LEVEL_COLORS[entry.level], entry.level.toUpperCase().padEnd(5));
  return `${time} ${level} ${prefix}${message}`;
}

function formatClock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

// ` key=value` pairs: readable on a terminal. Errors show their message (stacks go to the file)
// and are left out when the message already says it.
function formatExtra(extra: Record<string, unknown> | undefined, message: string): string {
  if (!extra) return "";
  let out = "";
  for (const [key, value] of Object.entries(extra)) {
    const error = errorMessageOf(value);
    if (error !== undefined) {
      if (!message.includes(error)) out += ` ${key}=${JSON.stringify(error)}`;
    } else if (typeof value === "string") {
      out += ` ${key}=${/^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`;
    } else {
      out += ` ${key}=${JSON.stringify(value) ?? String(value)}`;
    }
  }
  return out;
}

// Errors reach the sinks already copied by redactValue() as `{ name, message, stack }`.
function errorMessageOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (!("stack" in value) || !("message" in value) || typeof value.message !== "string") {
    return undefined;
  }
  return value.message;
}

const encoder = new TextEncoder();

function writeStderr(text: string): void {
  const bytes = encoder.encode(text);
  try {
    let done = 0;
    while (done < bytes.length) done += Deno.stderr.writeSync(bytes.subarray(done));
  } catch {
    // A closed stderr (EPIPE) must not take the process down with it.
  }
}

function readNoColor(): string | undefined {
  try {
    return Deno.env.get("NO_COLOR");
  } catch {
    return undefined;
  }
}
