/**
 * `config.schema.lookup`'s walker (gateway/methods/stock_schema_lookup.ts) over the real config
 * schema: paths through objects, `$ref`s, records and arrays, children with reload kinds.
 */
import assert from "node:assert/strict";
import { configJsonSchema } from "../../../lib/config/schema.ts";
import {
  configPathSegments,
  lookupConfigSchema,
} from "../../../gateway/methods/stock_schema_lookup.ts";

const SCHEMA = configJsonSchema();

function found(path: string) {
  const r = lookupConfigSchema(SCHEMA, path);
  assert.ok(r.ok, `no node at ${path}`);
  return r.result;
}

Deno.test("configPathSegments() reads dots and brackets; an empty path is the root", () => {
  assert.deepEqual(configPathSegments("agents.list[0].id"), ["agents", "list", "0", "id"]);
  assert.deepEqual(configPathSegments(" "), []);
  assert.deepEqual(configPathSegments("."), []);
});

Deno.test("lookupConfigSchema() lists the root's sections with their reload kinds", () => {
  const root = found("");
  assert.equal(root.path, ".");
  const byKey = new Map(root.children.map((c) => [c.key, c]));
  assert.equal(byKey.get("gateway")?.reloadKind, "restart");
  assert.equal(byKey.get("channels")?.reloadKind, "hot");
  assert.equal(byKey.get("agents")?.reloadKind, "none");
  assert.equal(byKey.get("gateway")?.hasChildren, true);
  assert.equal((root.schema as Record<string, unknown>).$defs, undefined, "no $defs copy");
});

Deno.test("lookupConfigSchema() follows $refs, records and array items", () => {
  const token = found("gateway.auth.token");
  assert.equal(token.reloadKind, "restart");
  const telegram = found("channels.telegram");
  assert.ok(telegram.children.length > 0);
  const item = found("agents.list.0");
  assert.ok(item.children.some((c) => c.key === "id"), JSON.stringify(item.children));
  assert.equal(found("agents.list[0].id").path, "agents.list.0.id");
});

Deno.test("lookupConfigSchema() answers not found for unknown or prototype paths", () => {
  assert.deepEqual(lookupConfigSchema(SCHEMA, "gateway.nope"), { ok: false });
  assert.deepEqual(lookupConfigSchema(SCHEMA, "__proto__"), { ok: false });
  assert.deepEqual(lookupConfigSchema(SCHEMA, "gateway.constructor"), { ok: false });
  assert.deepEqual(lookupConfigSchema(SCHEMA, "a.".repeat(40)), { ok: false });
});
