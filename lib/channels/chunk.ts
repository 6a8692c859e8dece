/**
 * Splits Markdown (or plain) text into messages no longer than a platform's limit (Discord
 * 2000, WhatsApp/Feishu 4000, ...). Breaks prefer, in order: a paragraph or code-block boundary,
 * a line end, whitespace, and only then any character (never inside a surrogate pair). A fenced
 * code block cut across messages is closed at the end of one and reopened, with its language,
 * at the start of the next, so each message renders on its own. `mode: "newline"` sends each
 * paragraph as its own message. Telegram's HTML is split by chunk_html.ts instead.
 *
 * @module
 */
import type { ChunkMode } from "./types.ts";

/** Smallest limit accepted (a reopened code fence must fit with room to spare). */
export const MIN_CHUNK_LIMIT = 64;
/** Fence info strings longer than this are not treated as fences. */
const MAX_FENCE_INFO = 64;

/** Options of {@linkcode splitMarkdown} / {@linkcode chunkMarkdown}. */
export interface ChunkOptions {
  /** Longest message, in UTF-16 code units (what platforms count). */
  limit: number;
  /** @default "length" */
  mode?: ChunkMode;
  /** Most lines per message (Discord `maxLinesPerMessage`); at least 3. */
  maxLines?: number;
}

/** One message: `prefix` reopens a code fence, `suffix` closes one; `body` is original text. */
export interface MarkdownChunk {
  prefix: string;
  body: string;
  suffix: string;
}

interface Fence {
  marker: string;
  info: string;
}

interface Piece {
  text: string;
  before: Fence | null;
  after: Fence | null;
  /** A good place to end a message after this piece (paragraph / code-block boundary). */
  boundary: boolean;
  /** A blank line outside code (a paragraph end for `mode: "newline"`). */
  paragraph: boolean;
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

function reopen(f: Fence | null): string {
  return f ? `${f.marker}${f.info}\n` : "";
}

function close(f: Fence | null, bodyEndsWithNewline: boolean): string {
  return f ? `${bodyEndsWithNewline ? "" : "\n"}${f.marker}` : "";
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Cuts `line` into fragments of at most `budget` units, preferring whitespace. */
function hardSplit(line: string, budget: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > budget) {
    let cut = budget;
    const space = rest.lastIndexOf(" ", budget - 1);
    if (space >= budget / 2) cut = space + 1;
    else {
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--; // keep a surrogate pair together
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== "" || out.length === 0) out.push(rest);
  return out;
}

function toPieces(text: string, limit: number): Piece[] {
  const pieces: Piece[] = [];
  let fence: Fence | null = null;
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const last = i === lines.length - 1;
    if (last && raw === "") break;
    const line = last ? raw : `${raw}\n`;
    const before: Fence | null = fence;
    const m = FENCE_LINE.exec(raw);
    let boundary = false;
    if (m && !fence) {
      const info = m[2];
      const backtickInInfo = m[1][0] === "`" && info.includes("`");
      // A fence line must fit a message with room to spare, or it is treated as text.
      if (!backtickInInfo && info.length <= MAX_FENCE_INFO && raw.length <= limit / 4) {
        fence = { marker: m[1], info: info.trim() };
        // End the previous message before a code block rather than inside it.
        if (pieces.length > 0) pieces[pieces.length - 1].boundary = true;
      }
    } else if (
      m && fence && m[1][0] === fence.marker[0] && m[1].length >= fence.marker.length &&
      m[2].trim() === ""
    ) {
      fence = null;
      boundary = true;
    }
    const paragraph = !before && !fence && raw.trim() === "";
    const budget = limit - reopen(before).length - close(fence, false).length - 1;
    for (const part of hardSplit(line, Math.max(1, budget))) {
      pieces.push({ text: part, before, after: fence, boundary: false, paragraph: false });
    }
    const tail = pieces[pieces.length - 1];
    tail.boundary = boundary || paragraph;
    tail.paragraph = paragraph;
  }
  return pieces;
}

class Builder {
  readonly chunks: MarkdownChunk[] = [];
  start: Fence | null = null;
  pieces: Piece[] = [];
  bodyLength = 0;
  bodyNewlines = 0;

  constructor(readonly limit: number, readonly maxLines: number) {}

  #render(pieces: readonly Piece[], start: Fence | null): MarkdownChunk {
    const body = pieces.map((p) => p.text).join("");
    const end = pieces.length > 0 ? pieces[pieces.length - 1].after : start;
    return { prefix: reopen(start), body, suffix: close(end, body === "" || body.endsWith("\n")) };
  }

  /** Whether the message still fits with `piece` added (computed without building it). */
  fits(piece: Piece): boolean {
    const prefix = reopen(this.start);
    const endsWithNewline = piece.text.endsWith("\n");
    const suffix = close(piece.after, endsWithNewline);
    const length = prefix.length + this.bodyLength + piece.text.length + suffix.length;
    if (length > this.limit) return false;
    if (this.maxLines === Number.POSITIVE_INFINITY) return true;
    const breaks = (prefix ? 1 : 0) + this.bodyNewlines + newlines(piece.text) + newlines(suffix);
    const lines = breaks + (suffix === "" && endsWithNewline ? 0 : 1);
    return lines <= this.maxLines;
  }

  add(piece: Piece): void {
    this.pieces.push(piece);
    this.bodyLength += piece.text.length;
    this.bodyNewlines += newlines(piece.text);
  }

  /** Ends the current message after piece `index` and carries the rest into the next one. */
  flush(index = this.pieces.length - 1): void {
    if (this.pieces.length === 0) return;
    const kept = this.pieces.slice(0, index + 1);
    const rest = this.pieces.slice(index + 1);
    this.chunks.push(this.#render(kept, this.start));
    this.start = kept[kept.length - 1].after;
    this.pieces = [];
    this.bodyLength = 0;
    this.bodyNewlines = 0;
    for (const p of rest) this.add(p);
  }

  /** The piece to end the current message after: the last boundary past 40 %, else the last. */
  breakIndex(): number {
    let length = 0;
    let best = -1;
    for (const [i, p] of this.pieces.entries()) {
      length += p.text.length;
      if (p.boundary && !p.after && length >= this.limit * 0.4) best = i;
    }
    return best >= 0 ? best : this.pieces.length - 1;
  }
}

/**
 * Splits text into chunks whose `prefix + body + suffix` fits `limit` (and `maxLines`). The
 * bodies, concatenated, are exactly the input.
 *
 * @param text Markdown or plain text.
 * @param options The limit, the mode and the line cap.
 * @returns The chunks, whitespace-only ones included (see {@linkcode chunkMarkdown}).
 * @throws {RangeError} When `limit` is below {@linkcode MIN_CHUNK_LIMIT} or `maxLines` below 3.
 */
export function splitMarkdown(text: string, options: ChunkOptions): MarkdownChunk[] {
  const { limit } = options;
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  if (!(limit >= MIN_CHUNK_LIMIT)) {
    throw new RangeError(
      `Cannot split at ${limit} characters: expected at least ${MIN_CHUNK_LIMIT}`,
    );
  }
  if (!(maxLines >= 3)) throw new RangeError(`Cannot split at ${maxLines} lines: expected >= 3`);
  const builder = new Builder(limit, maxLines);
  for (const piece of toPieces(text, limit)) {
    while (!builder.fits(piece) && builder.pieces.length > 0) {
      builder.flush(builder.breakIndex());
    }
    builder.add(piece);
    if (options.mode === "newline" && piece.paragraph) builder.flush();
  }
  builder.flush();
  return builder.chunks;
}

/**
 * Splits text into messages of at most `limit` characters (see the module doc); messages that
 * would be only whitespace are left out.
 *
 * @param text Markdown or plain text.
 * @param options The limit, the mode and the line cap.
 * @returns Messages in order; `[]` for blank text.
 * @throws {RangeError} When `limit` is below {@linkcode MIN_CHUNK_LIMIT} or `maxLines` below 3.
 * @example
 * ```ts
 * chunkMarkdown("a".repeat(2500), { limit: 2000 }).map((c) => c.length); // [2000, 500]
 * ```
 */
export function chunkMarkdown(text: string, options: ChunkOptions): string[] {
  return splitMarkdown(text, options)
    .filter((c) => c.body.trim() !== "")
    .map((c) => c.prefix + c.body + c.suffix);
}
