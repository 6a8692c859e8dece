/**
 * What the gateway's start and the CLI's entry load before doing anything (docs/ARCHITECTURE.md,
 * "What the start path loads"): no `node:` module and no CommonJS package (each starts part of
 * Deno's Node layer), and not the config schema, the WebSocket connection layer or the method
 * handlers, which load when first needed. Read from Deno's own module graph (static imports only:
 * literal dynamic imports load lazily under deno.json's `lazy-dynamic-imports`).
 */
import assert from "node:assert/strict";
import { staticClosure } from "../fixtures/module_graph.ts";

const CJS_PACKAGES = ["npm:commander", "npm:json5", "npm:dotenv", "npm:@logtape"];

for (const entry of ["gateway/run.ts", "cli/program.ts"]) {
  Deno.test(`${entry} loads no node: module and no CommonJS package at start`, async () => {
    const mods = [...await staticClosure(entry)];
    assert.deepEqual(mods.filter((m) => m.startsWith("node:")), []);
    assert.deepEqual(mods.filter((m) => CJS_PACKAGES.some((p) => m.startsWith(p))), []);
  });
}

Deno.test("the gateway's start loads neither the config schema nor the connection layer nor the handlers", async () => {
  const mods = await staticClosure("gateway/run.ts");
  for (
    const lazy of [
      "lib/config/schema.ts",
      "lib/config/schema/agents.ts",
      "gateway/ws/connection.ts",
      "gateway/methods/registry.ts",
      "gateway/methods/config.ts",
    ]
  ) assert.equal(mods.has(lazy), false, `${lazy} is on the start path`);
  assert.ok(mods.has("gateway/server.ts"), "the closure was read");
});

Deno.test("the gateway's start loads no zod, and Tailscale, discovery and secret providers only when configured", async () => {
  const mods = await staticClosure("gateway/run.ts");
  assert.deepEqual([...mods].filter((m) => m.startsWith("npm:zod")), []);
  for (
    const lazy of [
      "lib/config/schema/tailscale.ts",
      "lib/config/schema/_common.ts",
      "lib/discovery/tailnet.ts",
      "gateway/tailscale/claim.ts",
      "gateway/tailscale/claim_record.ts",
      "gateway/tailscale/relay.ts",
      "gateway/tailscale/serve_status.ts",
      "gateway/tailscale/whois.ts",
      "lib/secrets/resolve.ts",
      "lib/secrets/env_provider.ts",
      "lib/secrets/exec_provider.ts",
      "lib/secrets/file_provider.ts",
      "gateway/discovery/publish.ts",
      "gateway/discovery/advertiser.ts",
      "gateway/discovery/ciao_responder.ts",
      "gateway/discovery/wide_area.ts",
    ]
  ) assert.equal(mods.has(lazy), false, `${lazy} is on the start path`);
});

Deno.test("the gateway's start loads the cron engine, its job schema and croner only when a job needs them", async () => {
  const mods = await staticClosure("gateway/run.ts");
  for (
    const lazy of ["lib/cron/engine.ts", "lib/cron/types.ts", "lib/cron/schedule.ts"]
  ) assert.equal(mods.has(lazy), false, `${lazy} is on the start path`);
  assert.deepEqual([...mods].filter((m) => m.startsWith("npm:croner")), []);
  assert.ok(mods.has("gateway/subsystems/cron.ts"), "the closure was read");
});

Deno.test("the gateway's start loads the channel layer only when a channel is configured or the journal holds work", async () => {
  const mods = [...await staticClosure("gateway/run.ts")];
  assert.deepEqual(
    mods.filter((m) => m.startsWith("gateway/channels/") && m !== "gateway/channels/registry.ts"),
    [],
  );
  assert.deepEqual(
    mods.filter((m) => m.startsWith("lib/channels/") && m !== "lib/channels/dormant.ts"),
    [],
  );
});

Deno.test("a connection's common path (handshake, request frames, health, status, channels.status) loads no zod", async () => {
  // Valid input is checked by hand (lib/protocol/fast_check.ts, connect_fast.ts, frame_parse.ts);
  // anything unusual loads the zod schemas for their exact answer.
  for (
    const entry of [
      "gateway/ws/connection.ts",
      "gateway/ws/handshake.ts",
      "gateway/methods/health.ts",
      "gateway/methods/channels.ts",
    ]
  ) {
    const mods = [...await staticClosure(entry)];
    assert.deepEqual(mods.filter((m) => m.startsWith("npm:zod")), [], entry);
  }
});

Deno.test("the CLI's entry and the gateway's start load no RPC client, WebSocket client or handshake hashing", async () => {
  for (const entry of ["cli/program.ts", "gateway/run.ts"]) {
    const mods = await staticClosure(entry);
    for (const lazy of ["lib/rpc/client.ts", "lib/net/ws_client.ts", "lib/net/ws_accept.ts"]) {
      assert.equal(mods.has(lazy), false, `${lazy} is on the start path of ${entry}`);
    }
    assert.ok(mods.has("cli/output.ts") || entry === "gateway/run.ts", "the closure was read");
  }
});
