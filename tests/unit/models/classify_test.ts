import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { classifyModelError, probeBucket } from "../../../lib/models/mod.ts";

function apiError(statusCode: number, responseBody = "") {
  return Object.assign(new Error(`status ${statusCode}`), {
    name: "AI_APICallError",
    statusCode,
    responseBody,
  });
}

Deno.test("classifyModelError() maps HTTP statuses to reasons", () => {
  const cases: [number, string, boolean][] = [
    [401, "auth", true],
    [403, "auth", true],
    [402, "billing", true],
    [404, "no_model", true],
    [408, "timeout", true],
    [409, "server", true],
    [429, "rate_limit", true],
    [500, "server", true],
    [529, "server", true],
    [400, "invalid_request", false],
    [422, "invalid_request", false],
  ];
  for (const [status, reason, retryable] of cases) {
    const c = classifyModelError(apiError(status));
    assert.equal(c.reason, reason, `status ${status}`);
    assert.equal(c.retryable, retryable, `status ${status}`);
    assert.equal(c.status, status);
  }
});

Deno.test("classifyModelError() reads quota messages as billing", () => {
  assert.equal(
    classifyModelError(apiError(429, '{"error":{"code":"insufficient_quota"}}')).reason,
    "billing",
  );
  assert.equal(
    classifyModelError(apiError(400, "Your credit balance is too low")).reason,
    "billing",
  );
  assert.equal(classifyModelError(apiError(400, "model_not_found")).reason, "no_model");
});

Deno.test("classifyModelError() unwraps retry wrappers and causes", () => {
  const wrapped = Object.assign(new Error("Failed after 3 attempts"), {
    name: "AI_RetryError",
    lastError: apiError(503),
  });
  assert.equal(classifyModelError(wrapped).reason, "server");
  const caused = new Error("stream failed", { cause: apiError(429) });
  assert.equal(classifyModelError(caused).reason, "rate_limit");
});

Deno.test("classifyModelError() tells aborts from timeouts", () => {
  const controller = new AbortController();
  controller.abort();
  const abortErr = new DOMException("aborted", "AbortError");
  assert.equal(classifyModelError(abortErr, { signal: controller.signal }).reason, "aborted");
  assert.equal(classifyModelError(abortErr, { signal: controller.signal }).retryable, false);
  assert.equal(classifyModelError(abortErr, { timedOut: true }).reason, "timeout");
  assert.equal(classifyModelError(new DOMException("t", "TimeoutError")).reason, "timeout");
});

Deno.test("classifyModelError() knows network, format, our codes and unknowns", () => {
  assert.equal(
    classifyModelError(new TypeError("error sending request for url")).reason,
    "network",
  );
  assert.equal(
    classifyModelError(Object.assign(new Error("bad"), { name: "AI_TypeValidationError" })).reason,
    "format",
  );
  assert.equal(
    classifyModelError(new OpenClawError("MODEL_AUTH_MISSING", "no key")).reason,
    "auth",
  );
  assert.equal(
    classifyModelError(new OpenClawError("MODEL_CLI_NOT_FOUND", "x")).reason,
    "unavailable",
  );
  const unknown = classifyModelError(new RangeError("bug in a tool"));
  assert.equal(unknown.reason, "unknown");
  assert.equal(unknown.retryable, false);
});

Deno.test("probeBucket() uses stock's bucket names", () => {
  assert.equal(probeBucket("auth"), "auth");
  assert.equal(probeBucket("network"), "unknown");
  assert.equal(probeBucket("invalid_request"), "format");
  assert.equal(probeBucket("no_model"), "no_model");
});
