/**
 * Turns share the AI SDK model object of an unchanged model config (building one per turn cost
 * milliseconds); anything it is built from changing gives a new one.
 */
import assert from "node:assert/strict";
import { createLanguageModel, type ModelCatalog, resolveCatalog } from "../../../lib/models/mod.ts";

function catalogOf(apiKey: string, baseUrl = "http://127.0.0.1:9/v1"): Promise<ModelCatalog> {
  return resolveCatalog(
    {
      models: {
        mode: "replace",
        providers: {
          fake: {
            baseUrl,
            api: "openai-completions",
            apiKey,
            models: [{ id: "fake-model", name: "Fake" }],
          },
        },
      },
    } as Parameters<typeof resolveCatalog>[0],
    {},
  );
}

Deno.test("the same model config gives the same model object, turn after turn", async () => {
  const fetchA: typeof fetch = (input, init) => fetch(input, init);
  const a = await createLanguageModel("fake/fake-model", await catalogOf("k1"), { fetch: fetchA });
  const b = await createLanguageModel("fake/fake-model", await catalogOf("k1"), { fetch: fetchA });
  assert.equal(a, b);
});

Deno.test("a changed key or base URL gives a new model object", async () => {
  const fetchA: typeof fetch = (input, init) => fetch(input, init);
  const first = await createLanguageModel("fake/fake-model", await catalogOf("k1"), {
    fetch: fetchA,
  });
  const rekeyed = await createLanguageModel("fake/fake-model", await catalogOf("k2"), {
    fetch: fetchA,
  });
  const moved = await createLanguageModel(
    "fake/fake-model",
    await catalogOf("k1", "http://127.0.0.1:10/v1"),
    { fetch: fetchA },
  );
  assert.notEqual(first, rekeyed);
  assert.notEqual(first, moved);
  assert.notEqual(rekeyed, moved);
});
