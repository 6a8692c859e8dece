/**
 * Frame parsing without zod: everything {@linkcode parseFrame} in frames.ts decides by hand (JSON,
 * nesting, `__proto__`, object shape, frame type, the well-formed request every client sends
 * after the handshake). Only a frame that needs its schema -- a response, an event, an unusual
 * request -- loads frames.ts and zod, so a connection that sends valid requests never does.
 *
 * @module
 */
import { MAX_FRAME_DEPTH } from "./constants.ts";
import type { Frame, RequestFrame } from "./frames.ts";

/** Result of {@linkcode parseFrame}: a frame, or a readable reason (and the id, if one was readable). */
export type ParseFrameResult =
  | { ok: true; frame: Frame }
  | { ok: false; error: string; id?: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);

/** Below this length a frame is scanned a character at a time (no regex matches to allocate). */
const SHORT_FRAME = 4096;

/**
 * Scans JSON text for nesting deeper than `max` without parsing it. Short text (every request
 * of a busy client) is walked a character at a time; long text jumps between structural
 * characters with a regex so long string values (attachments) cost little.
 */
function nestsDeeperThan(text: string, max: number): boolean {
  if (fewOpeners(text, max)) return false;
  if (text.length <= SHORT_FRAME) return shortNestsDeeperThan(text, max);
  const structural = /["[\]{}]/g;
  let depth = 0;
  for (let m = structural.exec(text); m; m = structural.exec(text)) {
    const c = text.charCodeAt(m.index);
    if (c === QUOTE) {
      // Skip to the closing quote: one preceded by an even number of backslashes.
      let from = m.index + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return false; // unterminated string: JSON.parse rejects it
        let slashes = 0;
        for (let i = q - 1; i > m.index && text.charCodeAt(i) === BACKSLASH; i--) slashes++;
        from = q + 1;
        if (slashes % 2 === 0) break;
      }
      structural.lastIndex = from;
    } else if (OPENERS.has(c)) {
      if (++depth > max) return true;
    } else depth--;
  }
  return false;
}

/**
 * True when `text` holds at most `max` opening brackets (in strings or not), so it cannot nest
 * deeper than `max`: a request holds a handful, found by `indexOf` rather than a walk over every
 * character in JavaScript.
 */
function fewOpeners(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf("{"); i >= 0; i = text.indexOf("{", i + 1)) if (++n > max) return false;
  for (let i = text.indexOf("["); i >= 0; i = text.indexOf("[", i + 1)) if (++n > max) return false;
  return true;
}

/** {@linkcode nestsDeeperThan} for short text: the same answer, one pass, no allocation. */
function shortNestsDeeperThan(text: string, max: number): boolean {
  const n = text.length;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: a backslash escapes the next unit, so the closing quote is the first one
      // preceded by an even number of backslashes, as in the long scan.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      if (i >= n) return false; // unterminated string: JSON.parse rejects it
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

function cut(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}\u2026` : text;
}

/**
 * Parses JSON the way frames need it: `__proto__` keys anywhere are refused (a merge or
 * `Object.assign` downstream could otherwise change prototypes), and only text that might hold
 * one pays for the slower reviver pass.
 */
function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let forbidden = false;
  try {
    // A key can spell __proto__ with \u escapes, so any escape takes the careful path too.
    const careful = text.includes("__proto__") || text.includes("\\u");
    const value = careful
      ? JSON.parse(text, (key, v) => {
        if (key === "__proto__") forbidden = true;
        return v;
      })
      : JSON.parse(text);
    if (forbidden) return { ok: false, error: 'forbidden key "__proto__"' };
    return { ok: true, value };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `not valid JSON (${cut(reason)})` };
  }
}

/**
 * The `id` of a frame too deep to parse, when it comes before the first nested value (clients
 * write `{"type":"req","id":...,"method":...,"params":...}`), so the error still reaches its caller.
 */
function idBeforeNesting(text: string): string | undefined {
  const start = text.indexOf("{");
  if (start < 0) return undefined;
  const nested = text.slice(start + 1).search(/[[{]/);
  const head = nested < 0 ? text : text.slice(0, start + 1 + nested);
  const m = /"id"\s*:\s*("(?:[^"\\]|\\.){1,256}")/.exec(head);
  if (!m) return undefined;
  try {
    const id = JSON.parse(m[1]);
    return typeof id === "string" && id !== "" ? id : undefined;
  } catch {
    return undefined;
  }
}

function readableId(value: Record<string, unknown>): string | undefined {
  return typeof value.id === "string" && value.id !== "" ? value.id : undefined;
}

/** The frame types that have a schema; any other type is refused before one is needed. */
const FRAME_TYPES = new Set(["req", "res", "event"]);

/** A frame that passed every hand check and now needs its type's schema for the answer. */
export interface FrameForSchema {
  /** `req`, `res` or `event`. */
  readonly type: "req" | "res" | "event";
  /** The parsed object. */
  readonly record: Record<string, unknown>;
}

/**
 * Everything of parsing a frame that needs no schema: returns the final answer, or the object
 * and its type when only the type's schema can decide (see frames.ts `checkFrameSchema`).
 */
export function preparseFrame(text: string): ParseFrameResult | FrameForSchema {
  if (typeof text !== "string") return { ok: false, error: "invalid frame: expected text" };
  const plain = PLAIN_REQUEST.exec(text);
  if (plain) {
    // Exactly what JSON.parse and the request checks below make of this text, built directly.
    const frame: RequestFrame = { type: "req", id: plain[1], method: plain[2] };
    if (plain[3] !== undefined) frame.params = {};
    return { ok: true, frame };
  }
  if (nestsDeeperThan(text, MAX_FRAME_DEPTH)) {
    const id = idBeforeNesting(text);
    return {
      ok: false,
      ...(id ? { id } : {}),
      error: `invalid frame: nested deeper than ${MAX_FRAME_DEPTH} levels`,
    };
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { ok: false, error: `invalid frame: ${parsed.error}` };
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      ok: false,
      error: `invalid frame: expected a JSON object, got ${describeJson(value)}`,
    };
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  // The common case, a well-formed request, is checked by hand: it is every frame a client sends
  // after the handshake. Anything unusual goes through zod for the exact error text.
  if (type === "req") {
    const fast = wellFormedRequest(record);
    if (fast) return { ok: true, frame: fast };
  }
  if (typeof type !== "string") {
    return failedWithId(
      `invalid frame: type: ${type === undefined ? "required" : "expected string"}`,
      record,
    );
  }
  if (!FRAME_TYPES.has(type)) {
    return failedWithId(`invalid frame: unknown type ${cut(JSON.stringify(type), 40)}`, record);
  }
  return { type: type as FrameForSchema["type"], record };
}

/** True when {@linkcode preparseFrame} left the answer to a schema. */
export function needsSchema(r: ParseFrameResult | FrameForSchema): r is FrameForSchema {
  return !("ok" in r);
}

let framesModule: typeof import("./frames.ts") | undefined;

/**
 * {@linkcode parseFrame} of frames.ts for the server: the same answer for every text, returned
 * synchronously unless the frame needs a schema and zod has not been loaded yet (then it is
 * loaded once, and the answer comes as a promise).
 */
export function readFrame(text: string): ParseFrameResult | Promise<ParseFrameResult> {
  const pre = preparseFrame(text);
  if (!needsSchema(pre)) return pre;
  if (framesModule) return framesModule.checkFrameSchema(pre);
  return import("./frames.ts").then((m) => {
    framesModule = m;
    return m.checkFrameSchema(pre);
  });
}

/** A parse failure carrying the frame's id when it has a readable one. */
export function failedWithId(error: string, record: Record<string, unknown>): ParseFrameResult {
  const id = readableId(record);
  return id === undefined ? { ok: false, error } : { ok: false, error, id };
}

/**
 * The request most clients send most often, in their key order and without whitespace:
 * `{"type":"req","id":"...","method":"..."}`, optionally with `"params":{}` last, both strings free
 * of escapes and control characters (which JSON forbids unescaped). {@linkcode parseFrame}
 * builds it without JSON.parse; anything else takes the general path.
 */
const PLAIN_REQUEST =
  // deno-lint-ignore no-control-regex -- JSON strings cannot hold raw control characters
  /^\{"type":"req","id":"([^"\\\x00-\x1f]+)","method":"([^"\\\x00-\x1f]+)"(,"params":\{\})?\}$/;

const REQUEST_KEYS = new Set([
  "type",
  "id",
  "method",
  "params",
  "traceparent",
  "expectedProfileId",
]);

/** Returns `record` as a request frame when it obviously satisfies RequestFrameSchema. */
function wellFormedRequest(record: Record<string, unknown>): RequestFrame | undefined {
  for (const key in record) if (!REQUEST_KEYS.has(key)) return undefined;
  const { id, method, traceparent, expectedProfileId } = record;
  if (typeof id !== "string" || id === "" || typeof method !== "string" || method === "") {
    return undefined;
  }
  if (traceparent !== undefined && (typeof traceparent !== "string" || traceparent.length > 128)) {
    return undefined;
  }
  if (
    expectedProfileId !== undefined &&
    (typeof expectedProfileId !== "string" || expectedProfileId.length < 1 ||
      expectedProfileId.length > 128)
  ) return undefined;
  return record as RequestFrame;
}
