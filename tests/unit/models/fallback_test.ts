import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  type FallbackAttempt,
  formatModelRef,
  ModelCooldowns,
  type ModelRef,
  resolveCatalog,
  runWithFallbacks,
} from "../../../lib/models/mod.ts";

/** A virtual clock for cooldowns. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function httpError(status: number, message = `HTTP ${status}`) {
  return Object.assign(new Error(message), { name: "AI_APICallError", statusCode: status });
}

/** An attempt function whose outcome per ref is scripted; records the call order. */
function scripted(outcomes: Record<string, () => unknown>) {
  const calls: string[] = [];
  const attempt = (_model: ModelRef, ref: ModelRef) => {
    const key = formatModelRef(ref);
    calls.push(key);
    const out = outcomes[key];
    if (!out) return Promise.reject(new Error(`unscripted ${key}`));
    try {
      return Promise.resolve(out());
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return { calls, attempt };
}

const identity = { resolve: (ref: ModelRef) => ref };

Deno.test("runWithFallbacks() returns the primary's answer when it works", async () => {
  const { calls, attempt } = scripted({ "a/x": () => "from a" });
  const result = await runWithFallbacks(["a/x", "b/y"], attempt, identity);
  assert.equal(result.value, "from a");
  assert.equal(result.ref, "a/x");
  assert.deepEqual(calls, ["a/x"]);
  assert.equal(result.attempts.length, 1);
  assert.equal(result.attempts[0].ok, true);
});

Deno.test("runWithFallbacks() moves on after retryable failures and records every attempt", async () => {
  for (
    const [status, reason] of [
      [500, "server"],
      [429, "rate_limit"],
      [401, "auth"],
      [403, "auth"],
      [408, "timeout"],
      [409, "server"],
      [503, "server"],
    ] as const
  ) {
    const { calls, attempt } = scripted({
      "a/x": () => {
        throw httpError(status);
      },
      "b/y": () => "from b",
    });
    const seen: FallbackAttempt[] = [];
    const result = await runWithFallbacks({ primary: "a/x", fallbacks: ["b/y"] }, attempt, {
      ...identity,
      onAttempt: (a) => seen.push(a),
    });
    assert.equal(result.ref, "b/y", `status ${status}`);
    assert.deepEqual(calls, ["a/x", "b/y"]);
    assert.equal(result.attempts[0].ok, false);
    assert.equal(result.attempts[0].reason, reason);
    assert.equal(result.attempts[0].status, status);
    assert.equal(result.attempts[1].ok, true);
    assert.deepEqual(seen, result.attempts);
  }
});

Deno.test("runWithFallbacks() treats network errors and timeouts as retryable", async () => {
  const { attempt } = scripted({
    "a/x": () => {
      throw new TypeError(
        "error sending request for url (http://127.0.0.1:9/v1): connection refused",
      );
    },
    "b/y": () => {
      throw new DOMException("Signal timed out.", "TimeoutError");
    },
    "c/z": () => "ok",
  });
  const result = await runWithFallbacks(["a/x", "b/y", "c/z"], attempt, identity);
  assert.deepEqual(result.attempts.map((a) => a.reason ?? "ok"), ["network", "timeout", "ok"]);
});

Deno.test("runWithFallbacks() stops at a 400 and does not try the fallback", async () => {
  const { calls, attempt } = scripted({
    "a/x": () => {
      throw httpError(400, "messages: field required");
    },
    "b/y": () => "never",
  });
  await assert.rejects(
    () => runWithFallbacks(["a/x", "b/y"], attempt, identity),
    (err: unknown) => {
      assert.ok(err instanceof OpenClawError);
      assert.equal(err.code, "MODEL_REQUEST_FAILED");
      assert.match(err.message, /a\/x failed \(invalid_request\): messages: field required/);
      assert.equal((err.details as { attempts: FallbackAttempt[] }).attempts.length, 1);
      return true;
    },
  );
  assert.deepEqual(calls, ["a/x"]);
});

Deno.test("runWithFallbacks() stops when the caller aborts", async () => {
  const controller = new AbortController();
  const { calls, attempt } = scripted({
    "a/x": () => {
      controller.abort();
      throw new DOMException("The operation was aborted.", "AbortError");
    },
    "b/y": () => "never",
  });
  await assert.rejects(
    () => runWithFallbacks(["a/x", "b/y"], attempt, { ...identity, signal: controller.signal }),
    (err: unknown) => err instanceof OpenClawError && err.code === "MODEL_ABORTED",
  );
  assert.deepEqual(calls, ["a/x"]);
});

Deno.test("runWithFallbacks() fails with every attempt when all models fail", async () => {
  const { attempt } = scripted({
    "a/x": () => {
      throw httpError(500);
    },
    "b/y": () => {
      throw httpError(429);
    },
  });
  await assert.rejects(
    () => runWithFallbacks(["a/x", "b/y"], attempt, identity),
    (err: unknown) => {
      assert.ok(err instanceof OpenClawError);
      assert.equal(err.code, "MODEL_ALL_FAILED");
      // Each model's cause is in the message (callers over RPC see only this text).
      assert.match(
        err.message,
        /^All 2 model\(s\) failed: a\/x: server \(.+\); b\/y: rate_limit \(.+\)$/,
      );
      assert.ok(err.hint?.includes("models status --probe"));
      assert.equal((err.cause as { statusCode: number }).statusCode, 429);
      return true;
    },
  );
});

Deno.test("runWithFallbacks() skips a cooling model, then retries it after the cooldown", async () => {
  const t = clock();
  const cooldowns = new ModelCooldowns({ now: t.now });
  let aFails = true;
  const { calls, attempt } = scripted({
    "a/x": () => {
      if (aFails) throw httpError(503);
      return "from a";
    },
    "b/y": () => "from b",
  });
  const first = await runWithFallbacks(["a/x", "b/y"], attempt, { ...identity, cooldowns });
  assert.equal(first.ref, "b/y");
  assert.equal(cooldowns.remainingMs("a/x"), 60_000);

  t.advance(30_000);
  const second = await runWithFallbacks(["a/x", "b/y"], attempt, { ...identity, cooldowns });
  assert.equal(second.ref, "b/y");
  assert.deepEqual(second.attempts[0], {
    ref: "a/x",
    ok: false,
    skipped: "cooldown",
    error: "cooling down for 30s",
    durationMs: 0,
  });
  assert.deepEqual(calls, ["a/x", "b/y", "b/y"], "a/x was not called while cooling");

  t.advance(30_001);
  aFails = false;
  const third = await runWithFallbacks(["a/x", "b/y"], attempt, { ...identity, cooldowns });
  assert.equal(third.ref, "a/x");
  assert.equal(cooldowns.isCooling("a/x"), false);
});

Deno.test("runWithFallbacks() tries cooling models anyway when every model is cooling", async () => {
  const t = clock();
  const cooldowns = new ModelCooldowns({ now: t.now });
  cooldowns.markFailure("a/x");
  cooldowns.markFailure("b/y");
  const { calls, attempt } = scripted({ "a/x": () => "from a" });
  const result = await runWithFallbacks(["a/x", "b/y"], attempt, { ...identity, cooldowns });
  assert.equal(result.ref, "a/x");
  assert.deepEqual(calls, ["a/x"]);
});

Deno.test("runWithFallbacks() records an unparsable or unknown ref and moves on", async () => {
  const catalog = await resolveCatalog({}, {});
  const { attempt } = scripted({ "openai/gpt-5": () => "ok" });
  const result = await runWithFallbacks(["no-such-model", "gpt-5"], attempt, {
    catalog,
    resolve: (ref) => ref,
  });
  assert.equal(result.ref, "openai/gpt-5");
  assert.equal(result.attempts[0].ref, "no-such-model");
  assert.equal(result.attempts[0].reason, "no_model");
});

Deno.test("runWithFallbacks() counts its own per-attempt deadline as a timeout", async () => {
  const attempt = (ref: ModelRef, _r: ModelRef, signal: AbortSignal) =>
    ref.provider === "slow"
      ? new Promise<string>((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      )
      : Promise.resolve("fast");
  const result = await runWithFallbacks(["slow/x", "fast/y"], attempt, {
    ...identity,
    attemptTimeoutMs: 20,
  });
  assert.equal(result.ref, "fast/y");
  assert.equal(result.attempts[0].reason, "timeout");
});

Deno.test("runWithFallbacks() refuses an empty chain", async () => {
  await assert.rejects(
    () => runWithFallbacks([], () => Promise.resolve(1), identity),
    (err: unknown) => err instanceof OpenClawError && err.code === "MODEL_CHAIN_EMPTY",
  );
});
