/**
 * Session transcripts: `<sessionId>.jsonl` beside `sessions.json`, in the shape stock (pi's
 * session format v3) writes. The first line is a header
 * `{type:"session", version:3, id, timestamp, cwd}`; every later line is an entry with `id`,
 * `parentId` and an ISO `timestamp`: `message` (user, assistant, toolResult), `model_change`,
 * `thinking_level_change`, and entry types we do not write but keep when reading.
 *
 * Each append is one write of whole lines followed by fsync. A line torn by a crash (or any
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
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { entries: [], skipped: 0 };
    throw err;
  }
  return parseTranscript(text);
}

async function endsWithNewline(file: Deno.FsFile): Promise<boolean> {
  const { size } = await file.stat();
  if (size === 0) return true;
  await file.seek(size - 1, Deno.SeekMode.Start);
  const buf = new Uint8Array(1);
  const n = await file.read(buf);
  return n !== 1 || buf[0] === 0x0a;
}

/**
 * Appends records as JSON lines in one write, then fsyncs. When the file does not end in a
 * newline (a line torn by a crash), a newline goes first so the torn line stays isolated.
 */
export async function appendTranscriptLines(path: string, records: unknown[]): Promise<void> {
  if (records.length === 0) return;
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  using file = await Deno.open(path, { read: true, append: true, create: true, mode: 0o600 });
  const prefix = (await endsWithNewline(file)) ? "" : "\n";
  const data = new TextEncoder().encode(
    prefix + records.map((r) => JSON.stringify(r)).join("\n") + "\n",
  );
  let off = 0;
  while (off < data.length) off += await file.write(data.subarray(off));
  await file.sync();
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
  try {
    const { size } = await Deno.stat(path);
    if (size > 0) return;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await appendTranscriptLines(path, [header]);
}

/** Appends entries to one transcript, chaining `parentId`s from the last entry. */
export class TranscriptWriter {
  readonly path: string;
  #lastId: string | null;
  readonly #now: () => number;

  constructor(path: string, lastId: string | null, now: () => number = Date.now) {
    this.path = path;
    this.#lastId = lastId;
    this.#now = now;
  }

  /** The id of the last entry written (or read). */
  get lastId(): string | null {
    return this.#lastId;
  }

  /** Appends one entry built from `fields`, returning it with its id and parent. */
  async append<T extends { type: string }>(fields: T): Promise<T & EntryBase> {
    // Stock's key order (type, id, parentId, timestamp, payload) keeps files diffable with its own.
    const { type, ...payload } = fields;
    const entry = {
      type,
      id: newEntryId(),
      parentId: this.#lastId,
      timestamp: new Date(this.#now()).toISOString(),
      ...payload,
    } as unknown as T & EntryBase;
    await appendTranscriptLines(this.path, [entry]);
    this.#lastId = entry.id;
    return entry;
  }
}
