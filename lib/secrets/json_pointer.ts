/**
 * RFC 6901 JSON pointers, as file SecretRef ids use them: `/providers/openai/apiKey`, with `~1`
 * for `/` and `~0` for `~` inside a key.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pointerError(pointer: string, why: string): OpenClawError {
  return new OpenClawError("JSON_POINTER_INVALID", `Invalid JSON pointer "${pointer}": ${why}`, {
    hint: 'Use an absolute pointer such as "/providers/openai/apiKey" (~1 for "/", ~0 for "~")',
  });
}

/**
 * Splits an absolute JSON pointer into unescaped keys (`"/a~1b/c"` -> `["a/b", "c"]`).
 *
 * @throws {OpenClawError} `JSON_POINTER_INVALID` when it does not start with `/` or has a `~` not
 *   followed by `0` or `1`.
 */
export function parseJsonPointer(pointer: string): string[] {
  if (!pointer.startsWith("/")) throw pointerError(pointer, 'it must start with "/"');
  if (/~(?![01])/.test(pointer)) throw pointerError(pointer, '"~" must be written "~0" or "~1"');
  return pointer.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Escapes keys into an absolute JSON pointer (the inverse of {@linkcode parseJsonPointer}). */
export function formatJsonPointer(keys: readonly string[]): string {
  return keys.map((k) => "/" + k.replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

/**
 * Reads the value a pointer names: `{ found: false }` when a step is missing. Array steps take a
 * decimal index; `__proto__` and friends are only found as own keys.
 *
 * @throws {OpenClawError} `JSON_POINTER_INVALID` for a malformed pointer.
 */
export function readJsonPointer(
  doc: unknown,
  pointer: string,
): { found: true; value: unknown } | { found: false; at: string } {
  let cur = doc;
  const keys = parseJsonPointer(pointer);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(key) && Number(key) < cur.length) {
      cur = cur[Number(key)];
    } else if (isRecord(cur) && Object.hasOwn(cur, key)) {
      cur = cur[key];
    } else {
      return { found: false, at: formatJsonPointer(keys.slice(0, i + 1)) };
    }
  }
  return { found: true, value: cur };
}

/**
 * Returns a copy of `doc` with `value` stored at `pointer`, creating objects on the way.
 *
 * @throws {OpenClawError} `JSON_POINTER_INVALID` for a malformed pointer, the root pointer, or
 *   a step through something that is not an object.
 */
export function setJsonPointer(doc: unknown, pointer: string, value: unknown): unknown {
  const keys = parseJsonPointer(pointer);
  if (pointer === "" || keys.length === 0) throw pointerError(pointer, "it names the whole file");
  const set = (node: unknown, i: number): unknown => {
    if (i === keys.length) return value;
    if (node !== undefined && !isRecord(node)) {
      const at = formatJsonPointer(keys.slice(0, i)) || "/";
      throw pointerError(pointer, `"${at}" is not an object`);
    }
    const base = node ?? {};
    const out: Record<string, unknown> = Object.create(null);
    Object.assign(out, base);
    // defineProperty so a "__proto__" key is stored as data, never as the prototype.
    const child = Object.hasOwn(base, keys[i]) ? base[keys[i]] : undefined;
    Object.defineProperty(out, keys[i], {
      value: set(child, i + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return { ...out };
  };
  return set(doc, 0);
}
