/**
 * Helpers shared by the log tests: hand-made log records and throwaway directories.
 *
 * @module
 */
import type { LogRecord, RecordLevel as LogLevel } from "../../../lib/log/record.ts";
import { tempDir } from "../../helpers.ts";

/** Returns a log record as `logger.<level>(template, properties)` would make it. */
export function makeRecord(
  template: string,
  properties: Record<string, unknown> = {},
  options: { level?: LogLevel; subsystem?: string; timestamp?: number } = {},
): LogRecord {
  const message: unknown[] = [];
  let rest = template;
  for (;;) {
    const m = /\{([^{}]+)\}/.exec(rest);
    if (!m) break;
    message.push(rest.slice(0, m.index), properties[m[1]]);
    rest = rest.slice(m.index + m[0].length);
  }
  message.push(rest);
  return {
    category: options.subsystem === undefined
      ? ["openclaw"]
      : ["openclaw", ...options.subsystem.split("/")],
    level: options.level ?? "info",
    message,
    rawMessage: template,
    timestamp: options.timestamp ?? Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    properties,
  };
}

/** Runs `fn` with a fresh temp dir that is removed afterwards, whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  await using dir = await tempDir("openclaw-log-test-");
  return await fn(dir.path);
}

/** Returns the non-empty lines of a text file. */
export function readLines(path: string): string[] {
  return Deno.readTextFileSync(path).split("\n").filter((l) => l !== "");
}

/** Sets a file's mtime to `ageMs` before `nowMs`. */
export function ageFile(path: string, nowMs: number, ageMs: number): void {
  const t = new Date(nowMs - ageMs);
  Deno.utimeSync(path, t, t);
}
