/**
 * The gateway's config validation cache trusts lib/config/schema_id.generated.ts to name the
 * schema it runs; this fails when a schema source changed without regenerating it.
 */
import assert from "node:assert/strict";
import { computeSchemaId, schemaSourceFiles } from "../../../scripts/config_schema_id.ts";
import { CONFIG_SCHEMA_ID } from "../../../lib/config/schema_id.generated.ts";

Deno.test("lib/config/schema_id.generated.ts names the schema built from today's sources", async () => {
  const files = await schemaSourceFiles();
  assert.ok(
    files.includes("lib/config/schema.ts") && files.includes("lib/config/schema/agents.ts"),
  );
  assert.equal(
    CONFIG_SCHEMA_ID,
    await computeSchemaId(),
    "lib/config/schema_id.generated.ts is stale: run `deno task gen:schema-id`",
  );
});
