import assert from "node:assert/strict";
import {
  CLOSE,
  CloseCode,
  HANDSHAKE_TIMEOUT_MS,
  MAX_BUFFERED_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_PREAUTH_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  protocolLimits,
  truncateCloseReason,
} from "../../../lib/protocol/constants.ts";

Deno.test("protocol constants match the stock gateway", () => {
  assert.equal(PROTOCOL_VERSION, 4);
  assert.equal(MAX_PREAUTH_PAYLOAD_BYTES, 64 * 1024);
  assert.equal(MAX_PAYLOAD_BYTES, 25 * 1024 * 1024);
  assert.equal(MAX_BUFFERED_BYTES, 50 * 1024 * 1024);
  assert.deepEqual(CLOSE.protocolMismatch, { code: 1002, reason: "protocol mismatch" });
  assert.deepEqual(CLOSE.preauthPayloadTooLarge, {
    code: 1009,
    reason: "preauth payload too large",
  });
  assert.deepEqual(CLOSE.serviceRestart, { code: 1012, reason: "service restart" });
  assert.deepEqual(CLOSE.handshakeTimeout, { code: 1000, reason: "" });
  assert.equal(CloseCode.clientInvalidated, 4001);
});

Deno.test("protocolLimits() reads env overrides and ignores bad values", () => {
  assert.deepEqual(protocolLimits({}), {
    maxPreauthConnectionsPerIp: 32,
    handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
    connectChallengeTimeoutMs: 15_000,
  });
  const env = {
    OPENCLAW_MAX_PREAUTH_CONNECTIONS_PER_IP: " 4 ",
    OPENCLAW_HANDSHAKE_TIMEOUT_MS: "2500",
  };
  assert.equal(protocolLimits(env).maxPreauthConnectionsPerIp, 4);
  assert.equal(protocolLimits(env).handshakeTimeoutMs, 2500);
  for (const bad of ["", "0", "-1", "1e3", "abc", "99999999999999999999"]) {
    assert.equal(
      protocolLimits({ OPENCLAW_HANDSHAKE_TIMEOUT_MS: bad }).handshakeTimeoutMs,
      15_000,
      bad,
    );
  }
});

Deno.test("truncateCloseReason() cuts to 120 bytes on a character boundary", () => {
  assert.equal(truncateCloseReason("short"), "short");
  assert.equal(truncateCloseReason(""), "invalid handshake");
  const cut = truncateCloseReason("é".repeat(100));
  assert.equal(new TextEncoder().encode(cut).length, 120);
  assert.equal(cut, "é".repeat(60));
  assert.equal(new TextEncoder().encode(truncateCloseReason("a" + "😀".repeat(40))).length, 117);
});
