/**
 * The HTTP API's one error renderer (gateway/http/errors.ts) as `app.onError` of the real app:
 * `HttpError`s answer with their own body, other errors get the status of the shared error table
 * and a §10.1 body, and unplanned failures a bare 500 without message or stack.
 */
import assert from "node:assert/strict";
import { createHttpApp } from "../../../gateway/http/app.ts";
import {
  errorTypeOf,
  HttpError,
  methodNotAllowed,
  renderHttpError,
} from "../../../gateway/http/errors.ts";
import { OpenClawError } from "../../../lib/errors.ts";
import { ProtocolError } from "../../../lib/protocol/error_map.ts";

/** The real app plus routes that throw `thrown`, and the unexpected failures it reported. */
function appThrowing(thrown: () => unknown) {
  const unexpected: { err: unknown; method: string; path: string }[] = [];
  const app = createHttpApp({
    phase: () => "started",
    failingChecks: () => [],
    wsUrl: () => "ws://test",
    authorize: () => ({ ok: true, method: "none" }),
    agentIds: () => ["main"],
    onUnexpectedError: (err, req) => unexpected.push({ err, ...req }),
  });
  app.get("/boom", () => {
    throw thrown();
  });
  return { app, unexpected };
}

async function answer(thrown: () => unknown, path = "/boom?token=secret") {
  const { app, unexpected } = appThrowing(thrown);
  const res = await app.request(`http://gw${path}`);
  return { res, text: await res.text(), unexpected };
}

Deno.test("app.onError() renders OpenClawError SESSION_KEY_INVALID as a 400 invalid_request_error", async () => {
  const { res, text, unexpected } = await answer(() =>
    new OpenClawError("SESSION_KEY_INVALID", "Cannot use session key 'x': bad prefix")
  );
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.deepEqual(JSON.parse(text), {
    error: { message: "Cannot use session key 'x': bad prefix", type: "invalid_request_error" },
  });
  assert.deepEqual(unexpected, [], "expected failures are not logged");
});

Deno.test("app.onError() maps OpenClawError codes through the shared table", async () => {
  const cases: [string, number, string][] = [
    ["AGENT_NOT_FOUND", 404, "not_found"],
    ["EXEC_DENIED", 403, "forbidden"],
    ["AGENT_RUN_EXISTS", 409, "conflict"],
    ["MODEL_UNAVAILABLE", 503, "unavailable"],
    ["LOCK_TIMEOUT", 504, "timeout"],
  ];
  for (const [code, status, type] of cases) {
    const { res, text } = await answer(() => new OpenClawError(code, `failed: ${code}`));
    assert.equal(res.status, status, code);
    assert.deepEqual(JSON.parse(text), { error: { message: `failed: ${code}`, type } }, code);
  }
});

Deno.test("app.onError() renders ProtocolError UNAVAILABLE as a 503 unavailable", async () => {
  const { res, text } = await answer(() =>
    new ProtocolError("UNAVAILABLE", "agent runtime unavailable", { retryAfterMs: 1000 })
  );
  assert.equal(res.status, 503);
  assert.deepEqual(JSON.parse(text), {
    error: { message: "agent runtime unavailable", type: "unavailable" },
  });
});

Deno.test("app.onError() answers a plain Error with a bare 500: no message, no stack", async () => {
  const boom = new Error("db password=hunter2 at /srv/secret.ts:12");
  const { res, text, unexpected } = await answer(() => boom);
  assert.equal(res.status, 500);
  assert.equal(text, JSON.stringify({ error: { message: "internal error", type: "api_error" } }));
  assert.doesNotMatch(text, /hunter2|secret\.ts|at /);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff", "security headers stay");
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  assert.deepEqual(unexpected, [{ err: boom, method: "GET", path: "/boom" }], "no query logged");
});

Deno.test("app.onError() treats an OpenClawError with an unmapped code as unexpected", async () => {
  const { res, text, unexpected } = await answer(() => new OpenClawError("WHATEVER", "oops"));
  assert.equal(res.status, 500);
  assert.deepEqual(JSON.parse(text), { error: { message: "internal error", type: "api_error" } });
  assert.equal(unexpected.length, 1);
});

Deno.test("app.onError() also catches values that are not Errors", async () => {
  const { res, text, unexpected } = await answer(() => "a string");
  assert.equal(res.status, 500);
  assert.deepEqual(JSON.parse(text), { error: { message: "internal error", type: "api_error" } });
  assert.equal(unexpected.length, 1);
});

Deno.test("app.onError() sends an HttpError's prepared body and headers", async () => {
  const { res, text } = await answer(() =>
    new HttpError(400, {
      message: "bad",
      body: { ok: false, error: { type: "invalid_request", message: "bad" } },
    })
  );
  assert.equal(res.status, 400);
  assert.deepEqual(JSON.parse(text), {
    ok: false,
    error: { type: "invalid_request", message: "bad" },
  });
  const limited = await answer(() =>
    new HttpError(429, { message: "slow down", headers: { "Retry-After": "30" } })
  );
  assert.equal(limited.res.status, 429);
  assert.equal(limited.res.headers.get("retry-after"), "30");
  assert.deepEqual(JSON.parse(limited.text), {
    error: { message: "slow down", type: "rate_limited" },
  });
});

Deno.test("app.notFound() and the 404 of an unknown model keep their §10.1 bodies", async () => {
  const { app } = appThrowing(() => new Error("unused"));
  const missing = await app.request("http://gw/nope");
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: { message: "Not Found", type: "not_found" } });
  const model = await app.request("http://gw/v1/models/openclaw%2Fghost");
  assert.equal(model.status, 404);
  assert.deepEqual(await model.json(), {
    error: { message: "The model 'openclaw/ghost' does not exist", type: "invalid_request_error" },
  });
});

Deno.test("methodNotAllowed() renders plain text with an Allow header", async () => {
  const res = renderHttpError(methodNotAllowed("POST"));
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "POST");
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await res.text(), "Method Not Allowed");
});

Deno.test("renderHttpError() survives a throwing onUnexpected hook", async () => {
  const res = renderHttpError(new Error("x"), () => {
    throw new Error("logger down");
  });
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { error: { message: "internal error", type: "api_error" } });
});

Deno.test("HttpError() refuses a status that is not an error status", () => {
  assert.throws(
    () => new HttpError(200),
    (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, "Cannot create an HttpError with status 200: expected 400-599");
      return true;
    },
  );
});

Deno.test("errorTypeOf() names the §10.1 type of a status", () => {
  assert.deepEqual(
    [400, 401, 403, 404, 405, 408, 413, 429, 500, 503].map(errorTypeOf),
    [
      "invalid_request_error",
      "unauthorized",
      "forbidden",
      "not_found",
      "invalid_request_error",
      "invalid_request_error",
      "invalid_request_error",
      "rate_limited",
      "api_error",
      "unavailable",
    ],
  );
});
