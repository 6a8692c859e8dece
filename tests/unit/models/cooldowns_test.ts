import assert from "node:assert/strict";
import { ModelCooldowns } from "../../../lib/models/mod.ts";

Deno.test("ModelCooldowns doubles from 60 s up to 15 min, and a success clears it", () => {
  let t = 0;
  const c = new ModelCooldowns({ now: () => t });
  const got: number[] = [];
  for (let i = 0; i < 6; i++) {
    got.push(c.markFailure("a/x", "server"));
    t += 1; // consecutive failures, well inside the cap window
  }
  assert.deepEqual(got, [60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
  assert.ok(c.isCooling("a/x"));
  assert.equal(c.active()[0].reason, "server");
  assert.equal(c.active()[0].failures, 6);
  c.markSuccess("a/x");
  assert.equal(c.isCooling("a/x"), false);
  assert.equal(c.markFailure("a/x"), 60_000, "doubling restarts after a success");
});

Deno.test("ModelCooldowns expires on the virtual clock and restarts doubling when stale", () => {
  let t = 0;
  const c = new ModelCooldowns({ now: () => t, baseMs: 1_000, maxMs: 4_000 });
  c.markFailure("a/x");
  assert.equal(c.remainingMs("a/x"), 1_000);
  t = 999;
  assert.ok(c.isCooling("a/x"));
  t = 1_000;
  assert.equal(c.isCooling("a/x"), false);
  assert.equal(c.markFailure("a/x"), 2_000, "a failure soon after counts as consecutive");
  t += 2_000 + 4_001;
  assert.equal(c.markFailure("a/x"), 1_000, "a failure long after starts afresh");
});

Deno.test("ModelCooldowns lists active entries soonest first and clears them", () => {
  let t = 0;
  const c = new ModelCooldowns({ now: () => t });
  c.markFailure("a/x");
  c.markFailure("b/y");
  c.markFailure("b/y");
  assert.deepEqual(c.active().map((e) => e.ref), ["a/x", "b/y"]);
  t = 60_000;
  assert.deepEqual(c.active().map((e) => e.ref), ["b/y"]);
  c.clear();
  assert.deepEqual(c.active(), []);
});

Deno.test("ModelCooldowns rejects nonsensical limits", () => {
  assert.throws(() => new ModelCooldowns({ baseMs: 0 }), RangeError);
  assert.throws(() => new ModelCooldowns({ baseMs: 10, maxMs: 5 }), /baseMs <= maxMs/);
});
