import assert from "node:assert/strict";
import { thinkingProviderOptions } from "../../../lib/agent/thinking.ts";

const model = (api: string, reasoning = true, maxTokens = 64_000) => ({
  api,
  reasoning,
  maxTokens,
});

Deno.test("thinkingProviderOptions() sends nothing for off, no level, or non-reasoning models", () => {
  assert.equal(thinkingProviderOptions("off", model("anthropic-messages")), undefined);
  assert.equal(thinkingProviderOptions(undefined, model("anthropic-messages")), undefined);
  assert.equal(thinkingProviderOptions("high", model("anthropic-messages", false)), undefined);
});

Deno.test("thinkingProviderOptions() maps levels to an Anthropic budget below max_tokens", () => {
  assert.deepEqual(thinkingProviderOptions("medium", model("anthropic-messages")), {
    anthropic: { thinking: { type: "enabled", budgetTokens: 8192 } },
  });
  assert.deepEqual(thinkingProviderOptions("xhigh", model("anthropic-messages", true, 20_000)), {
    anthropic: { thinking: { type: "enabled", budgetTokens: 19_999 } },
  });
  assert.equal(thinkingProviderOptions("low", model("anthropic-messages", true, 1000)), undefined);
});

Deno.test("thinkingProviderOptions() maps levels to OpenAI reasoning effort", () => {
  assert.deepEqual(thinkingProviderOptions("minimal", model("openai-responses")), {
    openai: { reasoningEffort: "minimal", forceReasoning: true },
  });
  assert.deepEqual(thinkingProviderOptions("minimal", model("openai-completions")), {
    openaiCompatible: { reasoningEffort: "low" },
  });
  assert.equal(thinkingProviderOptions("high", model("google-generative-ai")), undefined);
});
