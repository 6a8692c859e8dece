/**
 * lib/crypto/constant_time.ts: exact equality whatever the lengths, and the same answers as the
 * node:crypto comparison it replaced (SHA-256 of both sides, then `timingSafeEqual`). Runs per
 * property: `OPENCLAW_FUZZ_RUNS` (default 200); the seed is fixed unless `OPENCLAW_FUZZ_SEED` is
 * set.
 */
import assert from "node:assert/strict";
import { createHash, timingSafeEqual } from "node:crypto";
import fc from "fast-check";
import {
  timingSafeEqualBytes,
  timingSafeEqualString,
  timingSafeEqualStringNative,
} from "../../../lib/crypto/constant_time.ts";

const RUNS = Number(Deno.env.get("OPENCLAW_FUZZ_RUNS") ?? 200);
const SEED = Number(Deno.env.get("OPENCLAW_FUZZ_SEED") ?? 20251202);
const params = { numRuns: RUNS, seed: SEED };

function nodeSame(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

Deno.test("timingSafeEqualString() is exact equality, any lengths", () => {
  assert.equal(timingSafeEqualString("", ""), true);
  assert.equal(timingSafeEqualString("", "x"), false);
  assert.equal(timingSafeEqualString("tok", "tok"), true);
  assert.equal(timingSafeEqualString("tok", "tok "), false);
  assert.equal(timingSafeEqualString("tok", "Tok"), false);
  assert.equal(timingSafeEqualString("ünï", "ünï"), true);
  assert.equal(timingSafeEqualString("x".repeat(100_000), "x".repeat(100_000)), true);
  assert.equal(timingSafeEqualString("x".repeat(100_000), "x".repeat(99_999) + "y"), false);
});

Deno.test("timingSafeEqualBytes() is exact equality, any lengths", () => {
  const bytes = (...xs: number[]) => new Uint8Array(xs);
  assert.equal(timingSafeEqualBytes(bytes(), bytes()), true);
  assert.equal(timingSafeEqualBytes(bytes(1, 2, 3), bytes(1, 2, 3)), true);
  assert.equal(timingSafeEqualBytes(bytes(1, 2, 3), bytes(1, 2, 4)), false);
  assert.equal(timingSafeEqualBytes(bytes(1, 2, 3), bytes(1, 2)), false);
  assert.equal(timingSafeEqualBytes(bytes(0), bytes()), false);
});

Deno.test("timingSafeEqualString() answers like the node:crypto comparison", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "binary", maxLength: 64 }),
      fc.string({ maxLength: 64 }),
      (a, b) => {
        assert.equal(timingSafeEqualString(a, b), nodeSame(a, b));
        assert.equal(timingSafeEqualString(a, a), true);
      },
    ),
    params,
  );
  // Near misses: one character changed, added or removed.
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.nat(), (a, at) => {
      const i = at % a.length;
      for (const b of [a.slice(0, i) + "\u0001" + a.slice(i + 1), a + "x", a.slice(0, -1)]) {
        if (b === a) continue;
        assert.equal(timingSafeEqualString(a, b), false);
        assert.equal(nodeSame(a, b), false);
      }
    }),
    params,
  );
});

Deno.test("timingSafeEqualBytes() answers like Buffer equality", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (a, b) => {
      const same = a.length === b.length && a.every((x, i) => x === b[i]);
      assert.equal(timingSafeEqualBytes(a, b), same);
      assert.equal(timingSafeEqualBytes(a, a.slice()), true);
    }),
    params,
  );
});

Deno.test("timingSafeEqualStringNative() (WebCrypto) answers as the TypeScript hash does", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: "binary", maxLength: 64 }),
      fc.string({ maxLength: 64 }),
      async (a, b) => {
        assert.equal(await timingSafeEqualStringNative(a, b), timingSafeEqualString(a, b));
        assert.equal(await timingSafeEqualStringNative(a, a), true);
      },
    ),
    params,
  );
  // The server's secret is hashed once while it stays the same; a new one is hashed afresh.
  assert.equal(await timingSafeEqualStringNative("tok-1", "tok-1"), true);
  assert.equal(await timingSafeEqualStringNative("tok-1", "tok-2"), false);
  assert.equal(await timingSafeEqualStringNative("tok-2", "tok-2"), true);
  assert.equal(await timingSafeEqualStringNative("", ""), true);
  assert.equal(await timingSafeEqualStringNative("x", ""), false);
});
