/**
 * `config.schema.lookup`: the JSON Schema node at one dotted config path and a summary of its
 * immediate children (stock's ConfigSchemaLookupResult), so an editor can render one section
 * without the whole schema. Pure: it walks the schema `config.schema` serves.
 *
 * @module
 */
import { classifyConfigPath } from "../../lib/config/reload_rules.ts";

type Node = Record<string, unknown>;

/** How many `$ref` hops and path segments a lookup follows (the config schema is shallow). */
const MAX_DEPTH = 32;

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows `#/$defs/<name>` references to the node they name. */
function deref(node: Node, root: Node): Node {
  let current = node;
  for (let hops = 0; hops < MAX_DEPTH; hops++) {
    const ref = current.$ref;
    if (typeof ref !== "string" || !ref.startsWith("#/$defs/")) return current;
    const defs = isNode(root.$defs) ? root.$defs : {};
    const name = ref.slice("#/$defs/".length);
    const target = Object.hasOwn(defs, name) ? defs[name] : undefined;
    if (!isNode(target)) return current;
    const { $ref: _ref, ...rest } = current;
    current = { ...target, ...rest };
  }
  return current;
}

/** The union members of a node (`anyOf` / `oneOf` / `allOf`), dereferenced. */
function options(node: Node, root: Node): Node[] {
  const out: Node[] = [];
  for (const k of ["anyOf", "oneOf", "allOf"]) {
    const list = node[k];
    if (Array.isArray(list)) { for (const o of list) if (isNode(o)) out.push(deref(o, root)); }
  }
  return out;
}

function properties(node: Node): Node {
  return isNode(node.properties) ? node.properties : {};
}

/** The child node `segment` names, or undefined. */
function childOf(node: Node, segment: string, root: Node, depth = 0): Node | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = deref(node, root);
  const props = properties(n);
  if (Object.hasOwn(props, segment) && isNode(props[segment])) {
    return deref(props[segment] as Node, root);
  }
  if (isNode(n.items) && (/^\d+$/.test(segment) || segment === "*")) return deref(n.items, root);
  if (isNode(n.additionalProperties)) return deref(n.additionalProperties, root);
  for (const o of options(n, root)) {
    const found = childOf(o, segment, root, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function typeOf(node: Node, root: Node): string | string[] | undefined {
  if (typeof node.type === "string") return node.type;
  if (Array.isArray(node.type)) return node.type.filter((t) => typeof t === "string");
  const types = [...new Set(options(node, root).flatMap((o) => typeOf(o, root) ?? []))];
  if (types.length === 0) return undefined;
  return types.length === 1 ? types[0] : types;
}

function hasChildren(node: Node, root: Node): boolean {
  const n = deref(node, root);
  return Object.keys(properties(n)).length > 0 || isNode(n.items) ||
    isNode(n.additionalProperties) || options(n, root).some((o) => hasChildren(o, root));
}

/** Splits `agents.list[0].id` or `agents.list.0.id` into segments; `""` is the root. */
export function configPathSegments(path: string): string[] {
  const text = path.trim().replace(/\[(\d+|\*)\]/g, ".$1");
  return text === "" || text === "." ? [] : text.split(".").filter((s) => s !== "");
}

/** What {@linkcode lookupConfigSchema} answers. */
export type SchemaLookup =
  | {
    ok: true;
    result: {
      path: string;
      schema: unknown;
      reloadKind: "none" | "hot" | "restart";
      children: Record<string, unknown>[];
    };
  }
  | { ok: false };

/**
 * Finds the schema node at `path` and lists its children with their type, whether they are
 * required, whether they have children of their own, and how a change to them reloads.
 *
 * @param schema The config JSON Schema (with `$defs`).
 * @param path A dotted path (`gateway.auth`, `agents.list.0`); empty for the root.
 * @returns The node and its children, or `{ok:false}` when no such path exists.
 */
export function lookupConfigSchema(schema: Node, path: string): SchemaLookup {
  const segments = configPathSegments(path);
  if (segments.length > MAX_DEPTH) return { ok: false };
  let node: Node | undefined = deref(schema, schema);
  for (const segment of segments) {
    node = childOf(node, segment, schema);
    if (!node) return { ok: false };
  }
  const n = node;
  const required = new Set<unknown>(Array.isArray(n.required) ? n.required : []);
  const props: [string, Node][] = [];
  const seen = new Set<string>();
  for (const source of [n, ...options(n, schema)]) {
    for (const [key, value] of Object.entries(properties(source))) {
      if (seen.has(key) || !isNode(value)) continue;
      seen.add(key);
      props.push([key, value]);
    }
  }
  const base = segments.join(".");
  const children = props.map(([key, value]) => {
    const child = deref(value, schema);
    const childPath = base ? `${base}.${key}` : key;
    const type = typeOf(child, schema);
    return {
      key,
      path: childPath,
      ...(type !== undefined ? { type } : {}),
      required: required.has(key),
      hasChildren: hasChildren(child, schema),
      reloadKind: classifyConfigPath(childPath).class,
    };
  });
  const { $defs: _defs, ...nodeWithoutDefs } = n;
  return {
    ok: true,
    result: {
      path: base || ".",
      schema: nodeWithoutDefs,
      reloadKind: base ? classifyConfigPath(base).class : "restart",
      children,
    },
  };
}
