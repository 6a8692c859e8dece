import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  chainRefs,
  DEFAULT_MODEL_REF,
  formatModelRef,
  isCliModelRef,
  parseModelRef,
  resolveCatalog,
  resolveDefaultAgentId,
  resolveModelChain,
} from "../../../lib/models/mod.ts";

function hasCode(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof OpenClawError, String(err));
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  };
}

Deno.test("parseModelRef() splits at the first slash", () => {
  assert.deepEqual(parseModelRef("anthropic/claude-opus-4-6"), {
    provider: "anthropic",
    model: "claude-opus-4-6",
  });
  assert.deepEqual(parseModelRef(" OpenRouter/anthropic/claude-sonnet-4.5 "), {
    provider: "openrouter",
    model: "anthropic/claude-sonnet-4.5",
  });
  assert.equal(formatModelRef(parseModelRef("claude-cli/opus-4.6")), "claude-cli/opus-4.6");
});

Deno.test("parseModelRef() rejects empty and half refs", () => {
  assert.throws(() => parseModelRef(""), hasCode("MODEL_REF_INVALID", /empty/));
  assert.throws(() => parseModelRef("/x"), hasCode("MODEL_REF_INVALID", /"\/x"/));
  assert.throws(() => parseModelRef("anthropic/"), hasCode("MODEL_REF_INVALID"));
  assert.throws(() => parseModelRef("gpt-5"), hasCode("MODEL_REF_INVALID", /"provider\/model"/));
});

Deno.test("parseModelRef() resolves a bare id to its unique provider, configured first", async () => {
  const catalog = await resolveCatalog({
    models: {
      providers: {
        lmstudio: { baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "minimax-m2.5-gs32" }] },
        proxy: { baseUrl: "http://127.0.0.1:9/v1", models: [{ id: "gpt-5" }] },
      },
    },
  }, {});
  assert.deepEqual(parseModelRef("minimax-m2.5-gs32", catalog), {
    provider: "lmstudio",
    model: "minimax-m2.5-gs32",
  });
  assert.deepEqual(parseModelRef("gpt-5", catalog), { provider: "proxy", model: "gpt-5" });
  assert.deepEqual(parseModelRef("claude-haiku-4-5", catalog), {
    provider: "anthropic",
    model: "claude-haiku-4-5",
  });
  assert.throws(
    () => parseModelRef("no-such-model", catalog),
    hasCode("MODEL_REF_UNKNOWN", /Unknown model "no-such-model"/),
  );
});

Deno.test("parseModelRef() reports an ambiguous bare id with the candidates", async () => {
  const catalog = await resolveCatalog({
    models: {
      providers: {
        a: { baseUrl: "http://a/v1", models: [{ id: "same" }] },
        b: { baseUrl: "http://b/v1", models: [{ id: "same" }] },
      },
    },
  }, {});
  assert.throws(
    () => parseModelRef("same", catalog),
    hasCode("MODEL_REF_AMBIGUOUS", /a\/same, b\/same/),
  );
});

Deno.test("parseModelRef() resolves aliases from agents.defaults.models", async () => {
  const catalog = await resolveCatalog({
    agents: { defaults: { models: { "anthropic/claude-opus-4-6": { alias: "Opus" } } } },
  }, {});
  assert.deepEqual(parseModelRef("opus", catalog), {
    provider: "anthropic",
    model: "claude-opus-4-6",
  });
  assert.ok(isCliModelRef(parseModelRef("claude-cli/opus-4.6", catalog), catalog));
  assert.ok(!isCliModelRef(parseModelRef("opus", catalog), catalog));
});

Deno.test("resolveModelChain() prefers the agent, then defaults, then the legacy agent block", () => {
  const config = {
    agent: { model: { primary: "lmstudio/legacy", fallbacks: ["x/legacy-fb"] } },
    agents: {
      defaults: {
        model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["claude-cli/opus-4.6"] },
      },
      list: [
        { id: "main" },
        { id: "ops", default: true, model: "openai/gpt-5" },
        { id: "beta", model: { primary: "groq/llama-3.3-70b-versatile", fallbacks: [] } },
      ],
    },
  };
  assert.equal(resolveDefaultAgentId(config), "ops");
  assert.deepEqual(resolveModelChain(config), {
    agentId: "ops",
    primary: "openai/gpt-5",
    fallbacks: ["claude-cli/opus-4.6"],
    source: "agent",
  });
  assert.deepEqual(resolveModelChain(config, "main"), {
    agentId: "main",
    primary: "anthropic/claude-opus-4-6",
    fallbacks: ["claude-cli/opus-4.6"],
    source: "defaults",
  });
  assert.deepEqual(resolveModelChain(config, "beta").fallbacks, [], "an explicit empty list wins");
  assert.deepEqual(resolveModelChain({ agent: config.agent }), {
    agentId: "main",
    primary: "lmstudio/legacy",
    fallbacks: ["x/legacy-fb"],
    source: "legacy",
  });
  assert.deepEqual(
    resolveModelChain({ agent: { model: "lmstudio/minimax-m2.5-gs32" } }).primary,
    "lmstudio/minimax-m2.5-gs32",
  );
});

Deno.test("resolveModelChain() falls back to the built-in default and rejects unknown agents", () => {
  assert.deepEqual(resolveModelChain({}), {
    agentId: "main",
    primary: DEFAULT_MODEL_REF,
    fallbacks: [],
    source: "builtin",
  });
  assert.equal(resolveModelChain({}, "main").agentId, "main");
  assert.throws(
    () => resolveModelChain({ agents: { list: [{ id: "main" }] } }, "ghost"),
    hasCode("AGENT_UNKNOWN", /Unknown agent "ghost": known agents are main/),
  );
});

Deno.test("chainRefs() lists primary then fallbacks without repeats", () => {
  assert.deepEqual(chainRefs({ primary: "a/x", fallbacks: ["b/y", "a/x", "c/z", "b/y"] }), [
    "a/x",
    "b/y",
    "c/z",
  ]);
});
