/**
 * Session transcripts: `<sessionId>.jsonl` beside `sessions.json`, in the shape stock (pi's
 * session format v3) writes. The first line is a header
 * `{type:"session", version:3, id, timestamp, cwd}`; every later line is an entry with `id`,
 * `parentId` and an ISO `timestamp`: `message` (user, assistant, toolResult), `model_change`,
 * `thinking_level_change`, and entry types we do not write but keep when reading.
 *
 * Each append is one write of whole lines followed by fdatasync; a turn batches its lines into
 * one append per durable point ({@linkcode TranscriptWriter}). A line torn by a crash (or any
 * line that is not JSON) is skipped on read, and the next append starts on a fresh line, so a
 * killed gateway never makes a transcript unreadable.
 *
 * @module
 */
import { dirname } from "../../paths.ts";

/** Transcript format version we write (stock's current). */
export const TRANSCRIPT_VERSION = 3;

/** A text block. */
export interface TextContent {
  type: "text";
  text: string;
}
/** A reasoning block. */
export interface ThinkingContent {
  type: "thinking";
  thinking: string;
}
/** A tool call the assistant made. */
export interface ToolCallContent {
  type: "toolCall";
  id: string;
  name: string;
  arguments: unknown;
}
/** Any content block (images and future kinds pass through untouched). */
export type ContentBlock =
  | TextContent
  | ThinkingContent
  | ToolCallContent
  | { type: string; [key: string]: unknown };

/** Token usage as stock records it on assistant messages. */
export interface StoredUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
  cost: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number };
}

/** How an assistant message ended (stock's names). */
export type StoredStopReason = "stop" | "length" | "toolUse" | "error" | "aborted";

/** A user message. */
export interface UserMessage {
  role: "user";
  content: string | ContentBlock[];
  timestamp: number;
}
/** An assistant message, with the model that produced it. */
export interface AssistantMessage {
  role: "assistant";
  content: ContentBlock[];
  api: string;
  provider: string;
  model: string;
  usage: StoredUsage;
  stopReason: StoredStopReason;
  errorMessage?: string;
  timestamp: number;
}
/** The result of one tool call. */
export interface ToolResultMessage {
  role: "toolResult";
  toolCallId: string;
  toolName: string;
  content: ContentBlock[];
  isError: boolean;
  timestamp: number;
}
/** Any message a transcript can hold. */
export type StoredMessage =
  | UserMessage
  | AssistantMessage
  | ToolResultMessage
  | { role: string; content?: unknown; timestamp?: number; [key: string]: unknown };

/** The first line of a transcript. */
export interface TranscriptHeader {
  type: "session";
  version: number;
  id: string;
  timestamp: string;
  cwd: string;
}

/** Fields every entry after the header has. */
export interface EntryBase {
  type: string;
  id: string;
  parentId: string | null;
  timestamp: string;
}
/** A message entry (ours also carry `runId` and, for user messages, `channel`). */
export interface MessageEntry extends EntryBase {
  type: "message";
  message: StoredMessage;
  runId?: string;
  channel?: string;
}
/** The model changed (written before the first answer of a different model). */
export interface ModelChangeEntry extends EntryBase {
  type: "model_change";
  provider: string;
  modelId: string;
}
/** The thinking level changed. */
export interface ThinkingLevelChangeEntry extends EntryBase {
  type: "thinking_level_change";
  thinkingLevel: string;
}
/** Any entry; unknown types are kept as read. */
export type TranscriptEntry =
  | MessageEntry
  | ModelChangeEntry
  | ThinkingLevelChangeEntry
  | (EntryBase & Record<string, unknown>);

/** A parsed transcript. */
export interface ParsedTranscript {
  header?: TranscriptHeader;
  entries: TranscriptEntry[];
  /** Lines that were not valid entries (a torn last line, hand edits). */
  skipped: number;
}

/** Returns a new 8-hex-digit entry id (stock's shape). */
export function newEntryId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses transcript text; invalid lines are counted and skipped, never fatal. */
export function parseTranscript(text: string): ParsedTranscript {
  const out: ParsedTranscript = { entries: [], skipped: 0 };
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      out.skipped++;
      continue;
    }
    if (!isObject(value) || typeof value.type !== "string") {
      out.skipped++;
      continue;
    }
    if (value.type === "session") {
      out.header ??= value as unknown as TranscriptHeader;
      continue;
    }
    if (typeof value.id !== "string") {
      out.skipped++;
      continue;
    }
    if (value.type === "message" && !isObject(value.message)) {
      out.skipped++;
      continue;
    }
    out.entries.push(value as unknown as TranscriptEntry);
  }
  return out;
}

/** Reads a transcript; a missing file is an empty transcript. */
export async function readTranscript(path: string): Promise<ParsedTranscript> {
  return await readTranscriptIfAny(path) ?? { entries: [], skipped: 0 };
}

/** Reads a transcript; `undefined` when there is no file (so no second look tells a new one). */
export async function readTranscriptIfAny(path: string): Promise<ParsedTranscript | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  return parseTranscript(text);
}

const encoder = new TextEncoder();

/** Opens a transcript for appending, creating it (and its directory) when missing. */
function openForAppend(path: string): Deno.FsFile {
  const options = { read: true, append: true, create: true, mode: 0o600 };
  try {
    return Deno.openSync(path, options);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    Deno.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return Deno.openSync(path, options);
  }
}

function endsWithNewline(file: Deno.FsFile, size: number): boolean {
  file.seekSync(size - 1, Deno.SeekMode.Start);
  const buf = new Uint8Array(1);
  const n = file.readSync(buf);
  return n !== 1 || buf[0] === 0x0a;
}

/**
 * Appends JSON lines in one write, then one fdatasync. `header` goes first when the file is
 * empty; when the file does not end in a newline (a line torn by a crash), a newline goes first
 * so the torn line stays isolated.
 *
 * Opening, the size check and the write are synchronous: they touch only the page cache and cost
 * microseconds, while each asynchronous file call costs a thread hand-off (~0.2 ms of the event
 * loop's time on a busy machine). Only the fdatasync, the one call that waits for the disk, runs
 * off the event loop.
 */
async function appendJsonLines(
  path: string,
  lines: string[],
  header?: TranscriptHeader,
): Promise<void> {
  using file = openForAppend(path);
  const { size } = file.statSync();
  let text = "";
  if (size === 0) {
    if (header) text = JSON.stringify(header) + "\n";
  } else if (lines.length > 0 && !endsWithNewline(file, size)) {
    text = "\n";
  }
  for (const line of lines) text += line + "\n";
  if (text === "") return;
  const data = encoder.encode(text);
  let off = 0;
  while (off < data.length) off += file.writeSync(data.subarray(off));
  await file.syncData();
}

/**
 * Appends records as JSON lines in one write, then fdatasyncs. When the file does not end in a
 * newline (a line torn by a crash), a newline goes first so the torn line stays isolated.
 */
export async function appendTranscriptLines(path: string, records: unknown[]): Promise<void> {
  if (records.length === 0) return;
  await appendJsonLines(path, records.map((r) => JSON.stringify(r)));
}

/** Returns a transcript header for a new session. */
export function transcriptHeader(sessionId: string, cwd: string, now: number): TranscriptHeader {
  return {
    type: "session",
    version: TRANSCRIPT_VERSION,
    id: sessionId,
    timestamp: new Date(now).toISOString(),
    cwd,
  };
}

/** Writes the header of a new transcript unless the file already has content. */
export async function ensureTranscript(path: string, header: TranscriptHeader): Promise<void> {
  await appendJsonLines(path, [], header);
}

/** Options of {@linkcode TranscriptWriter}. */
export interface TranscriptWriterOptions {
  /** Written before the first entry when the file is empty or missing (a new transcript). */
  header?: TranscriptHeader;
}

/**
 * Appends entries to one transcript, chaining `parentId`s from the last entry. Entries are
 * staged with {@linkcode TranscriptWriter.add} and land with {@linkcode TranscriptWriter.commit}:
 * one write and one fdatasync for all of them, so a turn pays one disk flush per point where its
 * record must be durable (the user's message before the model is called, the answer before it
 * is returned), not one per line. {@linkcode TranscriptWriter.append} is `add` + `commit`.
 */
export class TranscriptWriter {
  readonly path: string;
  #lastId: string | null;
  /** The id of the last entry known to be on disk (where a failed commit rolls back to). */
  #committedId: string | null;
  readonly #now: () => number;
  #header: TranscriptHeader | undefined;
  #staged: string[] = [];

  constructor(
    path: string,
    lastId: string | null,
    now: () => number = Date.now,
    options: TranscriptWriterOptions = {},
  ) {
    this.path = path;
    this.#lastId = lastId;
    this.#committedId = lastId;
    this.#now = now;
    this.#header = options.header;
  }

  /** The id of the last entry added (or read). */
  get lastId(): string | null {
    return this.#lastId;
  }

  /** How many entries are staged and not yet committed. */
  get staged(): number {
    return this.#staged.length;
  }

  /** Stages one entry built from `fields` (no I/O), returning it with its id and parent. */
  add<T extends { type: string }>(fields: T): T & EntryBase {
    // Stock's key order (type, id, parentId, timestamp, payload) keeps files diffable with its own.
    const { type, ...payload } = fields;
    const entry = {
      type,
      id: newEntryId(),
      parentId: this.#lastId,
      timestamp: new Date(this.#now()).toISOString(),
      ...payload,
    } as unknown as T & EntryBase;
    this.#staged.push(JSON.stringify(entry));
    this.#lastId = entry.id;
    return entry;
  }

  /**
   * Writes the staged entries (and the header of a new file) in one append, then fdatasyncs.
   * Nothing staged: nothing written. On failure the staged entries are dropped and the chain
   * continues from the last committed entry.
   */
  async commit(): Promise<void> {
    if (this.#staged.length === 0) return;
    const lines = this.#staged;
    const lastId = this.#lastId;
    this.#staged = [];
    try {
      await appendJsonLines(this.path, lines, this.#header);
    } catch (err) {
      if (this.#lastId === lastId) this.#lastId = this.#committedId;
      throw err;
    }
    this.#header = undefined;
    this.#committedId = lastId;
  }

  /** Appends one entry now (`add` + `commit`, with anything staged before it). */
  async append<T extends { type: string }>(fields: T): Promise<T & EntryBase> {
    const entry = this.add(fields);
    await this.commit();
    return entry;
  }
}
