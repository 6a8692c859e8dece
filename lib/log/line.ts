/**
 * The one JSON line format of the file log (and of `logging.consoleStyle: "json"`), shaped so that
 * stock OpenClaw's readers (CLI `logs`, Control UI, `parse-log-line.ts`) and ours both read it:
 *
 * ```json
 * {"0":"listening on ws://127.0.0.1:18789","1":{"pid":42},
 *  "_meta":{"runtime":"deno","name":"{\"subsystem\":\"gateway\"}","date":"...","logLevelId":3,
 *  "logLevelName":"INFO"},"time":"...","level":"info","subsystem":"gateway",
 *  "message":"listening on ws://127.0.0.1:18789"}
 * ```
 *
 * `"0"` is the rendered message; properties not already interpolated into it go under `"1"` as
 * one object (tslog's numbered arguments); `_meta` carries what tslog readers need; the top-level
 * `time`, `level`, `subsystem`, `message` are for everyone else.
 *
 * @module
 */
import type { LogRecord } from "./record.ts";
import { fromRecordLevel, type LogLevel } from "./levels.ts";
import { noRedaction, redactValue } from "./redact.ts";

/** A log record rendered into plain, redacted values. */
export interface LogEntry {
  /** Epoch milliseconds. */
  timestamp: number;
  level: Exclude<LogLevel, "silent">;
  /** `gateway`, `gateway/ws`...; absent for the root `openclaw` logger. */
  subsystem?: string;
  /** The message with its placeholders filled in. */
  message: string;
  /** Properties the message did not interpolate, JSON-safe. */
  extra?: Record<string, unknown>;
}

/** One log line as read back, from our files or stock OpenClaw's. */
export interface ParsedLogLine {
  /** ISO time: `time`, else `_meta.date`. */
  time?: string;
  /** Lower-cased `_meta.logLevelName` (`info`, `warn`...), else the top-level `level`. */
  level?: string;
  subsystem?: string;
  /** The `module` some stock sub-loggers put in `_meta.name`. */
  module?: string;
  /** The numbered arguments joined by spaces, objects as JSON. */
  message: string;
  /** The line as read. */
  raw: string;
}

// tslog's numeric level ids, kept so tslog-based readers that sort or filter by id still work.
const TSLOG_LEVEL_IDS: Record<LogEntry["level"], number> = {
  trace: 1,
  debug: 2,
  info: 3,
  warn: 4,
  error: 5,
  fatal: 6,
};

type Redact = (text: string) => string;

/** Returns the subsystem of a logger category: `["openclaw","gateway","ws"]` -> `gateway/ws`. */
export function subsystemOf(category: readonly string[]): string | undefined {
  const parts = category[0] === "openclaw" ? category.slice(1) : category;
  return parts.length > 0 ? parts.join("/") : undefined;
}

/** Renders a log record: fills the message, picks the extra properties, redacts both. */
export function toLogEntry(record: LogRecord, redact: Redact = noRedaction): LogEntry {
  let message = "";
  for (let i = 0; i < record.message.length; i++) {
    const part = record.message[i];
    message += i % 2 === 0 ? String(part) : renderValue(part, redact);
  }
  const entry: LogEntry = {
    timestamp: record.timestamp,
    level: fromRecordLevel(record.level),
    message: redact(message),
  };
  const subsystem = subsystemOf(record.category);
  if (subsystem !== undefined) entry.subsystem = subsystem;
  const extra = extraProperties(record);
  if (extra) entry.extra = redactValue(extra, redact) as Record<string, unknown>;
  return entry;
}

/** Returns the JSON text (no newline) of a rendered entry. */
export function formatLogEntry(entry: LogEntry): string {
  const date = new Date(entry.timestamp).toISOString();
  const name = entry.subsystem === undefined
    ? "openclaw"
    : JSON.stringify({ subsystem: entry.subsystem });
  const line: Record<string, unknown> = { "0": entry.message };
  if (entry.extra) line["1"] = entry.extra;
  line._meta = {
    runtime: "deno",
    name,
    date,
    logLevelId: TSLOG_LEVEL_IDS[entry.level],
    logLevelName: entry.level.toUpperCase(),
  };
  line.time = date;
  line.level = entry.level;
  if (entry.subsystem !== undefined) line.subsystem = entry.subsystem;
  line.message = entry.message;
  return JSON.stringify(line);
}

/**
 * Returns the file-log line (JSON, no trailing newline) for a log record.
 *
 * @example
 * ```ts
 * formatLogLine(record, createRedactor({ secrets: [token] }));
 * ```
 */
export function formatLogLine(record: LogRecord, redact: Redact = noRedaction): string {
  return formatLogEntry(toLogEntry(record, redact));
}

/**
 * Parses one file-log line, ours or stock OpenClaw's (tslog). Returns `null` for anything that is
 * not a JSON object (a torn last line, a plain-text line).
 */
export function parseLogLine(line: string): ParsedLogLine | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const meta = isRecord(parsed._meta) ? parsed._meta : undefined;
  const context = nameContext(meta?.name) ?? nameContext(parsed["0"], true) ?? {};
  const out: ParsedLogLine = { message: joinNumberedArgs(parsed), raw: line };
  const time = stringOr(parsed.time) ?? stringOr(meta?.date);
  if (time !== undefined) out.time = time;
  const level = stringOr(meta?.logLevelName) ?? stringOr(parsed.level);
  if (level !== undefined) out.level = level.trim().toLowerCase();
  const subsystem = context.subsystem ?? stringOr(parsed.subsystem);
  if (subsystem !== undefined) out.subsystem = subsystem;
  if (context.module !== undefined) out.module = context.module;
  if (out.message === "" && typeof parsed.message === "string") out.message = parsed.message;
  return out;
}

function renderValue(value: unknown, redact: Redact): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === undefined || typeof value !== "object" || value === null) return String(value);
  return JSON.stringify(redactValue(value, redact));
}

// Properties named by a `{placeholder}` are already in the message; repeating them in "1" would
// make every stock reader show them twice. `{*}` interpolates them all (errors aside, for stacks).
function extraProperties(record: LogRecord): Record<string, unknown> | undefined {
  const keys = Object.keys(record.properties);
  if (keys.length === 0) return undefined;
  const used = new Set<string>();
  if (typeof record.rawMessage === "string") {
    for (const m of record.rawMessage.matchAll(/\{([^{}]+)\}/g)) used.add(m[1].trim());
  }
  const all = used.has("*");
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const key of keys) {
    const value = record.properties[key];
    // An interpolated Error shows only its message; keep it so the file still gets the stack.
    if ((all || used.has(key)) && !(value instanceof Error)) continue;
    extra[key] = value;
    any = true;
  }
  return any ? extra : undefined;
}

function joinNumberedArgs(value: Record<string, unknown>): string {
  const parts: string[] = [];
  // Integer-like keys enumerate first and in numeric order, as the spec requires.
  for (const key of Object.keys(value)) {
    if (!/^\d+$/.test(key)) continue;
    const item = value[key];
    if (typeof item === "string") parts.push(item);
    else if (item !== null && item !== undefined) parts.push(JSON.stringify(item));
  }
  return parts.join(" ");
}

// `_meta.name` is `{"subsystem":"gateway"}` for stock sub-loggers, `openclaw` for the root, and a
// plain subsystem name in some older lines. `fromArg` = only the JSON form counts (stock puts the
// bindings in "0" when tslog's name is unset).
function nameContext(
  raw: unknown,
  fromArg = false,
): { subsystem?: string; module?: string } | undefined {
  if (typeof raw !== "string" || raw === "") return undefined;
  if (raw.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isRecord(parsed)) return undefined;
      const out: { subsystem?: string; module?: string } = {};
      if (typeof parsed.subsystem === "string") out.subsystem = parsed.subsystem;
      if (typeof parsed.module === "string") out.module = parsed.module;
      return out.subsystem !== undefined || out.module !== undefined ? out : undefined;
    } catch {
      return undefined;
    }
  }
  if (fromArg || raw === "openclaw") return undefined;
  return { subsystem: raw };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
