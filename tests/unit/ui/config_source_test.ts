import assert from "node:assert/strict";
import { configJsonSchema } from "../../../lib/config/schema.ts";
import { changedPaths, checkSource, explainWriteError } from "../../../ui/lib/config_source.ts";
import { checkSchema, type JsonSchema } from "../../../ui/lib/json_schema.ts";

const schema = configJsonSchema() as JsonSchema;

Deno.test("checkSource() accepts JSON5 with comments and reports schema problems by path", () => {
  const ok = checkSource(
    `{\n  // the port\n  gateway: { port: 18789, mode: "local" },\n}\n`,
    schema,
  );
  assert.deepEqual(ok.issues, []);
  assert.deepEqual(ok.value, { gateway: { port: 18789, mode: "local" } });
  const bad = checkSource(
    `{ gateway: { port: "x", bogus: 1 }, logging: { level: "loud" } }`,
    schema,
  );
  assert.deepEqual(bad.issues, [
    { path: "gateway.port", message: "expected integer, got string" },
    { path: "gateway.bogus", message: "unknown key" },
    {
      path: "logging.level",
      message: `must be one of "silent", "fatal", "error", "warn", "info", "debug", "trace"`,
    },
  ]);
});

Deno.test("checkSource() gives the line and column of a syntax error", () => {
  const r = checkSource(`{\n  gateway: { port: 1 \n}`, schema);
  assert.equal(r.value, undefined);
  assert.equal(r.syntax?.line, 3);
  assert.ok(r.syntax!.column >= 1);
});

Deno.test("checkSchema() accepts a SecretRef or a string where a secret goes", () => {
  const withRef = {
    gateway: { auth: { token: { source: "env", provider: "default", id: "GW_TOKEN" } } },
  };
  assert.deepEqual(checkSchema(schema, withRef), []);
  assert.deepEqual(checkSchema(schema, { gateway: { auth: { token: "plain" } } }), []);
});

Deno.test("changedPaths() marks which changes restart the gateway", () => {
  assert.deepEqual(
    changedPaths({ gateway: { port: 1 }, logging: { level: "info" } }, {
      gateway: { port: 2 },
      logging: { level: "debug" },
    }),
    [{ path: "gateway.port", restart: true }, { path: "logging.level", restart: false }],
  );
});

Deno.test("explainWriteError() explains a base hash conflict and the write limit", () => {
  const conflict = explainWriteError({
    code: "INVALID_REQUEST",
    message: "config changed since last load; re-run config.get and retry",
  });
  assert.equal(conflict.reload, true);
  assert.match(conflict.message, /changed since this page loaded it/);
  const limited = explainWriteError({
    code: "UNAVAILABLE",
    message: "rate limit exceeded for config.patch; retry after 42s",
    retryAfterMs: 41_500,
  });
  assert.equal(limited.retryAfterS, 42);
  assert.match(limited.message, /limited to 3 per 60 seconds/);
});
