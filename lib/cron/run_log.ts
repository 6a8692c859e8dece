/**
 * Each job's run log: `<store dir>/runs/<jobId>.jsonl`, one `CronRunLogEntry` per line (stock's
 * legacy layout). Rows are appended and fsynced, so a row written before a crash is there after
 * it; a torn last line is skipped on read and fenced off by the next append. Bounded: past
 * `keepLines` rows or `maxBytes` the file is rewritten (atomically) with its newest rows.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { joinPath } from "../paths.ts";
import { type CronRunLogEntry, MAX_RESULT_CHARS } from "./types.ts";

/** Largest run-log file read at once (a file grown past it by hand is read from its end). */
const MAX_READ_BYTES = 64 * 1024 * 1024;
/** A trim keeps this share of the limits, so the next trim is not one row away. */
const TRIM_TO = 0.9;

const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** File name of a job id: the id itself when safe, else a stable hash of it. */
export function runLogFileName(jobId: string): string {
  if (SAFE_ID.test(jobId)) return `${jobId}.jsonl`;
  let h = 0x811c9dc5;
  for (let i = 0; i < jobId.length; i++) h = Math.imul(h ^ jobId.charCodeAt(i), 0x01000193);
  return `id-${(h >>> 0).toString(16)}-${jobId.length}.jsonl`;
}

function clip(text: string | undefined): string | undefined {
  return text === undefined || text.length <= MAX_RESULT_CHARS
    ? text
    : `${text.slice(0, MAX_RESULT_CHARS - 1)}\u2026`;
}

/** Parses run-log text, skipping torn or foreign lines. */
export function parseRunLog(text: string): CronRunLogEntry[] {
  const out: CronRunLogEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const row = JSON.parse(line);
      if (
        row && typeof row === "object" && typeof row.ts === "number" &&
        typeof row.jobId === "string" && typeof row.status === "string"
      ) out.push(row as CronRunLogEntry);
    } catch { /* a torn line from a crash mid-append: skipped, never fatal */ }
  }
  return out;
}

/** The run logs of one store. */
export class CronRunLog {
  readonly dir: string;
  readonly #limits: { keepLines: number; maxBytes: number };
  /** Rows per job file, counted on first touch (and whether the file ends cleanly). */
  readonly #counts = new Map<string, number>();

  /**
   * @param dir The `runs` directory.
   * @param limits Newest rows kept and largest file per job.
   */
  constructor(dir: string, limits: { keepLines: number; maxBytes: number }) {
    this.dir = dir;
    this.#limits = limits;
  }

  /** Changes the limits (hot reload). */
  setLimits(limits: { keepLines: number; maxBytes: number }): void {
    this.#limits.keepLines = limits.keepLines;
    this.#limits.maxBytes = limits.maxBytes;
  }

  #path(jobId: string): string {
    return joinPath(this.dir, runLogFileName(jobId));
  }

  #readText(path: string): string {
    try {
      const size = Deno.statSync(path).size;
      if (size <= MAX_READ_BYTES) return Deno.readTextFileSync(path);
      using f = Deno.openSync(path, { read: true });
      f.seekSync(size - MAX_READ_BYTES, Deno.SeekMode.Start);
      const buf = new Uint8Array(MAX_READ_BYTES);
      let off = 0;
      while (off < buf.length) {
        const n = f.readSync(buf.subarray(off));
        if (n === null) break;
        off += n;
      }
      // The first line is cut in the middle; parseRunLog skips it.
      return new TextDecoder().decode(buf.subarray(0, off));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return "";
      throw err;
    }
  }

  /**
   * Appends one row and fsyncs it.
   *
   * @param entry The row; long `error`/`summary` texts are clipped.
   */
  append(entry: CronRunLogEntry): void {
    ensureDir(this.dir);
    const path = this.#path(entry.jobId);
    let count = this.#counts.get(entry.jobId);
    let prefix = "";
    if (count === undefined) {
      const text = this.#readText(path);
      count = parseRunLog(text).length;
      // A torn last line must not swallow the row appended after it.
      if (text.length > 0 && !text.endsWith("\n")) prefix = "\n";
    }
    const row = { ...entry, error: clip(entry.error), summary: clip(entry.summary) };
    const data = new TextEncoder().encode(`${prefix}${JSON.stringify(row)}\n`);
    {
      using f = Deno.openSync(path, { append: true, create: true, mode: 0o600 });
      let off = 0;
      while (off < data.length) off += f.writeSync(data.subarray(off));
      f.syncSync();
    }
    count++;
    this.#counts.set(entry.jobId, count);
    if (count > this.#limits.keepLines || Deno.statSync(path).size > this.#limits.maxBytes) {
      this.#trim(entry.jobId, path);
    }
  }

  #trim(jobId: string, path: string): void {
    const rows = parseRunLog(this.#readText(path));
    const maxRows = Math.max(1, Math.floor(this.#limits.keepLines * TRIM_TO));
    const maxBytes = Math.floor(this.#limits.maxBytes * TRIM_TO);
    const kept: string[] = [];
    let bytes = 0;
    for (let i = rows.length - 1; i >= 0 && kept.length < maxRows; i--) {
      const line = JSON.stringify(rows[i]) + "\n";
      if (bytes + line.length > maxBytes && kept.length > 0) break;
      kept.push(line);
      bytes += line.length;
    }
    kept.reverse();
    writeFileAtomic(path, kept.join(""));
    this.#counts.set(jobId, kept.length);
  }

  /**
   * A job's rows, oldest first.
   *
   * @param jobId The job.
   */
  read(jobId: string): CronRunLogEntry[] {
    return parseRunLog(this.#readText(this.#path(jobId))).filter((r) => r.jobId === jobId);
  }

  /** The finished row of `runId`, if the log has one (a run that ended just before a crash). */
  findRun(jobId: string, runId: string): CronRunLogEntry | undefined {
    return this.read(jobId).findLast((r) => r.runId === runId);
  }

  /** Ids of every job with a run log (including removed ones), from the rows themselves. */
  jobIds(): string[] {
    const ids: string[] = [];
    try {
      for (const e of Deno.readDirSync(this.dir)) {
        if (e.isFile && e.name.endsWith(".jsonl")) ids.push(e.name.slice(0, -".jsonl".length));
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    return ids;
  }
}
