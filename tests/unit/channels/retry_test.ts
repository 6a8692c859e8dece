import assert from "node:assert/strict";
import {
  AbortedError,
  Backoff,
  backoffDelay,
  parseRetryAfter,
  RateLimitError,
  sleep,
  withRateLimitRetry,
} from "../../../lib/channels/retry.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";

Deno.test("backoffDelay() doubles from 1 s up to 60 s, with bounded jitter", () => {
  assert.deepEqual([0, 1, 2, 3, 6, 7, 50].map((a) => backoffDelay(a, { jitter: 0 })), [
    1000,
    2000,
    4000,
    8000,
    60_000,
    60_000,
    60_000,
  ]);
  assert.equal(backoffDelay(1, { random: () => 0 }), 1600);
  assert.equal(backoffDelay(1, { random: () => 0.999999 }), 2400);
  assert.equal(backoffDelay(30, { random: () => 0.999999 }), 60_000);
});

Deno.test("Backoff grows per failure and starts over after reset()", () => {
  const b = new Backoff({ jitter: 0, initialMs: 500, maxMs: 4000 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [
    500,
    1000,
    2000,
    4000,
    4000,
  ]);
  assert.equal(b.attempts, 5);
  b.reset();
  assert.equal(b.next(), 500);
});

Deno.test("parseRetryAfter() reads seconds, fractions and HTTP dates", () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(parseRetryAfter(5, now), 5000);
  assert.equal(parseRetryAfter(1.5, now), 1500);
  assert.equal(parseRetryAfter("2", now), 2000);
  assert.equal(parseRetryAfter(new Date(now + 3000).toUTCString(), now), 3000);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(-1, now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

Deno.test("sleep() waits on the clock and stops at once on abort", async () => {
  const clock = new FakeClock();
  let done = false;
  const p = sleep(1000, { clock }).then(() => (done = true));
  await clock.tick(999);
  assert.equal(done, false);
  await clock.tick(1);
  await p;
  assert.equal(done, true);
  const ac = new AbortController();
  const q = sleep(60_000, { clock, signal: ac.signal });
  ac.abort();
  await assert.rejects(() => q, AbortedError);
  assert.equal(clock.pending, 0);
});

Deno.test("withRateLimitRetry() waits as long as the platform asked, then succeeds", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const p = withRateLimitRetry(() => {
    calls++;
    if (calls < 3) return Promise.reject(new RateLimitError("429", 5000));
    return Promise.resolve("sent");
  }, { clock });
  await clock.tick(0);
  assert.equal(calls, 1);
  await clock.tick(4999);
  assert.equal(calls, 1);
  await clock.tick(1);
  assert.equal(calls, 2);
  await clock.tick(5000);
  assert.equal(await p, "sent");
  assert.equal(calls, 3);
});

Deno.test("withRateLimitRetry() gives up on other errors, long waits and exhausted tries", async () => {
  const clock = new FakeClock();
  await assert.rejects(
    () => withRateLimitRetry(() => Promise.reject(new Error("400 Bad Request")), { clock }),
    /400/,
  );
  await assert.rejects(
    () => withRateLimitRetry(() => Promise.reject(new RateLimitError("429", 120_000)), { clock }),
    RateLimitError,
  );
  let calls = 0;
  const p = withRateLimitRetry(() => {
    calls++;
    return Promise.reject(new TypeError("network"));
  }, { clock, maxAttempts: 2, isTransient: (e) => e instanceof TypeError, backoff: { jitter: 0 } });
  const settled = p.catch((e) => e);
  await clock.tick(0); // let the first failure schedule its wait
  await clock.tick(1000);
  assert.ok((await settled) instanceof TypeError);
  assert.equal(calls, 2);
});
