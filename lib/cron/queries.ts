/**
 * The read side of `cron.list` and `cron.runs`: stock's filters, sort orders and page wrapper
 * (`{jobs|entries, total, offset, limit, hasMore, nextOffset}`). Pure functions over jobs and rows.
 *
 * @module
 */
import { type CronJobView, jobView } from "./jobs.ts";
import type { CronJob, CronRunLogEntry } from "./types.ts";

/** Largest page. */
export const MAX_PAGE = 200;

/** `cron.list` filters (stock's names). */
export interface ListQuery {
  includeDisabled?: boolean;
  enabled?: "all" | "enabled" | "disabled";
  limit?: number;
  offset?: number;
  query?: string;
  scheduleKind?: string;
  lastRunStatus?: string;
  sortBy?: "nextRunAtMs" | "updatedAtMs" | "name";
  sortDir?: "asc" | "desc";
  agentId?: string;
}

/** A page of stock's wrapper. */
export interface Page {
  total: number;
  offset: number;
  limit: number;
  hasMore: boolean;
  nextOffset: number | null;
}

function page<T>(items: T[], offset = 0, limit = MAX_PAGE): { items: T[]; page: Page } {
  const lim = Math.min(Math.max(1, limit), MAX_PAGE);
  const off = Math.max(0, offset);
  const slice = items.slice(off, off + lim);
  const hasMore = off + slice.length < items.length;
  return {
    items: slice,
    page: {
      total: items.length,
      offset: off,
      limit: lim,
      hasMore,
      nextOffset: hasMore ? off + slice.length : null,
    },
  };
}

/**
 * Filters, sorts (default: next run, soonest first; jobs without one last) and pages jobs.
 *
 * @param jobs Every job.
 * @param q The filters.
 * @param defaultAgentId For `effectiveAgentId`.
 * @returns `{jobs, total, offset, limit, hasMore, nextOffset}`.
 */
export function listJobs(
  jobs: Iterable<CronJob>,
  q: ListQuery,
  defaultAgentId?: string,
): { jobs: CronJobView[] } & Page {
  const enabled = q.enabled ?? (q.includeDisabled ? "all" : "enabled");
  const needle = q.query?.trim().toLowerCase();
  const views = [...jobs].map((j) => jobView(j, defaultAgentId)).filter((v) =>
    (enabled === "all" || (enabled === "enabled") === v.enabled) &&
    (!q.scheduleKind || q.scheduleKind === "all" || v.schedule.kind === q.scheduleKind) &&
    (!q.lastRunStatus || q.lastRunStatus === "all" ||
      (v.lastRunStatus ?? "unknown") === q.lastRunStatus) &&
    (!q.agentId || v.effectiveAgentId === q.agentId) &&
    (!needle || v.name.toLowerCase().includes(needle) || v.id.startsWith(needle) ||
      (v.description ?? "").toLowerCase().includes(needle))
  );
  const by = q.sortBy ?? "nextRunAtMs";
  const dir = q.sortDir === "desc" ? -1 : 1;
  views.sort((a, b) => {
    if (by === "name") return dir * a.name.localeCompare(b.name);
    const av = by === "updatedAtMs" ? a.updatedAtMs : a.nextRunAtMs ?? Infinity;
    const bv = by === "updatedAtMs" ? b.updatedAtMs : b.nextRunAtMs ?? Infinity;
    return av === bv ? a.createdAtMs - b.createdAtMs : dir * (av < bv ? -1 : 1);
  });
  const { items, page: p } = page(views, q.offset, q.limit);
  return { jobs: items, ...p };
}

/** `cron.runs` filters. */
export interface RunsQuery {
  limit?: number;
  offset?: number;
  runId?: string;
  statuses?: readonly string[];
  deliveryStatuses?: readonly string[];
  query?: string;
  /** @default "desc" (newest first) */
  sortDir?: "asc" | "desc";
}

/**
 * Filters, sorts (newest first by default) and pages run-log rows.
 *
 * @param rows Rows, any order.
 * @param q The filters.
 * @returns `{entries, total, offset, limit, hasMore, nextOffset}`.
 */
export function pageRuns(
  rows: readonly CronRunLogEntry[],
  q: RunsQuery,
): { entries: CronRunLogEntry[] } & Page {
  const needle = q.query?.trim().toLowerCase();
  const statuses = q.statuses?.filter((s) => s !== "all");
  const delivery = q.deliveryStatuses?.filter((s) => s !== "all");
  const kept = rows.filter((r) =>
    (!q.runId || r.runId === q.runId) &&
    (!statuses?.length || statuses.includes(r.status)) &&
    (!delivery?.length || delivery.includes(r.deliveryStatus ?? "not-requested")) &&
    (!needle || `${r.summary ?? ""} ${r.error ?? ""} ${r.jobName ?? ""}`.toLowerCase()
      .includes(needle))
  );
  const dir = q.sortDir === "asc" ? 1 : -1;
  kept.sort((a, b) => dir * (a.ts - b.ts || (a.runAtMs ?? 0) - (b.runAtMs ?? 0)));
  const { items, page: p } = page(kept, q.offset, q.limit ?? 50);
  return { entries: items, ...p };
}
