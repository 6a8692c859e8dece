import assert from "node:assert/strict";
import {
  authFailureError,
  authProvidedKind,
  canRetryWithDeviceToken,
  deviceAuthError,
  deviceIdentityRequiredError,
  drainUnavailableError,
  errorShape,
  invalidHandshakeError,
  missingScopeError,
  pairingCloseReason,
  pairingRequiredError,
  protocolMismatchError,
  rateLimitError,
  startupUnavailableError,
  unknownMethodError,
} from "../../../lib/protocol/errors.ts";
import { ErrorShapeSchema } from "../../../lib/protocol/frames.ts";

Deno.test("errorShape() leaves absent options out and rounds retryAfterMs", () => {
  assert.deepEqual(errorShape("X", "m"), { code: "X", message: "m" });
  assert.deepEqual(errorShape("X", "", { retryAfterMs: 1.2, retryable: false }), {
    code: "X",
    message: "X",
    retryable: false,
    retryAfterMs: 2,
  });
  assert.equal(errorShape("X", "m", { retryAfterMs: -5 }).retryAfterMs, 0);
});

Deno.test("missingScopeError() is FORBIDDEN with MISSING_SCOPE details", () => {
  const e = missingScopeError("operator.admin", ["operator.admin"]);
  assert.deepEqual(e, {
    code: "FORBIDDEN",
    message: "missing scope: operator.admin",
    details: {
      code: "MISSING_SCOPE",
      missingScope: "operator.admin",
      requiredScopes: ["operator.admin"],
    },
  });
  assert.equal(ErrorShapeSchema.safeParse(e).success, true);
});

Deno.test("protocolMismatchError() carries the §4.3 details", () => {
  assert.deepEqual(protocolMismatchError(1, 2), {
    code: "INVALID_REQUEST",
    message: "protocol mismatch",
    details: {
      code: "PROTOCOL_MISMATCH",
      clientMinProtocol: 1,
      clientMaxProtocol: 2,
      expectedProtocol: 4,
      minimumProbeProtocol: 3,
    },
  });
});

Deno.test("unknownMethodError() and rateLimitError() use the stock messages", () => {
  assert.deepEqual(unknownMethodError("nope"), {
    code: "INVALID_REQUEST",
    message: "unknown method: nope",
  });
  assert.deepEqual(rateLimitError("config.apply", 41_001), {
    code: "UNAVAILABLE",
    message: "rate limit exceeded for config.apply; retry after 42s",
    retryable: true,
    retryAfterMs: 41_001,
    details: { method: "config.apply", limit: "3 per 60s" },
  });
  assert.equal(rateLimitError("update.run", 500, "30 per 60s").details !== undefined, true);
});

Deno.test("authFailureError() maps every authReason to its code and next step", () => {
  const table: [string | undefined, string, string, string][] = [
    [
      "token_missing",
      "AUTH_TOKEN_MISSING",
      "update_auth_configuration",
      "unauthorized: gateway token missing (",
    ],
    [
      "token_mismatch",
      "AUTH_TOKEN_MISMATCH",
      "update_auth_credentials",
      "unauthorized: gateway token mismatch (",
    ],
    [
      "token_missing_config",
      "AUTH_TOKEN_NOT_CONFIGURED",
      "update_auth_configuration",
      "unauthorized: gateway token not configured on gateway",
    ],
    [
      "password_missing",
      "AUTH_PASSWORD_MISSING",
      "update_auth_configuration",
      "unauthorized: gateway password missing",
    ],
    [
      "password_mismatch",
      "AUTH_PASSWORD_MISMATCH",
      "update_auth_credentials",
      "unauthorized: gateway password mismatch",
    ],
    [
      "password_missing_config",
      "AUTH_PASSWORD_NOT_CONFIGURED",
      "update_auth_configuration",
      "unauthorized: gateway password not configured",
    ],
    [
      "device_token_mismatch",
      "AUTH_DEVICE_TOKEN_MISMATCH",
      "update_auth_credentials",
      "unauthorized: device token mismatch (rotate/reissue device token)",
    ],
    [
      "scope_mismatch",
      "AUTH_SCOPE_MISMATCH",
      "review_auth_configuration",
      "unauthorized: device token scope mismatch (",
    ],
    [
      "bootstrap_token_invalid",
      "AUTH_BOOTSTRAP_TOKEN_INVALID",
      "review_auth_configuration",
      "unauthorized: setup code invalid, expired, revoked, or already used",
    ],
    [
      "rate_limited",
      "AUTH_RATE_LIMITED",
      "wait_then_retry",
      "unauthorized: too many failed authentication attempts (retry later)",
    ],
    [
      "tailscale_user_missing",
      "AUTH_TAILSCALE_IDENTITY_MISSING",
      "review_auth_configuration",
      "unauthorized: tailscale identity missing",
    ],
    [
      "tailscale_proxy_missing",
      "AUTH_TAILSCALE_PROXY_MISSING",
      "review_auth_configuration",
      "unauthorized: tailscale proxy headers missing",
    ],
    [
      "tailscale_whois_failed",
      "AUTH_TAILSCALE_WHOIS_FAILED",
      "review_auth_configuration",
      "unauthorized: tailscale identity check failed",
    ],
    [
      "tailscale_user_mismatch",
      "AUTH_TAILSCALE_IDENTITY_MISMATCH",
      "review_auth_configuration",
      "unauthorized: tailscale identity mismatch",
    ],
    [
      "trusted_proxy_missing_header_x-user",
      "AUTH_IDENTITY_HEADER_REQUIRED",
      "review_auth_configuration",
      "unauthorized",
    ],
    ["something_new", "AUTH_UNAUTHORIZED", "review_auth_configuration", "unauthorized"],
    [undefined, "AUTH_REQUIRED", "review_auth_configuration", "unauthorized"],
  ];
  for (const [reason, code, step, prefix] of table) {
    const e = authFailureError(reason);
    assert.equal(e.code, "INVALID_REQUEST");
    assert.ok(e.message.startsWith(prefix), `${reason}: ${e.message}`);
    const details = e.details as Record<string, unknown>;
    assert.equal(details.code, code, String(reason));
    assert.equal(details.recommendedNextStep, step, String(reason));
    assert.equal(details.canRetryWithDeviceToken, false);
    assert.equal(details.authReason, reason);
    assert.equal("authReason" in details, reason !== undefined);
    assert.equal(e.retryable, undefined);
    assert.equal(ErrorShapeSchema.safeParse(e).success, true);
  }
});

Deno.test("authFailureError() offers the device-token retry and rate-limit retry", () => {
  const retry = authFailureError("token_mismatch", { canRetryWithDeviceToken: true });
  assert.deepEqual(retry.details, {
    code: "AUTH_TOKEN_MISMATCH",
    authReason: "token_mismatch",
    canRetryWithDeviceToken: true,
    recommendedNextStep: "retry_with_device_token",
  });
  const limited = authFailureError("rate_limited", { rateLimitedRetryAfterMs: 300_000 });
  assert.equal(limited.retryable, true);
  assert.equal(limited.retryAfterMs, 300_000);
  assert.equal(
    canRetryWithDeviceToken({
      reason: "token_mismatch",
      auth: { token: "t" },
      hasDeviceIdentity: true,
    }),
    true,
  );
  assert.equal(
    canRetryWithDeviceToken({
      reason: "token_mismatch",
      auth: { token: "t", deviceToken: "d" },
      hasDeviceIdentity: true,
    }),
    false,
  );
  assert.equal(
    canRetryWithDeviceToken({
      reason: "token_mismatch",
      auth: { token: "t" },
      hasDeviceIdentity: false,
    }),
    false,
  );
});

Deno.test("authFailureError() tailors the message's hint to the client", () => {
  const message = (...args: Parameters<typeof authFailureError>) =>
    authFailureError(...args).message;
  assert.equal(
    message("token_mismatch", { client: { id: "cli", mode: "cli" } }),
    "unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)",
  );
  assert.equal(
    message("token_mismatch", { client: { id: "cli", mode: "cli" }, isLocalClient: true }),
    "unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)",
  );
  assert.equal(
    message("token_missing", { client: { id: "openclaw-control-ui", mode: "webchat" } }),
    "unauthorized: gateway token missing (paste in Control UI settings or openclaw doctor " +
      "--generate-gateway-token; restart)",
  );
  assert.equal(
    message("password_mismatch", { client: { id: "gateway-client", mode: "backend" } }),
    "unauthorized: gateway password mismatch (provide gateway auth password)",
  );
  assert.equal(
    message(undefined, { authMode: "token", authProvided: "none" }),
    "unauthorized: gateway token missing (provide gateway auth token)",
  );
  assert.equal(
    message(undefined, { authMode: "token", authProvided: "device-token" }),
    "unauthorized: device token rejected (pair/repair this device, or provide gateway token)",
  );
  assert.equal(message("token_mismatch", { message: "custom" }), "custom");
  assert.equal(authProvidedKind({ token: "t", password: "p" }), "password");
  assert.equal(authProvidedKind({ deviceToken: "d" }), "device-token");
  assert.equal(authProvidedKind(undefined), "none");
});

Deno.test("invalidHandshakeError() is the worker refusal, worded as its close reason", () => {
  assert.deepEqual(invalidHandshakeError(), {
    code: "INVALID_REQUEST",
    message: "invalid-handshake",
  });
});

Deno.test("deviceAuthError() and deviceIdentityRequiredError() carry their detail codes", () => {
  assert.deepEqual(deviceAuthError("device-nonce-mismatch"), {
    code: "INVALID_REQUEST",
    message: "device nonce mismatch",
    details: { code: "DEVICE_AUTH_NONCE_MISMATCH", reason: "device-nonce-mismatch" },
  });
  assert.deepEqual(deviceIdentityRequiredError(), {
    code: "NOT_PAIRED",
    message: "device identity required",
    details: { code: "DEVICE_IDENTITY_REQUIRED" },
  });
});

Deno.test("pairingRequiredError() states the requirement and close reason", () => {
  const e = pairingRequiredError({
    reason: "scope-upgrade",
    deviceId: "abc",
    requestedRole: "operator",
    requestedScopes: ["operator.write"],
    approvedScopes: ["operator.read"],
    requestId: "req-1",
  });
  assert.equal(e.code, "NOT_PAIRED");
  assert.equal(
    e.message,
    "pairing required: device is asking for more scopes than currently approved",
  );
  const details = e.details as Record<string, unknown>;
  assert.equal(details.code, "PAIRING_REQUIRED");
  assert.equal(details.reason, "scope-upgrade");
  assert.equal(details.requestId, "req-1");
  assert.deepEqual(details.approvedScopes, ["operator.read"]);
  assert.equal(
    pairingCloseReason("not-paired", "req-1"),
    "pairing required: device is not approved yet (requestId: req-1)",
  );
  assert.equal(
    pairingCloseReason("not-paired", "bad id!"),
    "pairing required: device is not approved yet",
  );
});

Deno.test("startup and drain errors are retryable UNAVAILABLE with the stock text", () => {
  assert.deepEqual(startupUnavailableError(), {
    code: "UNAVAILABLE",
    message: "gateway starting; retry shortly",
    retryable: true,
    retryAfterMs: 500,
    details: { reason: "startup-sidecars" },
  });
  assert.equal(
    startupUnavailableError("status").message,
    "status unavailable during gateway startup",
  );
  assert.deepEqual(drainUnavailableError("connect", "restart", "draining"), {
    code: "UNAVAILABLE",
    message: "connect unavailable during gateway restart",
    retryable: true,
    retryAfterMs: 1000,
    details: { method: "connect", reason: "gateway-restarting", phase: "draining" },
  });
});
