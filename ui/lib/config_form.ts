/**
 * The config form: fields generated from the gateway's JSON Schema (`config.schema`) for the
 * sections people change most, each marked when changing it needs a gateway restart (the same
 * reload table the gateway uses), and the edits turned into a JSON merge patch for
 * `config.patch`, which writes only those keys and keeps the file's comments.
 *
 * @module
 */
import { classifyConfigPath } from "../../lib/config/reload_rules.ts";
import { checkSchema, type JsonSchema, resolveRef } from "./json_schema.ts";

/** How a field is edited. */
export type FieldKind = "text" | "number" | "boolean" | "enum" | "list" | "secret";

/** One generated form field. */
export interface FormField {
  /** Dotted config path (`gateway.port`). */
  key: string;
  path: string[];
  label: string;
  kind: FieldKind;
  description?: string;
  options?: string[];
  /** Changing it restarts the gateway (gateway.*, discovery, plugins…). */
  restart: boolean;
  schema: JsonSchema;
}

/** A group of fields. */
export interface FormSection {
  id: string;
  title: string;
  fields: FormField[];
}

/** The sections the form shows: [id, title, path, how deep to look]. */
export const FORM_SECTIONS: readonly [string, string, string[], number][] = [
  ["gateway", "Gateway", ["gateway"], 2],
  ["agents", "Agent defaults", ["agents", "defaults"], 2],
  ["logging", "Logging", ["logging"], 1],
  ["session", "Sessions", ["session"], 1],
  ["cron", "Cron", ["cron"], 1],
  ["tools", "Tools", ["tools"], 1],
];

/** Bookkeeping the wizard and the CLI write; not edited by hand. */
const HIDDEN = /(^|\.)(wizard|meta)(\.|$)/;

function humanize(path: string[]): string {
  return path.join(" › ");
}

/** True for a SecretRef object (`{source, provider, id}`), alone or as a union of variants. */
function isSecretRef(root: JsonSchema, node: JsonSchema, depth = 0): boolean {
  const props = node.properties as Record<string, unknown> | undefined;
  if (props && Object.hasOwn(props, "source") && Object.hasOwn(props, "id")) return true;
  const alts = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  return depth < 2 && Array.isArray(alts) &&
    alts.some((a) => isSecretRef(root, resolveRef(root, a), depth + 1));
}

function fieldFor(root: JsonSchema, node: JsonSchema, path: string[]): FormField | undefined {
  const s = resolveRef(root, node);
  const key = path.join(".");
  const base = {
    key,
    path,
    label: humanize(path.slice(-2)),
    description: typeof s.description === "string" ? s.description : undefined,
    restart: classifyConfigPath(key).class === "restart",
    schema: node,
  };
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alts)) {
    const resolved = alts.map((a) => resolveRef(root, a));
    if (resolved.some((a) => isSecretRef(root, a))) {
      return { ...base, kind: "secret" };
    }
    if (resolved.some((a) => a.type === "string" || a.type === "number" || a.type === "integer")) {
      return { ...base, kind: "text" };
    }
    return undefined;
  }
  if (Array.isArray(s.enum) && s.enum.every((e) => typeof e === "string")) {
    return { ...base, kind: "enum", options: s.enum as string[] };
  }
  if (s.type === "boolean") return { ...base, kind: "boolean" };
  if (s.type === "integer" || s.type === "number") return { ...base, kind: "number" };
  if (s.type === "string") return { ...base, kind: "text" };
  if (s.type === "array" && resolveRef(root, (s.items ?? {}) as JsonSchema).type === "string") {
    return { ...base, kind: "list" };
  }
  return undefined;
}

function collect(
  root: JsonSchema,
  node: JsonSchema,
  path: string[],
  depth: number,
  out: FormField[],
) {
  const s = resolveRef(root, node);
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (!props) return;
  for (const [name, child] of Object.entries(props)) {
    const childPath = [...path, name];
    if (HIDDEN.test(childPath.join("."))) continue;
    const field = fieldFor(root, child, childPath);
    if (field) out.push(field);
    else if (depth > 1) collect(root, child, childPath, depth - 1, out);
  }
}

/** Builds the form sections from the config JSON Schema. */
export function buildFormSections(root: JsonSchema): FormSection[] {
  const sections: FormSection[] = [];
  for (const [id, title, path, depth] of FORM_SECTIONS) {
    let node: JsonSchema | undefined = root;
    for (const p of path) {
      const props: Record<string, JsonSchema> | undefined = node
        ? resolveRef(root, node).properties as Record<string, JsonSchema> | undefined
        : undefined;
      node = props && Object.hasOwn(props, p) ? props[p] : undefined;
    }
    if (!node) continue;
    const fields: FormField[] = [];
    collect(root, node, path, depth, fields);
    if (fields.length) sections.push({ id, title, fields });
  }
  return sections;
}

/** Reads the value at `path` (undefined when absent). */
export function valueAt(config: unknown, path: readonly string[]): unknown {
  let v = config;
  for (const p of path) {
    if (!v || typeof v !== "object" || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** The text a field shows for a value. */
export function displayValue(field: FormField, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.kind === "list" && Array.isArray(value)) return value.join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The outcome of reading what the user typed. */
export type ParsedField = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Converts a field's input to a config value and checks it against the field's schema. Empty
 * input means "unset" (`null` in the merge patch). `text` fields with a numeric alternative
 * (e.g. heartbeat `every`) take a number when the text is one and a string is not allowed.
 */
export function parseField(
  root: JsonSchema,
  field: FormField,
  input: string | boolean,
): ParsedField {
  if (field.kind === "boolean") return { ok: true, value: input === true };
  const text = String(input).trim();
  if (text === "") return { ok: true, value: null };
  const candidates: unknown[] = [];
  if (field.kind === "number") candidates.push(Number(text));
  else if (field.kind === "list") {
    candidates.push(text.split(",").map((s) => s.trim()).filter(Boolean));
  } else {
    candidates.push(text);
    if (/^-?\d+(\.\d+)?$/.test(text)) candidates.push(Number(text));
  }
  let first: string | undefined;
  for (const value of candidates) {
    if (typeof value === "number" && !Number.isFinite(value)) continue;
    const issues = checkSchema(root, value, field.schema);
    if (issues.length === 0) return { ok: true, value };
    first ??= issues[0].message;
  }
  return { ok: false, error: first ?? "not a number" };
}

/** One pending change, for the diff shown before applying. */
export interface FieldChange {
  key: string;
  before: unknown;
  after: unknown;
  restart: boolean;
}

/** Lists the edits that change something (an edit back to the current value is dropped). */
export function pendingChanges(
  fields: FormField[],
  config: unknown,
  edits: Map<string, unknown>,
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    if (!edits.has(field.key)) continue;
    const before = valueAt(config, field.path);
    const after = edits.get(field.key);
    if (JSON.stringify(before ?? null) === JSON.stringify(after ?? null)) continue;
    out.push({ key: field.key, before, after, restart: field.restart });
  }
  return out;
}

/** Builds the JSON merge patch for `config.patch` (`null` unsets a key). */
export function buildMergePatch(changes: FieldChange[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const change of changes) {
    const path = change.key.split(".");
    let node = patch;
    for (const p of path.slice(0, -1)) {
      const next = Object.hasOwn(node, p) ? node[p] : undefined;
      node = (node[p] = next && typeof next === "object" ? next : {}) as Record<string, unknown>;
    }
    node[path[path.length - 1]] = change.after ?? null;
  }
  return patch;
}
