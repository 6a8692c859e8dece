/**
 * The jobs of one store in memory, and every change to them written through to the store file
 * at once (atomic write), with the `added`/`updated`/`removed` events. The engine schedules over
 * this table; clients change it through the engine.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { createJob, type CronJobView, jobView, patchJob } from "./jobs.ts";
import { listJobs, type ListQuery } from "./queries.ts";
import type { CronSettings } from "./settings.ts";
import { type LoadedJobs, loadJobs, saveJobs } from "./store.ts";
import type { CronEvent, CronJob, CronJobCreate, CronJobPatch } from "./types.ts";

/** The jobs of one store. */
export class CronJobTable {
  readonly #jobs = new Map<string, CronJob>();
  readonly #settings: () => CronSettings;
  readonly #now: () => number;
  readonly #emit: (event: CronEvent) => void;
  readonly #defaultAgentId: () => string | undefined;

  /**
   * @param settings The settings in force (store path, limits, defaults).
   * @param now The clock.
   * @param emit Receives `added` / `updated` / `removed`.
   * @param defaultAgentId The agent of jobs without one, for views.
   */
  constructor(
    settings: () => CronSettings,
    now: () => number,
    emit: (event: CronEvent) => void,
    defaultAgentId: () => string | undefined,
  ) {
    this.#settings = settings;
    this.#now = now;
    this.#emit = emit;
    this.#defaultAgentId = defaultAgentId;
  }

  /** Loads the store file into the table (replacing nothing: call once). */
  load(): LoadedJobs {
    const s = this.#settings();
    // The zone is read through, not copied: only rows without one need it (see settings.ts).
    const loaded = loadJobs(s.storePath, {
      get defaultTimeZone() {
        return s.defaultTimeZone;
      },
      defaultCatchUp: s.defaultCatchUp,
      now: this.#now(),
    });
    for (const job of loaded.jobs) this.#jobs.set(job.id, job);
    return loaded;
  }

  /** Writes every job to the store (atomically, durably). */
  save(): void {
    saveJobs(this.#settings().storePath, [...this.#jobs.values()]);
  }

  /** Every job, in insertion order. */
  all(): IterableIterator<CronJob> {
    return this.#jobs.values();
  }

  /** Number of jobs. */
  get size(): number {
    return this.#jobs.size;
  }

  /** The job, or undefined. */
  find(id: string): CronJob | undefined {
    return this.#jobs.get(id);
  }

  /** The job. @throws {OpenClawError} `CRON_JOB_NOT_FOUND` */
  require(id: string): CronJob {
    const job = this.#jobs.get(id);
    if (!job) {
      throw new OpenClawError("CRON_JOB_NOT_FOUND", `Cannot find cron job "${id.slice(0, 128)}"`, {
        hint: "List jobs with: openclaw cron list --all",
      });
    }
    return job;
  }

  /** Deletes a job from memory only (the caller saves). */
  delete(id: string): boolean {
    return this.#jobs.delete(id);
  }

  /** The listing view of a job. @throws {OpenClawError} `CRON_JOB_NOT_FOUND` */
  view(id: string): CronJobView {
    return jobView(this.require(id), this.#defaultAgentId());
  }

  /** Jobs, filtered and paged like stock's `cron.list`. */
  list(query: ListQuery = {}): ReturnType<typeof listJobs> {
    return listJobs(this.#jobs.values(), query, this.#defaultAgentId());
  }

  #ctx() {
    const s = this.#settings();
    return {
      now: this.#now(),
      defaultTimeZone: s.defaultTimeZone,
      defaultCatchUp: s.defaultCatchUp,
    };
  }

  /** Adds a job. @throws {OpenClawError} invalid input, or `CRON_JOB_LIMIT_CONFLICT` when full. */
  add(input: CronJobCreate): CronJobView {
    const max = this.#settings().maxJobs;
    if (this.#jobs.size >= max) {
      throw new OpenClawError(
        "CRON_JOB_LIMIT_CONFLICT",
        `Cannot add a cron job: the store holds ${this.#jobs.size} (cron.maxJobs is ${max})`,
        { hint: "Remove jobs with: openclaw cron rm <id>" },
      );
    }
    const job = createJob(input, this.#ctx());
    this.#jobs.set(job.id, job);
    this.save();
    const view = this.view(job.id);
    this.#emit({ jobId: job.id, action: "added", job: view, nextRunAtMs: view.nextRunAtMs });
    return view;
  }

  /** Changes a job. @throws {OpenClawError} `CRON_JOB_NOT_FOUND`, invalid input. */
  update(id: string, patch: CronJobPatch): CronJobView {
    const next = patchJob(this.require(id), patch, this.#ctx());
    this.#jobs.set(id, next);
    this.save();
    const view = this.view(id);
    this.#emit({ jobId: id, action: "updated", job: view, nextRunAtMs: view.nextRunAtMs });
    return view;
  }

  /** Removes a job; false when there was none. */
  remove(id: string): boolean {
    if (!this.#jobs.delete(id)) return false;
    this.save();
    this.#emit({ jobId: id, action: "removed" });
    return true;
  }
}
