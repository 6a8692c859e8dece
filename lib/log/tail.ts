/**
 * Reading the end of a log file by byte cursor: what `logs.tail` serves and what `openclaw logs`
 * reads directly when the gateway is down. Only whole lines are returned; a line still being
 * written is left for the next call.
 *
 * @module
 */

/** Options for {@linkcode tailLogFile}. */
export interface TailOptions {
  /** Byte offset from the previous call; omit for the end of the file. */
  cursor?: number;
  /** Most lines to return. @default 500 */
  limit?: number;
  /** Most bytes to read. @default 250000 */
  maxBytes?: number;
}

/** The `logs.tail` result. */
export interface TailResult {
  file: string;
  /** Pass back as `cursor` to continue after the last returned line. */
  cursor: number;
  size: number;
  lines: string[];
  /** Lines or bytes were skipped to respect `limit`/`maxBytes`. */
  truncated: boolean;
  /** The cursor was past the end (the file was rotated or replaced): reading restarted. */
  reset: boolean;
  skippedBytes?: number;
}

/** Reads complete lines from `file` after `cursor` within the limits. */
export async function tailLogFile(file: string, options: TailOptions = {}): Promise<TailResult> {
  const limit = Math.max(1, Math.min(5000, options.limit ?? 500));
  const maxBytes = Math.max(1, Math.min(1_000_000, options.maxBytes ?? 250_000));
  let f: Deno.FsFile;
  try {
    f = await Deno.open(file, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return {
        file,
        cursor: 0,
        size: 0,
        lines: [],
        truncated: false,
        reset: (options.cursor ?? 0) > 0,
      };
    }
    throw err;
  }
  try {
    const size = (await f.stat()).size;
    let reset = false;
    let start: number;
    if (options.cursor === undefined) {
      start = Math.max(0, size - maxBytes);
    } else if (options.cursor > size) {
      reset = true;
      start = Math.max(0, size - maxBytes);
    } else {
      start = options.cursor;
    }
    let skippedBytes = 0;
    if (size - start > maxBytes) {
      skippedBytes = size - maxBytes - start;
      start = size - maxBytes;
    }
    const buf = new Uint8Array(size - start);
    await f.seek(start, Deno.SeekMode.Start);
    let off = 0;
    while (off < buf.length) {
      const n = await f.read(buf.subarray(off));
      if (n === null) break;
      off += n;
    }
    let text = new TextDecoder().decode(buf.subarray(0, off));
    let consumedStart = start;
    // Starting mid-file: the first line is partial unless we start right after a newline.
    const midLine = start > 0 && (options.cursor === undefined || reset || skippedBytes > 0);
    if (midLine) {
      const nl = text.indexOf("\n");
      const dropped = nl < 0 ? text : text.slice(0, nl + 1);
      consumedStart += new TextEncoder().encode(dropped).length;
      text = nl < 0 ? "" : text.slice(nl + 1);
    }
    const lastNl = text.lastIndexOf("\n");
    const complete = lastNl < 0 ? "" : text.slice(0, lastNl);
    const cursor = lastNl < 0
      ? consumedStart
      : consumedStart + new TextEncoder().encode(text.slice(0, lastNl + 1)).length;
    let lines = complete === "" ? [] : complete.split("\n");
    let truncated = start > 0 && options.cursor === undefined || skippedBytes > 0 || midLine;
    if (lines.length > limit) {
      lines = lines.slice(-limit);
      truncated = true;
    }
    return {
      file,
      cursor,
      size,
      lines,
      truncated,
      reset,
      ...(skippedBytes ? { skippedBytes } : {}),
    };
  } finally {
    f.close();
  }
}
