/**
 * The ledger under the usage reports: usage samples read from transcript entries (every
 * assistant message records its usage and cost, stock's `usage` block), totals, and day ranges
 * in a UTC offset. Pure: callers read the files.
 *
 * @module
 */
import type { MessageEntry, TranscriptEntry } from "../../lib/agent/sessions/transcript.ts";

/** Stock's CostUsageTotals. */
export interface UsageTotals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
  totalCost: number;
  inputCost: number;
  outputCost: number;
  cacheReadCost: number;
  cacheWriteCost: number;
  missingCostEntries: number;
}

/** One assistant message's usage. */
export interface UsageSample {
  timestamp: number;
  provider?: string;
  model?: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
  /** Cost parts in USD; absent when the message recorded no cost. */
  cost?: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number };
}

/** A UTC day range, inclusive, as `usage.cost` and `sessions.usage` take it. */
export interface DayRange {
  startMs: number;
  /** Exclusive end (the start of the day after `endDate`). */
  endMs: number;
  startDate: string;
  endDate: string;
  days: number;
  /** Minutes east of UTC that day boundaries use. */
  offsetMinutes: number;
}

const DAY_MS = 86_400_000;
/** Longest range a report covers. */
export const MAX_REPORT_DAYS = 366;

/** Totals with every counter at zero. */
export function emptyTotals(): UsageTotals {
  return {
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
    totalTokens: 0,
    totalCost: 0,
    inputCost: 0,
    outputCost: 0,
    cacheReadCost: 0,
    cacheWriteCost: 0,
    missingCostEntries: 0,
  };
}

/** A finite number from a transcript field, else 0. */
export function n(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** When a transcript message was written (epoch ms). */
export function timestampOf(entry: MessageEntry): number {
  const t = entry.message.timestamp;
  return typeof t === "number" ? t : Date.parse(entry.timestamp) || 0;
}

/**
 * The usage samples of a transcript: one per assistant message that recorded `usage`.
 *
 * @param entries Parsed transcript entries.
 * @returns Samples in transcript order.
 */
export function usageSamples(entries: readonly TranscriptEntry[]): UsageSample[] {
  const out: UsageSample[] = [];
  for (const e of entries) {
    if (e.type !== "message") continue;
    const entry = e as MessageEntry;
    const m = entry.message as Record<string, unknown>;
    if (m.role !== "assistant" || typeof m.usage !== "object" || m.usage === null) continue;
    const u = m.usage as Record<string, unknown>;
    const c = typeof u.cost === "object" && u.cost !== null
      ? u.cost as Record<string, unknown>
      : undefined;
    const input = n(u.input);
    const output = n(u.output);
    const cacheRead = n(u.cacheRead);
    const cacheWrite = n(u.cacheWrite);
    out.push({
      timestamp: timestampOf(entry),
      ...(typeof m.provider === "string" ? { provider: m.provider } : {}),
      ...(typeof m.model === "string" ? { model: m.model } : {}),
      input,
      output,
      cacheRead,
      cacheWrite,
      totalTokens: n(u.totalTokens) || input + output + cacheRead + cacheWrite,
      ...(c
        ? {
          cost: {
            input: n(c.input),
            output: n(c.output),
            cacheRead: n(c.cacheRead),
            cacheWrite: n(c.cacheWrite),
            total: n(c.total),
          },
        }
        : {}),
    });
  }
  return out;
}

/** Adds one sample to running totals (in place). */
export function addSample(t: UsageTotals, s: UsageSample): void {
  t.input += s.input;
  t.output += s.output;
  t.cacheRead += s.cacheRead;
  t.cacheWrite += s.cacheWrite;
  t.totalTokens += s.totalTokens;
  if (!s.cost) {
    t.missingCostEntries += 1;
    return;
  }
  t.totalCost += s.cost.total;
  t.inputCost += s.cost.input;
  t.outputCost += s.cost.output;
  t.cacheReadCost += s.cost.cacheRead;
  t.cacheWriteCost += s.cost.cacheWrite;
}

/** Adds `b` into `a` (in place). */
export function addTotals(a: UsageTotals, b: UsageTotals): void {
  for (const k of Object.keys(a) as (keyof UsageTotals)[]) a[k] += b[k];
}

/** `YYYY-MM-DD` of `ms` in the zone `offsetMinutes` east of UTC. */
export function dayKey(ms: number, offsetMinutes = 0): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * Parses a `utcOffset` ("UTC+2", "+05:30", "-0800", "Z"); undefined for anything else.
 *
 * @param text The offset as a client sends it.
 * @returns Minutes east of UTC.
 */
export function parseUtcOffset(text: string | undefined): number | undefined {
  if (text === undefined) return 0;
  const t = text.trim().toUpperCase().replace(/^(UTC|GMT)/, "");
  if (t === "" || t === "Z") return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 14 * 60) return undefined;
  return m[1] === "-" ? -minutes : minutes;
}

function dayStart(date: string, offsetMinutes: number): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms - offsetMinutes * 60_000;
}

/**
 * Resolves a report's day range: `startDate`/`endDate` (`YYYY-MM-DD`), else the last `days`
 * days (default 30) up to today, in the zone of `utcOffset`.
 *
 * @param params What the client sent.
 * @param now The current time.
 * @returns The range, or an error message naming the bad field.
 */
export function resolveDayRange(
  params: { startDate?: string; endDate?: string; days?: number; utcOffset?: string },
  now: number,
): DayRange | { error: string } {
  const offsetMinutes = parseUtcOffset(params.utcOffset);
  if (offsetMinutes === undefined) return { error: "utcOffset: expected UTC±HH[:MM]" };
  const today = dayKey(now, offsetMinutes);
  const endDate = params.endDate ?? today;
  const endStart = dayStart(endDate, offsetMinutes);
  if (endStart === undefined) return { error: "endDate: expected YYYY-MM-DD" };
  const days = params.days ?? 30;
  const startDate = params.startDate ?? dayKey(endStart - (days - 1) * DAY_MS, offsetMinutes);
  const startMs = dayStart(startDate, offsetMinutes);
  if (startMs === undefined) return { error: "startDate: expected YYYY-MM-DD" };
  if (startMs > endStart) return { error: "startDate: must not be after endDate" };
  const span = Math.round((endStart - startMs) / DAY_MS) + 1;
  if (span > MAX_REPORT_DAYS) return { error: `range: at most ${MAX_REPORT_DAYS} days` };
  return {
    startMs,
    endMs: endStart + DAY_MS,
    startDate,
    endDate,
    days: span,
    offsetMinutes,
  };
}

/** True when the sample falls inside the day range. */
export function inRange(s: UsageSample, range: DayRange): boolean {
  return s.timestamp >= range.startMs && s.timestamp < range.endMs;
}
