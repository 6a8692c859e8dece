/**
 * The logs panel's buffer: lines from `logs.tail` parsed with the gateway's own reader
 * (lib/log/line.ts), kept up to {@linkcode MAX_LOG_LINES}, and filtered by minimum level and a
 * search text.
 *
 * @module
 */
import { parseLogLine } from "../../lib/log/line.ts";

/** Lines kept in memory; older ones drop off the top. */
export const MAX_LOG_LINES = 2_000;

/** One line as the panel shows it. */
export interface LogRow {
  /** Position in the stream (stable key). */
  seq: number;
  time?: string;
  level: string;
  subsystem?: string;
  message: string;
}

/** Levels from least to most severe. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

function rank(level: string): number {
  const i = (LOG_LEVELS as readonly string[]).indexOf(level);
  return i < 0 ? 2 : i;
}

/** Appends raw lines to `rows`, keeping the newest {@linkcode MAX_LOG_LINES}. */
export function appendLogLines(rows: LogRow[], lines: string[], nextSeq: number): LogRow[] {
  const added = lines.filter((l) => l.trim()).map((line, i): LogRow => {
    const parsed = parseLogLine(line);
    if (!parsed) return { seq: nextSeq + i, level: "info", message: line };
    return {
      seq: nextSeq + i,
      time: parsed.time,
      level: parsed.level === "warning" ? "warn" : parsed.level ?? "info",
      subsystem: parsed.subsystem,
      message: parsed.message,
    };
  });
  const all = rows.concat(added);
  return all.length > MAX_LOG_LINES ? all.slice(all.length - MAX_LOG_LINES) : all;
}

/** The rows at or above `minLevel` whose message or subsystem contains `search` (any case). */
export function filterLogRows(rows: LogRow[], minLevel: string, search: string): LogRow[] {
  const floor = rank(minLevel);
  const needle = search.trim().toLowerCase();
  return rows.filter((r) =>
    rank(r.level) >= floor &&
    (!needle || r.message.toLowerCase().includes(needle) ||
      (r.subsystem ?? "").toLowerCase().includes(needle))
  );
}
