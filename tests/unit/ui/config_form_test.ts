/** The config form is generated from the gateway's real JSON Schema. */
import assert from "node:assert/strict";
import { configJsonSchema } from "../../../lib/config/schema.ts";
import {
  buildFormSections,
  buildMergePatch,
  type FormField,
  parseField,
  pendingChanges,
} from "../../../ui/lib/config_form.ts";
import type { JsonSchema } from "../../../ui/lib/json_schema.ts";

const schema = configJsonSchema() as JsonSchema;
const sections = buildFormSections(schema);
const fields = sections.flatMap((s) => s.fields);
const field = (key: string): FormField => {
  const f = fields.find((x) => x.key === key);
  assert.ok(f, `no form field ${key}`);
  return f;
};

Deno.test("the form covers the common sections with typed fields", () => {
  assert.deepEqual(sections.map((s) => s.id), [
    "gateway",
    "agents",
    "logging",
    "session",
    "cron",
    "tools",
  ]);
  assert.equal(field("gateway.port").kind, "number");
  assert.deepEqual(field("gateway.bind").options, ["loopback", "lan", "tailnet", "auto", "custom"]);
  assert.equal(field("gateway.auth.token").kind, "secret");
  assert.equal(field("logging.level").kind, "enum");
  assert.equal(field("agents.defaults.heartbeat.every").kind, "text");
});

Deno.test("fields that need a restart are marked with the gateway's reload table", () => {
  assert.equal(field("gateway.port").restart, true);
  assert.equal(field("logging.level").restart, false);
  assert.equal(field("agents.defaults.heartbeat.every").restart, false);
});

Deno.test("parseField() checks input against the schema and names the problem", () => {
  assert.deepEqual(parseField(schema, field("gateway.port"), "18790"), { ok: true, value: 18790 });
  assert.deepEqual(parseField(schema, field("gateway.port"), "70000"), {
    ok: false,
    error: "must be ≤ 65535",
  });
  assert.deepEqual(parseField(schema, field("gateway.port"), ""), { ok: true, value: null });
  assert.deepEqual(parseField(schema, field("agents.defaults.heartbeat.every"), "45m"), {
    ok: true,
    value: "45m",
  });
  assert.equal(parseField(schema, field("agents.defaults.heartbeat.every"), "soon").ok, false);
  assert.deepEqual(parseField(schema, field("gateway.controlUi.enabled"), false), {
    ok: true,
    value: false,
  });
});

Deno.test("only real changes reach the merge patch; empty input unsets", () => {
  const config = { gateway: { port: 18789, bind: "loopback" }, logging: { level: "info" } };
  const edits = new Map<string, unknown>([
    ["gateway.port", 18790],
    ["gateway.bind", "loopback"],
    ["logging.level", null],
  ]);
  const changes = pendingChanges(fields, config, edits);
  assert.deepEqual(changes, [
    { key: "gateway.port", before: 18789, after: 18790, restart: true },
    { key: "logging.level", before: "info", after: null, restart: false },
  ]);
  assert.deepEqual(buildMergePatch(changes), {
    gateway: { port: 18790 },
    logging: { level: null },
  });
});
