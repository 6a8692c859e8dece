/**
 * A method result serialized ahead of time. The connection splices `text` into the response
 * frame as the payload instead of running `JSON.stringify` over the result, so a method whose
 * answer is mostly the same between calls (`health`) serializes that part once.
 *
 * @module
 */

/** A payload that is already JSON text (see the module doc). */
export class JsonText {
  /** The payload as JSON text (an object, array or primitive, exactly as it goes on the wire). */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** Keeps `JSON.stringify` of anything holding it correct (slowly) outside the connection. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** Values made by {@linkcode freezeJson}, with their JSON text once asked for. */
const frozen = new WeakMap<object, { text?: string }>();

/** Nesting deeper than this is not copied (no section of `health` comes close). */
const MAX_DEPTH = 32;

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function copy(value: unknown, depth: number): { ok: boolean; value?: unknown } {
  if (value === null || typeof value !== "object") {
    const kind = typeof value;
    // Functions, symbols and bigints have no plain JSON form (or a `toJSON` of their own).
    return { ok: kind !== "function" && kind !== "symbol" && kind !== "bigint", value };
  }
  if (depth >= MAX_DEPTH) return { ok: false };
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return { ok: false };
    const out: unknown[] = [];
    for (const item of value) {
      const c = copy(item, depth + 1);
      if (!c.ok) return c;
      out.push(c.value);
    }
    return { ok: true, value: Object.freeze(out) };
  }
  if (!isPlain(value)) return { ok: false }; // a Date, a Map, a class: its JSON is its own
  const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
  for (const key of Object.keys(value)) {
    const field = Object.getOwnPropertyDescriptor(value, key);
    // A getter may answer differently next time: such data is not frozen.
    if (!field || !("value" in field)) return { ok: false };
    const c = copy(field.value, depth + 1);
    if (!c.ok) return c;
    // Defined, not assigned: a `__proto__` key stays a key.
    Object.defineProperty(out, key, {
      value: c.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { ok: true, value: Object.freeze(out) };
}

/**
 * A deep, frozen copy of plain JSON-like data (plain or null-prototype objects with data
 * properties, arrays, primitives; key order kept) whose JSON text {@linkcode jsonTextOf} computes once: nothing in
 * it can change, so neither can its text. A section of `health` built this way is served as the
 * same object, and the same text, until what it shows changes.
 *
 * @param value The data (not changed).
 * @returns The frozen copy, or undefined when the value holds anything else (a function, a
 *   Date, a class instance, nesting deeper than 32): then it has to be serialized every time.
 */
export function freezeJson<T>(value: T): T | undefined {
  const c = copy(value, 0);
  if (!c.ok) return undefined;
  if (typeof c.value === "object" && c.value !== null) frozen.set(c.value, {});
  return c.value as T;
}

/** True when `value` was made by {@linkcode freezeJson} (so it and its text never change). */
export function isFrozenJson(value: unknown): boolean {
  return typeof value === "object" && value !== null && frozen.has(value);
}

/**
 * `JSON.stringify(value)`, computed once per value made by {@linkcode freezeJson}.
 *
 * @param value Any value.
 * @returns Its JSON text (undefined where `JSON.stringify` gives undefined).
 */
export function jsonTextOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const entry = frozen.get(value);
  if (!entry) return JSON.stringify(value);
  return entry.text ??= JSON.stringify(value);
}

/**
 * True when `a` and `b` are plain JSON-like data with the same JSON text (same keys in the same
 * order, same values), judged without serializing. Anything else (a Date, a class instance, a
 * function) counts as different, so a caller keying a cache on it only rebuilds more often.
 *
 * @param a Data, e.g. a copy made by {@linkcode freezeJson}.
 * @param b Data to compare.
 * @param depth How deep the comparison is already (it gives up, "different", past 32).
 * @returns Whether `JSON.stringify(a) === JSON.stringify(b)` is sure to hold.
 */
export function sameJsonData(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return typeof a !== "function" && typeof a !== "bigint";
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    if (Object.getPrototypeOf(a) !== Array.prototype) return false;
    if (Object.getPrototypeOf(b) !== Array.prototype) return false;
    for (let i = 0; i < a.length; i++) if (!sameJsonData(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const key = ka[i];
    if (key !== kb[i]) return false;
    const va = (a as Record<string, unknown>)[key];
    const vb = (b as Record<string, unknown>)[key];
    if (!sameJsonData(va, vb, depth + 1)) return false;
  }
  return true;
}
