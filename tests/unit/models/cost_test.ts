import assert from "node:assert/strict";
import { addUsage, computeCost, resolveCatalog } from "../../../lib/models/mod.ts";

const SONNET = { cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } };

function close(actual: number, expected: number) {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
}

Deno.test("computeCost() prices input, output and cache tokens per million", () => {
  const cost = computeCost({
    inputTokens: 1_500_000,
    outputTokens: 200_000,
    inputTokenDetails: {
      noCacheTokens: 1_000_000,
      cacheReadTokens: 400_000,
      cacheWriteTokens: 100_000,
    },
  }, SONNET);
  close(cost.input, 3);
  close(cost.output, 3);
  close(cost.cacheRead, 0.12);
  close(cost.cacheWrite, 0.375);
  close(cost.total, 6.495);
});

Deno.test("computeCost() derives uncached input when the details are missing", () => {
  const cost = computeCost({
    inputTokens: 1_000,
    outputTokens: 0,
    inputTokenDetails: { cacheReadTokens: 400 },
  }, SONNET);
  close(cost.input, 600 * 3 / 1e6);
  close(cost.cacheRead, 400 * 0.3 / 1e6);
  assert.equal(computeCost({}, SONNET).total, 0);
});

Deno.test("computeCost() is zero for local models and uses catalog prices", async () => {
  const catalog = await resolveCatalog({}, {});
  const ollama = catalog.providers.get("ollama")!.models[0];
  assert.equal(computeCost({ inputTokens: 5_000, outputTokens: 5_000 }, ollama).total, 0);
  const haiku = catalog.providers.get("anthropic")!.models.find((m) =>
    m.id === "claude-haiku-4-5"
  )!;
  close(computeCost({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, haiku).total, 6);
});

Deno.test("addUsage() sums field by field and keeps unknowns unknown", () => {
  const sum = addUsage(
    { inputTokens: 10, outputTokens: 2, inputTokenDetails: { cacheReadTokens: 4 } },
    { inputTokens: 5, outputTokens: 3 },
  );
  assert.equal(sum.inputTokens, 15);
  assert.equal(sum.outputTokens, 5);
  assert.equal(sum.totalTokens, undefined);
  assert.equal(sum.inputTokenDetails?.cacheReadTokens, 4);
});
