/**
 * "Does this store hold no jobs?" without loading the engine: a missing or blank file, or a
 * small `{"jobs": []}` document. Anything else (jobs, a bare array, a file that is not JSON or not
 * a store, one that cannot be read) answers false, so the engine loads and judges it as
 * `loadJobs` (store.ts) always has. Plain JSON, no schema: the gateway asks at every start.
 *
 * @module
 */

/** Larger than any store without jobs (`{"version": 1, "jobs": []}` plus whitespace). */
const MAX_EMPTY_STORE_BYTES = 4_096;

/**
 * True when the store at `path` certainly holds no jobs and loading it would change nothing.
 *
 * @param path The jobs file (`CronSettings.storePath`).
 * @returns False whenever the engine has something to load, repair or report.
 * @example
 * ```ts
 * if (!storeHoldsNoJobs(settings.storePath)) await loadEngine();
 * ```
 */
export function storeHoldsNoJobs(path: string): boolean {
  let text: string;
  try {
    const info = Deno.statSync(path);
    if (!info.isFile || info.size > MAX_EMPTY_STORE_BYTES) return false;
    text = Deno.readTextFileSync(path);
  } catch (err) {
    // Missing: what the engine reads as an empty store. Any other failure is the engine's to report.
    return err instanceof Deno.errors.NotFound;
  }
  if (text.trim() === "") return true;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  // A bare array is the legacy layout: the engine rewrites it, so it is not "nothing to do".
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return false;
  const jobs = Object.hasOwn(doc, "jobs") ? (doc as { jobs: unknown }).jobs : undefined;
  return Array.isArray(jobs) && jobs.length === 0;
}
