/**
 * A small JSON Schema checker for the config editor: enough of draft 2020-12 to report, by path
 * and before anything is sent, what the gateway's own validation would refuse most often
 * (unknown keys, wrong types, values outside an enum or range, bad patterns). The gateway still
 * validates every write; this only makes the common mistakes visible while editing.
 *
 * Supported: `$ref` (`#/$defs/…`), `type`, `enum`, `const`, `anyOf`/`oneOf` (as "any"),
 * `properties`, `additionalProperties`, `required`, `propertyNames`, `items`, `minItems`,
 * `maxItems`, `minimum`, `maximum`, `exclusiveMinimum`, `minLength`, `maxLength`, `pattern`.
 *
 * @module
 */

/** A JSON Schema node (only the keywords above are read). */
export type JsonSchema = Record<string, unknown>;

/** One problem, with the dotted path of the value. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** Most issues reported for one document. */
const MAX_ISSUES = 50;
/** Deepest nesting checked (config documents are shallow; hostile ones are not walked). */
const MAX_DEPTH = 64;

/** Resolves a local `$ref` against the root schema; unknown refs resolve to "anything". */
export function resolveRef(root: JsonSchema, node: JsonSchema): JsonSchema {
  let current = node;
  for (let hops = 0; typeof current.$ref === "string" && hops < 16; hops++) {
    const parts = (current.$ref as string).replace(/^#\//, "").split("/");
    let target: unknown = root;
    for (const p of parts) {
      target = target && typeof target === "object" && Object.hasOwn(target, p)
        ? (target as Record<string, unknown>)[p]
        : undefined;
    }
    if (!target || typeof target !== "object") return {};
    const { $ref: _ref, ...rest } = current;
    current = { ...(target as JsonSchema), ...rest };
  }
  return current;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(want: unknown, value: unknown): boolean {
  const types = Array.isArray(want) ? want : [want];
  const actual = typeOf(value);
  return types.some((t) => t === actual || (t === "number" && actual === "integer"));
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Checks `value` against `schema`; returns the issues found (empty when it passes). */
export function checkSchema(
  root: JsonSchema,
  value: unknown,
  schema: JsonSchema = root,
): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  walk(root, schema, value, "", issues, 0);
  return issues;
}

function walk(
  root: JsonSchema,
  node: JsonSchema,
  value: unknown,
  path: string,
  out: SchemaIssue[],
  depth: number,
): void {
  if (out.length >= MAX_ISSUES || depth > MAX_DEPTH) return;
  const s = resolveRef(root, node);
  const at = path || "<root>";
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) {
    const results = alternatives.map((alt) => {
      const sub: SchemaIssue[] = [];
      walk(root, alt, value, path, sub, depth + 1);
      return sub;
    });
    if (!results.some((r) => r.length === 0)) {
      // Report the branch of the right type when there is one, else a summary.
      const typed = results.find((_issues, i) => {
        const alt = resolveRef(root, alternatives[i]);
        return alt.type === undefined || typeMatches(alt.type, value);
      });
      out.push(...(typed ?? [{ path: at, message: "does not match any allowed form" }]));
    }
    return;
  }
  if (s.type !== undefined && !typeMatches(s.type, value)) {
    out.push({
      path: at,
      message: `expected ${[s.type].flat().join(" or ")}, got ${typeOf(value)}`,
    });
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => e === value)) {
    out.push({
      path: at,
      message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`,
    });
  }
  if (s.const !== undefined && s.const !== value) {
    out.push({ path: at, message: `must be ${JSON.stringify(s.const)}` });
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) {
      out.push({ path: at, message: `must be ≥ ${s.minimum}` });
    }
    if (typeof s.maximum === "number" && value > s.maximum) {
      out.push({ path: at, message: `must be ≤ ${s.maximum}` });
    }
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) {
      out.push({ path: at, message: `must be > ${s.exclusiveMinimum}` });
    }
  }
  if (typeof value === "string") {
    if (typeof s.minLength === "number" && value.length < s.minLength) {
      out.push({
        path: at,
        message: s.minLength === 1
          ? "must not be empty"
          : `must be at least ${s.minLength} characters`,
      });
    }
    if (typeof s.maxLength === "number" && value.length > s.maxLength) {
      out.push({ path: at, message: `must be at most ${s.maxLength} characters` });
    }
    if (typeof s.pattern === "string") {
      try {
        if (!new RegExp(s.pattern, "u").test(value)) {
          out.push({ path: at, message: `does not match ${s.pattern}` });
        }
      } catch { /* a pattern this browser cannot compile is skipped */ }
    }
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) {
      out.push({ path: at, message: `needs at least ${s.minItems} item(s)` });
    }
    if (typeof s.maxItems === "number" && value.length > s.maxItems) {
      out.push({ path: at, message: `allows at most ${s.maxItems} item(s)` });
    }
    if (s.items && typeof s.items === "object") {
      value.forEach((item, i) =>
        walk(root, s.items as JsonSchema, item, join(path, i), out, depth + 1)
      );
    }
  }
  if (typeOf(value) === "object") {
    walkObject(root, s, value as Record<string, unknown>, path, out, depth);
  }
}

function walkObject(
  root: JsonSchema,
  s: JsonSchema,
  value: Record<string, unknown>,
  path: string,
  out: SchemaIssue[],
  depth: number,
): void {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  for (const key of (s.required ?? []) as string[]) {
    if (!Object.hasOwn(value, key)) out.push({ path: join(path, key), message: "is required" });
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = join(path, key);
    if (Object.hasOwn(props, key)) {
      walk(root, props[key], child, childPath, out, depth + 1);
      continue;
    }
    if (s.propertyNames && typeof s.propertyNames === "object") {
      walk(root, s.propertyNames as JsonSchema, key, childPath, out, depth + 1);
    }
    if (s.additionalProperties === false) {
      out.push({ path: childPath, message: "unknown key" });
    } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
      walk(root, s.additionalProperties as JsonSchema, child, childPath, out, depth + 1);
    }
  }
}
