/**
 * Durations as people type them (`90s`, `1m`, `1h30m`, `2d`, `500ms`; a bare number is minutes,
 * as in stock) and as listings print them (`1m 30s`).
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ["ms", 1],
  ["s", 1_000],
  ["m", 60_000],
  ["h", 3_600_000],
  ["d", 86_400_000],
  ["w", 7 * 86_400_000],
]);

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Parses a duration.
 *
 * @param text `90s`, `1m`, `1h30m`, `2d`, `250ms`, or a bare number of minutes.
 * @returns Milliseconds (an integer).
 * @throws {OpenClawError} `CRON_DURATION_INVALID` for anything else.
 * @example
 * ```ts
 * parseDuration("1h30m"); // 5_400_000
 * ```
 */
export function parseDuration(text: string): number {
  const s = text.trim().toLowerCase().replace(/^every\s+/, "").replaceAll(" ", "");
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 60_000);
  let total = 0;
  let end = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * UNIT_MS.get(m[2])!;
    end = PART.lastIndex;
  }
  if (s === "" || end !== s.length || !Number.isFinite(total)) {
    throw new OpenClawError(
      "CRON_DURATION_INVALID",
      `Cannot parse duration "${
        text.slice(0, 40)
      }": use a number with ms, s, m, h or d (e.g. 90s, 1h30m)`,
    );
  }
  return Math.round(total);
}

/**
 * Formats milliseconds as `1d 2h`, `1m 30s`, `250ms`.
 *
 * @param ms A non-negative duration.
 * @returns The largest units first, zero parts left out.
 */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000]]) {
    const n = Math.floor(rest / (size as number));
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * (size as number);
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join(" ");
}
