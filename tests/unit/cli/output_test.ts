/**
 * The CLI's JSON failure envelope (cli/output.ts) for refused gateway calls: the gateway's
 * ErrorShape (`code`, `retryable`, `retryAfterMs`, `details`) travels through `rpcError()`.
 */
import assert from "node:assert/strict";
import { errorEnvelope } from "../../../cli/output.ts";
import { OpenClawError } from "../../../lib/errors.ts";
import { GatewayRpcError, rpcError } from "../../../lib/rpc/client.ts";

Deno.test("rpcError() keeps the gateway's ErrorShape and suggests when to retry", () => {
  const shape = {
    code: "UNAVAILABLE",
    message: "rate limited: update.run (3 per 60s)",
    retryable: true,
    retryAfterMs: 1500,
    details: { code: "RATE_LIMITED", limit: "3 per 60s" },
  };
  const err = rpcError("update.run", shape);
  assert.ok(err instanceof GatewayRpcError);
  assert.ok(err instanceof OpenClawError);
  assert.equal(err.code, "GATEWAY_RPC_ERROR");
  assert.equal(err.message, "update.run failed: rate limited: update.run (3 per 60s)");
  assert.equal(err.hint, "Retry in 2 s");
  assert.deepEqual(err.shape, shape);
  assert.deepEqual(err.details, shape, "details stays the whole shape for older callers");
});

Deno.test("rpcError() calls refused connect credentials GATEWAY_AUTH_FAILED", () => {
  const err = rpcError("connect", {
    code: "INVALID_REQUEST",
    message: "unauthorized: gateway token mismatch",
    details: { code: "AUTH_TOKEN_MISMATCH" },
  });
  assert.equal(err.code, "GATEWAY_AUTH_FAILED");
  assert.match(err.hint ?? "", /OPENCLAW_GATEWAY_TOKEN/);
  assert.equal(err.shape.code, "INVALID_REQUEST");
});

Deno.test("rpcError() reads a malformed error frame as UNAVAILABLE", () => {
  const err = rpcError("health", undefined as never);
  assert.equal(err.shape.code, "UNAVAILABLE");
  assert.equal(err.message, "health failed: the gateway sent no error details");
});

Deno.test("errorEnvelope() shows the protocol code, retryAfterMs and details of a refused call", () => {
  const env = errorEnvelope(rpcError("update.run", {
    code: "UNAVAILABLE",
    message: "rate limited",
    retryable: true,
    retryAfterMs: 1500,
    details: { code: "RATE_LIMITED" },
  }));
  assert.deepEqual(JSON.parse(JSON.stringify(env)), {
    ok: false,
    error: {
      type: "GATEWAY_RPC_ERROR",
      code: "UNAVAILABLE",
      message: "update.run failed: rate limited",
      hint: "Retry in 2 s",
      retryable: true,
      retryAfterMs: 1500,
      details: { code: "RATE_LIMITED" },
    },
  });
});

Deno.test("errorEnvelope() leaves out what the gateway did not send", () => {
  const env = errorEnvelope(rpcError("nope", {
    code: "INVALID_REQUEST",
    message: "unknown method: nope",
  }));
  assert.deepEqual(JSON.parse(JSON.stringify(env)), {
    ok: false,
    error: {
      type: "GATEWAY_RPC_ERROR",
      code: "INVALID_REQUEST",
      message: "nope failed: unknown method: nope",
    },
  });
});

Deno.test("errorEnvelope() keeps the plain shape for other errors", () => {
  assert.deepEqual(
    JSON.parse(JSON.stringify(errorEnvelope(
      new OpenClawError("CONFIG_INVALID", "Cannot load config", {
        hint: "run doctor",
        details: [1],
      }),
    ))),
    {
      ok: false,
      error: {
        type: "CONFIG_INVALID",
        message: "Cannot load config",
        hint: "run doctor",
        details: [1],
      },
    },
  );
  assert.deepEqual(errorEnvelope(new Error("boom")), {
    ok: false,
    error: { type: "INTERNAL", message: "boom" },
  });
});
