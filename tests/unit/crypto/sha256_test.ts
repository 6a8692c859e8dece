/**
 * Differential tests of lib/crypto/sha256.ts against Node's `createHash("sha256")` (the code it
 * replaced): random bytes of every length around the padding boundaries, multi-megabyte input,
 * and strings with multi-byte characters and lone surrogates. Runs per property:
 * `OPENCLAW_FUZZ_RUNS` (default 200); the seed is fixed unless `OPENCLAW_FUZZ_SEED` is set.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { encodeHex, sha256, sha256Hex } from "../../../lib/crypto/sha256.ts";

const RUNS = Number(Deno.env.get("OPENCLAW_FUZZ_RUNS") ?? 200);
const SEED = Number(Deno.env.get("OPENCLAW_FUZZ_SEED") ?? 20251202);
const params = { numRuns: RUNS, seed: SEED };

function nodeHex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 64 KiB per call.
  for (let i = 0; i < length; i += 65_536) crypto.getRandomValues(out.subarray(i, i + 65_536));
  return out;
}

Deno.test("sha256Hex() gives the FIPS 180-4 test vectors", () => {
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  assert.equal(
    sha256Hex("a".repeat(1_000_000)),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  );
});

Deno.test("sha256() matches node:crypto for every length from 0 to 200 bytes", () => {
  // Covers the padding edges: 55 (one block), 56..63 (length spills into a second block),
  // 64 (a whole block plus a padding block), 65, and the same edges one and two blocks later.
  for (let length = 0; length <= 200; length++) {
    const data = randomBytes(length);
    assert.equal(sha256Hex(data), nodeHex(data), `length ${length}`);
  }
});

Deno.test("sha256() matches node:crypto on random bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (data) => {
      assert.equal(sha256Hex(data), nodeHex(data));
    }),
    params,
  );
});

Deno.test("sha256() matches node:crypto on multi-megabyte input", () => {
  // 3 MiB + 57 bytes: many blocks, and a tail that needs a second padding block.
  const data = randomBytes(3 * 1024 * 1024 + 57);
  assert.deepEqual(sha256(data), new Uint8Array(createHash("sha256").update(data).digest()));
});

Deno.test("sha256() of a subarray hashes only the view's bytes", () => {
  const whole = randomBytes(300);
  const view = whole.subarray(17, 17 + 120);
  assert.equal(sha256Hex(view), nodeHex(view.slice()));
});

Deno.test("sha256Hex() hashes strings as UTF-8 like node:crypto", () => {
  for (
    const text of [
      "ünï",
      "日本語のテキスト",
      "emoji 👩‍👩‍👧 ok",
      "\u0000nul",
      "lone \uD800 high",
      "\uDC00",
    ]
  ) {
    assert.equal(sha256Hex(text), nodeHex(text), JSON.stringify(text));
  }
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
      assert.equal(sha256Hex(text), nodeHex(text));
    }),
    params,
  );
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom("a", "é", "€", "😀", "\uD83D"), maxLength: 80 }),
      (
        text,
      ) => {
        assert.equal(sha256Hex(text), nodeHex(text));
      },
    ),
    params,
  );
});

Deno.test("encodeHex() writes two lowercase digits a byte", () => {
  assert.equal(encodeHex(new Uint8Array()), "");
  assert.equal(encodeHex(new Uint8Array([0, 9, 10, 171, 255])), "00090aabff");
});
