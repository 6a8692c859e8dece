/**
 * `openclaw gateway call` against a real gateway: a refused call shows the gateway's protocol
 * error code (and its details) in the `--json` envelope and in the human error line.
 */
import assert from "node:assert/strict";
import { makeSandbox, runCli, startGateway } from "../helpers.ts";

const TOKEN = "cli-gw-call-token-0123";
const CONFIG = `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;

Deno.test("gateway call --json shows the protocol code of an unknown method and of bad params", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, CONFIG);

  const unknown = await runCli(sb, ["gateway", "call", "nope", "--json"]);
  assert.equal(unknown.code, 1, unknown.stderr);
  const u = JSON.parse(unknown.stdout);
  assert.equal(u.ok, false);
  assert.equal(u.error.type, "GATEWAY_RPC_ERROR");
  assert.equal(u.error.code, "INVALID_REQUEST");
  assert.match(u.error.message, /^nope failed: unknown method: nope/);

  const notObject = await runCli(sb, ["gateway", "call", "health", "--params", "[1]", "--json"]);
  assert.equal(notObject.code, 1, notObject.stderr);
  const n = JSON.parse(notObject.stdout);
  assert.equal(n.error.code, "INVALID_REQUEST");
  assert.match(n.error.message, /invalid health params: expected an object/);

  const badField = await runCli(sb, [
    "gateway",
    "call",
    "logs.tail",
    "--params",
    `{ limit: "lots" }`,
    "--json",
  ]);
  assert.equal(badField.code, 1, badField.stderr);
  const b = JSON.parse(badField.stdout);
  assert.equal(b.error.code, "INVALID_REQUEST");
  assert.match(b.error.message, /invalid logs\.tail params/);
});

Deno.test("gateway call names the protocol code in its human error line", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, CONFIG);
  const r = await runCli(sb, ["gateway", "call", "nope"]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /Error: nope failed: unknown method: nope \(INVALID_REQUEST\)/);
});

Deno.test("gateway call --json with a wrong token carries the gateway's details", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, CONFIG);
  const env = { OPENCLAW_GATEWAY_TOKEN: "wrong-token" };
  const r = await runCli(sb, ["gateway", "call", "health", "--json"], { env });
  assert.equal(r.code, 1, r.stderr);
  const e = JSON.parse(r.stdout).error;
  assert.equal(e.type, "GATEWAY_AUTH_FAILED");
  assert.equal(e.code, "INVALID_REQUEST");
  assert.equal(e.details.code, "AUTH_TOKEN_MISMATCH");
  assert.match(e.hint, /OPENCLAW_GATEWAY_TOKEN/);
  const human = await runCli(sb, ["gateway", "call", "health"], { env });
  assert.match(human.stderr, /\(INVALID_REQUEST, AUTH_TOKEN_MISMATCH\)/);
});
