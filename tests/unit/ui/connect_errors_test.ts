/** The dashboard names the gateway's real connect errors in the chapter's words. */
import assert from "node:assert/strict";
import {
  authFailureError,
  controlUiDeviceIdentityRequiredError,
  deviceAuthError,
  deviceIdentityRequiredError,
  pairingRequiredError,
} from "../../../lib/protocol/auth_errors.ts";
import { describeConnectError, describeNetworkFailure } from "../../../ui/lib/connect_errors.ts";

Deno.test("pairing required shows the request id and the exact approve command, and retries", () => {
  const p = describeConnectError(pairingRequiredError({
    reason: "not-paired",
    deviceId: "d".repeat(64),
    requestedRole: "operator",
    requestedScopes: ["operator.admin"],
    requestId: "req-123",
  }));
  assert.equal(p.title, "pairing required");
  assert.equal(p.requestId, "req-123");
  assert.equal(p.command, "openclaw devices approve req-123");
  assert.equal(p.retry, "pairing");
});

Deno.test("a wrong token is `unauthorized` with the fix and a token form", () => {
  const p = describeConnectError(authFailureError("token_mismatch", {
    authMode: "token",
    client: { id: "openclaw-control-ui", mode: "webchat" },
    isLocalClient: true,
  }));
  assert.equal(p.title, "unauthorized");
  assert.match(p.message, /^unauthorized: gateway token mismatch/);
  assert.match(p.fix, /check gateway\.auth\.token/);
  assert.equal(p.askToken, true);
  assert.equal(p.retry, "none");
});

Deno.test("a missing device identity is `device identity required`", () => {
  for (const error of [deviceIdentityRequiredError(), controlUiDeviceIdentityRequiredError()]) {
    const p = describeConnectError(error);
    assert.equal(p.title, "device identity required");
    assert.match(p.fix, /Not a secure context or missing device authentication/);
  }
  const stale = describeConnectError(deviceAuthError("device-signature-stale"));
  assert.equal(stale.title, "device identity required");
  assert.match(stale.fix, /clock/);
});

Deno.test("an unreachable gateway is `gateway connect failed` and retried with backoff", () => {
  const p = describeNetworkFailure("ws://127.0.0.1:1/", 1006);
  assert.equal(p.title, "gateway connect failed");
  assert.match(p.fix, /Check whether the URL\/port is correct/);
  assert.equal(p.retry, "backoff");
});

Deno.test("a gateway that is starting is retried, not reported as a failure to fix", () => {
  const p = describeConnectError({
    code: "UNAVAILABLE",
    message: "gateway starting; retry shortly",
    retryable: true,
    retryAfterMs: 500,
  });
  assert.equal(p.retry, "backoff");
  assert.equal(p.retryAfterMs, 500);
});
