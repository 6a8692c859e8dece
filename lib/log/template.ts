/**
 * Message templates: `"subsystem {id} started in {durationMs} ms"` filled from a properties
 * object into a record's `message` array (text and values alternating).
 *
 * The rules are LogTape's (openclaw logged through it before; the file and console lines must not
 * change): `{name}` takes the property `name` (surrounding spaces ignored), a missing one is
 * `undefined`; `{a.b}`, `{a?.b}`, `{a[0]}` and `{a["b-c"]}` reach into nested values when no
 * property has that exact name; `{*}` is the whole properties object; `{{` and `}}` are literal
 * braces; a `{` with no closing `}` is plain text.
 *
 * One deliberate difference: names are looked up as own properties only, so `{constructor}` or
 * `{__proto__}` in a message (a runtime string that happens to contain braces) is `undefined`,
 * never a function from `Object.prototype`.
 *
 * @module
 */

/**
 * Splits `template` at its placeholders and fills them from `properties`: the result starts and
 * ends with text, and values sit at the odd indexes.
 *
 * @param template The message template.
 * @param properties The values placeholders name.
 * @returns Text and values, alternating.
 * @example
 * ```ts
 * parseMessageTemplate("took {ms} ms", { ms: 12 }); // ["took ", 12, " ms"]
 * parseMessageTemplate("{{literal}}", {}); // ["{literal}"]
 * ```
 */
export function parseMessageTemplate(
  template: string,
  properties: Record<string, unknown>,
): unknown[] {
  const length = template.length;
  if (length === 0) return [""];
  if (!template.includes("{")) return [template];
  const message: unknown[] = [];
  let start = 0;
  for (let i = 0; i < length; i++) {
    const char = template[i];
    if (char === "{") {
      if (template[i + 1] === "{") {
        i++;
        continue;
      }
      const close = template.indexOf("}", i + 1);
      if (close === -1) continue;
      message.push(unescapeBraces(template.slice(start, i)));
      message.push(placeholderValue(template.slice(i + 1, close), properties));
      i = close;
      start = i + 1;
    } else if (char === "}" && template[i + 1] === "}") {
      i++;
    }
  }
  message.push(unescapeBraces(template.slice(start)));
  return message;
}

function unescapeBraces(text: string): string {
  return text.replaceAll("{{", "{").replaceAll("}}", "}");
}

function placeholderValue(key: string, properties: Record<string, unknown>): unknown {
  const trimmed = key.trim();
  if (trimmed === "*") {
    if (Object.hasOwn(properties, key)) return properties[key];
    return Object.hasOwn(properties, "*") ? properties["*"] : properties;
  }
  const name = Object.hasOwn(properties, key) ? key : trimmed;
  const value = Object.hasOwn(properties, name) ? properties[name] : undefined;
  if (value !== undefined || !isNestedPath(trimmed)) return value;
  return resolvePropertyPath(properties, trimmed);
}

function isNestedPath(key: string): boolean {
  return key.includes(".") || key.includes("[") || key.includes("?.");
}

// Own properties only, and never the names that lead to prototypes (nested steps).
function ownValue(obj: unknown, key: string): unknown {
  if (key === "__proto__" || key === "prototype" || key === "constructor") return undefined;
  if ((typeof obj !== "object" && typeof obj !== "function") || obj === null) return undefined;
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * Resolves `user.name`, `users[0].email`, `user["full-name"]`, `user?.profile` in `obj`;
 * `undefined` for a missing step or a malformed path.
 *
 * @param obj The object to walk.
 * @param path The property path.
 * @returns The value at the path, or `undefined`.
 * @example
 * ```ts
 * resolvePropertyPath({ users: [{ name: "a" }] }, "users[0].name"); // "a"
 * ```
 */
export function resolvePropertyPath(obj: unknown, path: string): unknown {
  if (obj === null || obj === undefined || path.length === 0 || path.endsWith(".")) {
    return undefined;
  }
  let current = obj;
  let i = 0;
  while (i < path.length) {
    if (path.startsWith("?.", i)) i += 2;
    if (current === null || current === undefined) return undefined;
    const step = nextSegment(path, i);
    if (step === null) return undefined;
    i = step.next;
    current = typeof step.segment === "string"
      ? ownValue(current, step.segment)
      : Array.isArray(current) && step.segment >= 0 && step.segment < current.length
      ? current[step.segment]
      : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

// One step of a path from `from`: `name`, `[3]`, `["quoted"]` or `['quoted']`; null if malformed.
function nextSegment(
  path: string,
  from: number,
): { segment: string | number; next: number } | null {
  const len = path.length;
  let i = from;
  if (i >= len) return null;
  let segment: string | number;
  if (path[i] === "[") {
    i++;
    if (i >= len) return null;
    const quote = path[i];
    if (quote === '"' || quote === "'") {
      i++;
      let text = "";
      while (i < len && path[i] !== quote) {
        if (path[i] === "\\" && i + 1 < len) {
          i++;
          const c = path[i];
          const code = c === "u" && i + 4 < len
            ? Number.parseInt(path.slice(i + 1, i + 5), 16)
            : Number.NaN;
          if (!Number.isNaN(code)) {
            text += String.fromCharCode(code);
            i += 4;
          } else text += Object.hasOwn(ESCAPES, c) ? ESCAPES[c] : c;
        } else if (path[i] !== "\\") {
          text += path[i];
        }
        i++;
      }
      if (i >= len) return null;
      segment = text;
      i++;
    } else {
      const start = i;
      while (i < len && path[i] !== "]" && path[i] !== "'" && path[i] !== '"') i++;
      if (i >= len || i === start) return null;
      const text = path.slice(start, i);
      const index = Number(text);
      segment = Number.isNaN(index) ? text : index;
    }
    while (i < len && path[i] !== "]") i++;
    if (i < len) i++;
  } else {
    const start = i;
    while (i < len && path[i] !== "." && path[i] !== "[" && path[i] !== "?" && path[i] !== "]") {
      i++;
    }
    segment = path.slice(start, i);
    if (segment.length === 0) return null;
  }
  if (i < len && path[i] === ".") i++;
  return { segment, next: i };
}
