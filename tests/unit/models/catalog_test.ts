import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  BUILTIN_PROVIDERS,
  envSecretResolver,
  findCatalogModel,
  resolveCatalog,
} from "../../../lib/models/mod.ts";

const LMSTUDIO_SEED = {
  models: {
    mode: "merge" as const,
    providers: {
      lmstudio: {
        baseUrl: "http://127.0.0.1:1234/v1",
        apiKey: "lmstudio",
        api: "openai-responses",
        models: [{
          id: "minimax-m2.5-gs32",
          name: "MiniMax M2.5 GS32",
          reasoning: false,
          input: ["text" as const],
          cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
          contextWindow: 196608,
          maxTokens: 8192,
        }],
      },
    },
  },
};

Deno.test("resolveCatalog() without config offers every built-in provider", async () => {
  const catalog = await resolveCatalog({}, {});
  assert.deepEqual(
    [...catalog.providers.keys()].sort(),
    ["anthropic", "groq", "lmstudio", "ollama", "openai", "openrouter"],
  );
  const anthropic = catalog.providers.get("anthropic")!;
  assert.equal(anthropic.api, "anthropic-messages");
  assert.equal(anthropic.baseUrl, "https://api.anthropic.com/v1");
  assert.equal(anthropic.auth.source, "missing");
  assert.equal(anthropic.auth.envVar, "ANTHROPIC_API_KEY");
  assert.equal(catalog.providers.get("ollama")!.auth.source, "none");
  assert.equal(catalog.providers.get("openai")!.api, "openai-responses");
  assert.equal(catalog.providers.get("groq")!.baseUrl, "https://api.groq.com/openai/v1");
  assert.ok(catalog.cliBackends.has("claude-cli") && catalog.cliBackends.has("codex-cli"));
});

Deno.test("resolveCatalog() reads provider keys from their environment variables", async () => {
  const catalog = await resolveCatalog({}, { OPENROUTER_API_KEY: "sk-or-x", GROQ_API_KEY: "" });
  const or = catalog.providers.get("openrouter")!;
  assert.equal(or.auth.source, "env");
  assert.equal(or.auth.apiKey, "sk-or-x");
  assert.equal(catalog.providers.get("groq")!.auth.source, "missing");
});

Deno.test("resolveCatalog() merge: the seed's lmstudio block overrides and extends the built-in", async () => {
  const catalog = await resolveCatalog(LMSTUDIO_SEED, {});
  const lm = catalog.providers.get("lmstudio")!;
  assert.equal(lm.origin, "merged");
  assert.equal(lm.api, "openai-responses");
  assert.equal(lm.auth.source, "config");
  const ids = lm.models.map((m) => m.id);
  assert.ok(ids.includes("minimax-m2.5-gs32"));
  assert.ok(ids.includes(BUILTIN_PROVIDERS.lmstudio.models[0].id), "built-in model kept");
  const m = lm.models.find((x) => x.id === "minimax-m2.5-gs32")!;
  assert.equal(m.api, "openai-responses", "model inherits the provider api");
  assert.equal(m.contextWindow, 196608);
  assert.ok(catalog.providers.has("anthropic"), "other built-ins stay");
});

Deno.test("resolveCatalog() merge: a configured model overrides a built-in model field by field", async () => {
  const catalog = await resolveCatalog({
    models: {
      providers: {
        anthropic: {
          baseUrl: "http://127.0.0.1:9/v1",
          models: [{ id: "claude-sonnet-4-5", maxTokens: 1000, cost: { input: 1 } }],
        },
      },
    },
  }, { ANTHROPIC_API_KEY: "sk-ant" });
  const p = catalog.providers.get("anthropic")!;
  assert.equal(p.baseUrl, "http://127.0.0.1:9/v1");
  assert.equal(p.auth.source, "env", "a built-in id keeps its key variable");
  const m = p.models.find((x) => x.id === "claude-sonnet-4-5")!;
  assert.equal(m.maxTokens, 1000);
  assert.equal(m.contextWindow, 200_000);
  assert.deepEqual(m.cost, { input: 1, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
});

Deno.test("resolveCatalog() replace: only configured providers exist", async () => {
  const catalog = await resolveCatalog({
    ...LMSTUDIO_SEED,
    models: { ...LMSTUDIO_SEED.models, mode: "replace" },
  }, {});
  assert.deepEqual([...catalog.providers.keys()], ["lmstudio"]);
  assert.deepEqual(catalog.providers.get("lmstudio")!.models.map((m) => m.id), [
    "minimax-m2.5-gs32",
  ]);
  assert.equal(catalog.providers.get("lmstudio")!.origin, "config");
});

Deno.test("resolveCatalog() requires baseUrl for a custom provider and names the field", async () => {
  await assert.rejects(
    () => resolveCatalog({ models: { providers: { myproxy: { api: "openai-completions" } } } }, {}),
    (err: unknown) => {
      assert.ok(err instanceof OpenClawError);
      assert.equal(err.code, "MODEL_PROVIDER_INVALID");
      assert.match(err.message, /models\.providers\.myproxy\.baseUrl/);
      return true;
    },
  );
});

Deno.test("resolveCatalog() resolves SecretRef keys through the caller's resolver", async () => {
  const ref = { source: "env" as const, provider: "default", id: "MY_KEY" };
  const config = {
    models: {
      providers: { custom: { baseUrl: "http://x/v1", apiKey: ref, headers: { "x-team": ref } } },
    },
  };
  const without = await resolveCatalog(config, {});
  assert.equal(without.providers.get("custom")!.auth.source, "ref");
  assert.equal(without.providers.get("custom")!.auth.resolved, false);
  assert.equal(without.warnings.length, 1);
  const withResolver = await resolveCatalog(config, {}, {
    resolveSecret: envSecretResolver({ MY_KEY: "secret" }),
  });
  const custom = withResolver.providers.get("custom")!;
  assert.equal(custom.auth.apiKey, "secret");
  assert.deepEqual(custom.headers, { "x-team": "secret" });
  const failing = await resolveCatalog(config, {}, {
    resolveSecret: () => {
      throw new Error("vault sealed");
    },
  });
  assert.equal(failing.providers.get("custom")!.auth.error, "vault sealed");
});

Deno.test("resolveCatalog() honours authHeader and keeps custom providers without a key keyless", async () => {
  const catalog = await resolveCatalog({
    models: {
      providers: {
        minimax: {
          baseUrl: "https://api.minimax.io/anthropic",
          api: "anthropic-messages",
          apiKey: "k",
          authHeader: true,
        },
        vllm: { baseUrl: "http://127.0.0.1:8000/v1/" },
      },
    },
  }, {});
  assert.equal(catalog.providers.get("minimax")!.auth.bearer, true);
  const vllm = catalog.providers.get("vllm")!;
  assert.equal(vllm.auth.source, "none");
  assert.equal(vllm.api, "openai-completions");
  assert.equal(vllm.baseUrl, "http://127.0.0.1:8000/v1", "trailing slash dropped");
});

Deno.test("findCatalogModel() fills defaults for an unlisted model and rejects an unknown provider", async () => {
  const catalog = await resolveCatalog({}, {});
  const { model } = findCatalogModel(catalog, { provider: "anthropic", model: "claude-future-9" });
  assert.equal(model.known, false);
  assert.equal(model.api, "anthropic-messages");
  assert.throws(
    () => findCatalogModel(catalog, { provider: "nope", model: "x" }),
    (err: unknown) =>
      err instanceof OpenClawError && err.code === "MODEL_PROVIDER_UNKNOWN" &&
      /Unknown model provider "nope"/.test(err.message) &&
      /models\.providers\.nope/.test(err.hint ?? ""),
  );
});

Deno.test("resolveCatalog() merges cliBackends overrides and validates their fields", async () => {
  const catalog = await resolveCatalog({
    agents: { defaults: { cliBackends: { "claude-cli": { command: "/opt/bin/claude" } } } },
  }, {});
  const claude = catalog.cliBackends.get("claude-cli")!;
  assert.equal(claude.command, "/opt/bin/claude");
  assert.deepEqual(claude.args, ["-p", "--output-format", "json"]);
  await assert.rejects(
    () =>
      resolveCatalog({ agents: { defaults: { cliBackends: { "my-cli": { args: ["x"] } } } } }, {}),
    /agents\.defaults\.cliBackends\.my-cli\.command/,
  );
  await assert.rejects(
    () =>
      resolveCatalog(
        { agents: { defaults: { cliBackends: { "codex-cli": { output: "xml" } } } } },
        {},
      ),
    /cliBackends\.codex-cli\.output: expected one of "json", "jsonl", "text"/,
  );
});
