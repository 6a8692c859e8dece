/**
 * The durable job store: `<stateDir>/cron/jobs.json`, `{ "version": 1, "jobs": [...] }` (stock's
 * legacy layout; a bare array is read too), jobs and their runtime state in one file so one
 * atomic write (temp file, fsync, rename) covers both. A row that does not validate is moved to
 * `jobs-quarantine.json` beside it, never silently dropped; a file that is not JSON stops the
 * load with an error naming it, so a typo cannot wipe every job.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { dirname } from "../paths.ts";
import { type CatchUpPolicy, type CronJob, CronJobSchema } from "./types.ts";

/** Largest store file read (a store of 5,000 jobs with 64 KiB messages stays well under it). */
const MAX_STORE_BYTES = 512 * 1024 * 1024;
/** Rows kept in the quarantine file. */
const MAX_QUARANTINED = 100;

/** Defaults for rows written by older versions or by hand. */
export interface StoreDefaults {
  defaultTimeZone: string;
  defaultCatchUp: CatchUpPolicy;
  now: number;
}

/** What {@linkcode loadJobs} found. */
export interface LoadedJobs {
  jobs: CronJob[];
  /** Rows moved to the quarantine file, with why. */
  quarantined: { id?: string; error: string }[];
  /** True when rows were filled in or quarantined: the caller should save. */
  changed: boolean;
}

function readText(path: string): string | undefined {
  try {
    const info = Deno.statSync(path);
    if (info.size > MAX_STORE_BYTES) {
      throw new OpenClawError(
        "CRON_STORE_INVALID",
        `Cannot load cron store "${path}": it is ${info.size} bytes (limit ${MAX_STORE_BYTES})`,
      );
    }
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Fills what older rows lack: a zone on the schedule, a catch-up policy, a state object. */
function fillDefaults(row: unknown, d: StoreDefaults): unknown {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return row;
  const r = { ...row } as Record<string, unknown>;
  if (typeof r.schedule === "object" && r.schedule !== null && !("tz" in r.schedule)) {
    r.schedule = { ...r.schedule, tz: d.defaultTimeZone };
  }
  r.catchUp ??= d.defaultCatchUp;
  r.state ??= {};
  // Stock's `current` is the creating client's session, which a store does not remember.
  if (r.sessionTarget === "current") r.sessionTarget = "isolated";
  r.sessionTarget ??= "main";
  r.wakeMode ??= "now";
  r.enabled ??= true;
  r.createdAtMs ??= d.now;
  r.updatedAtMs ??= r.createdAtMs;
  return r;
}

/**
 * Loads the store.
 *
 * @param path The jobs file.
 * @param defaults What older rows get.
 * @returns Valid jobs, quarantined rows, whether anything changed.
 * @throws {OpenClawError} `CRON_STORE_INVALID` when the file is not JSON or not a store.
 */
export function loadJobs(path: string, defaults: StoreDefaults): LoadedJobs {
  const text = readText(path);
  if (text === undefined || text.trim() === "") {
    return { jobs: [], quarantined: [], changed: false };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new OpenClawError(
      "CRON_STORE_INVALID",
      `Cannot load cron store "${path}": not valid JSON (${(err as Error).message})`,
      { hint: `Fix or move the file away; nothing was changed` },
    );
  }
  const rows = Array.isArray(doc)
    ? doc
    : typeof doc === "object" && doc !== null && Array.isArray((doc as { jobs?: unknown }).jobs)
    ? (doc as { jobs: unknown[] }).jobs
    : undefined;
  if (!rows) {
    throw new OpenClawError(
      "CRON_STORE_INVALID",
      `Cannot load cron store "${path}": expected {"version":1,"jobs":[...]}`,
    );
  }
  const jobs: CronJob[] = [];
  const bad: { row: unknown; id?: string; error: string }[] = [];
  const seen = new Set<string>();
  let changed = Array.isArray(doc);
  for (const row of rows) {
    const filled = fillDefaults(row, defaults);
    const parsed = CronJobSchema.safeParse(filled);
    const id = (row as { id?: unknown } | null)?.id;
    if (!parsed.success || seen.has(parsed.data.id)) {
      const error = parsed.success
        ? "duplicate id"
        : parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join(
          "; ",
        );
      bad.push({ row, id: typeof id === "string" ? id : undefined, error });
      continue;
    }
    if (JSON.stringify(filled) !== JSON.stringify(row)) changed = true;
    seen.add(parsed.data.id);
    jobs.push(parsed.data);
  }
  if (bad.length > 0) {
    quarantine(path, bad, defaults.now);
    changed = true;
  }
  return { jobs, quarantined: bad.map(({ id, error }) => ({ id, error })), changed };
}

function quarantine(path: string, rows: { row: unknown; error: string }[], now: number): void {
  const qPath = path.replace(/\.json$/, "") + "-quarantine.json";
  let existing: unknown[] = [];
  try {
    const doc = JSON.parse(Deno.readTextFileSync(qPath));
    if (Array.isArray(doc?.rows)) existing = doc.rows;
  } catch { /* missing or unreadable: start a new one */ }
  const added = rows.map(({ row, error }) => ({ quarantinedAtMs: now, error, row }));
  const keep = [...existing, ...added].slice(-MAX_QUARANTINED);
  writeFileAtomic(qPath, JSON.stringify({ version: 1, rows: keep }, null, 2) + "\n");
}

/**
 * Writes the store atomically (mode 0600, directory 0700).
 *
 * @param path The jobs file.
 * @param jobs Every job.
 */
export function saveJobs(path: string, jobs: readonly CronJob[]): void {
  ensureDir(dirname(path));
  writeFileAtomic(path, JSON.stringify({ version: 1, jobs }, null, 2) + "\n");
}
