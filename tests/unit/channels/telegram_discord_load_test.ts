/**
 * What connecting Telegram or Discord loads (issue 17): the platform modules and everything they
 * import statically stay free of npm packages and `node:` modules. A package here costs the
 * gateway RSS for as long as the channel is configured: grammY was ~6 MB (its bundled `debug`
 * reads `process`, which starts Deno's Node layer), zod's schemas and compiled parsers for the
 * platform payloads ~0.8 MB. Read from Deno's own module graph, like tests/unit/start_path_test.ts.
 */
import assert from "node:assert/strict";
import { staticClosure } from "../../fixtures/module_graph.ts";

for (const platform of ["telegram", "discord"]) {
  Deno.test(`the ${platform} platform loads no npm package and no node: module`, async () => {
    const mods = await staticClosure(`gateway/channels/platforms/${platform}.ts`);
    assert.ok(mods.has(`lib/channels/${platform}/adapter.ts`), "read");
    assert.deepEqual([...mods].filter((m) => /^(npm|node|jsr|https?):/.test(m)), []);
  });
}
